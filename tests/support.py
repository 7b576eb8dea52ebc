"""What the tests share besides fixtures: the Repo driver, agent file text, and the project's paths.

Tests import these (`from tests.support import Repo, agent_file`); conftest.py holds only fixtures.
"""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

TOP = Path(__file__).resolve().parents[1]  # the project's top folder (the git work tree of this checkout)
DATA = TOP / "tests" / "data"
# What every installed hook command ends with: its own failure (not found, crashed, killed) blocks the call.
FAIL_CLOSED = ' || { s=$?; [ $s -eq 2 ] || echo "ownership: the guard did not run (exit $s)" >&2; exit 2; }'
GUARD_PAYLOADS = TOP / "tests" / "guard_payloads"


class Repo:
    """A git repository in a temporary folder, driven with the real git command."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.git("init", "-q")

    def git(self, *args: str, input: bytes | None = None) -> str:
        proc = subprocess.run(["git", *args], cwd=self.path, input=input, capture_output=True, check=False)
        assert proc.returncode == 0, proc.stderr.decode(errors="replace")
        return proc.stdout.decode(errors="surrogateescape")

    def write(self, files: dict[str, str]) -> Repo:
        for name, text in files.items():
            target = self.path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return self

    def commit(self, message: str = "change", *paths: str) -> str:
        self.git("add", "-A", *paths)
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD").strip()


AGENT_FILE = """
---
name: {name}
codeowner: "@example/{name}"
---
# {name}

## File Ownership

### OWNS
```
{owns}
```

### READS
```
{reads}
```

### CANNOT TOUCH
```
{cannot}
```
"""


def agent_file(name: str, owns: list[str], reads: list[str] = (), cannot: list[str] = ()) -> str:
    return AGENT_FILE.format(name=name, owns="\n".join(owns), reads="\n".join(reads), cannot="\n".join(cannot))


def sandboxed_as_allowed(out: str, payload: bytes) -> str:
    """The guard's stdout, with an allowed call wrapped in `ownership sandbox` read as allowed ('').

    Checks that the wrapped command is exactly the payload's, run in its agent's sandbox (guard/wrap.py).
    """
    import json
    import os

    from ownership.guard.wrap import wrap_command

    body = json.loads(out).get("hookSpecificOutput", {}) if out else {}
    if set(body) != {"hookEventName", "updatedInput"}:
        return out
    sent = json.loads(payload)
    top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=sent["cwd"], capture_output=True, text=True)
    agent = sent["agent_type"].rsplit(":", 1)[-1]
    command = wrap_command(
        sent["tool_name"], sent["tool_input"]["command"], agent, os.path.realpath(top.stdout.strip())
    )
    assert body["updatedInput"] == {**sent["tool_input"], "command": command}
    return ""
