"""`ownership init`: contract, pre-commit hooks, Claude hooks, lint; twice changes nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ownership.cli import main
from ownership.errors import UsageError
from ownership.setup.init import HOOKS, contract_text, merge_pre_commit
from tests.support import FAIL_CLOSED, Repo, agent_file

BIN = str(Path(sys.executable).parent)
EXE = str(Path(BIN) / "ownership")

USER_CONFIG = """\
# my hooks: keep this comment
repos:
- repo: https://github.com/pre-commit/pre-commit-hooks
  rev: v4.6.0
  hooks:
  - id: trailing-whitespace   # and this one
# CI settings
ci:
  autofix_prs: false
"""

LOCAL_BLOCK = """\
- repo: local   # added by `ownership init`: runs the installed `ownership` command
  hooks:
    - id: ownership
      name: "ownership (staged changes stay in the agent's lane)"
      entry: ownership check --staged
      language: system
      pass_filenames: false
      always_run: true
      stages: [pre-commit]
    - id: ownership-commit-msg
      name: "ownership (the agent named by the commit's trailer)"
      entry: ownership check --staged --message-file
      language: system
      pass_filenames: true
      always_run: true
      stages: [commit-msg]
    - id: ownership-pre-push
      name: "ownership (every pushed commit in its agent's lane)"
      entry: ownership check --pre-push
      language: system
      pass_filenames: false
      always_run: true
      stages: [pre-push]
"""


@pytest.fixture
def agents_repo(repo: Repo) -> Repo:
    repo.write(
        {
            ".claude/agents/api.md": agent_file("api", ["src/api/**"], ["src/db/**"]),
            ".claude/agents/db.md": agent_file("db", ["src/db/**"]),
            "src/api/users.py": "x\n",
            "src/db/models.py": "x\n",
        }
    )
    repo.commit("agents")
    return repo


def snapshot(path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): p.read_bytes() for p in path.rglob("*") if p.is_file() and ".git" not in p.parts}


def script(repo: Repo, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([EXE, *args], cwd=repo.path, capture_output=True, text=True, check=False)


def test_init_sets_up_a_repository_and_a_second_run_changes_nothing(agents_repo) -> None:
    (agents_repo.path / ".pre-commit-config.yaml").write_text(USER_CONFIG)
    first = script(agents_repo, "init", "--skip-claude")
    assert (first.returncode, first.stderr) == (0, "")
    assert first.stdout.splitlines() == [
        "contract: wrote ownership.yaml (agent files: api, db)",
        "pre-commit: added ownership, ownership-commit-msg, ownership-pre-push to .pre-commit-config.yaml "
        "(other hooks untouched)",
        "claude: skipped (--skip-claude)",
        "lint passed: 0 error(s), 0 warning(s); 2 agents, 4 rules, 6 tracked files governed",
        "next step: git add .pre-commit-config.yaml ownership.yaml && git commit -m 'Ownership contract and hooks'",
        "then: pre-commit install --hook-type pre-commit --hook-type commit-msg --hook-type pre-push",
    ]
    assert (agents_repo.path / "ownership.yaml").read_text() == contract_text(False)
    assert "protected: [/.pre-commit-config.yaml]\n" in contract_text(False)
    merged = (agents_repo.path / ".pre-commit-config.yaml").read_text()
    head, tail = USER_CONFIG.split("# CI settings\n")
    assert merged == head + LOCAL_BLOCK + "# CI settings\n" + tail
    data = yaml.safe_load(merged)
    assert data["repos"][0]["hooks"] == [{"id": "trailing-whitespace"}] and data["ci"] == {"autofix_prs": False}
    assert data["repos"][1] == {"repo": "local", "hooks": [dict(h) for h in HOOKS]}
    check = subprocess.run([sys.executable, "-m", "pre_commit", "validate-config", ".pre-commit-config.yaml"],
                           cwd=agents_repo.path, capture_output=True, text=True, check=False)  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr

    before = snapshot(agents_repo.path)
    second = script(agents_repo, "init", "--skip-claude")
    assert second.returncode == 0
    assert second.stdout.splitlines()[:2] == [
        "contract: ownership.yaml exists; left as it is",
        "pre-commit: .pre-commit-config.yaml has the ownership hooks already",
    ]
    assert snapshot(agents_repo.path) == before


def test_init_installs_the_claude_guard_and_stays_idempotent(agents_repo, run_init) -> None:
    settings = agents_repo.path / ".claude" / "settings.json"
    settings.write_text('{"permissions": {"allow": ["Bash(make test)"]}}\n')
    code, out = run_init(agents_repo)
    assert code == 0
    lines = out.splitlines()
    assert lines[2:4] == [
        "claude: installed the ownership guard in .claude/settings.json (`ownership install claude`)",
        "lint passed: 0 error(s), 0 warning(s); 2 agents, 5 rules, 7 tracked files governed",
    ]
    assert (agents_repo.path / "ownership.yaml").read_text() == contract_text(True)
    data = json.loads(settings.read_text())
    assert data["permissions"] == {"allow": ["Bash(make test)"]}  # the rest of the settings is kept
    (pre_tool,) = data["hooks"]["PreToolUse"]
    assert pre_tool["matcher"] == "Write|Edit|MultiEdit|NotebookEdit|Bash|PowerShell|Monitor|mcp__.*"
    assert pre_tool["hooks"][0]["command"].endswith(' -C "$CLAUDE_PROJECT_DIR" guard' + FAIL_CLOSED)
    before = snapshot(agents_repo.path)
    code, out = run_init(agents_repo)
    assert (code, out.splitlines()[2]) == (0, "claude: .claude/settings.json has the ownership guard already")
    assert snapshot(agents_repo.path) == before


@pytest.fixture
def run_init(capsys, monkeypatch):
    """`ownership init` in-process, with this installation's `ownership` on PATH (as after pipx install)."""
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"])

    def invoke(repo: Repo, *args: str) -> tuple[int, str]:
        code = main(["-C", str(repo.path), "init", *args])
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    return invoke


