"""Issue 14's replay corpus: every way around the guard in tests/guard_payloads/attacks.yaml, replayed the way
Claude Code runs hooks, with nothing but the hooks `ownership install claude` wrote.

For each command, in a scratch repository with two agents (alice, bob), a shared folder and protected migrations:
the PreToolUse JSON goes to the PreToolUse command read from .claude/settings.json; a deny must leave the work tree
as it was; otherwise `hookSpecificOutput.updatedInput` is applied when present (the sandbox wraps the command
through it), the command runs with bash in the repository, and the PostToolUse JSON (PostToolUseFailure when the
command exits non-zero, as Claude Code does) goes to that event's command. Every out-of-lane change must have been
denied before or reported as blocking feedback after, naming the path; an in-lane command gets neither.

Each attack is first run on a copy without hooks, to show it really changes what `changes` says.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ownership.guard.sandbox import landlock_abi
from tests.support import GUARD_PAYLOADS

SANDBOX = landlock_abi()[0]  # 0 where the kernel has no Landlock: the sandbox runs are then reading runs

EXE = str(Path(sys.executable).with_name("ownership"))
CORPUS = yaml.safe_load((GUARD_PAYLOADS / "attacks.yaml").read_text(encoding="utf-8"))
CONTRACT = """\
version: 1
agents:
  alice: {owns: [alice/**, shared/**]}
  bob: {owns: [bob/**, shared/**]}
protected: ["**/migrations/**"]
"""
FILES = {
    "ownership.yaml": CONTRACT,
    "alice/a.txt": "a\n",
    "bob/b.txt": "b\n",
    "bob/sub/c.txt": "c\n",
    "migrations/001.sql": "create table t;\n",
    "shared/s.txt": "s\n",
    "README.md": "scratch\n",
}


def _git(repo: Path, *args: str, env: dict[str, str]) -> None:
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """The scratch repository, committed with the hooks installed, then bob's uncommitted work on top."""
    home = tmp_path_factory.mktemp("home")
    (home / ".gitconfig").write_text("[init]\n\tdefaultBranch = main\n[user]\n\tname = T\n\temail = t@example.com\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "OWNERSHIP_"))}
    env.update(HOME=str(home), GIT_CONFIG_NOSYSTEM="1")
    repo = tmp_path_factory.mktemp("attacks") / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", env=env)
    for name, text in FILES.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    os.symlink("../bob/sub", repo / "alice/l2")
    proc = subprocess.run([EXE, "install", "claude", "--command", EXE], cwd=repo, env=env, capture_output=True)
    assert proc.returncode == 0, proc.stderr
    _git(repo, "add", "-A", env=env)
    _git(repo, "commit", "-qm", "start", env=env)
    (repo / "bob/sub/c.txt").write_text("stashed\n")
    _git(repo, "stash", "-q", env=env)
    (repo / "bob/b.txt").write_text("b, bob's uncommitted work\n")
    (repo / "bob/new.txt").write_text("bob's new file\n")
    return repo


def _copy(template: Path, tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copytree(template, target, symlinks=True)
    return target


def _state(repo: Path) -> dict[str, tuple]:
    """Every path under the work tree but .git: what it is and holds."""
    found = {}
    for folder, dirs, files in os.walk(repo):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in files + [d for d in dirs if os.path.islink(os.path.join(folder, d))]:
            full = os.path.join(folder, name)
            info = os.lstat(full)
            rel = os.path.relpath(full, repo)
            if stat.S_ISLNK(info.st_mode):
                found[rel] = ("link", os.readlink(full))
            else:
                found[rel] = ("file", Path(full).read_bytes(), info.st_mode & 0o111)
    return found


def _changed(before: dict, after: dict) -> set[str]:
    return {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}


def _out_of_lane(repo: Path, paths: set[str]) -> set[str]:
    from ownership.workspace import Workspace

    engine = Workspace(str(repo)).engine
    return {p for p in paths if not p.startswith(".git/") and not engine.decide(p, "alice").can_write}


def _bash(repo: Path, command: str) -> int:
    proc = subprocess.run(["bash", "-c", command], cwd=repo, capture_output=True, timeout=60)
    return proc.returncode


def _hook(repo: Path, event: str, payload: dict, sandbox: bool) -> tuple[int, dict | None, str]:
    """Run the command `install claude` wrote for `event`, as Claude Code does: sh -c, the JSON on stdin.

    Without `sandbox` the hooks run as on a machine without Landlock (`OWNERSHIP_SANDBOX=off`): reading and the audit.
    """
    settings = json.loads((repo / ".claude/settings.json").read_text())
    (group,) = [g for g in settings["hooks"][event] if "Bash" in g["matcher"].split("|")]
    (hook,) = group["hooks"]
    env = dict(os.environ, CLAUDE_PROJECT_DIR=str(repo), OWNERSHIP_SANDBOX="on" if sandbox else "off")
    data = json.dumps({"session_id": "s-1", "cwd": str(repo), "hook_event_name": event, **payload}).encode()
    proc = subprocess.run(["/bin/sh", "-c", hook["command"]], input=data, cwd=repo, env=env, capture_output=True)
    out = proc.stdout.decode()
    return proc.returncode, json.loads(out) if out.strip() else None, proc.stderr.decode()


def replay(repo: Path, command: str, call: str, sandbox: bool) -> tuple[str, str, set[str]]:
    """('denied' | 'ran', what the hooks said, the paths that changed)."""
    before = _state(repo)
    tool_input = {"command": command, "description": "replayed"}
    who = {"tool_name": "Bash", "tool_use_id": call, "agent_id": "agent-alice", "agent_type": "alice"}
    code, answer, err = _hook(repo, "PreToolUse", {**who, "tool_input": tool_input}, sandbox)
    said = (answer or {}).get("hookSpecificOutput", {})
    if code == 2 or said.get("permissionDecision") == "deny":
        return "denied", said.get("permissionDecisionReason") or err, _changed(before, _state(repo))
    assert code == 0, err
    assert ("updatedInput" in said) == (sandbox and bool(SANDBOX)), said  # wrapped exactly when the OS can hold it
    tool_input = said.get("updatedInput") or tool_input
    status = _bash(repo, tool_input["command"])
    event = "PostToolUse" if status == 0 else "PostToolUseFailure"
    response = {"tool_response": {"stdout": "", "stderr": "", "interrupted": False}} if status == 0 else {}
    code, answer, err = _hook(repo, event, {**who, "tool_input": tool_input, **response}, sandbox)
    assert code == 0, err
    feedback = ""
    if answer:
        feedback = answer.get("reason") or answer.get("hookSpecificOutput", {}).get("additionalContext", "")
        if event == "PostToolUse":
            assert answer["decision"] == "block"
    return "ran", feedback, _changed(before, _state(repo))


MODES = pytest.mark.parametrize("sandbox", [True, False], ids=["sandbox", "reading"])


@MODES
@pytest.mark.parametrize("attack", CORPUS["attacks"], ids=lambda a: a["name"])
def test_every_out_of_lane_change_is_denied_before_or_reported_after(
    template: Path, tmp_path: Path, attack, sandbox: bool
) -> None:
    bare = _copy(template, tmp_path, "bare")
    before = _state(bare)
    _bash(bare, attack["command"])
    assert _out_of_lane(bare, _changed(before, _state(bare))) == set(attack["changes"])  # the attack works

    repo = _copy(template, tmp_path, "guarded")
    outcome, said, changed = replay(repo, attack["command"], "toolu_" + attack["name"], sandbox)
    if outcome == "denied":
        assert changed == set() and said.startswith("ownership: ")
        return
    out_of_lane = _out_of_lane(repo, changed)
    missed = [p for p in out_of_lane if p not in said]
    assert missed == [], said
    if out_of_lane:
        assert "outside the lane of alice" in said
    else:  # nothing of another lane changed: only the kernel can have refused it
        assert sandbox and SANDBOX, said


@MODES
@pytest.mark.parametrize("command", CORPUS["legitimate"], ids=lambda c: c["name"])
def test_in_lane_commands_are_neither_denied_nor_reported(template: Path, tmp_path: Path, command, sandbox) -> None:
    repo = _copy(template, tmp_path, "guarded")
    outcome, said, changed = replay(repo, command["command"], "toolu_" + command["name"], sandbox)
    assert (outcome, said) == ("ran", ""), said
    assert _out_of_lane(repo, changed) == set()
