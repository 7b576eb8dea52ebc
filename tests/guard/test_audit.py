"""guard/audit.py: the snapshot before a shell call, the report after it, the journal of allowed writes, restore."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from ownership.guard import audit
from ownership.guard.hook import run
from ownership.workspace import Workspace
from tests.support import Repo

CONTRACT = """\
version: 1
agents:
  alice: {owns: [alice/**]}
  bob: {owns: [bob/**]}
"""
REPORT = "ownership: this Bash call changed {n} path(s) outside the lane of alice (seen by the audit after the call):"
UNDO = "Undo these changes (or hand them to their owners); `ownership explain PATH` names the owners."
BOB_X = "alice may not write {p}: unlisted: no section of its lane names it, and unlisted is deny; owners: bob"


@pytest.fixture
def lanes(repo: Repo) -> Repo:
    repo.write({"ownership.yaml": CONTRACT, "alice/a.txt": "a\n", "bob/b.txt": "b\n", "bob/c.txt": "c\n"})
    repo.commit("start")
    (repo.path / "bob/b.txt").write_text("bob's uncommitted work\n")
    return repo


@pytest.fixture(autouse=True)
def reading_only(monkeypatch) -> None:
    """The audit on its own, as on a machine without Landlock: commands are not wrapped in the OS sandbox."""
    monkeypatch.setenv("OWNERSHIP_SANDBOX", "off")


def hook(repo: Repo, event: str, call: str, agent: str | None = "alice", tool: str = "Bash", **tool_input) -> str:
    """One hook call in-process; the JSON printed (or '')."""
    payload = {"session_id": "s", "cwd": str(repo.path), "hook_event_name": event, "tool_name": tool,
               "tool_input": tool_input or {"command": "true"}, "tool_use_id": call}  # fmt: skip
    if agent:
        payload.update(agent_id="id-" + agent, agent_type=agent)
    out: list[str] = []
    assert run(Workspace(str(repo.path)), lambda: json.dumps(payload).encode(), out.append, out.append) == 0
    return "".join(out)


def bash(repo: Repo, command: str) -> None:
    subprocess.run(["bash", "-c", command], cwd=repo.path, check=True)


def feedback(out: str) -> str:
    """The report: PostToolUse's blocking reason, or PostToolUseFailure's additional context."""
    answer = json.loads(out)
    if "decision" not in answer:
        return answer["hookSpecificOutput"]["additionalContext"]
    assert answer["decision"] == "block"
    return answer["reason"]


def test_a_write_the_command_reader_cannot_see_is_reported_with_rule_and_owners(lanes: Repo) -> None:
    command = "python3 -c \"open('bob/x', 'w').write('x'); open('alice/y', 'w').write('y')\""
    assert hook(lanes, "PreToolUse", "t1", command=command) == ""
    bash(lanes, command)
    said = feedback(hook(lanes, "PostToolUse", "t1", command=command))
    assert said == "\n".join([REPORT.format(n=1), "  created: " + BOB_X.format(p="bob/x"), UNDO])


def test_modified_deleted_and_reverted_files_are_each_named(lanes: Repo) -> None:
    hook(lanes, "PreToolUse", "t1")
    bash(lanes, "rm bob/c.txt && git checkout -q -- bob/b.txt && echo more >> alice/a.txt")
    said = feedback(hook(lanes, "PostToolUseFailure", "t1"))  # Claude Code's event for a non-zero exit
    assert said.splitlines()[1:3] == [
        "  modified: " + BOB_X.format(p="bob/b.txt"),
        "  deleted: " + BOB_X.format(p="bob/c.txt"),
    ]


def test_after_a_failing_command_the_report_is_additional_context(lanes: Repo) -> None:
    hook(lanes, "PreToolUse", "t1")
    bash(lanes, "echo x > bob/x")
    answer = json.loads(hook(lanes, "PostToolUseFailure", "t1"))
    assert list(answer) == ["hookSpecificOutput"]
    assert answer["hookSpecificOutput"]["hookEventName"] == "PostToolUseFailure"
    assert "  created: " + BOB_X.format(p="bob/x") in answer["hookSpecificOutput"]["additionalContext"]


def test_in_lane_changes_and_commits_leave_no_report(lanes: Repo) -> None:
    hook(lanes, "PreToolUse", "t1")
    bash(lanes, "echo z > alice/z && git add alice/z && git commit -qm z -- alice/z")
    assert hook(lanes, "PostToolUse", "t1") == ""


def test_a_missing_snapshot_is_reported_not_ignored(lanes: Repo) -> None:
    said = feedback(hook(lanes, "PostToolUse", "never-seen"))
    assert said.startswith("ownership: no snapshot of the work tree was taken before this Bash call")


def test_the_main_session_with_free_hands_takes_no_snapshot_and_gets_no_report(lanes: Repo) -> None:
    hook(lanes, "PreToolUse", "t1", agent=None)
    bash(lanes, "echo x > bob/x")
    assert hook(lanes, "PostToolUse", "t1", agent=None) == ""
    assert not (lanes.path / ".git/ownership/calls").exists()


def test_another_agents_concurrent_allowed_write_is_not_blamed(lanes: Repo) -> None:
    hook(lanes, "PreToolUse", "alice-1", command="sleep 1")
    hook(lanes, "PreToolUse", "bob-1", agent="bob", tool="Write", file_path=str(lanes.path / "bob/w.txt"), content="")
    (lanes.path / "bob/w.txt").write_text("bob's\n")
    hook(lanes, "PostToolUse", "bob-1", agent="bob", tool="Write", file_path=str(lanes.path / "bob/w.txt"))
    assert hook(lanes, "PostToolUse", "alice-1", command="sleep 1") == ""


def test_a_running_shell_call_of_another_agent_excuses_its_lane_only(lanes: Repo) -> None:
    hook(lanes, "PreToolUse", "bob-1", agent="bob", command="make")
    hook(lanes, "PreToolUse", "alice-1")
    bash(lanes, "echo x > bob/x && echo m > migrations.txt")
    said = feedback(hook(lanes, "PostToolUse", "alice-1"))
    assert said.splitlines()[1] == "  created: " + BOB_X.format(p="migrations.txt").replace(
        "; owners: bob", "; owners: no agent (a person must change it)"
    )
    assert len(said.splitlines()) == 3  # bob/x: bob's running command may have written it


def test_a_call_that_ended_before_this_one_began_excuses_nothing(lanes: Repo) -> None:
    hook(lanes, "PreToolUse", "bob-1", agent="bob", command="true")
    hook(lanes, "PostToolUse", "bob-1", agent="bob", command="true")
    hook(lanes, "PreToolUse", "alice-1")
    bash(lanes, "echo x > bob/x")
    assert "  created: " + BOB_X.format(p="bob/x") in feedback(hook(lanes, "PostToolUse", "alice-1"))


def test_restore_puts_back_every_out_of_lane_change_and_says_so(lanes: Repo) -> None:
    contract = lanes.path / "ownership.yaml"
    contract.write_text(CONTRACT + "restore: true\n")
    lanes.git("add", "ownership.yaml")
    lanes.git("commit", "-qm", "restore", "--", "ownership.yaml")
    (lanes.path / "bob/new.txt").write_text("bob's untracked\n")
    tree_before = {p: (lanes.path / p).read_bytes() for p in ("bob/b.txt", "bob/c.txt", "bob/new.txt")}
    status_before = lanes.git("status", "--porcelain=v1")
    hook(lanes, "PreToolUse", "t1")
    bash(
        lanes,
        "echo evil > bob/b.txt && rm bob/c.txt bob/new.txt && echo x > bob/x && git add -A bob && echo ok > alice/ok",
    )
    said = feedback(hook(lanes, "PostToolUse", "t1"))
    assert said.splitlines()[-1] == "restored (restore: true): bob/b.txt, bob/c.txt, bob/new.txt, bob/x"
    assert {p: (lanes.path / p).read_bytes() for p in tree_before} == tree_before
    assert not (lanes.path / "bob/x").exists()
    assert (lanes.path / "alice/ok").read_text() == "ok\n"  # in the lane: left alone
    assert sorted(lanes.git("status", "--porcelain=v1").splitlines()) == sorted(
        [*status_before.splitlines(), "?? alice/ok"]
    )


def test_restore_never_touches_a_file_another_agent_was_allowed_to_write(lanes: Repo) -> None:
    (lanes.path / "ownership.yaml").write_text(CONTRACT + "restore: true\n")
    lanes.git("commit", "-qam", "restore")
    hook(lanes, "PreToolUse", "alice-1")
    hook(lanes, "PreToolUse", "bob-1", agent="bob", tool="Write", file_path=str(lanes.path / "bob/c.txt"), content="")
    (lanes.path / "bob/c.txt").write_text("bob's new text\n")
    hook(lanes, "PostToolUse", "bob-1", agent="bob", tool="Write", file_path=str(lanes.path / "bob/c.txt"))
    assert hook(lanes, "PostToolUse", "alice-1") == ""
    assert (lanes.path / "bob/c.txt").read_text() == "bob's new text\n"


def test_the_journal_stays_bounded_and_snapshots_are_pruned(lanes: Repo, monkeypatch) -> None:
    git_dir = str(lanes.path / ".git")
    monkeypatch.setattr(audit, "JOURNAL_BYTES", 2000)
    monkeypatch.setattr(audit, "KEEP_NS", 10)
    for i in range(40):
        audit.journal(git_dir, {"t": 10**18 + i * 100, "call": f"c{i}", "event": "pre", "paths": ["x" * 20]})
    assert os.path.getsize(os.path.join(git_dir, "ownership/journal.jsonl")) < 2000
    monkeypatch.setattr(audit, "MAX_CALLS", 3)
    for i in range(5):
        hook(lanes, "PreToolUse", f"t{i}")
    assert len(os.listdir(lanes.path / ".git/ownership/calls")) == 3


def test_restore_must_be_true_or_false(lanes: Repo, run) -> None:
    (lanes.path / "ownership.yaml").write_text(CONTRACT + "restore: 1\n")
    code, _, err = run(lanes, "lint")
    assert code == 2 and "ownership.yaml:5: restore must be true or false, not 1" in err


def test_codex_gets_the_report_as_its_post_tool_use_block(lanes: Repo) -> None:
    """Codex's PostToolUse (codex-rs/hooks/src/events/post_tool_use.rs): exit 0, `decision: block` + reason."""

    def codex(event: str) -> str:
        payload = {"session_id": "s", "turn_id": "t", "cwd": str(lanes.path), "hook_event_name": event,
                   "tool_name": "Bash", "tool_input": {"command": "make"}, "tool_use_id": "c1", "agent_type": "alice",
                   **({"tool_response": "done"} if event == "PostToolUse" else {})}  # fmt: skip
        out: list[str] = []
        assert (
            run(Workspace(str(lanes.path)), lambda: json.dumps(payload).encode(), out.append, out.append, "codex") == 0
        )
        return "".join(out)

    assert codex("PreToolUse") == ""
    bash(lanes, "echo x > bob/x")
    assert "  created: " + BOB_X.format(p="bob/x") in feedback(codex("PostToolUse"))


def test_install_codex_adds_the_post_tool_use_hook(lanes: Repo, run) -> None:
    assert run(lanes, "install", "codex", "--command", "ownership")[0] == 0
    hooks = json.loads((lanes.path / ".codex/hooks.json").read_text())["hooks"]
    assert hooks["PostToolUse"] == hooks["PreToolUse"]  # the same matcher and command, after the call