def test_init_creates_the_config_and_the_hooks_block_a_commit(agents_repo, monkeypatch, tmp_path) -> None:
    """End to end: init, `pre-commit install`, then an out-of-lane commit is refused by the local hook."""
    for name in [n for n in os.environ if n.startswith(("PRE_COMMIT", "SKIP"))]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("PRE_COMMIT_HOME", str(tmp_path / "pre-commit-home"))
    monkeypatch.setenv("PATH", BIN + os.pathsep + os.environ["PATH"])  # `language: system` runs this `ownership`
    proc = script(agents_repo, "init", "--skip-claude")
    assert proc.returncode == 0
    assert proc.stdout.splitlines()[1] == "pre-commit: created .pre-commit-config.yaml with the ownership hooks"
    assert (agents_repo.path / ".pre-commit-config.yaml").read_text() == "repos:\n" + "".join(
        "  " + line if line else line for line in LOCAL_BLOCK.splitlines(keepends=True)
    )
    agents_repo.commit("ownership contract and hooks")
    subprocess.run([sys.executable, "-m", "pre_commit", "install", "--hook-type", "pre-commit"],
                   cwd=agents_repo.path, check=True, capture_output=True)  # fmt: skip
    agents_repo.write({"src/db/models.py": "changed\n"})
    agents_repo.git("add", "-A")
    env = dict(os.environ, OWNERSHIP_AGENT="api")
    blocked = subprocess.run(["git", "commit", "-qm", "out of lane"], cwd=agents_repo.path, env=env,
                             capture_output=True, text=True, check=False)  # fmt: skip
    assert blocked.returncode == 1
    assert "api may not write src/db/models.py (M): reads: src/db/** (.claude/agents/api.md:16); owners: db" in (
        blocked.stdout + blocked.stderr
    )


