"""The app as a whole: OpenAPI documents and the bundled frontend."""

import httpx
import pytest

pytestmark = pytest.mark.anyio


async def test_swagger_ui_is_served_at_api_docs(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/docs")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "/api/openapi.json" in response.text


async def test_the_openapi_document_lists_every_route_and_no_password_in_responses(
    client: httpx.AsyncClient,
) -> None:
    document = (await client.get("/api/openapi.json")).json()

    assert {(path, method) for path, item in document["paths"].items() for method in item} == {
        ("/health", "get"),
        ("/api/v1/auth/register", "post"),
        ("/api/v1/auth/login", "post"),
        ("/api/v1/users/me", "get"),
        ("/api/v1/users", "get"),
        ("/api/v1/users/{user_id}", "get"),
        ("/api/v1/users/{user_id}", "put"),
        ("/api/v1/users/{user_id}", "delete"),
    }
    assert set(document["components"]["schemas"]["UserRead"]["properties"]) == {
        "id",
        "email",
        "name",
        "created_at",
        "updated_at",
    }
    assert document["components"]["securitySchemes"]["OAuth2PasswordBearer"]["flows"]["password"][
        "tokenUrl"
    ] == ("/api/v1/auth/login")
