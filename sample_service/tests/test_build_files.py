"""The files that build and test the service are in no agent's lane (issue 17, finding 6).

Asked through the installed ``ownership`` command, from the repository root,
as an agent's guard would ask it.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from src.core.config import SERVICE_ROOT

REPOSITORY = SERVICE_ROOT.parent
OWNERSHIP = Path(sys.executable).with_name("ownership")
BUILD_FILES = ["Makefile", ".ci/run", ".ci/postgres.sh", "pyproject.toml"]


@pytest.mark.parametrize("agent", ["backend-fastapi", "database", "testing", "frontend"])
def test_no_agent_may_write_the_build_files(agent: str) -> None:
    result = subprocess.run(
        [str(OWNERSHIP), "can-write", "--agent", agent, *BUILD_FILES],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    refused = f"{agent} may not write "
    assert [line.removeprefix(refused).split(":")[0] for line in lines] == BUILD_FILES
    for path, line in zip(BUILD_FILES, lines, strict=True):
        assert line.startswith(f"{refused}{path}: protected: /")
        assert line.endswith("owners: no agent (a person must change it)")
