"""CLI of SPEC §12: seed-demo, create-user, create-token, db upgrade matching the models."""

from sqlalchemy import select

from app.models import User


def test_seed_demo_prints_logins_once(runner, db):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "CẢNH BÁO: tạo tài khoản demo với mật khẩu công khai" in first.stderr
    assert "admin / LanToa2026 / admin" in first.output
    assert "coso / LanToa2026 / commune / Phường Hồng Bàng (11311)" in first.output
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "LanToa2026" not in second.output
    roles = dict(db.session.execute(select(User.username, User.role)).all())
    assert roles == {"admin": "admin", "thanhpho": "city", "coso": "commune", "xem": "viewer",
                     "cq_noivu": "agency", "cq_phunu": "agency", "cq_baodai": "agency", "cq_bhxh": "agency"}


def test_create_user_and_token(runner, client, db):
    result = runner.invoke(args=["create-user", "canbo.hb", "--role", "commune", "--commune", "11311",
                                 "--password", "Matkhau123"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["create-token", "canbo.hb"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    response = client.get("/api/v1/communes", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and len(response.get_json()) == 114


def test_create_user_refuses_commune_for_city_role(runner, db):
    result = runner.invoke(args=["create-user", "tp1", "--role", "city", "--commune", "11311", "--password", "Matkhau123"])
    assert result.exit_code != 0
    assert db.session.scalar(select(User).where(User.username == "tp1")) is None


def test_create_user_needs_existing_commune(runner, db):
    result = runner.invoke(args=["create-user", "cs1", "--role", "commune", "--commune", "00000", "--password", "Matkhau123"])
    assert result.exit_code != 0


def test_create_user_password_prompt(runner, db):
    result = runner.invoke(args=["create-user", "tp2", "--role", "city"], input="Matkhau123\nMatkhau123\n")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User).where(User.username == "tp2")).check_password("Matkhau123")


def test_migrations_match_the_models(app, db):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == []
