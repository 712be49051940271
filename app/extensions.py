"""Flask extensions, created unbound and initialised in the factory."""

import json

from flask.json.provider import DefaultJSONProvider
from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints so that Alembic can alter them on SQLite and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base for every model."""

    metadata = MetaData(naming_convention=NAMING)


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


class StrictJSONProvider(DefaultJSONProvider):
    """Request bodies are standard JSON: NaN/Infinity and nesting deep enough to exhaust the stack are bad input
    (ValueError → 400 from `get_json`), never a 500."""

    def loads(self, s, **kwargs):
        """Parse JSON, refusing the non-standard constants and turning a RecursionError into a ValueError."""
        kwargs.setdefault("parse_constant", _refuse_constant)
        try:
            return json.loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


class Session(FlaskSession):
    """Flask-SQLAlchemy's session, which also honours a `bind` given to the session factory, as SQLAlchemy's own
    does: the tests bind every session of a test (each request has its own) to one connection whose transaction
    they roll back. Without a bind it picks the app's engine, as before."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        """The explicit bind, else the session's own, else the engine of the model's bind key."""
        return super().get_bind(mapper, clause, bind if bind is not None else self.bind, **kwargs)


db = SQLAlchemy(model_class=Base, session_options={"class_": Session})
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
compress = Compress()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
