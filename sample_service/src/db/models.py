"""Tables of the service."""

from datetime import datetime

from sqlalchemy import Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from src.db.base import Base
from src.db.types import UTCDateTime
from src.utils.time import utcnow

__all__ = ["Base", "User"]  # Base too: importing it from here registers the tables

# The largest id PostgreSQL's integer column holds (SQLite's is wider); no id or
# offset the API accepts is larger.
MAX_ID = 2**31 - 1
EMAIL_MAX_LENGTH = 254
NAME_MAX_LENGTH = 100


class User(Base):
    __tablename__ = "users"
    # Never reuse a deleted user's id (SQLite would, without AUTOINCREMENT):
    # an unexpired token of the deleted user would otherwise name the next one.
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX_LENGTH), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH))
    hashed_password: Mapped[str] = mapped_column(String(255))
    # Every token carries the version it was issued at; changing the e-mail or the
    # password raises it, which refuses all tokens issued before.
    token_version: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
