"""The bundled example: contract/ governing sample_service/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ownership import git
from ownership.core.engine import Engine
from ownership.sources import WorkTreeReader, load
from tests.support import TOP


def test_every_tracked_service_file_has_exactly_one_owner() -> None:
    engine = Engine(load(WorkTreeReader(TOP), "contract/ownership.yaml"))
    files = [f for f in git.ls_files(TOP) if f.startswith("sample_service/")]
    assert len(files) > 40
    owners = {f: engine.owners(f) for f in files}
    assert {f: o for f, o in owners.items() if len(o) != 1} == {}
    assert {o[0] for o in owners.values()} == {"backend-fastapi", "database", "testing", "frontend"}
    assert owners["sample_service/src/db/migrations/env.py"] == ["database"]
    assert owners["sample_service/main.py"] == ["backend-fastapi"]


def test_strict_lint_passes_through_the_installed_command() -> None:
    exe = Path(sys.executable).with_name("ownership")
    proc = subprocess.run([str(exe), "lint", "--strict"], cwd=TOP, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("lint passed: 0 error(s), 0 warning(s); 4 agents")
