"""Changing the e-mail or the password takes the current password, and refuses
every token issued before the change (issue 17, finding 2)."""

import httpx
import pytest

from tests.support import DEFAULT_PASSWORD, Account, MakeAccount

pytestmark = pytest.mark.anyio

USERS = "/api/v1/users"
LOGIN = "/api/v1/auth/login"
REFUSED = {"detail": "Could not validate credentials"}
CHANGES = [{"email": "new@example.com"}, {"password": "a brand new password"}]


async def login(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await client.post(LOGIN, data={"username": email, "password": password})


async def change(
    client: httpx.AsyncClient, account: Account, body: dict[str, str]
) -> httpx.Response:
    return await client.put(f"{USERS}/{account.id}", json=body, headers=account.headers)


@pytest.mark.parametrize("body", CHANGES)
async def test_a_token_alone_cannot_change_the_e_mail_or_password(
    client: httpx.AsyncClient, make_account: MakeAccount, body: dict[str, str]
) -> None:
    account = await make_account(email="ada@example.com")

    response = await change(client, account, body)

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "loc": ["body", "current_password"],
            "msg": "Field required to change the e-mail or the password",
            "type": "missing",
        }
    ]
    assert (await login(client, "ada@example.com", DEFAULT_PASSWORD)).status_code == 200


@pytest.mark.parametrize("body", CHANGES)
@pytest.mark.parametrize("wrong", ["not my password", "\x00" * 8])
async def test_a_wrong_current_password_is_403_and_changes_nothing(
    client: httpx.AsyncClient, make_account: MakeAccount, body: dict[str, str], wrong: str
) -> None:
    account = await make_account(email="ada@example.com")

    response = await change(client, account, body | {"current_password": wrong})

    assert response.status_code == 403
    assert response.json() == {"detail": "Current password is incorrect"}
    assert (await client.get(f"{USERS}/me", headers=account.headers)).status_code == 200
    assert (await login(client, "ada@example.com", DEFAULT_PASSWORD)).status_code == 200


@pytest.mark.parametrize(
    ("body", "email", "password"),
    [
        ({"email": "new@example.com"}, "new@example.com", DEFAULT_PASSWORD),
        ({"password": "a brand new password"}, "ada@example.com", "a brand new password"),
    ],
)
async def test_a_change_of_e_mail_or_password_refuses_every_earlier_token(
    client: httpx.AsyncClient,
    make_account: MakeAccount,
    body: dict[str, str],
    email: str,
    password: str,
) -> None:
    account = await make_account(email="ada@example.com")
    second = await login(client, "ada@example.com", DEFAULT_PASSWORD)
    other_session = {"Authorization": f"Bearer {second.json()['access_token']}"}

    response = await change(client, account, body | {"current_password": DEFAULT_PASSWORD})

    assert response.status_code == 200
    for headers in (account.headers, other_session):
        refused = await client.get(f"{USERS}/me", headers=headers)
        assert (refused.status_code, refused.json()) == (401, REFUSED)
    fresh = await login(client, email, password)
    assert fresh.status_code == 200
    me = await client.get(
        f"{USERS}/me", headers={"Authorization": f"Bearer {fresh.json()['access_token']}"}
    )
    assert me.json()["email"] == email


async def test_a_name_change_needs_no_password_and_keeps_tokens(
    client: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    account = await make_account()

    response = await change(client, account, {"name": "Countess"})

    assert response.status_code == 200
    me = await client.get(f"{USERS}/me", headers=account.headers)
    assert (me.status_code, me.json()["name"]) == (200, "Countess")
