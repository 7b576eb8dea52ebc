"""Alembic: head matches the models, and the migrations run both ways, on SQLite
and on the PostgreSQL server of TEST_DATABASE_URL (a fresh database each)."""

import asyncio
import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import main as alembic_main
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect, text

from src.db.migrate import ALEMBIC_INI, alembic_config, downgrade, upgrade
from src.db.models import Base
from src.db.session import create_engine
from tests.support import BACKENDS, PostgresDatabases, sqlite_url


def _inspect(database_url: str) -> tuple[list[str], list[object], str | None]:
    """Tables, differences from the models' metadata, and current revision."""

    def look(connection: Connection) -> tuple[list[str], list[object], str | None]:
        context = MigrationContext.configure(connection)
        tables = sorted(inspect(connection).get_table_names())
        return tables, compare_metadata(context, Base.metadata), context.get_current_revision()

    async def run() -> tuple[list[str], list[object], str | None]:
        engine = create_engine(database_url)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(look)
        finally:
            await engine.dispose()

    return asyncio.run(run())


@pytest.fixture(params=BACKENDS)
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield sqlite_url(tmp_path / "nested" / "empty.db")  # its folder does not exist yet
        return
    postgresql: PostgresDatabases = request.getfixturevalue("postgresql")
    name = postgresql.create()
    yield postgresql.url_of(name)
    postgresql.drop(name)


def test_upgrading_an_empty_database_to_head_matches_the_models(empty_database: str) -> None:
    upgrade(empty_database)

    tables, differences, revision = _inspect(empty_database)
    assert tables == ["alembic_version", "users"]
    assert differences == []
    assert revision == "0002"


def test_downgrading_to_base_removes_the_schema_and_upgrading_restores_it(
    empty_database: str,
) -> None:
    upgrade(empty_database)

    downgrade(empty_database)
    assert _inspect(empty_database)[0] == ["alembic_version"]

    upgrade(empty_database)
    assert _inspect(empty_database)[1:] == ([], "0002")


def test_offline_mode_prints_the_sql(tmp_path: Path) -> None:
    config = alembic_config(sqlite_url(tmp_path / "never-created.db"))
    config.output_buffer = io.StringIO()

    command.upgrade(config, "head", sql=True)

    sql = config.output_buffer.getvalue()
    assert "CREATE TABLE users" in sql
    assert "AUTOINCREMENT" in sql
    assert "CREATE UNIQUE INDEX ix_users_email ON users (email)" in sql
    assert not (tmp_path / "never-created.db").exists()


def test_the_alembic_command_line_migrates_the_database_in_database_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What `make serve` runs first, in process: alembic -c src/db/alembic.ini upgrade head
    url = sqlite_url(tmp_path / "cli.db")
    monkeypatch.setenv("DATABASE_URL", url)
    # The command line configures logging from the ini file; undo that afterwards.
    monkeypatch.setattr(logging.root, "handlers", list(logging.root.handlers))
    monkeypatch.setattr(logging.root, "level", logging.root.level)

    alembic_main(["-c", str(ALEMBIC_INI), "upgrade", "head"])

    assert _inspect(url)[1:] == ([], "0002")


def _run(database_url: str, statement: str) -> list[tuple[object, ...]]:
    async def run() -> list[tuple[object, ...]]:
        engine = create_engine(database_url)
        try:
            async with engine.begin() as connection:
                result = await connection.execute(text(statement))
                return [tuple(row) for row in result] if result.returns_rows else []
        finally:
            await engine.dispose()

    return asyncio.run(run())


def test_0002_gives_existing_users_token_version_0_and_its_downgrade_keeps_them(
    empty_database: str,
) -> None:
    upgrade(empty_database, "0001")
    _run(
        empty_database,
        "INSERT INTO users (email, name, hashed_password, created_at, updated_at) "
        "VALUES ('old@example.com', 'Old', 'x', '2025-01-01 00:00:00', '2025-01-01 00:00:00')",
    )

    upgrade(empty_database, "0002")
    after_upgrade = _run(empty_database, "SELECT email, token_version FROM users")
    downgrade(empty_database, "0001")
    after_downgrade = _run(empty_database, "SELECT email FROM users")

    assert after_upgrade == [("old@example.com", 0)]
    assert after_downgrade == [("old@example.com",)]
    assert _inspect(empty_database)[2] == "0001"
