"""The request-id header on every response, and CORS from the settings."""

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import StreamingResponse

from tests.support import asgi_client

pytestmark = pytest.mark.anyio

GENERATED_ID = re.compile(r"[0-9a-f]{32}")


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/health", 200),
        ("GET", "/api/v1/users/me", 401),
        ("GET", "/nowhere", 404),
        ("POST", "/api/v1/auth/register", 422),
    ],
)
async def test_every_response_gets_a_fresh_request_id(
    client: httpx.AsyncClient, method: str, path: str, status: int
) -> None:
    first = await client.request(method, path)
    second = await client.request(method, path)

    assert first.status_code == status
    assert GENERATED_ID.fullmatch(first.headers["X-Request-ID"])
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]


async def test_a_well_formed_incoming_request_id_is_kept(client: httpx.AsyncClient) -> None:
    response = await client.get("/health", headers={"X-Request-ID": "trace-42.a:b_c"})

    assert response.headers["X-Request-ID"] == "trace-42.a:b_c"


@pytest.mark.parametrize("offered", ["has space", "x" * 129, "semi;colon", "<script>"])
async def test_a_malformed_incoming_request_id_is_replaced(
    client: httpx.AsyncClient, offered: str
) -> None:
    response = await client.get("/health", headers={"X-Request-ID": offered})

    assert GENERATED_ID.fullmatch(response.headers["X-Request-ID"])


async def test_handlers_see_the_request_id(app: FastAPI) -> None:
    @app.get("/echo-id")
    async def echo_id(request: Request) -> dict[str, str]:
        return {"request_id": request.state.request_id}

    async with asgi_client(app) as http:
        response = await http.get("/echo-id", headers={"X-Request-ID": "abc"})

    assert response.json() == {"request_id": "abc"}


async def test_an_unhandled_error_is_a_500_with_a_request_id(app: FastAPI) -> None:
    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("boom")

    async with asgi_client(app, raise_app_exceptions=False) as http:
        response = await http.get("/boom", headers={"X-Request-ID": "failing-request"})

    assert response.status_code == 500
    assert response.json() == {"detail": "Internal Server Error"}
    assert response.headers["X-Request-ID"] == "failing-request"


async def test_an_error_after_the_response_started_is_not_answered_twice(app: FastAPI) -> None:
    async def body() -> AsyncIterator[bytes]:
        yield b"partial"
        raise RuntimeError("broken stream")

    @app.get("/half")
    async def half() -> StreamingResponse:
        return StreamingResponse(body())

    async with asgi_client(app) as http:
        with pytest.raises(RuntimeError, match="broken stream"):
            await http.get("/half")


async def test_cors_allows_the_configured_origin(client: httpx.AsyncClient) -> None:
    preflight = await client.options(
        "/api/v1/users/me",
        headers={
            "Origin": "http://frontend.test",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "Authorization",
        },
    )
    simple = await client.get("/health", headers={"Origin": "http://frontend.test"})

    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "http://frontend.test"
    assert GENERATED_ID.fullmatch(preflight.headers["X-Request-ID"])
    assert simple.headers["Access-Control-Allow-Origin"] == "http://frontend.test"
    assert simple.headers["Access-Control-Expose-Headers"] == "X-Request-ID"


async def test_cors_ignores_other_origins(client: httpx.AsyncClient) -> None:
    preflight = await client.options(
        "/api/v1/users/me",
        headers={"Origin": "http://evil.test", "Access-Control-Request-Method": "GET"},
    )
    simple = await client.get("/health", headers={"Origin": "http://evil.test"})

    assert preflight.status_code == 400
    assert "Access-Control-Allow-Origin" not in preflight.headers
    assert "Access-Control-Allow-Origin" not in simple.headers
