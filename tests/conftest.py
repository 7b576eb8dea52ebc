"""Fixtures only: real git repositories in tmp_path, isolated from the user's git config (helpers: support.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support import Repo, agent_file


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
    # The guard runs in-process in most tests, where its watchdog's exit (guard/budget.py) would end the test run:
    # the longest budget there is; the budget's own tests run the command in a subprocess with their own.
    monkeypatch.setenv("OWNERSHIP_GUARD_BUDGET", "30")


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
