"""The page at /ui/ (off by default, its own origin only) and the security headers
on every response (issue 17, finding 4 and part of 7)."""

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from main import create_app
from src.core.config import Settings
from tests.support import DEFAULT_PASSWORD, MakeAccount, asgi_client, make_settings

pytestmark = pytest.mark.anyio

STRICT = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
PAGE = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
COMMON = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
}


def assert_security_headers(response: httpx.Response, policy: str) -> None:
    assert {name: response.headers.get(name) for name in COMMON} == COMMON
    assert response.headers["content-security-policy"] == policy


async def test_the_page_is_off_by_default(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SERVE_FRONTEND", raising=False)
    settings = Settings(environment="test", database_url=database_url)

    async with asgi_client(create_app(settings)) as http:
        response = await http.get("/ui/")

    assert settings.serve_frontend is False
    assert response.status_code == 404


@pytest.fixture
async def page_client(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(make_settings(database_url, serve_frontend=True))
    async with asgi_client(app) as http:
        yield http


async def test_the_page_talks_only_to_its_own_origin(page_client: httpx.AsyncClient) -> None:
    page = await page_client.get("/ui/")
    script = await page_client.get("/ui/app.js")
    style = await page_client.get("/ui/styles.css")

    assert (page.status_code, script.status_code, style.status_code) == (200, 200, 200)
    assert "<title>Sample Service</title>" in page.text
    for response in (page, script, style):
        assert_security_headers(response, PAGE)
    # No other origin can be named: no query parameter is read, fetch takes paths.
    assert "location.search" not in script.text
    assert "URLSearchParams(location" not in script.text
    assert "fetch(path," in script.text
    assert '"/api/v1/auth/login"' in script.text


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/health", 200),
        ("GET", "/api/v1/users/me", 401),
        ("GET", "/api/openapi.json", 200),
        ("GET", "/nowhere", 404),
        ("POST", "/api/v1/auth/register", 422),
        ("GET", "/ui-not-the-page", 404),
    ],
)
async def test_every_other_response_has_the_strict_policy(
    client: httpx.AsyncClient, method: str, path: str, status: int
) -> None:
    response = await client.request(method, path)

    assert response.status_code == status
    assert_security_headers(response, STRICT)


@pytest.mark.parametrize("path", ["/api/docs", "/api/redoc"])
async def test_the_docs_may_load_their_cdn_scripts(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)

    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    assert "script-src 'self' https://cdn.jsdelivr.net 'unsafe-inline'" in policy
    assert "connect-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


async def test_an_unhandled_error_still_has_the_headers(app: FastAPI) -> None:
    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("boom")

    async with asgi_client(app, raise_app_exceptions=False) as http:
        response = await http.get("/boom")

    assert response.status_code == 500
    assert_security_headers(response, STRICT)


async def test_a_token_response_is_never_cached(
    client: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    account = await make_account()

    response = await client.post(
        "/api/v1/auth/login", data={"username": account.email, "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["pragma"] == "no-cache"
