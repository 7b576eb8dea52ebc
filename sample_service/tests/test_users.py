"""/api/v1/users: reading, paging, and changes allowed only to the owner."""

from datetime import datetime, timedelta

import httpx
import pytest

from tests.support import DEFAULT_PASSWORD, MakeAccount

pytestmark = pytest.mark.anyio

USERS = "/api/v1/users"
USER_FIELDS = {"id", "email", "name", "created_at", "updated_at"}
PUBLIC_FIELDS = {"id", "name", "created_at"}


async def test_me_returns_the_current_user(
    client: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    account = await make_account(email="ada@example.com", name="Ada")

    response = await client.get(f"{USERS}/me", headers=account.headers)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == USER_FIELDS
    assert (body["id"], body["email"], body["name"]) == (account.id, "ada@example.com", "Ada")
    for stamp in ("created_at", "updated_at"):
        assert datetime.fromisoformat(body[stamp]).utcoffset() == timedelta(0)


async def test_list_pages_through_users_in_id_order(
    client: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    accounts = [await make_account() for _ in range(5)]
    headers = accounts[0].headers

    everyone = await client.get(USERS, headers=headers)
    page = await client.get(USERS, params={"skip": 1, "limit": 2}, headers=headers)
    past_the_end = await client.get(USERS, params={"skip": 5}, headers=headers)

    assert everyone.status_code == 200
    assert [u["id"] for u in everyone.json()] == [a.id for a in accounts]
    assert all(set(u) == PUBLIC_FIELDS for u in everyone.json())
    assert [u["id"] for u in page.json()] == [accounts[1].id, accounts[2].id]
    assert past_the_end.json() == []


@pytest.mark.parametrize("limit", [1, 100])
async def test_list_accepts_limits_at_the_bounds(
    client: httpx.AsyncClient, make_account: MakeAccount, limit: int
) -> None:
    account = await make_account()
    await make_account()

    response = await client.get(USERS, params={"limit": limit}, headers=account.headers)

    assert response.status_code == 200
    assert len(response.json()) == min(limit, 2)


@pytest.mark.parametrize(
    ("params", "loc"),
    [
        ({"limit": 0}, ["query", "limit"]),
        ({"limit": 101}, ["query", "limit"]),
        ({"limit": "ten"}, ["query", "limit"]),
        ({"skip": -1}, ["query", "skip"]),
    ],
)
async def test_list_rejects_bad_paging_with_422(
    client: httpx.AsyncClient,
    make_account: MakeAccount,
    params: dict[str, int | str],
    loc: list[str],
) -> None:
    account = await make_account()

    response = await client.get(USERS, params=params, headers=account.headers)

    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["errors"]] == [loc]


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", USERS), ("GET", f"{USERS}/1"), ("PUT", f"{USERS}/1"), ("DELETE", f"{USERS}/1")],
)
async def test_users_endpoints_require_authentication(
    client: httpx.AsyncClient, method: str, path: str
) -> None:
    response = await client.request(method, path, json={"name": "x"} if method == "PUT" else None)

    assert response.status_code == 401


async def test_get_user_by_id(client: httpx.AsyncClient, make_account: MakeAccount) -> None:
    me = await make_account()
    other = await make_account(email="other@example.com", name="Other")

    found = await client.get(f"{USERS}/{other.id}", headers=me.headers)
    missing = await client.get(f"{USERS}/999", headers=me.headers)
    not_an_id = await client.get(f"{USERS}/abc", headers=me.headers)

    assert found.status_code == 200
    assert found.json() == {
        "id": other.id,
        "name": "Other",
        "created_at": found.json()["created_at"],
    }
    assert missing.status_code == 404
    assert missing.json() == {"detail": "User not found"}
    assert not_an_id.status_code == 422
    assert not_an_id.json()["errors"][0]["loc"] == ["path", "user_id"]


