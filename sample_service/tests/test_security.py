"""Password hashing, tokens and UTC timestamps, below the HTTP layer."""

from datetime import UTC, datetime, timedelta, timezone

import bcrypt
import pytest
from jose import jwt
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.engine import Dialect

from src.core.security import (
    PasswordHasher,
    TokenClaims,
    create_access_token,
    decode_access_token,
)
from src.db.types import UTCDateTime


@pytest.fixture(scope="module")
def hasher() -> PasswordHasher:
    return PasswordHasher(memory_cost=1024, time_cost=1, parallelism=1)


def test_new_hashes_are_argon2id_with_the_configured_cost(hasher: PasswordHasher) -> None:
    hashed = hasher.hash("correct horse battery")

    assert hashed.startswith("$argon2id$v=19$m=1024,t=1,p=1$")
    assert hasher.verify("correct horse battery", hashed) == (True, None)
    assert hasher.verify("wrong horse battery", hashed) == (False, None)


def test_a_hash_with_an_outdated_cost_is_replaced_on_success(hasher: PasswordHasher) -> None:
    weaker = PasswordHasher(memory_cost=512, time_cost=1, parallelism=1).hash(
        "correct horse battery"
    )

    valid, replacement = hasher.verify("correct horse battery", weaker)

    assert valid
    assert replacement is not None
    assert replacement.startswith("$argon2id$v=19$m=1024,t=1,p=1$")


def test_bcrypt_hashes_verify_on_their_first_72_bytes_and_are_replaced(
    hasher: PasswordHasher,
) -> None:
    password = "x" * 100
    legacy = bcrypt.hashpw(password.encode()[:72], bcrypt.gensalt(rounds=4)).decode()

    valid, replacement = hasher.verify(password, legacy)

    assert valid
    assert replacement is not None
    assert hasher.verify(password, replacement) == (True, None)
    assert hasher.verify("y" + password[1:], legacy) == (False, None)


def test_the_dummy_verification_uses_the_current_scheme(hasher: PasswordHasher) -> None:
    hasher.verify_dummy("anything at all")

    assert hasher.dummy_hash.startswith("$argon2id$v=19$m=1024,t=1,p=1$")


def test_tokens_carry_the_user_id_as_subject_its_token_version_and_an_expiry() -> None:
    issued = datetime.now(UTC)
    token = create_access_token(
        42, version=3, secret_key="k" * 32, expires_delta=timedelta(minutes=5), now=issued
    )

    claims = jwt.get_unverified_claims(token)
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "typ": "JWT"}
    assert claims == {
        "sub": "42",
        "ver": 3,
        "iat": int(issued.timestamp()),
        "exp": int(issued.timestamp()) + 300,
    }
    assert decode_access_token(token, secret_key="k" * 32) == TokenClaims("42", 3)
    assert decode_access_token(token, secret_key="j" * 32) is None


def test_a_token_is_refused_once_expired() -> None:
    issued = datetime.now(UTC) - timedelta(minutes=6)
    token = create_access_token(
        42, version=0, secret_key="k" * 32, expires_delta=timedelta(minutes=5), now=issued
    )

    assert decode_access_token(token, secret_key="k" * 32) is None


@pytest.mark.parametrize(
    ("dialect", "stored"),
    [
        (SQLiteDialect_aiosqlite(), datetime(2024, 5, 1, 10, 0)),  # SQLite: UTC, offset dropped
        # PostgreSQL keeps the offset
        (PGDialect(), datetime(2024, 5, 1, 10, 0, tzinfo=UTC)),  # type: ignore[no-untyped-call]
    ],
)
def test_utc_datetime_stores_utc(dialect: Dialect, stored: datetime) -> None:
    plus_two = timezone(timedelta(hours=2))

    bound = UTCDateTime().process_bind_param(datetime(2024, 5, 1, 12, 0, tzinfo=plus_two), dialect)

    assert bound == stored
    assert (bound.tzinfo is None) == (stored.tzinfo is None)


def test_utc_datetime_refuses_naive_values() -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        UTCDateTime().process_bind_param(datetime(2024, 5, 1, 12, 0), SQLiteDialect_aiosqlite())


@pytest.mark.parametrize(
    "loaded",
    [
        datetime(2024, 5, 1, 10, 0),  # from SQLite: naive, known to be UTC
        datetime(
            2024, 5, 1, 12, 0, tzinfo=timezone(timedelta(hours=2))
        ),  # a server in another zone
    ],
)
def test_utc_datetime_loads_aware_utc(loaded: datetime) -> None:
    value = UTCDateTime().process_result_value(loaded, SQLiteDialect_aiosqlite())

    assert value == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert value is not None and value.tzinfo is UTC


def test_utc_datetime_passes_null_through() -> None:
    assert UTCDateTime().process_bind_param(None, SQLiteDialect_aiosqlite()) is None
    assert UTCDateTime().process_result_value(None, SQLiteDialect_aiosqlite()) is None
