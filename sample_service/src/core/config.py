"""Service settings, read from the environment by pydantic-settings.

Nothing is read at import time: ``create_app(settings)`` takes a ``Settings``
instance, and builds one from the environment only when given none.
"""

import json
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

SERVICE_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = SERVICE_ROOT / "data"

# Known to everyone who reads this file: accepted only in development and test.
DEVELOPMENT_SECRET_KEY = "development-secret-do-not-use-in-production"
MIN_SECRET_KEY_LENGTH = 32

Environment = Literal["development", "test", "production"]


class InsecureSettingsError(RuntimeError):
    """The settings are unsafe for the environment the service is started in."""


def default_database_url() -> str:
    """The embedded database: an SQLite file in the service's data folder."""
    return f"sqlite+aiosqlite:///{DATA_DIR / 'app.db'}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(frozen=True, extra="ignore")

    project_name: str = "Sample Service"
    # Fails closed: a deployment that sets nothing is treated as production.
    environment: Environment = "production"
    database_url: str = Field(default_factory=default_database_url)
    secret_key: SecretStr = SecretStr(DEVELOPMENT_SECRET_KEY)
    access_token_expire_minutes: int = Field(default=30, ge=1)
    # CORS_ORIGINS=http://a,http://b or a JSON list: CORS_ORIGINS='["http://a"]'
    cors_origins: Annotated[list[str], NoDecode] = []
    # Argon2id cost of new password hashes (memory in KiB); the defaults follow
    # the OWASP minimum. Tests lower them to keep the suite fast.
    argon2_memory_cost: int = Field(default=19456, ge=8)
    argon2_time_cost: int = Field(default=2, ge=1)
    argon2_parallelism: int = Field(default=1, ge=1)
    # The page at /ui/ is a development aid: off unless SERVE_FRONTEND=true.
    serve_frontend: bool = False

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str) and value.lstrip().startswith("["):
            return json.loads(value)
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @property
    def uses_development_secret(self) -> bool:
        return self.secret_key.get_secret_value() == DEVELOPMENT_SECRET_KEY

    def check_safe_to_start(self) -> None:
        """Raise ``InsecureSettingsError`` if the service must not start like this."""
        if self.environment in ("development", "test"):
            return
        if self.uses_development_secret:
            raise InsecureSettingsError(
                f"refusing to start in {self.environment} with the built-in development "
                "SECRET_KEY: set SECRET_KEY, or ENVIRONMENT=development for local use"
            )
        if len(self.secret_key.get_secret_value()) < MIN_SECRET_KEY_LENGTH:
            raise InsecureSettingsError(
                f"refusing to start in {self.environment}: SECRET_KEY must be at least "
                f"{MIN_SECRET_KEY_LENGTH} characters"
            )