def test_init_without_agents_or_contract_says_what_to_write(repo, run_init) -> None:
    repo.commit("empty")
    code, out = run_init(repo)
    assert code == 2
    assert out == (
        "ownership: no contract and no agent files in .claude/agents/; write one Markdown file per agent there "
        "(front matter 'name:', then OWNS / READS / CANNOT TOUCH sections), then run init again\n"
    )
    assert not (repo.path / ".pre-commit-config.yaml").exists()


def test_init_keeps_an_existing_contract(example, run_init) -> None:
    code, out = run_init(example, "--skip-claude")
    assert code == 0
    assert out.splitlines()[:3] == [
        "contract: contract/ownership.yaml exists; left as it is",
        "pre-commit: added ownership, ownership-commit-msg, ownership-pre-push to .pre-commit-config.yaml "
        "(rewritten: its comments were not kept)",
        "claude: skipped (--skip-claude)",
    ]
    assert out.splitlines()[3] == "lint passed: 0 error(s), 0 warning(s); 2 agents, 7 rules, 4 tracked files governed"
    assert yaml.safe_load((example.path / ".pre-commit-config.yaml").read_text()) == {
        "repos": [{"repo": "local", "hooks": [dict(h) for h in HOOKS]}]
    }


@pytest.mark.parametrize(
    ("text", "added", "done"),
    [
        (None, 3, "created .pre-commit-config.yaml with the ownership hooks"),
        ("", 3, "created .pre-commit-config.yaml with the ownership hooks"),
        ("default_stages: [pre-commit]\n", 3, "added ownership, ownership-commit-msg, ownership-pre-push to "
         ".pre-commit-config.yaml (other hooks untouched)"),
        ("repos:\n  - repo: https://example.invalid/ownership\n    rev: v1\n    hooks:\n      - id: ownership\n", 2,
         "added ownership-commit-msg, ownership-pre-push to .pre-commit-config.yaml (other hooks untouched)"),
        ("repos:\n- repo: local\n  hooks:\n  - {id: ownership}\n  - {id: ownership-commit-msg}\n"
         "  - {id: ownership-pre-push}\n", 0, ".pre-commit-config.yaml has the ownership hooks already"),
    ],
)  # fmt: skip
def test_merge_pre_commit(text: str | None, added: int, done: str) -> None:
    merged, said = merge_pre_commit(text)
    assert said == done
    if added == 0:
        assert merged is None
        return
    data = yaml.safe_load(merged)
    assert [h["id"] for h in data["repos"][-1]["hooks"]] == [h["id"] for h in HOOKS][3 - added :]
    if text:
        assert merged.startswith(text)  # appended as text: what was there is kept byte for byte
        assert merge_pre_commit(merged) == (None, ".pre-commit-config.yaml has the ownership hooks already")


def test_merge_pre_commit_refuses_what_is_not_a_config() -> None:
    with pytest.raises(UsageError, match=r"not a pre-commit config \(a mapping with a 'repos' list\)"):
        merge_pre_commit("- just\n- a list\n")


def test_init_names_agent_files_it_could_not_read_skips_readmes_and_fails_on_errors(repo: Repo) -> None:
    repo.write({
        ".claude/agents/api.md": "---\nname: api\n---\n## Owns\n- `src/**`\n",
        ".claude/agents/notes.md": "---\nname: notes\n---\nJust some notes.\n",
        ".claude/agents/README.md": "# Our agents\n",
        "src/a.py": "",
    })  # fmt: skip
    repo.commit()
    proc = script(repo, "init", "--skip-claude")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "contract: wrote ownership.yaml (agent files: api, notes)"
    assert (
        "  .claude/agents/notes.md:2: warning: agent 'notes' has no lane: no OWNS / READS / CANNOT TOUCH section or "
        "lane key was found; every write it makes will be refused (add an OWNS section with its paths)"
    ) in lines
    repo.write({".claude/agents/api.md": "---\nname: api\n---\n## Owns\n- `src/** (only if asked)`\n"})
    proc = script(repo, "init", "--skip-claude")
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[-1] == (
        "next step: fix the 1 error(s) above in the agent files or ownership.yaml, then run 'ownership init' again"
    )
