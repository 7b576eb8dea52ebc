"""The API on another database server, when TEST_DATABASE_URL names one.

For example TEST_DATABASE_URL=postgresql+asyncpg://user:pw@127.0.0.1:5432/scratch:
a scratch database whose schema this test drops and recreates.
"""

import os
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from main import create_app
from src.db.migrate import downgrade, upgrade
from tests.support import DEFAULT_PASSWORD, asgi_client, make_settings

EXTERNAL_URL = os.environ.get("TEST_DATABASE_URL")

pytestmark = pytest.mark.skipif(not EXTERNAL_URL, reason="TEST_DATABASE_URL is not set")


@pytest.fixture
def external_database() -> Iterator[str]:
    assert EXTERNAL_URL
    downgrade(EXTERNAL_URL)
    upgrade(EXTERNAL_URL)
    yield EXTERNAL_URL
    downgrade(EXTERNAL_URL)


@pytest.mark.anyio
async def test_register_login_update_and_delete(external_database: str) -> None:
    async with asgi_client(create_app(make_settings(external_database))) as http:
        assert (await http.get("/health")).json() == {"status": "healthy"}
        body = {"email": "pg@example.com", "name": "Postgres", "password": DEFAULT_PASSWORD}
        created = await http.post("/api/v1/auth/register", json=body)
        duplicate = await http.post(
            "/api/v1/auth/register", json=body | {"email": "PG@example.com"}
        )
        login = await http.post(
            "/api/v1/auth/login", data={"username": "pg@example.com", "password": DEFAULT_PASSWORD}
        )
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        user_id = created.json()["id"]
        updated = await http.put(f"/api/v1/users/{user_id}", json={"name": "PG"}, headers=headers)
        deleted = await http.delete(f"/api/v1/users/{user_id}", headers=headers)
        after = await http.get("/api/v1/users/me", headers=headers)

    assert created.status_code == 201
    assert datetime.fromisoformat(created.json()["created_at"]).utcoffset() == timedelta(0)
    assert duplicate.status_code == 409
    assert login.status_code == 200
    assert updated.json()["name"] == "PG"
    assert datetime.fromisoformat(updated.json()["updated_at"]) > datetime.fromisoformat(
        created.json()["updated_at"]
    )
    assert deleted.status_code == 204
    assert after.status_code == 401
