""".ci/postgres.sh, which CI sources before `make test` (issue 17, finding 5): the
server listens on a port the OS picked, so a taken 55432 (its old fixed port)
no longer stops it, and its folder is removed when the shell exits."""

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from src.core.config import SERVICE_ROOT

SCRIPT = SERVICE_ROOT.parent / ".ci" / "postgres.sh"
HAS_SERVER = any(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
CAN_RUN_AS_POSTGRES = os.geteuid() != 0 or shutil.which("runuser") is not None

pytestmark = pytest.mark.skipif(
    not (HAS_SERVER and CAN_RUN_AS_POSTGRES),
    reason="no PostgreSQL server binaries under /usr/lib/postgresql to start",
)


@pytest.fixture
def old_port_taken() -> Iterator[None]:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        try:
            holder.bind(("127.0.0.1", 55432))
            holder.listen()
        except OSError:
            pass  # somebody else holds it already: just as taken
        yield


@pytest.fixture
def scratch_tmpdir() -> Iterator[Path]:
    """A TMPDIR the postgres user can reach (pytest's tmp_path sits in a 0700 folder)."""
    path = Path(tempfile.mkdtemp(prefix="ci-postgres-test."))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_the_server_starts_on_a_free_port_and_leaves_nothing_behind(
    old_port_taken: None, scratch_tmpdir: Path
) -> None:
    probe = (
        f". {SCRIPT} >/dev/null 2>&1; "
        'echo "url=$TEST_DATABASE_URL"; '
        '"$pg_bin/pg_isready" -h 127.0.0.1 -p "$pg_port"'
    )

    result = subprocess.run(
        ["bash", "-c", probe],
        env=os.environ | {"TMPDIR": str(scratch_tmpdir)},
        capture_output=True,
        text=True,
        timeout=120,
    )

    lines = result.stdout.splitlines()
    assert lines[0].startswith("url=postgresql+asyncpg://postgres@127.0.0.1:"), result.stdout
    port = int(lines[0].rsplit(":", 1)[1].split("/")[0])
    assert port != 55432
    assert lines[1] == f"127.0.0.1:{port} - accepting connections"
    assert list(scratch_tmpdir.iterdir()) == []  # stopped and removed on exit
