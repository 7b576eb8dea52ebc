"""One clock for the whole service: timezone-aware UTC, never naive."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Return the current time as an aware datetime in UTC."""
    return datetime.now(UTC)