async def test_update_own_name_and_email(
    client: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    account = await make_account(email="ada@example.com")
    before = (await client.get(f"{USERS}/me", headers=account.headers)).json()

    response = await client.put(
        f"{USERS}/{account.id}",
        json={
            "name": "Countess",
            "email": "Countess@Example.com",
            "current_password": DEFAULT_PASSWORD,
        },
        headers=account.headers,
    )

    assert response.status_code == 200
    body = response.json()
    assert set(body) == USER_FIELDS
    assert (body["name"], body["email"]) == ("Countess", "countess@example.com")
    assert body["created_at"] == before["created_at"]
    assert datetime.fromisoformat(body["updated_at"]) > datetime.fromisoformat(before["updated_at"])
    again = await client.post(
        "/api/v1/auth/login",
        data={"username": "countess@example.com", "password": DEFAULT_PASSWORD},
    )
    me = {"Authorization": f"Bearer {again.json()['access_token']}"}
    assert (await client.get(f"{USERS}/me", headers=me)).json() == body


async def test_update_own_password_changes_what_login_accepts(
    client: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    account = await make_account(email="ada@example.com")

    response = await client.put(
        f"{USERS}/{account.id}",
        json={"password": "a new password", "current_password": DEFAULT_PASSWORD},
        headers=account.headers,
    )

    assert response.status_code == 200
    assert "a new password" not in response.text
    old = await client.post(
        "/api/v1/auth/login", data={"username": "ada@example.com", "password": DEFAULT_PASSWORD}
    )
    new = await client.post(
        "/api/v1/auth/login", data={"username": "ada@example.com", "password": "a new password"}
    )
    assert (old.status_code, new.status_code) == (401, 200)


async def test_update_with_an_empty_body_changes_nothing(
    client: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    account = await make_account()
    before = (await client.get(f"{USERS}/me", headers=account.headers)).json()

    response = await client.put(f"{USERS}/{account.id}", json={}, headers=account.headers)

    assert response.status_code == 200
    assert response.json() == before


async def test_update_to_a_taken_email_is_409(
    client: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    account = await make_account(email="ada@example.com")
    await make_account(email="taken@example.com")

    response = await client.put(
        f"{USERS}/{account.id}",
        json={"email": "TAKEN@example.com", "current_password": DEFAULT_PASSWORD},
        headers=account.headers,
    )

    assert response.status_code == 409
    assert response.json() == {"detail": "Email already registered"}
    assert (await client.get(f"{USERS}/me", headers=account.headers)).json()[
        "email"
    ] == "ada@example.com"


@pytest.mark.parametrize(
    ("body", "loc", "error_type"),
    [
        ({"name": None}, ["body", "name"], "value_error"),
        ({"email": "nope"}, ["body", "email"], "value_error"),
        ({"password": "short"}, ["body", "password"], "string_too_short"),
        ({"password": "p" * 129}, ["body", "password"], "string_too_long"),
        ({"hashed_password": "x"}, ["body", "hashed_password"], "extra_forbidden"),
        ({"id": 42}, ["body", "id"], "extra_forbidden"),
    ],
)
async def test_update_validation_errors_are_422(
    client: httpx.AsyncClient,
    make_account: MakeAccount,
    body: dict[str, object],
    loc: list[str],
    error_type: str,
) -> None:
    account = await make_account()

    response = await client.put(f"{USERS}/{account.id}", json=body, headers=account.headers)

    assert response.status_code == 422
    assert [(e["loc"], e["type"]) for e in response.json()["errors"]] == [(loc, error_type)]


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
async def test_changing_another_user_is_403(
    client: httpx.AsyncClient, make_account: MakeAccount, method: str
) -> None:
    me = await make_account()
    other = await make_account(name="Other")

    response = await client.request(
        method, f"{USERS}/{other.id}", json={"name": "Hacked"}, headers=me.headers
    )

    assert response.status_code == 403
    assert response.json() == {"detail": "Not allowed to change another user"}
    still = await client.get(f"{USERS}/{other.id}", headers=me.headers)
    assert still.json()["name"] == "Other"


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
async def test_changing_a_missing_user_is_404(
    client: httpx.AsyncClient, make_account: MakeAccount, method: str
) -> None:
    me = await make_account()

    response = await client.request(
        method, f"{USERS}/999", json={"name": "Ghost"}, headers=me.headers
    )

    assert response.status_code == 404
    assert response.json() == {"detail": "User not found"}


async def test_delete_own_account_is_204_and_removes_it(
    client: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    me = await make_account(email="ada@example.com")
    witness = await make_account()

    response = await client.delete(f"{USERS}/{me.id}", headers=me.headers)

    assert response.status_code == 204
    assert response.content == b""
    assert (await client.get(f"{USERS}/{me.id}", headers=witness.headers)).status_code == 404
    login = await client.post(
        "/api/v1/auth/login", data={"username": "ada@example.com", "password": DEFAULT_PASSWORD}
    )
    assert login.status_code == 401
