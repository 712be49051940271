"""Seeding the official commune lists; the communes page and API."""

from sqlalchemy import func, select

from app.models import Audience, Commune, Message


def _count_by_kind(db):
    return dict(db.session.execute(select(Commune.kind, func.count()).group_by(Commune.kind)).all())


def test_seed_twice_gives_114_haiphong_communes(runner, db):
    for _ in range(2):
        result = runner.invoke(args=["seed"])
        assert result.exit_code == 0, result.output
        assert "114" in result.output
    assert _count_by_kind(db) == {"phuong": 45, "xa": 67, "dac_khu": 2}
    assert db.session.scalar(select(Commune.name).where(Commune.code == "11948")) == "Đặc khu Bạch Long Vĩ"


def test_reference_data_has_6_audiences_and_19_messages(db):
    assert db.session.scalar(select(func.count()).select_from(Audience)) == 6
    assert db.session.scalar(select(func.count()).select_from(Message)) == 19
    assert db.session.get(Message, 4).text == "Bảo hiểm y tế toàn dân - Nền tảng an sinh bền vững."


def test_hanoi_by_configuration_alone(tmp_path):
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.seeding import seed

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'hn.db'}", CITY="hanoi")
    with app.app_context():
        upgrade()
        for _ in range(2):
            result = seed("hanoi")
            db.session.commit()
        assert result == {"city": "Thành phố Hà Nội", "communes": 126}
        kinds = dict(db.session.execute(select(Commune.kind, func.count()).group_by(Commune.kind)).all())
        assert kinds == {"phuong": 51, "xa": 75}
        assert db.session.scalar(select(Commune.name).where(Commune.code == "00226")) == "Phường Văn Miếu - Quốc Tử Giám"
        from app.models import City

        assert db.session.scalar(select(City.lead_office)) == "Bảo hiểm xã hội khu vực I"
        db.session.remove()
        db.engine.dispose()


def test_communes_page_counts_and_filters(client, make_user, login):
    login(make_user("city"))
    page = client.get("/communes").get_data(as_text=True)
    assert 'data-total>114<' in page and 'data-count="phuong">45<' in page and 'data-count="dac_khu">2<' in page
    filtered = client.get("/communes?kind=dac_khu").get_data(as_text=True)
    assert filtered.count("data-commune=") == 2 and "Đặc khu Cát Hải" in filtered
    search = client.get("/communes?q=Cẩm Gi").get_data(as_text=True)
    assert "Xã Cẩm Giang" in search and "Xã Cẩm Giàng" in search


def test_api_communes_needs_a_token(client, make_user, api_token):
    response = client.get("/api/v1/communes")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    bad = client.get("/api/v1/communes", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401
    headers = api_token(make_user("viewer"))
    body = client.get("/api/v1/communes", headers=headers).get_json()
    assert len(body) == 114
    assert {"code": "11948", "name": "Đặc khu Bạch Long Vĩ", "kind": "dac_khu"} in body


def test_api_token_of_deactivated_user_is_refused(client, make_user, api_token, db):
    user = make_user("city")
    headers = api_token(user)
    user.active = False
    db.session.commit()
    assert client.get("/api/v1/communes", headers=headers).status_code == 401


def test_unknown_api_path_is_json_404(client, make_user, api_token):
    response = client.get("/api/v1/khong-co", headers=api_token(make_user("city")))
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
