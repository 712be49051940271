"""A fresh install with CITY=hanoi (SPEC §2, §18, issue 21): its own templates only, none of Hải Phòng's data."""

from datetime import date

import pytest
from sqlalchemy import select

from tests.support import post_form

HAI_PHONG_FIGURES = {1184000, 99000, 1267000, 105000, 1355000, 111000, 1450000, 118000, 1551009, 125000}


@pytest.fixture(scope="module")
def hanoi(tmp_path_factory):
    """An app with CITY=hanoi on its own empty SQLite database, migrated and seeded like `make db`."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.seeding import seed

    path = tmp_path_factory.mktemp("hanoi") / "hn.db"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}", CITY="hanoi")
    with app.app_context():
        upgrade()
        seed("hanoi")
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _user_and_token(app, role):
    from app.admin.services import create_user
    from app.auth.services import issue_token
    from app.extensions import db

    with app.app_context():
        user = create_user(f"hn-{role}", role, "Matkhau123", None, f"Cán bộ {role}")
        raw = issue_token(user)
        db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


def test_a_fresh_ha_noi_install_has_no_hai_phong_campaign_and_no_hai_phong_target(hanoi):
    from app.models import Campaign, Target

    headers = _user_and_token(hanoi, "city")
    client = hanoi.test_client()
    assert client.get("/api/v1/campaigns", headers=headers).get_json() == []
    plans = [p["slug"] for p in client.get("/api/v1/plans", headers=headers).get_json()]
    assert plans == ["tuyen-truyen-2025-hanoi"]  # not Hải Phòng's phat-trien-bhxh-2026-2030
    for year in range(2025, 2031):
        rows = client.get(f"/api/v1/targets/communes?year={year}", headers=headers).get_json()
        assert not HAI_PHONG_FIGURES & {v for r in rows for v in r.values() if isinstance(v, int | float)}, year
    with hanoi.app_context():
        from app.extensions import db

        assert db.session.scalars(select(Campaign.slug)).all() == []
        assert db.session.scalars(select(Target.value)).all() == []
    assert post_form(client, "/login", {"username": "hn-city", "password": "Matkhau123"}).status_code == 302
    dashboard = client.get("/dashboard").get_data(as_text=True)
    targets = client.get("/targets").get_data(as_text=True)
    for page in (dashboard, targets):
        assert 'data-empty="targets"' in page and "Chưa có chỉ tiêu." in page
        assert not any(f"{n:,}".replace(",", ".") in page for n in HAI_PHONG_FIGURES)


def test_ha_noi_may_campaign_names_bhxh_khu_vuc_i(hanoi):
    from app.scheduler.jobs import run_job

    headers = _user_and_token(hanoi, "admin")
    with hanoi.app_context():
        run = run_job("may_campaign", as_of=date(2027, 4, 1))
        assert run.ok and run.result["created"], run.error
    answer = hanoi.test_client().get("/api/v1/campaigns", headers=headers).get_json()
    assert [c["slug"] for c in answer] == ["thang-van-dong-2027"]
    texts = [c["name"] for c in answer] + [t for c in answer for d in c["duties"] for t in (d["text"], d["hint"])]
    assert not any("Bảo hiểm xã hội thành phố" in t or "BHXH thành phố" in t for t in texts)
    assert any("BHXH khu vực I" in t for t in texts)
