"""Bearer tokens: every forged, tampered, stale or orphaned token is a 401."""

import base64
import json
from datetime import timedelta

import httpx
import pytest
from jose import jwt

from src.core.security import create_access_token
from src.utils.time import utcnow
from tests.support import TEST_SECRET_KEY, MakeAccount

pytestmark = pytest.mark.anyio

ME = "/api/v1/users/me"
REFUSED = {"detail": "Could not validate credentials"}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned_token(claims: dict[str, object]) -> str:
    header = b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return f"{header}.{b64url(json.dumps(claims).encode())}."


def valid_claims(subject: str) -> dict[str, object]:
    now = int(utcnow().timestamp())
    return {"sub": subject, "ver": 0, "iat": now, "exp": now + 600}


async def assert_refused(client: httpx.AsyncClient, token: str) -> None:
    response = await client.get(ME, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json() == REFUSED
    assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_a_fresh_token_is_accepted(
    client: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    account = await make_account()

    response = await client.get(ME, headers=account.headers)

    assert response.status_code == 200
    assert response.json()["id"] == account.id


async def test_alg_none_is_refused(client: httpx.AsyncClient, make_account: MakeAccount) -> None:
    account = await make_account()

    await assert_refused(client, unsigned_token(valid_claims(str(account.id))))


async def test_another_algorithm_with_the_right_key_is_refused(
    client: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    account = await make_account()

    await assert_refused(
        client, jwt.encode(valid_claims(str(account.id)), TEST_SECRET_KEY, algorithm="HS512")
    )


async def test_a_token_signed_with_another_key_is_refused(
    client: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    account = await make_account()
    forged = create_access_token(
        account.id,
        version=0,
        secret_key="not-the-server-key",
        expires_delta=timedelta(minutes=5),
    )

    await assert_refused(client, forged)


async def test_a_payload_changed_after_signing_is_refused(
    client: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    mine = await make_account()
    theirs = await make_account()
    header, _, signature = mine.token.split(".")
    # Keep my signature, claim to be the other user.
    tampered = f"{header}.{b64url(json.dumps(valid_claims(str(theirs.id))).encode())}.{signature}"

    await assert_refused(client, tampered)


async def test_an_expired_token_is_refused(
    client: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    account = await make_account()
    issued_long_ago = utcnow() - timedelta(hours=2)
    expired = create_access_token(
        account.id,
        version=0,
        secret_key=TEST_SECRET_KEY,
        expires_delta=timedelta(minutes=30),
        now=issued_long_ago,
    )

    await assert_refused(client, expired)


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param({"sub": "1", "ver": 0, "iat": 0}, id="no-expiry"),
        pytest.param({"ver": 0, "iat": 0, "exp": 4102444800}, id="no-subject"),
        pytest.param({"sub": "me", "ver": 0, "iat": 0, "exp": 4102444800}, id="subject-not-an-id"),
        pytest.param(
            {"sub": "²", "ver": 0, "iat": 0, "exp": 4102444800}, id="subject-unicode-digit"
        ),
        pytest.param({"sub": 1, "ver": 0, "iat": 0, "exp": 4102444800}, id="subject-not-a-string"),
        pytest.param({"sub": "1", "iat": 0, "exp": 4102444800}, id="no-version"),
        pytest.param({"sub": "1", "ver": "0", "iat": 0, "exp": 4102444800}, id="version-a-string"),
        pytest.param({"sub": "1", "ver": False, "iat": 0, "exp": 4102444800}, id="version-a-bool"),
        pytest.param({"sub": "1", "ver": 1, "iat": 0, "exp": 4102444800}, id="version-not-current"),
    ],
)
async def test_a_correctly_signed_token_with_bad_claims_is_refused(
    client: httpx.AsyncClient, make_account: MakeAccount, claims: dict[str, object]
) -> None:
    await make_account()

    await assert_refused(client, jwt.encode(claims, TEST_SECRET_KEY, algorithm="HS256"))


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c", "Bearer"])
async def test_malformed_tokens_are_refused(client: httpx.AsyncClient, token: str) -> None:
    response = await client.get(ME, headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Basic Z3JhY2U6cGFzc3dvcmQ="}])
async def test_requests_without_a_bearer_token_are_401(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await client.get(ME, headers=headers)

    assert response.status_code == 401
    assert response.json() == {"detail": "Not authenticated"}


async def test_the_token_of_a_deleted_user_is_refused(
    client: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    account = await make_account()
    deleted = await client.delete(f"/api/v1/users/{account.id}", headers=account.headers)
    assert deleted.status_code == 204

    await assert_refused(client, account.token)


async def test_ids_are_not_reused_so_a_deleted_users_token_never_names_someone_else(
    client: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    # Without AUTOINCREMENT, SQLite would give the newest user's id, once deleted,
    # to the next user, and the old token would then log in as that new user.
    account = await make_account()
    await client.delete(f"/api/v1/users/{account.id}", headers=account.headers)

    newcomer = await make_account()

    assert newcomer.id != account.id
    await assert_refused(client, account.token)
