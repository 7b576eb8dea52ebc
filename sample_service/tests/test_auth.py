"""Registration and login: statuses, bodies, validation, and hashing work."""

from datetime import UTC, datetime, timedelta

import bcrypt
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from src.core.security import TokenClaims, decode_access_token
from src.db.models import User
from tests.support import DEFAULT_PASSWORD, TEST_SECRET_KEY, MakeAccount

pytestmark = pytest.mark.anyio

REGISTER = "/api/v1/auth/register"
LOGIN = "/api/v1/auth/login"
USER_FIELDS = {"id", "email", "name", "created_at", "updated_at"}
LOGIN_FAILED = {"detail": "Incorrect email or password"}


def new_user(**overrides: str) -> dict[str, str]:
    return {
        "email": "grace@example.com",
        "name": "Grace Hopper",
        "password": DEFAULT_PASSWORD,
    } | overrides


async def test_register_returns_201_with_the_user_and_no_password(
    client: httpx.AsyncClient,
) -> None:
    before = datetime.now(UTC)

    response = await client.post(REGISTER, json=new_user())

    assert response.status_code == 201
    body = response.json()
    assert set(body) == USER_FIELDS
    assert body["id"] == 1
    assert body["email"] == "grace@example.com"
    assert body["name"] == "Grace Hopper"
    created_at = datetime.fromisoformat(body["created_at"])
    assert created_at.utcoffset() == timedelta(0)
    assert before <= created_at <= datetime.now(UTC)
    assert DEFAULT_PASSWORD not in response.text
    assert "argon2" not in response.text


async def test_register_stores_an_argon2id_hash(client: httpx.AsyncClient, app: FastAPI) -> None:
    await client.post(REGISTER, json=new_user())

    async with app.state.sessionmaker() as session:
        stored = await session.scalar(select(User.hashed_password))
    assert stored is not None
    assert stored.startswith("$argon2id$v=19$m=1024,t=1,p=1$")


async def test_register_normalizes_the_email_and_trims_the_name(client: httpx.AsyncClient) -> None:
    response = await client.post(
        REGISTER, json=new_user(email="Grace@Example.COM", name="  Grace  ")
    )

    assert response.status_code == 201
    assert response.json()["email"] == "grace@example.com"
    assert response.json()["name"] == "Grace"


@pytest.mark.parametrize("email", ["grace@example.com", "GRACE@example.com"])
async def test_register_with_a_taken_email_is_409(client: httpx.AsyncClient, email: str) -> None:
    assert (await client.post(REGISTER, json=new_user())).status_code == 201

    response = await client.post(REGISTER, json=new_user(email=email, password="another password"))

    assert response.status_code == 409
    assert response.json() == {"detail": "Email already registered"}


@pytest.mark.parametrize("length", [8, 128])
async def test_register_accepts_passwords_at_the_length_bounds(
    client: httpx.AsyncClient, length: int
) -> None:
    password = "p" * length

    response = await client.post(REGISTER, json=new_user(password=password))

    assert response.status_code == 201
    login = await client.post(LOGIN, data={"username": "grace@example.com", "password": password})
    assert login.status_code == 200


@pytest.mark.parametrize(
    ("body", "loc", "error_type"),
    [
        (new_user(password="p" * 7), ["body", "password"], "string_too_short"),
        (new_user(password="p" * 129), ["body", "password"], "string_too_long"),
        (new_user(email="not-an-email"), ["body", "email"], "value_error"),
        (new_user(name=""), ["body", "name"], "string_too_short"),
        (new_user(name="n" * 101), ["body", "name"], "string_too_long"),
        ({"email": "grace@example.com", "name": "Grace"}, ["body", "password"], "missing"),
        (new_user(is_admin="yes"), ["body", "is_admin"], "extra_forbidden"),
    ],
)
async def test_register_validation_errors_are_422_with_field_details(
    client: httpx.AsyncClient, body: dict[str, str], loc: list[str], error_type: str
) -> None:
    response = await client.post(REGISTER, json=body)

    assert response.status_code == 422
    assert set(response.json()) == {"detail", "errors"}
    assert response.json()["detail"] == "Invalid request"
    errors = response.json()["errors"]
    assert [(e["loc"], e["type"]) for e in errors] == [(loc, error_type)]
    assert set(errors[0]) == {"loc", "msg", "type"}
    assert body.get("password", "\0") not in response.text  # the rejected input is not echoed


