"""Results at activities (SPEC §16): enrolments at every direct kind, books and cards given at every kind."""

from app.domain.kinds import DIRECT_KINDS, KINDS, clean_results


def test_every_direct_kind_records_new_bhyt_and_new_bhxh_and_every_kind_books_and_cards():
    assert set(DIRECT_KINDS) == {"fair", "communication_point", "conference", "small_group", "integrated"}
    for code, kind in KINDS.items():
        keys = [f.key for f in kind.results]
        assert {"donated_books", "donated_cards"} <= set(keys), code
        assert ({"new_bhyt", "new_bhxh"} <= set(keys)) == (code in DIRECT_KINDS), code


def test_results_stored_before_the_new_fields_are_still_valid_as_they_were():
    # results are a JSON column: no migration touches them; yesterday's conference and radio results still clean
    for kind, stored in (("conference", {"extra_attendees": 40, "questions": 12}),
                         ("radio", {"broadcasts": 3, "minutes": 45}),
                         ("small_group", {"households": 9})):
        assert clean_results(kind, stored, held=True) == (stored, {})
    clean, errors = clean_results("conference", {"new_bhxh": 3, "donated_cards": -1}, held=False)
    assert clean == {"new_bhxh": 3} and set(errors) == {"donated_cards"}
