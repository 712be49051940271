"""GET /api/v1/emulation: duties from the compliance engine as of the date, tasks from the task register as of the
date, targets from the stored figures."""

from datetime import date

from sqlalchemy import select

from app.models import Campaign
from tests import factories

TARGET = {"code": "11311", "year": 2026, "bhxh_bat_buoc": 10_000, "bhxh_tu_nguyen": 1_000, "bhyt_rate": 95}
JUNE = {"code": "11311", "month": "2026-06", "bhxh_bat_buoc": 5_000, "bhxh_tu_nguyen": 1_200, "bhyt_rate": 76}


def test_the_ranking_replays_the_engine_and_the_actuals_known_on_the_date(client, db, make_user, api_token):
    city, commune = api_token(make_user("city", username="e_city")), api_token(make_user("commune", username="e_c"))
    assert client.put("/api/v1/targets/communes", json=[TARGET], headers=city).status_code == 200
    july = {**JUNE, "month": "2026-07", "bhxh_bat_buoc": 10_000, "bhxh_tu_nguyen": 1_000, "bhyt_rate": 95}
    assert client.put("/api/v1/actuals/communes", json=[JUNE, july], headers=city).status_code == 200
    bhyt_day = db.session.scalar(select(Campaign).where(Campaign.slug == "bhyt-day-2026"))
    factories.activity("fair", date(2026, 7, 1), "held")  # duties 2 and 3 of bhyt-day-2026, on time
    factories.submission(bhyt_day, on=date(2026, 7, 5))  # its report (duty 9), on time

    late = client.get("/api/v1/emulation?year=2026&as_of=2026-07-20", headers=city).get_json()
    first = late[0]
    # duties: 3 on time of the 9 of bhyt-day-2026 (Hải Phòng's only 2026 campaign), all due on 20/7 = 33.33 %
    # tasks led by every commune (plan phat-trien-bhxh-2026-2030), due by 20/7: I.1 (Q II), I.3 (January), I.5
    # (Q I, Q II, due 10/4 and 10/7), II.5, III.5 and III.11 (first half, to 20/6) overdue or late, III.11's
    # second half done by the fair: 2 completed (III.11 twice, the first late) of 8 = 25 %
    # targets (the July actuals are not closed on 20/7, June's count): (0.5 + 1 + 76/95) / 3 = 76.67 %
    # score: 0.4·33.333 + 0.2·25 + 0.4·76.667 = 13.333 + 5 + 30.667 = 49
    assert first == {"code": "11311", "name": "Phường Hồng Bàng", "score": 49.0, "rank": 1,
                     "parts": {"duties": 33.33, "tasks": 25.0, "targets": 76.67}}
    assert {row["rank"] for row in late[1:]} == {2} and all(row["score"] == 0 for row in late[1:])

    early = client.get("/api/v1/emulation?year=2026&as_of=2026-07-02", headers=city).get_json()[0]
    # 2/7: due are duty 1 (closed 29/6, overdue) and duties 2, 3 (done by the fair); the report is not due yet:
    # 2 of 3 = 66.67 %; tasks: I.5 of Q II is not due before 10/7: 2 of 7 = 28.57 %;
    # score 0.4·66.667 + 0.2·28.571 + 0.4·76.667 = 26.667 + 5.714 + 30.667 = 63.05
    assert early == {"code": "11311", "name": "Phường Hồng Bàng", "score": 63.05, "rank": 1,
                     "parts": {"duties": 66.67, "tasks": 28.57, "targets": 76.67}}
    before = next(row for row in client.get("/api/v1/emulation?year=2026&as_of=2026-06-10", headers=city).get_json()
                  if row["code"] == "11311")
    # 10/6: no campaign begun, no month closed (no actual yet: no targets part, as the list's "Chưa có số liệu");
    # tasks I.3 (January) and I.5 (Q I) overdue
    assert before["parts"] == {"duties": None, "tasks": 0.0, "targets": None}

    own = client.get("/api/v1/emulation?year=2026&as_of=2026-07-20", headers=commune).get_json()
    assert [(row["code"], row["rank"]) for row in own] == [("11311", 1)]


def test_a_commune_without_any_actual_is_scored_on_its_other_parts(client, db, make_user, api_token):
    city = api_token(make_user("city", username="e_city2"))
    assert client.put("/api/v1/targets/communes", json=[TARGET], headers=city).status_code == 200  # no actual
    bhyt_day = db.session.scalar(select(Campaign).where(Campaign.slug == "bhyt-day-2026"))
    factories.activity("fair", date(2026, 7, 1), "held")
    factories.submission(bhyt_day, on=date(2026, 7, 5))
    first = client.get("/api/v1/emulation?year=2026&as_of=2026-07-20", headers=city).get_json()[0]
    # duties 33.33 %, tasks 25 % as above, no targets part: (0.4·33.333 + 0.2·25) / 0.6 = 18.333 / 0.6 = 30.56
    assert first == {"code": "11311", "name": "Phường Hồng Bàng", "score": 30.56, "rank": 1,
                     "parts": {"duties": 33.33, "tasks": 25.0, "targets": None}}


def test_as_of_is_read_as_dd_mm_yyyy_or_iso_and_a_bad_one_is_named(client, make_user, api_token):
    headers = api_token(make_user("viewer", username="e_v"))
    iso = client.get("/api/v1/emulation?year=2026&as_of=2026-06-30", headers=headers)
    typed = client.get("/api/v1/emulation?year=2026&as_of=30/06/2026", headers=headers)
    assert iso.status_code == typed.status_code == 200 and iso.get_json() == typed.get_json()
    response = client.get("/api/v1/emulation?year=1999&as_of=31/02/2026", headers=headers)
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"year", "as_of"}
    only_date = client.get("/api/v1/emulation?as_of=2026-13-01", headers=headers).get_json()
    assert only_date["error"]["fields"] == {"as_of": "Ngày không hợp lệ (dd/mm/yyyy)."}
