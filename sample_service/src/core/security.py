"""Password hashing and access tokens.

Passwords: passlib's CryptContext (installed from ``libpass``), argon2id for new
hashes; bcrypt hashes from older deployments still verify and are replaced by
argon2 on the next successful login.

Tokens: JWT signed with HS256 through python-jose. Decoding always names the one
accepted algorithm, so ``alg: none`` or any other algorithm is refused.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from jose import JWTError, jwt
from passlib.context import CryptContext

from src.core.config import Settings
from src.utils.time import utcnow

JWT_ALGORITHM = "HS256"
# bcrypt only ever looked at the first 72 bytes; bcrypt >= 5 raises instead.
BCRYPT_MAX_BYTES = 72


class PasswordHasher:
    """Hash and verify passwords; all methods are CPU-bound and synchronous."""

    def __init__(self, *, memory_cost: int, time_cost: int, parallelism: int) -> None:
        self.context = CryptContext(
            schemes=["argon2", "bcrypt"],
            deprecated=["bcrypt"],
            argon2__type="ID",
            argon2__memory_cost=memory_cost,
            argon2__time_cost=time_cost,
            argon2__parallelism=parallelism,
        )
        # Verified against when a login names no known user, so that path
        # costs the same hashing work as a wrong password.
        self.dummy_hash = self.context.hash(secrets.token_urlsafe(32))

    @classmethod
    def from_settings(cls, settings: Settings) -> "PasswordHasher":
        return cls(
            memory_cost=settings.argon2_memory_cost,
            time_cost=settings.argon2_time_cost,
            parallelism=settings.argon2_parallelism,
        )

    def hash(self, password: str) -> str:
        hashed: str = self.context.hash(password)
        return hashed

    def verify(self, password: str, hashed: str) -> tuple[bool, str | None]:
        """Check ``password``; on success also return a replacement hash when the
        stored one uses an outdated scheme or cost, else None."""
        if self.context.identify(hashed) == "bcrypt":
            # Verify as old bcrypt did (first 72 bytes), but rehash all of it.
            valid = self.context.verify(password.encode()[:BCRYPT_MAX_BYTES], hashed)
            return valid, (self.hash(password) if valid else None)
        valid, replacement = self.context.verify_and_update(password, hashed)
        return bool(valid), replacement

    def verify_dummy(self, password: str) -> None:
        """Spend the work of one verification, for a user that does not exist."""
        self.context.verify(password, self.dummy_hash)


@dataclass(frozen=True)
class TokenClaims:
    subject: str  # the user id, as issued: str(id)
    version: int  # the user's token_version when the token was issued


def create_access_token(
    subject: str | int,
    *,
    version: int,
    secret_key: str,
    expires_delta: timedelta,
    now: datetime | None = None,
) -> str:
    issued_at = now or utcnow()
    claims = {
        "sub": str(subject),
        "ver": version,
        "iat": issued_at,
        "exp": issued_at + expires_delta,
    }
    token: str = jwt.encode(claims, secret_key, algorithm=JWT_ALGORITHM)
    return token


def decode_access_token(token: str, *, secret_key: str) -> TokenClaims | None:
    """Return the token's claims, or None if the token is not valid now."""
    try:
        claims = jwt.decode(
            token,
            secret_key,
            algorithms=[JWT_ALGORITHM],
            options={"require_exp": True, "require_iat": True, "require_sub": True},
        )
    except JWTError:  # bad signature or algorithm, expired, malformed, missing claims
        return None
    version = claims.get("ver")
    if type(version) is not int:  # missing, or not an integer (a bool is not one either)
        return None
    return TokenClaims(claims["sub"], version)  # python-jose has checked sub is a string