async def test_register_with_a_body_that_is_not_json_is_422(client: httpx.AsyncClient) -> None:
    response = await client.post(
        REGISTER, content=b"{", headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["type"] == "json_invalid"


async def test_login_returns_a_bearer_token_for_the_user(
    client: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    account = await make_account(email="grace@example.com")

    response = await client.post(
        LOGIN, data={"username": "Grace@Example.com", "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type"}
    assert body["token_type"] == "bearer"
    claims = decode_access_token(body["access_token"], secret_key=TEST_SECRET_KEY)
    assert claims == TokenClaims(str(account.id), 0)


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("grace@example.com", "wrong password"),  # known user, wrong password
        ("nobody@example.com", DEFAULT_PASSWORD),  # unknown e-mail
        ("not an email at all", DEFAULT_PASSWORD),
        ("grace@example.com", "p" * 129),  # longer than any account can have
    ],
)
async def test_login_failures_are_401_with_one_body(
    client: httpx.AsyncClient, make_account: MakeAccount, username: str, password: str
) -> None:
    await make_account(email="grace@example.com")

    response = await client.post(LOGIN, data={"username": username, "password": password})

    assert response.status_code == 401
    assert response.json() == LOGIN_FAILED
    assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_login_without_a_password_is_422(client: httpx.AsyncClient) -> None:
    response = await client.post(LOGIN, data={"username": "grace@example.com"})

    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["errors"]] == [["body", "password"]]


async def test_login_does_the_same_hashing_work_for_an_unknown_email(
    client: httpx.AsyncClient,
    make_account: MakeAccount,
    app: FastAPI,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await make_account(email="grace@example.com")
    context = app.state.hasher.context
    verified: list[str] = []
    original = context.verify_and_update

    def record_verify_and_update(secret: str, hashed: str) -> tuple[bool, str | None]:
        verified.append(hashed)
        valid, replacement = original(secret, hashed)
        return bool(valid), replacement

    def record_verify(secret: str, hashed: str) -> bool:
        return record_verify_and_update(secret, hashed)[0]

    monkeypatch.setattr(context, "verify_and_update", record_verify_and_update)
    monkeypatch.setattr(context, "verify", record_verify)

    wrong_password = await client.post(
        LOGIN, data={"username": "grace@example.com", "password": "wrong one"}
    )
    unknown_email = await client.post(
        LOGIN, data={"username": "ghost@example.com", "password": "wrong one"}
    )

    assert wrong_password.json() == unknown_email.json() == LOGIN_FAILED
    # One argon2id verification each, with the same cost parameters.
    assert len(verified) == 2
    assert [h.rsplit("$", 2)[0] for h in verified] == ["$argon2id$v=19$m=1024,t=1,p=1"] * 2
    assert verified[1] == app.state.hasher.dummy_hash


async def test_login_upgrades_a_legacy_bcrypt_hash_to_argon2(
    client: httpx.AsyncClient, make_account: MakeAccount, app: FastAPI
) -> None:
    # A password over bcrypt's 72 bytes: old bcrypt hashed its first 72 bytes only.
    password = "é" * 40 + "tail"
    account = await make_account(email="old@example.com", password=password)
    legacy = bcrypt.hashpw(password.encode()[:72], bcrypt.gensalt(rounds=4)).decode()
    async with app.state.sessionmaker() as session:
        user = await session.get(User, account.id)
        assert user is not None
        user.hashed_password = legacy
        await session.commit()

    wrong = await client.post(
        LOGIN, data={"username": "old@example.com", "password": "e" + password[1:]}
    )
    right = await client.post(LOGIN, data={"username": "old@example.com", "password": password})

    assert wrong.status_code == 401
    assert right.status_code == 200
    async with app.state.sessionmaker() as session:
        stored = await session.scalar(select(User.hashed_password).where(User.id == account.id))
    assert stored is not None
    assert stored.startswith("$argon2id$")
    again = await client.post(LOGIN, data={"username": "old@example.com", "password": password})
    assert again.status_code == 200
