"""Who is acting, as the guard sees it: one resolver (checking/identity.py), through the installed command.

Payloads are Claude Code's PreToolUse shape; each case runs `ownership -C WORKTREE guard` in a subprocess,
with the hook process's environment as a harness would give it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import Repo

EXE = str(Path(sys.executable).with_name("ownership"))
MODELS = "svc/src/db/models.py"


def hook(cwd: Path, tool: str, tool_input: dict, **identity: str) -> bytes:
    data = {"session_id": "s-1", "transcript_path": "/tmp/t.jsonl", "cwd": str(cwd), "hook_event_name": "PreToolUse",
            "tool_name": tool, "tool_input": tool_input, "tool_use_id": "toolu_01", **identity}  # fmt: skip
    return json.dumps(data).encode()


def write(cwd: Path, path: str, **identity: str) -> bytes:
    return hook(cwd, "Write", {"file_path": str(cwd / path), "content": "x\n"}, **identity)


def guard(top: Path, data: bytes, **env: str) -> tuple[int, str, str]:
    """The installed `ownership guard`, run as a harness runs it: (exit code, deny reason or '', stderr)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "OWNERSHIP_"))}
    proc = subprocess.run([EXE, "-C", str(top), "guard"], input=data, capture_output=True, env={**environ, **env})
    out = proc.stdout.decode()
    reason = json.loads(out)["hookSpecificOutput"].get("permissionDecisionReason", "") if out else ""  # "": allowed
    return proc.returncode, reason, proc.stderr.decode()


@pytest.fixture
def worktree(example: Repo, tmp_path: Path) -> Path:
    """A second worktree of the example on the branch agent/api/feature: one session per agent."""
    path = tmp_path / "wt-api"
    example.git("worktree", "add", "-q", "-b", "agent/api/feature", str(path))
    return path


READS = "reads: src/db/** (contract/agents/api.md:17); owners: db"


def test_a_worktree_per_agent_session_is_in_its_lane_before_the_edit(worktree: Path) -> None:
    """No agent_type, no agent_id: the branch names the agent, and the write is denied before it happens."""
    assert guard(worktree, write(worktree, MODELS)) == (
        0, f"ownership: api (named by the branch name 'agent/api/feature') may not write {MODELS}: {READS}", "",
    )  # fmt: skip
    assert guard(worktree, write(worktree, "svc/src/api/users.py")) == (0, "", "")


def test_the_worktree_config_names_the_agent(example: Repo, worktree: Path) -> None:
    example.git("config", "extensions.worktreeConfig", "true")
    subprocess.run(["git", "config", "--worktree", "ownership.agent", "db"], cwd=worktree, check=True)
    code, reason, _ = guard(worktree, write(worktree, "svc/src/api/users.py"))
    assert reason.startswith("ownership: db (named by git config ownership.agent) may not write svc/src/api/users.py")
    assert guard(example.path, write(example.path, "svc/src/api/users.py")) == (0, "", "")  # the main worktree


def test_the_hook_process_environment_names_the_agent(example: Repo) -> None:
    code, reason, _ = guard(example.path, write(example.path, MODELS), OWNERSHIP_AGENT="api")
    assert reason == f"ownership: api (named by $OWNERSHIP_AGENT) may not write {MODELS}: {READS}"


def test_the_harness_word_is_strongest_and_its_plugin_prefix_is_stripped(worktree: Path) -> None:
    """agent_type 'tools:db' on the api branch, with OWNERSHIP_AGENT=api: db acts."""
    data = write(worktree, "svc/src/api/users.py", agent_id="a-1", agent_type="tools:db")
    code, reason, _ = guard(worktree, data, OWNERSHIP_AGENT="api")
    assert reason.startswith("ownership: db may not write svc/src/api/users.py: ")
    assert guard(worktree, write(worktree, MODELS, agent_id="a-1", agent_type="tools:db")) == (0, "", "")


def test_the_main_session_is_the_coordinator(example: Repo) -> None:
    """No agent_id and no clue at all: the main session, free hands under `coordinator: allow`."""
    assert guard(example.path, write(example.path, MODELS)) == (0, "", "")


@pytest.mark.parametrize("agent_id", ["", "a-7"])
def test_an_agent_nobody_named_is_an_unknown_agent_not_the_coordinator(example: Repo, agent_id: str) -> None:
    """agent_id present (Claude Code sends "" for named teammates) without agent_type: unknown_agent (deny)."""
    assert guard(example.path, write(example.path, MODELS, agent_id=agent_id)) == (
        0,
        f"ownership: an agent the harness did not name (agent_id without agent_type) may not write {MODELS}: "
        "unknown_agent: no clue names it (agents: api, db), and unknown_agent is deny (contract/ownership.yaml); "
        "owners: db",
        "",
    )


def test_an_unnamed_agent_in_an_agents_worktree_takes_that_agents_lane(worktree: Path) -> None:
    code, reason, _ = guard(worktree, write(worktree, "svc/src/api/users.py", agent_id=""))
    assert (code, reason) == (0, "")
    code, reason, _ = guard(worktree, write(worktree, MODELS, agent_id=""))
    assert reason == f"ownership: api (named by the branch name 'agent/api/feature') may not write {MODELS}: {READS}"


def test_a_branch_naming_no_agent_of_the_contract_is_an_unknown_agent(example: Repo, tmp_path: Path) -> None:
    path = tmp_path / "wt-ghost"
    example.git("worktree", "add", "-q", "-b", "agent/ghost/x", str(path))
    code, reason, _ = guard(path, write(path, "svc/src/api/users.py"))
    assert reason == (
        "ownership: ghost (named by the branch name 'agent/ghost/x') may not write svc/src/api/users.py: "
        "unknown_agent: ghost is not an agent of the contract (agents: api, db), and unknown_agent is deny "
        "(contract/ownership.yaml); owners: api"
    )


def test_doctor_prints_who_is_acting_in_this_worktree_and_from_which_clue(worktree: Path) -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "OWNERSHIP_"))}
    proc = subprocess.run([EXE, "-C", str(worktree), "doctor"], capture_output=True, text=True, env=environ)
    lines = proc.stdout.splitlines()
    first = "acting here when the payload has no agent_type: api (named by the branch name 'agent/api/feature')"
    assert lines[lines.index(first) : lines.index(first) + 3] == [
        first,
        "  with an agent_id but no agent_type: api (named by the branch name 'agent/api/feature')",
        "  clues after the payload's agent_type, strongest first: $OWNERSHIP_AGENT: unset, "
        "git config ownership.agent: unset, branch: agent/api/feature",
    ]
    proc = subprocess.run([EXE, "-C", str(worktree), "doctor"], capture_output=True, text=True,
                          env={**environ, "OWNERSHIP_AGENT": "db"})  # fmt: skip
    assert "acting here when the payload has no agent_type: db (named by $OWNERSHIP_AGENT)" in proc.stdout.splitlines()
