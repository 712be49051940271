"""Column types shared by the models."""

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def as_utc(value: datetime) -> datetime:
    """An aware UTC datetime: a naive one is read as UTC (SQLite keeps no offset), an aware one converted."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class UTCDateTime(TypeDecorator):
    """A time-zone-aware datetime stored as UTC; SQLite keeps no offset, so we add it back."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        """Store every datetime as UTC; naive values are refused."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        """Return an aware UTC datetime."""
        return None if value is None else as_utc(value)


def utcnow() -> datetime:
    """Now, aware, in UTC."""
    return datetime.now(UTC)
