"""One error shape, documented with the real status codes; a change racing a
deletion is a 404 (issue 17, finding 7)."""

import httpx
import pytest
from fastapi import FastAPI

from src.db.models import User
from src.services.users import UserService
from tests.support import DEFAULT_PASSWORD, MakeAccount

pytestmark = pytest.mark.anyio

USERS = "/api/v1/users"
ERROR = {"$ref": "#/components/schemas/ErrorBody"}


@pytest.mark.parametrize(
    ("request_args", "status", "body"),
    [
        (("GET", "/api/v1/users/me"), 401, {"detail": "Not authenticated"}),
        (("GET", "/api/v1/users/1"), 401, {"detail": "Not authenticated"}),
        (("GET", "/nowhere"), 404, {"detail": "Not Found"}),
        (("PATCH", "/api/v1/users/me"), 405, {"detail": "Method Not Allowed"}),
        (
            ("POST", "/api/v1/auth/login"),
            422,
            {
                "detail": "Invalid request",
                "errors": [
                    {"loc": ["body", "username"], "msg": "Field required", "type": "missing"},
                    {"loc": ["body", "password"], "msg": "Field required", "type": "missing"},
                ],
            },
        ),
    ],
)
async def test_every_error_is_one_shape(
    client: httpx.AsyncClient, request_args: tuple[str, str], status: int, body: object
) -> None:
    response = await client.request(*request_args)

    assert (response.status_code, response.json()) == (status, body)


async def test_the_schema_documents_each_real_status_with_the_error_body(
    client: httpx.AsyncClient,
) -> None:
    paths = (await client.get("/api/openapi.json")).json()["paths"]

    documented = {
        (path, method): sorted(operation["responses"])
        for path, item in paths.items()
        for method, operation in item.items()
    }
    assert documented == {
        ("/health", "get"): ["200", "503"],
        ("/api/v1/auth/register", "post"): ["201", "400", "409", "422"],
        ("/api/v1/auth/login", "post"): ["200", "400", "401", "422"],
        ("/api/v1/users/me", "get"): ["200", "401"],
        ("/api/v1/users", "get"): ["200", "401", "422"],
        ("/api/v1/users/{user_id}", "get"): ["200", "401", "404", "422"],
        ("/api/v1/users/{user_id}", "put"): ["200", "400", "401", "403", "404", "409", "422"],
        ("/api/v1/users/{user_id}", "delete"): ["204", "401", "403", "404", "422"],
    }
    for (path, method), statuses in documented.items():
        for status in statuses:
            if status.startswith("4"):
                content = paths[path][method]["responses"][status]["content"]
                assert content["application/json"]["schema"] == ERROR, (path, method, status)


async def test_the_schema_offers_no_null_the_api_refuses(client: httpx.AsyncClient) -> None:
    schemas = (await client.get("/api/openapi.json")).json()["components"]["schemas"]

    update = schemas["UserUpdate"]["properties"]
    assert update["email"] == {
        "type": "string",
        "format": "email",
        "maxLength": 254,
        "title": "Email",
    }
    assert update["name"] == {"type": "string", "minLength": 1, "maxLength": 100, "title": "Name"}
    assert update["password"] == {
        "type": "string",
        "minLength": 8,
        "maxLength": 128,
        "title": "Password",
    }
    assert update["current_password"] == {
        "type": "string",
        "maxLength": 128,
        "title": "Current Password",
    }
    assert "'null'" not in str(schemas["UserUpdate"])
    assert schemas["ErrorBody"]["required"] == ["detail"]


@pytest.fixture
def delete_once_loaded(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make a lookup by id race a deletion: another session deletes the row right
    after this one has read it (a later lookup in the same session finds it in
    the identity map, as the real race would)."""
    original = UserService.get

    async def get_then_lose(self: UserService, user_id: int) -> User | None:
        user = await original(self, user_id)
        async with app.state.sessionmaker() as other:
            row = await other.get(User, user_id)
            if row is not None and row is not user:
                await other.delete(row)
                await other.commit()
        return user

    monkeypatch.setattr(UserService, "get", get_then_lose)


@pytest.mark.parametrize(
    ("method", "body"),
    [
        ("PUT", {"name": "Raced"}),
        ("PUT", {"email": "raced@example.com", "current_password": DEFAULT_PASSWORD}),
        ("DELETE", None),
    ],
)
async def test_a_change_racing_a_deletion_is_404(
    client: httpx.AsyncClient,
    make_account: MakeAccount,
    delete_once_loaded: None,
    method: str,
    body: dict[str, str] | None,
) -> None:
    account = await make_account()

    # Another session deletes the row right after this request loads it for the
    # token, so the PUT or DELETE finds it gone when it commits.
    response = await client.request(
        method, f"{USERS}/{account.id}", json=body, headers=account.headers
    )

    assert (response.status_code, response.json()) == (404, {"detail": "User not found"})
