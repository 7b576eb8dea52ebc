"""Settings from the environment, and the refusal to start insecurely."""

from pathlib import Path

import pytest

from main import create_app
from src.core.config import (
    DEVELOPMENT_SECRET_KEY,
    SERVICE_ROOT,
    Environment,
    InsecureSettingsError,
    Settings,
)
from tests.support import TEST_SECRET_KEY, make_settings

SETTINGS_ENV = (
    "ENVIRONMENT",
    "DATABASE_URL",
    "SECRET_KEY",
    "CORS_ORIGINS",
    "ACCESS_TOKEN_EXPIRE_MINUTES",
)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in SETTINGS_ENV:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_defaults_are_production_with_the_embedded_database(clean_env: pytest.MonkeyPatch) -> None:
    settings = Settings()

    assert settings.environment == "production"
    assert settings.database_url == f"sqlite+aiosqlite:///{SERVICE_ROOT / 'data' / 'app.db'}"
    assert settings.uses_development_secret
    assert settings.cors_origins == []


def test_settings_come_from_the_environment(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("ENVIRONMENT", "test")
    clean_env.setenv("DATABASE_URL", "postgresql+asyncpg://app:pw@db.internal:5432/app")
    clean_env.setenv("SECRET_KEY", TEST_SECRET_KEY)
    clean_env.setenv("ACCESS_TOKEN_EXPIRE_MINUTES", "5")

    settings = Settings()

    assert settings.environment == "test"
    assert settings.database_url == "postgresql+asyncpg://app:pw@db.internal:5432/app"
    assert settings.secret_key.get_secret_value() == TEST_SECRET_KEY
    assert settings.access_token_expire_minutes == 5
    assert TEST_SECRET_KEY not in repr(settings)


@pytest.mark.parametrize(
    ("value", "origins"),
    [
        ("http://a.test, http://b.test", ["http://a.test", "http://b.test"]),
        ("http://a.test", ["http://a.test"]),
        ("", []),
        ('["http://a.test", "http://b.test"]', ["http://a.test", "http://b.test"]),
    ],
)
def test_cors_origins_are_a_comma_separated_or_json_list(
    clean_env: pytest.MonkeyPatch, value: str, origins: list[str]
) -> None:
    clean_env.setenv("CORS_ORIGINS", value)

    assert Settings().cors_origins == origins


@pytest.mark.parametrize("environment", ["development", "test"])
def test_the_development_secret_is_accepted_in_development_and_test(
    environment: Environment,
) -> None:
    settings = Settings(environment=environment, database_url="sqlite+aiosqlite:///unused.db")

    settings.check_safe_to_start()
    assert create_app(settings).state.settings is settings


def test_production_refuses_to_start_with_the_development_secret(tmp_path: Path) -> None:
    settings = make_settings(
        f"sqlite+aiosqlite:///{tmp_path}/x.db",
        environment="production",
        secret_key=DEVELOPMENT_SECRET_KEY,
    )

    with pytest.raises(InsecureSettingsError, match="built-in development SECRET_KEY"):
        create_app(settings)


def test_production_refuses_a_short_secret(tmp_path: Path) -> None:
    settings = make_settings(
        f"sqlite+aiosqlite:///{tmp_path}/x.db", environment="production", secret_key="too-short"
    )

    with pytest.raises(InsecureSettingsError, match="at least 32 characters"):
        create_app(settings)


def test_production_starts_with_a_real_secret(tmp_path: Path) -> None:
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path}/x.db", environment="production")

    assert create_app(settings).state.settings.environment == "production"


def test_create_app_without_settings_reads_the_environment(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    clean_env.setenv("ENVIRONMENT", "development")
    clean_env.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/env.db")

    app = create_app()

    assert app.state.settings.environment == "development"
    assert app.state.settings.database_url == f"sqlite+aiosqlite:///{tmp_path}/env.db"


def test_create_app_without_settings_refuses_production_defaults(
    clean_env: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(InsecureSettingsError):
        create_app()
