"""Shared fixtures: real git repositories in tmp_path, isolated from the user's git config."""

from __future__ import annotations

import os
import subprocess
import textwrap
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_git(tmp_path_factory, monkeypatch):
    """No GIT_* or OWNERSHIP_* variable of the caller leaks in; a fresh HOME with a known identity."""
    for name in list(os.environ):
        if name.startswith(("GIT_", "OWNERSHIP_")):
            monkeypatch.delenv(name)
    home = tmp_path_factory.mktemp("home")
    (home / ".gitconfig").write_text(
        "[init]\n\tdefaultBranch = main\n[user]\n\tname = Test Person\n\temail = person@example.com\n"
    )
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


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


@pytest.fixture
def run(capsys):
    """The CLI in-process, as `ownership -C REPO ARGS...`: (exit code, stdout, stderr)."""
    from ownership.cli import main

    def invoke(repo: Repo, *args: str) -> tuple[int, str, str]:
        code = main(["-C", str(repo.path), *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    path = tmp_path / "repo"
    path.mkdir()
    return Repo(path)


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


@pytest.fixture
def example(repo: Repo) -> Repo:
    """A small service with two agents, committed."""
    repo.write(
        {
            "contract/ownership.yaml": """
                version: 1
                root: svc
                agent_files: [agents/*.md]
                protected: [.pre-commit-config.yaml]
            """,
            "contract/agents/api.md": agent_file(
                "api",
                ["src/api/**  # routes", "/main.py    # entry point"],
                ["src/db/**"],
                ["src/db/migrations/**  # the database agent's"],
            ),
            "contract/agents/db.md": agent_file("db", ["src/db/**"], ["src/api/**"]),
            "svc/main.py": "app = None\n",
            "svc/src/api/users.py": "users = []\n",
            "svc/src/db/models.py": "models = []\n",
            "svc/src/db/migrations/0001_init.py": "up = None\n",
            "README.md": "readme\n",
            ".pre-commit-config.yaml": "repos: []\n",
        }
    )
    repo.commit("start")
    return repo
