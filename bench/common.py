"""Set-up shared by the benchmarks: a throwaway SQLite app with the city seeded and a city user."""

import tempfile


def bench_app(prefix: str):
    """An app on a fresh SQLite file, migrated and seeded, with a city user `bench`; returns (app, user id)."""
    from flask_migrate import upgrade

    from app import create_app
    from app.admin.services import create_user
    from app.extensions import db
    from app.seeding import seed

    tmp = tempfile.mkdtemp(prefix=prefix)
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp}/bench.db", UPLOAD_DIR=tmp)
    with app.app_context():
        upgrade()
        seed("haiphong")
        user = create_user("bench", "city", "Matkhau123", None, "Bench")
        db.session.commit()
        return app, user.id


def activity_row(i: int, start, commune_id, kind: str, status: str = "planned", results: dict | None = None) -> dict:
    """One activity as a bulk-insert row (two hours long, dated by its start)."""
    from datetime import timedelta

    return {"commune_id": commune_id, "kind": kind, "title": f"Hoạt động số {i}", "start_at": start,
            "end_at": start + timedelta(hours=2), "evidence_date": start.date(), "venue": "Nhà văn hóa",
            "organiser": "", "partners": [], "audiences": [1], "messages": [4], "status": status,
            "results": results or {}, "links": [], "notes": "", "created_at": start, "updated_at": start}
