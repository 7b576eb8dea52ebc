"""Helpers shared by the test modules (fixtures live in conftest.py)."""

import asyncio
import itertools
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.engine import make_url

from src.core.config import Settings

STARTUP_TIMEOUT = 20.0  # seconds a server started by a test may take to answer
STOP_TIMEOUT = 10.0
TEST_SECRET_KEY = "a-test-secret-key-that-is-long-enough-0123456789"
DEFAULT_PASSWORD = "correct horse battery"


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


# Every test that takes a database runs on each; PostgreSQL's server is TEST_DATABASE_URL.
BACKENDS = ["sqlite", "postgresql"]
POSTGRESQL_URL_ENV = "TEST_DATABASE_URL"


def postgresql_server_url(environ: dict[str, str] | None = None) -> str:
    """The PostgreSQL server the suite runs its second half on, from TEST_DATABASE_URL.

    Without one, the PostgreSQL tests fail under CI=true (CI must run them) and
    skip elsewhere, each saying why.
    """
    environ = dict(os.environ) if environ is None else environ
    url = environ.get(POSTGRESQL_URL_ENV)
    if url:
        return url
    reason = (
        f"{POSTGRESQL_URL_ENV} is not set, so the suite's PostgreSQL half cannot run; "
        "`. .ci/postgres.sh` starts a throwaway server and sets it"
    )
    if environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI=true: {reason}", pytrace=False)
    pytest.skip(reason)


@dataclass
class PostgresDatabases:
    """Throwaway databases on one PostgreSQL server, made and dropped through ``url``
    (a database its user may connect to; the user must be allowed to create databases).

    Every name starts with this process's id, so two runs can share a server.
    """

    url: str
    prefix: str = field(default_factory=lambda: f"service_test_{os.getpid()}")
    _numbers: "itertools.count[int]" = field(default_factory=lambda: itertools.count(1))

    def url_of(self, name: str) -> str:
        return make_url(self.url).set(database=name).render_as_string(hide_password=False)

    def create(self, template: str | None = None) -> str:
        """A new empty database, or a copy of ``template``; returns its name."""
        name = f"{self.prefix}_{next(self._numbers)}"
        copy = f" TEMPLATE {template} STRATEGY FILE_COPY" if template else ""
        self._execute(f"CREATE DATABASE {name}{copy}")
        return name

    def drop(self, name: str) -> None:
        self._execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def _execute(self, statement: str) -> None:
        dsn = make_url(self.url).set(drivername="postgresql").render_as_string(hide_password=False)

        async def run() -> None:
            connection = await asyncpg.connect(dsn)
            try:
                await connection.execute(statement)
            finally:
                await connection.close()

        asyncio.run(run())


def make_settings(database_url: str, **overrides: Any) -> Settings:
    """Settings for tests: test mode, cheap argon2, a known secret."""
    values: dict[str, Any] = {
        "environment": "test",
        "database_url": database_url,
        "secret_key": TEST_SECRET_KEY,
        "argon2_memory_cost": 1024,
        "argon2_time_cost": 1,
        "argon2_parallelism": 1,
        "cors_origins": ["http://frontend.test"],
    }
    values.update(overrides)
    return Settings(**values)


@asynccontextmanager
async def asgi_client(
    app: FastAPI, *, raise_app_exceptions: bool = True
) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client wired to ``app`` in process, inside the app's lifespan."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=raise_app_exceptions)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


@dataclass(frozen=True)
class Account:
    id: int
    email: str
    password: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


MakeAccount = Callable[..., Awaitable[Account]]
