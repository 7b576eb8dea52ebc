"""The README's console examples print what they show.

Every ```console block is run, in order, in a fresh clone of this checkout's
HEAD (the bundled example: contract/ governing sample_service/), and its
transcript compared with the block (a line `...` stands for lines left out),
unless `<!-- example: why -->` right before it says why it cannot run as it
stands (it needs a broken contract, staged changes, a fresh repository...). A
block with neither fails this test, so no example drifts unseen.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import TOP

BLOCK = re.compile(r"(<!-- example: [^>]*-->\n)?```console\n(.*?)```", re.S)


def console_blocks() -> list[tuple[int, str | None, str]]:
    text = (TOP / "README.md").read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start(2)), m.group(1), m.group(2)) for m in BLOCK.finditer(text)]


def transcript_script(body: str) -> str:
    """A bash script that prints each `$ command` line, then what the command prints (exit codes carry over)."""
    lines = ["status=0"]
    for line in body.splitlines():
        if line.startswith("$ "):
            command = line[2:]
            lines += [f"printf '%s\\n' {_quote(line)}", f"(exit $status); {command} 2>&1", "status=$?"]
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def matches(expected: str, shown: str) -> bool:
    parts = [re.escape(line) if line != "..." else "(?:[^\n]*\n)*?" for line in expected.rstrip("\n").split("\n")]
    pattern = "".join(p if p.startswith("(?:") else p + "\n" for p in parts)
    return re.fullmatch(pattern, shown.rstrip("\n") + "\n", re.S) is not None


def test_every_console_block_is_run_or_says_why_not() -> None:
    blocks = console_blocks()
    run = [b for b in blocks if b[1] is None]
    assert len(run) >= 5, "most examples run"
    for line, note, body in blocks:
        assert body.startswith("$ "), f"README.md:{line}: a console block starts with '$ command'"
        if note is not None:
            assert len(note.strip()) > len("<!-- example:  -->") + 10, f"README.md:{line}: say why it is not run"


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("readme") / "ownership"
    subprocess.run(["git", "clone", "-q", "--no-local", str(TOP), str(folder)], check=True, capture_output=True)
    return folder


@pytest.mark.parametrize(("line", "body"), [(b[0], b[2]) for b in console_blocks() if b[1] is None])
def test_console_example(clone: Path, line: int, body: str) -> None:
    env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    proc = subprocess.run(["bash", "-c", transcript_script(body)], cwd=clone, env=env, capture_output=True, text=True)
    assert matches(body, proc.stdout), f"README.md:{line}: the example prints something else now:\n{proc.stdout}"
