"""Signed-in users see each other's public profile, never an e-mail address
(issue 17, finding 3): registration is open, so anything listed is public."""

import httpx
import pytest

from tests.support import MakeAccount

pytestmark = pytest.mark.anyio

USERS = "/api/v1/users"


async def test_the_user_list_shows_no_e_mail_address(
    client: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    me = await make_account(email="me@example.com", name="Me")
    other = await make_account(email="secret@example.com", name="Other")

    response = await client.get(USERS, headers=me.headers)

    assert response.status_code == 200
    assert [(u["id"], u["name"]) for u in response.json()] == [(me.id, "Me"), (other.id, "Other")]
    assert all(set(u) == {"id", "name", "created_at"} for u in response.json())
    assert "@example.com" not in response.text


@pytest.mark.parametrize("whose", ["mine", "theirs"])
async def test_a_user_by_id_shows_no_e_mail_address(
    client: httpx.AsyncClient, make_account: MakeAccount, whose: str
) -> None:
    me = await make_account(email="me@example.com")
    other = await make_account(email="secret@example.com")

    response = await client.get(
        f"{USERS}/{(me if whose == 'mine' else other).id}", headers=me.headers
    )

    assert response.status_code == 200
    assert set(response.json()) == {"id", "name", "created_at"}
    assert "@example.com" not in response.text


async def test_only_me_shows_my_own_e_mail_address(
    client: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    me = await make_account(email="me@example.com")

    response = await client.get(f"{USERS}/me", headers=me.headers)

    assert response.json()["email"] == "me@example.com"
