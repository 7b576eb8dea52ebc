"""GET /health answers for the service and its database."""

import threading
import time
from pathlib import Path

import anyio
import httpx
import pytest

from main import create_app
from tests.support import asgi_client, make_settings

pytestmark = pytest.mark.anyio


async def test_health_is_healthy_with_a_reachable_database(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "healthy"}


async def _health_of(database_url: str) -> httpx.Response:
    async with asgi_client(create_app(make_settings(database_url))) as http:
        return await http.get("/health")


async def _aiosqlite_threads_finished(timeout: float = 5.0) -> bool:
    """Wait, with this test's loop still running, for aiosqlite's worker threads.

    After a failed connect, aiosqlite stops its thread without awaiting it; the
    thread then reports to the loop, which must not be closed by then.
    """
    deadline = time.monotonic() + timeout
    while any("_connection_worker_thread" in t.name for t in threading.enumerate()):
        if time.monotonic() > deadline:
            return False
        await anyio.sleep(0.01)
    return True


async def test_health_is_503_when_sqlite_cannot_open_the_database(tmp_path: Path) -> None:
    # A folder is not a database file: SQLite fails on connect.
    response = await _health_of(f"sqlite+aiosqlite:///{tmp_path}")
    assert await _aiosqlite_threads_finished()

    assert response.status_code == 503
    assert response.json() == {"status": "unhealthy"}


async def test_health_is_503_when_the_database_server_refuses_connections() -> None:
    # Port 9 (discard) on loopback: nothing listens there, connect is refused.
    response = await _health_of("postgresql+asyncpg://nobody:secret@127.0.0.1:9/none")

    assert response.status_code == 503
    assert response.json() == {"status": "unhealthy"}
