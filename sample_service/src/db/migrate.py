"""Run the Alembic migrations from Python (tests, tools) instead of the CLI."""

from pathlib import Path

from alembic import command
from alembic.config import Config

ALEMBIC_INI = Path(__file__).with_name("alembic.ini")


def alembic_config(database_url: str) -> Config:
    """The project's Alembic configuration, pointed at ``database_url``.

    The URL travels in ``attributes`` rather than the ini options, so a ``%`` in
    a password needs no escaping, and the caller's logging is left alone.
    """
    config = Config(str(ALEMBIC_INI))
    config.attributes["database_url"] = database_url
    config.attributes["configure_logging"] = False
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)
