"""Engine and session factories. Nothing here runs at import time: the app's
lifespan and the migration environment build their own engine from a URL."""

from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


def create_engine(database_url: str) -> AsyncEngine:
    """Build an async engine; for an SQLite file, create its folder first."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    # hide_parameters: a failed statement's message (which servers log) names its
    # SQL but never its values, such as a password hash.
    return create_async_engine(url, pool_pre_ping=True, hide_parameters=True)


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded values after commit, so handlers can return them."""
    return async_sessionmaker(engine, expire_on_commit=False)
