"""Fixtures: each test runs twice, on its own migrated SQLite file and on its own
migrated PostgreSQL database, each with its own app.

The schema is migrated once per session into a template (a file; a PostgreSQL
template database), which every test then copies: the migrations run for real,
but only once a backend. The PostgreSQL server comes from TEST_DATABASE_URL
(see ``postgresql_server_url``). Most tests talk to the app in process through
httpx's ASGI transport (async tests, run by anyio's pytest plugin);
test_server.py talks to a real uvicorn over HTTP.
"""

import itertools
import shutil
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from main import create_app
from src.core.config import Settings
from src.db.migrate import upgrade
from tests.support import (
    BACKENDS,
    DEFAULT_PASSWORD,
    STARTUP_TIMEOUT,
    STOP_TIMEOUT,
    Account,
    MakeAccount,
    PostgresDatabases,
    asgi_client,
    make_settings,
    postgresql_server_url,
    sqlite_url,
)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(sqlite_url(path))
    return path


@pytest.fixture(scope="session")
def postgresql() -> Iterator[PostgresDatabases]:
    """The PostgreSQL server's throwaway databases; fails in CI, skips elsewhere, without one."""
    yield PostgresDatabases(postgresql_server_url())


@pytest.fixture(scope="session")
def postgresql_template(postgresql: PostgresDatabases) -> Iterator[str]:
    name = postgresql.create()
    upgrade(postgresql.url_of(name))
    yield name
    postgresql.drop(name)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated database of its own for one test, on each backend in turn."""
    if request.param == "sqlite":
        path = tmp_path / "app.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield sqlite_url(path)
        return
    postgresql: PostgresDatabases = request.getfixturevalue("postgresql")
    name = postgresql.create(template=request.getfixturevalue("postgresql_template"))
    yield postgresql.url_of(name)
    postgresql.drop(name)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(app) as http:
        yield http


@pytest.fixture
def make_account(client: httpx.AsyncClient) -> MakeAccount:
    """Register a user through the API, log in, and return its credentials."""
    numbers = itertools.count(1)

    async def make(
        email: str | None = None, password: str = DEFAULT_PASSWORD, name: str = "Ada Lovelace"
    ) -> Account:
        email = email or f"user{next(numbers)}@example.com"
        created = await client.post(
            "/api/v1/auth/register", json={"email": email, "name": name, "password": password}
        )
        assert created.status_code == 201, created.text
        login = await client.post(
            "/api/v1/auth/login", data={"username": email, "password": password}
        )
        assert login.status_code == 200, login.text
        return Account(created.json()["id"], email, password, login.json()["access_token"])

    return make


@pytest.fixture
def live_server(database_url: str) -> Iterator[str]:
    """The app under uvicorn in a thread, on a socket bound to a free loopback port."""
    app = create_app(make_settings(database_url))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not server.started:
            assert thread.is_alive(), "uvicorn stopped during startup"
            assert time.monotonic() < deadline, "uvicorn did not start in time"
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(STOP_TIMEOUT)
        listener.close()
        assert not thread.is_alive(), "uvicorn did not stop"
