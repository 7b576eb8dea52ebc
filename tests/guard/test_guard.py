"""The Claude Code guard: the payload corpus, Bash reading, install, doctor and the audit log.

The corpus (tests/guard_payloads/*.json) is one file a case: the payload Claude
Code sends (or raw stdin), optional setup of the example repository, and the
exact answer: exit code, the deny reason or SubagentStart context (stdout is
then the full hook JSON; without either it must be empty), and stderr.
"{repo}" and "{tmp}" stand for the repository and the temporary folder holding it.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ownership.cli import main
from ownership.guard.sandbox import sandbox_lines
from ownership.guard.shell import written_paths
from tests.support import FAIL_CLOSED, GUARD_PAYLOADS, TOP, Repo, sandboxed_as_allowed

CORPUS = sorted(GUARD_PAYLOADS.glob("*.json"))
EXE = str(Path(sys.executable).with_name("ownership"))
MODELS_READS = (
    "ownership: api may not write svc/src/db/models.py: reads: src/db/** (contract/agents/api.md:17); owners: db"
)


def deny_json(reason: str) -> str:
    answer = {"hookEventName": "PreToolUse", "permissionDecision": "deny", "permissionDecisionReason": reason}
    return json.dumps({"hookSpecificOutput": answer}) + "\n"


def payload(repo: Repo, tool: str, tool_input: dict, agent: str | None = "api") -> bytes:
    data = {"session_id": "session-1", "cwd": str(repo.path), "hook_event_name": "PreToolUse", "tool_name": tool,
            "tool_input": tool_input, "tool_use_id": "toolu_01"}  # fmt: skip
    if agent:
        data.update(agent_id="agent-1", agent_type=agent)
    return json.dumps(data).encode()


@pytest.fixture
def guard(capsys, monkeypatch):
    """`ownership -C REPO guard` in-process, with `data` on stdin: (exit code, stdout, stderr)."""

    def invoke(repo: Repo, data: bytes) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
        code = main(["-C", str(repo.path), "guard"])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


# --- the corpus ---------------------------------------------------------------


def _fill(value, places: dict[str, str]):
    if isinstance(value, str):
        for key, path in places.items():
            value = value.replace(key, path)
        return value
    if isinstance(value, dict):
        return {k: _fill(v, places) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, places) for v in value]
    return value


def _setup(repo: Repo, setup: dict, places: dict[str, str]) -> None:
    (Path(places["{tmp}"]) / "elsewhere").mkdir(exist_ok=True)
    if "yaml" in setup:
        path = repo.path / "contract/ownership.yaml"
        path.write_text(path.read_text() + setup["yaml"])
    for link, target in setup.get("symlinks", {}).items():
        os.symlink(_fill(target, places), repo.path / link)
    if "yaml" in setup or "symlinks" in setup:
        repo.commit("setup")
    for key, value in setup.get("config", {}).items():
        repo.git("config", key, value)
    for name, text in setup.get("worktree", {}).items():
        (repo.path / name).write_text(text)


@pytest.mark.parametrize("case_file", CORPUS, ids=lambda p: p.stem)
def test_corpus(case_file: Path, example: Repo, tmp_path: Path, guard, monkeypatch) -> None:
    case = json.loads(case_file.read_text(encoding="utf-8"))
    for name, value in case.get("environment", {}).items():  # the hook process's environment
        monkeypatch.setenv(name, value)
    places = {"{repo}": os.path.realpath(example.path), "{tmp}": os.path.realpath(tmp_path)}
    _setup(example, case.get("setup", {}), places)
    data = case["stdin"].encode() if "stdin" in case else json.dumps(_fill(case["payload"], places)).encode()
    expected = ""
    if "deny" in case:
        expected = deny_json(_fill(case["deny"], places))
    elif "context" in case:
        expected = json.dumps(
            {"hookSpecificOutput": {"hookEventName": "SubagentStart", "additionalContext": case["context"]}}
        )
        expected += "\n"
    code, out, err = guard(example, data)
    assert (code, sandboxed_as_allowed(out, data), err) == (case["exit"], expected, _fill(case["stderr"], places))


def test_corpus_covers_the_issue() -> None:
    """The cases the issue asks for are all in the corpus (a regression guard against deleting one)."""
    names = {p.stem for p in CORPUS}
    required = {
        "in_lane_write", "out_of_lane_unlisted", "reads_only_edit", "cannot_touch", "protected_contract_file",
        "dotdot_traversal", "absolute_outside", "symlink_out_of_lane", "case_variant_ignorecase", "multiedit",
        "notebookedit", "bash_redirect", "bash_sed_in_place", "main_session_allowed", "plugin_prefixed_agent",
        "unknown_agent", "malformed_json", "subagent_start_lane", "uncommitted_contract_edit",
    }  # fmt: skip
    assert required <= names


# --- the installed command, as Claude Code runs it --------------------------------


def _shell(command: str, repo: Repo, data: bytes, path: str = "/usr/bin:/bin") -> subprocess.CompletedProcess:
    """Run a hook command the way Claude Code does: through a shell, CLAUDE_PROJECT_DIR set, JSON on stdin."""
    env = dict(os.environ, CLAUDE_PROJECT_DIR=str(repo.path), PATH=path)
    return subprocess.run(["/bin/sh", "-c", command], input=data, capture_output=True, cwd=repo.path, env=env)


def test_done_when_an_installed_project_denies_an_out_of_lane_subagent_write(example: Repo) -> None:
    """`ownership install claude`, then the command from settings.json denies a subagent's out-of-lane Write."""
    path = f"{Path(EXE).parent}:/usr/bin:/bin"  # ownership on PATH, here and where the hook runs
    env = dict(os.environ, PATH=path)
    proc = subprocess.run([EXE, "install", "claude"], cwd=example.path, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    settings = json.loads((example.path / ".claude/settings.json").read_text())
    (group,) = settings["hooks"]["PreToolUse"]
    assert group["matcher"] == "Write|Edit|MultiEdit|NotebookEdit|Bash|PowerShell|Monitor|mcp__.*"
    command = group["hooks"][0]["command"]
    assert command == COMMAND  # `ownership` from PATH: the same in every clone
    claude_sends = {
        "session_id": "5d8c1e5a-0d7e-4a43-9d8e-3f1b2c4d5e6f",
        "transcript_path": "/home/dev/.claude/projects/repo/5d8c1e5a.jsonl",
        "cwd": str(example.path),
        "permission_mode": "acceptEdits",
        "hook_event_name": "PreToolUse",
        "tool_name": "Write",
        "tool_input": {"file_path": str(example.path / "svc/src/db/models.py"), "content": "models = ['users']\n"},
        "tool_use_id": "toolu_01ABCDEF",
        "agent_id": "a1b2c3",
        "agent_type": "api",
    }
    result = _shell(command, example, json.dumps(claude_sends).encode(), path)
    assert (result.returncode, result.stdout.decode(), result.stderr.decode()) == (0, deny_json(MODELS_READS), "")
    allowed = dict(claude_sends, tool_input={"file_path": str(example.path / "svc/src/api/users.py"), "content": ""})
    result = _shell(command, example, json.dumps(allowed).encode(), path)
    assert (result.returncode, result.stdout, result.stderr) == (0, b"", b"")


def test_a_hook_command_that_cannot_start_blocks_the_call(example: Repo) -> None:
    """`|| exit 2`: Claude Code lets a hook's other exit codes through; a missing `ownership` must block."""
    result = _shell('no-such-ownership -C "$CLAUDE_PROJECT_DIR" guard || exit 2', example, b"{}")
    assert result.returncode == 2
    assert b"no-such-ownership" in result.stderr


def test_installed_console_script_fails_closed_on_bad_input(example: Repo) -> None:
    proc = subprocess.run([EXE, "guard"], cwd=example.path, input=b"{oops", capture_output=True)
    assert (proc.returncode, proc.stdout, proc.stderr.decode()) == (
        2, b"", "ownership: hook input is not JSON: Expecting property name enclosed in double quotes at line 1, column 2\n"
    )  # fmt: skip


def test_without_any_contract_writes_block_and_other_tools_pass(repo: Repo, guard) -> None:
    repo.write({"README.md": "hi\n"}).commit()
    code, out, err = guard(repo, payload(repo, "Write", {"file_path": str(repo.path / "README.md")}))
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == "ownership: the contract has 1 error(s); fix them and run again"
    assert guard(repo, payload(repo, "Read", {"file_path": str(repo.path / "README.md")})) == (0, "", "")


def test_before_the_first_commit_the_working_tree_contract_governs(repo: Repo, guard) -> None:
    repo.write({"ownership.yaml": "version: 1\nagents:\n  api:\n    owns: [src/api/**]\n"})
    assert guard(repo, payload(repo, "Write", {"file_path": str(repo.path / "src/api/a.py")})) == (0, "", "")
    code, out, _ = guard(repo, payload(repo, "Write", {"file_path": str(repo.path / "ownership.yaml")}))
    assert (code, out) == (0, deny_json(
        "ownership: api may not write ownership.yaml: protected: /ownership.yaml (ownership.yaml, automatic); "
        "owners: no agent (a person must change it)"
    ))  # fmt: skip


def test_a_nested_repository_is_judged_by_its_own_contract(example: Repo, guard) -> None:
    """A path in another work tree: that repository's contract decides; one without a contract is not governed."""
    (example.path / "vendor/lib").mkdir(parents=True)
    nested = Repo(example.path / "vendor/lib")
    nested.write({"ownership.yaml": "version: 1\nagents:\n  db:\n    owns: [data/**]\n", "data/a.csv": "1\n"}).commit()
    code, out, _ = guard(example, payload(example, "Write", {"file_path": str(nested.path / "data/a.csv")}))
    top = os.path.realpath(nested.path)
    assert (code, out) == (0, deny_json(
        f"ownership: api may not write {top}/data/a.csv: unknown_agent: api is not an agent of the contract (agents: db), "
        "and unknown_agent is deny (ownership.yaml); owners: db"
    ))  # fmt: skip
    contract = example.path / "contract/ownership.yaml"  # the temp folder holding the test is no scratch space
    contract.write_text(contract.read_text() + "scratch:\n  temp: false\n")
    example.commit("no temp scratch")
    (example.path.parent / "plain").mkdir()
    bare = Repo(example.path.parent / "plain")
    bare.write({"x.txt": "x\n"}).commit()
    code, out, _ = guard(example, payload(example, "Write", {"file_path": str(bare.path / "x.txt")}))
    assert out == deny_json(
        f"ownership: api may not write {os.path.realpath(bare.path)}/x.txt: outside_repo: it lies outside every governed "
        "repository, and outside_repo is deny (contract/ownership.yaml)"
    )


# --- the audit log ------------------------------------------------------------


def test_audit_log_appends_one_line_a_decision(example: Repo, guard) -> None:
    path = example.path / "contract/ownership.yaml"
    path.write_text(path.read_text() + "audit_log: logs/guard.jsonl\n")
    example.commit("audit")
    guard(example, payload(example, "Write", {"file_path": str(example.path / "svc/src/api/users.py")}))
    guard(example, payload(example, "Bash", {"command": "touch svc/src/db/x.py"}))
    lines = [json.loads(line) for line in (example.path / "logs/guard.jsonl").read_text().splitlines()]
    for line in lines:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line.pop("time"))
    common = {"session_id": "session-1", "agent": "api", "agent_id": "agent-1", "tool_use_id": "toolu_01"}
    assert lines == [
        {**common, "tool": "Write", "path": "svc/src/api/users.py", "decision": "allow", "access": "owns",
         "rule": {"section": "owns", "pattern": "src/api/**", "source": "contract/agents/api.md", "line": 11}},
        {**common, "tool": "Bash", "path": "svc/src/db/x.py", "decision": "deny", "access": "reads",
         "rule": {"section": "reads", "pattern": "src/db/**", "source": "contract/agents/api.md", "line": 17}},
    ]  # fmt: skip


def test_an_audit_log_that_cannot_be_written_never_stops_the_decision(example: Repo, guard) -> None:
    path = example.path / "contract/ownership.yaml"
    path.write_text(path.read_text() + "audit_log: svc\n")  # a folder: cannot be appended to
    example.commit("audit")
    code, out, err = guard(
        example, payload(example, "Write", {"file_path": str(example.path / "svc/src/db/models.py")})
    )
    log = os.path.join(os.path.realpath(example.path), "svc")
    assert (code, out, err) == (
        0, deny_json(MODELS_READS), f"ownership: cannot append to the audit log {log}: Is a directory; the decision stands\n"
    )  # fmt: skip


# --- install and doctor ---------------------------------------------------------


@pytest.fixture
def cli(capsys):
    def invoke(repo: Repo, *args: str) -> tuple[int, str, str]:
        code = main(["-C", str(repo.path), *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


COMMAND = 'ownership -C "$CLAUDE_PROJECT_DIR" guard' + FAIL_CLOSED
ENTRY = {"type": "command", "command": COMMAND, "timeout": 30, "onFailure": "block"}


def test_install_writes_the_example_settings(example: Repo, cli) -> None:
    code, out, err = cli(example, "install", "claude", "--command", "ownership")
    assert (code, err) == (0, "")
    assert out == (
        "installed the ownership guard in .claude/settings.json: PreToolUse, PostToolUse and PostToolUseFailure "
        f"(Write|Edit|MultiEdit|NotebookEdit|Bash|PowerShell|Monitor|mcp__.*) and SubagentStart run\n  {COMMAND}\n"
    )
    assert (example.path / ".claude/settings.json").read_text() == (TOP / "hooks/claude-settings.json").read_text()


def test_install_keeps_everything_else_and_twice_changes_nothing(example: Repo, cli) -> None:
    settings = example.path / ".claude/settings.json"
    settings.parent.mkdir()
    original = {
        "permissions": {"allow": ["Bash(npm test:*)"]},
        "hooks": {
            "PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "./lint-bash.sh"}]}],
            "PostToolUse": [{"matcher": "Write", "hooks": [{"type": "command", "command": "prettier --write"}]}],
        },
        "model": "opus",
    }
    settings.write_text(json.dumps(original))
    cli(example, "install", "claude", "--command", "ownership")
    first = settings.read_text()
    merged = json.loads(first)
    assert merged["permissions"] == original["permissions"] and merged["model"] == "opus"
    ours = {"matcher": "Write|Edit|MultiEdit|NotebookEdit|Bash|PowerShell|Monitor|mcp__.*", "hooks": [ENTRY]}
    assert merged["hooks"]["PostToolUse"] == [
        *original["hooks"]["PostToolUse"],
        ours,
    ]  # the audit, after the same tools
    assert merged["hooks"]["PostToolUseFailure"] == [ours]  # Claude Code's event when a Bash command exits non-zero
    assert merged["hooks"]["PreToolUse"] == [
        original["hooks"]["PreToolUse"][0],
        {
            "matcher": "Write|Edit|MultiEdit|NotebookEdit|Bash|PowerShell|Monitor|mcp__.*",
            "hooks": [ENTRY],
        },
    ]
    assert merged["hooks"]["SubagentStart"] == [{"hooks": [ENTRY]}]
    code, out, _ = cli(example, "install", "claude", "--command", "ownership")
    assert (code, out, settings.read_text()) == (
        0, "the ownership guard is already installed in .claude/settings.json; nothing changed\n", first
    )  # fmt: skip


def test_install_replaces_an_older_guard_command_in_place(example: Repo, cli) -> None:
    settings = example.path / ".claude/settings.json"
    settings.parent.mkdir()
    old = {"type": "command", "command": "/old/venv/bin/ownership guard"}
    settings.write_text(json.dumps({"hooks": {"PreToolUse": [{"matcher": "Write", "hooks": [old]}]}}))
    cli(example, "install", "claude", "--command", "ownership")
    hooks = json.loads(settings.read_text())["hooks"]
    assert hooks["PreToolUse"] == [
        {
            "matcher": "Write|Edit|MultiEdit|NotebookEdit|Bash|PowerShell|Monitor|mcp__.*",
            "hooks": [ENTRY],
        }
    ]


def test_install_refuses_settings_that_are_not_json(example: Repo, cli) -> None:
    settings = example.path / ".claude/settings.json"
    settings.parent.mkdir()
    settings.write_text("{\n  'hooks': {}\n}\n")
    code, out, err = cli(example, "install", "claude", "--command", "ownership")
    assert (code, out, err) == (
        2, "", "ownership: .claude/settings.json:2: not JSON (Expecting property name enclosed in double quotes); "
        "fix it, then run this again\n",
    )  # fmt: skip
    assert settings.read_text() == "{\n  'hooks': {}\n}\n"


def test_install_with_a_contract_option_passes_it_on(example: Repo, cli) -> None:
    cli(example, "--contract", "contract/ownership.yaml", "install", "claude", "--command", "ownership")
    hooks = json.loads((example.path / ".claude/settings.json").read_text())["hooks"]
    assert hooks["SubagentStart"][0]["hooks"][0]["command"] == (
        'ownership -C "$CLAUDE_PROJECT_DIR" --contract contract/ownership.yaml guard' + FAIL_CLOSED
    )


def _timeless(text: str) -> str:
    return re.sub(r"\(\d+ ms\)", "(N ms)", text)


def test_doctor_sends_a_denied_and_an_allowed_call_through_the_installed_hook(example: Repo, cli) -> None:
    cli(example, "install", "claude", "--command", EXE)
    code, out, err = cli(example, "doctor")
    assert (code, err) == (0, "")
    assert _timeless(out).splitlines() == [
        "hook installed: .claude/settings.json runs it on PreToolUse, PostToolUse and PostToolUseFailure (Write|Edit|MultiEdit|NotebookEdit|Bash|PowerShell|Monitor|mcp__.*) and SubagentStart:",
        f'  {EXE} -C "$CLAUDE_PROJECT_DIR" guard' + FAIL_CLOSED,
        "contract in force: contract/ownership.yaml at HEAD (2 agents)",
        "denied as expected: api writes contract/ownership.yaml (N ms)",
        "  ownership: api may not write contract/ownership.yaml: protected: /contract/ownership.yaml "
        "(contract/ownership.yaml, automatic); owners: no agent (a person must change it)",
        "allowed as expected: api writes svc/src/api/ownership-doctor.txt (N ms)",
        "acting here when the payload has no agent_type: the main session",
        "  with an agent_id but no agent_type: an agent the harness did not name (agent_id without agent_type)",
        "  clues after the payload's agent_type, strongest first: $OWNERSHIP_AGENT: unset, "
        "git config ownership.agent: unset, branch: main",
        *sandbox_lines(),
        "not installed (no folder of theirs here): codex, gemini, cursor, copilot, windsurf, cline, opencode, kiro",
        "doctor: the guard is installed and works",
    ]


def test_doctor_says_when_the_hook_is_not_installed_or_does_not_run(example: Repo, cli) -> None:
    settings = example.path / ".claude/settings.json"
    settings.parent.mkdir()
    hook = {"type": "command", "command": 'missing-ownership -C "$CLAUDE_PROJECT_DIR" guard || exit 2'}
    settings.write_text(
        json.dumps(
            {
                "hooks": {
                    "PreToolUse": [
                        {
                            "matcher": "Write|Edit|MultiEdit|NotebookEdit|Bash|PowerShell|Monitor|mcp__.*",
                            "hooks": [hook],
                        }
                    ]
                }
            }
        )
    )
    code, out, _ = cli(example, "doctor")
    lines = out.splitlines()
    assert code == 1
    assert lines[:5] == [
        "hook not installed: .claude/settings.json has no guard on PostToolUse, PostToolUseFailure, SubagentStart "
        "(the audit after each command)",
        "  fix: ownership install claude",
        "trying its PreToolUse command:",
        '  missing-ownership -C "$CLAUDE_PROJECT_DIR" guard || exit 2',
        "contract in force: contract/ownership.yaml at HEAD (2 agents)",
    ]
    assert lines[5] == "FAILED: api writes contract/ownership.yaml should be denied; the command exited 2"
    assert lines[6].startswith("  stderr: ") and lines[6].endswith("missing-ownership: not found")
    assert lines[7] == (
        '  fix: put ownership on PATH (pipx install "/path/to/ownership[hooks]") or into the project\'s .venv, '
        "then run `ownership install claude`"
    )
    assert lines[-1] == "doctor: 3 problem(s)"


def test_doctor_without_a_portable_command_says_how_to_get_one(example: Repo, cli, monkeypatch) -> None:
    monkeypatch.setenv("PATH", "/usr/bin:/bin")  # no ownership on PATH; this one lies outside the repository
    code, out, _ = cli(example, "doctor")
    lines = out.splitlines()
    assert code == 1
    assert lines[:3] == [
        "hook not installed: .claude/settings.json has no guard on PreToolUse, PostToolUse, PostToolUseFailure, "
        "SubagentStart",
        f"  and cannot be yet: `ownership` is not on PATH and this one ({EXE}) lies outside the project: a hook "
        'naming it would run on this machine only; install it on PATH (pipx install "/path/to/ownership[hooks]") '
        "or into the project's .venv, then run this again, or name the command with --command",
        '  fix: put ownership on PATH (pipx install "/path/to/ownership[hooks]") or into the project\'s .venv, '
        "then run `ownership install claude`",
    ]
    assert lines[3] == "contract in force: contract/ownership.yaml at HEAD (2 agents)"
    assert lines[-1] == "doctor: 1 problem(s)"


def test_doctor_names_the_fix_for_a_contract_that_does_not_read(example: Repo, cli) -> None:
    cli(example, "install", "claude", "--command", EXE)
    (example.path / "contract/ownership.yaml").write_text("agents: [\n")
    example.commit("a broken contract")  # the guard reads the committed one
    code, out, _ = cli(example, "doctor")
    lines = out.splitlines()
    assert code == 1
    assert lines[2].startswith("contract: cannot be read: ")
    assert lines[3:] == [
        "  fix: ownership lint (it lists every error with its file and line; correct them, then commit)",
        "doctor: 1 problem(s); the guard blocks every write until the contract reads",
    ]


def test_doctor_names_a_committed_hook_file_the_contract_leaves_writable_and_what_to_add(example: Repo, cli) -> None:
    cli(example, "install", "claude", "--command", EXE)
    example.write({".pre-commit-config.yaml": "repos: []\n"})
    example.commit("hooks")  # .claude/settings.json lies outside root svc: ungoverned, so any commit may change it
    code, out, _ = cli(example, "doctor")
    lines = out.splitlines()
    assert code == 1
    at = lines.index(
        "not protected: .claude/settings.json holds hooks, yet the contract lets an agent's commit change it"
    )
    assert lines[at + 1] == "  fix: add /.claude/settings.json to the `protected:` list of contract/ownership.yaml"
    assert ".pre-commit-config.yaml" not in out  # the example contract protects it already
    assert lines[-1] == "doctor: 1 problem(s)"


# --- reading Bash ---------------------------------------------------------------


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for folder in ("src/api", "src/db", "dest", "build/out"):
        (tmp_path / folder).mkdir(parents=True)
    for name in ("src/api/a.py", "src/api/b.py", "src/db/m.py", "build/out/x.o", "notes.txt"):
        (tmp_path / name).write_text("x\n")
    (tmp_path / "script.sed").write_text("s/a/b/\n")
    (tmp_path / "fix.patch").write_text(
        "diff --git a/src/db/m.py b/src/db/m.py\n--- a/src/db/m.py\n+++ b/src/db/m.py\n@@ -1 +1 @@\n-x\n+y\n"
        "diff --git a/old.py b/new.py\nsimilarity index 100%\nrename from old.py\nrename to new.py\n"
    )
    return tmp_path


BASH = [
    # (command, paths relative to the tree, what was not understood)
    ("echo hi > out.txt", ["out.txt"], []),
    ("echo hi >> out.txt 2>&1", ["out.txt"], []),
    ("cmd &> both.log; cmd &>> both.log; cmd >| clobber", ["both.log", "clobber"], []),
    ("cmd 2>/dev/null >/dev/null </etc/passwd", [], []),
    ("cmd 2 > out", ["out"], []),  # '2 >' is an argument, then a redirection
    ("exec 3<> rw.txt", ["rw.txt"], []),
    ("echo x >&2; echo y >& log.txt", ["log.txt"], []),
    ("cat notes.txt | tee -a a.log b.log | grep x > /dev/null", ["a.log", "b.log"], []),
    ("sed -i s/a/b/ src/db/m.py", ["src/db/m.py"], []),
    ("sed -i.orig -e s/a/b/ -e s/c/d/ src/db/m.py", ["src/db/m.py", "src/db/m.py.orig"], []),
    ("sed -ie s/a/b/ src/db/m.py", ["src/db/m.py", "src/db/m.pye"], []),  # GNU: -ie is -i with suffix 'e'
    ("sed -i '' 's/a/b/' src/db/m.py", ["src/db/m.py"], []),  # BSD sed
    ("sed --in-place=.bak -f script.sed src/db/m.py", ["src/db/m.py", "src/db/m.py.bak"], []),
    ("sed -n 's/a/b/p' src/db/m.py", [], []),
    ("cp src/api/a.py src/db/", ["src/db/a.py"], []),
    ("cp src/api/a.py src/db/copy.py", ["src/db/copy.py"], []),
    ("cp -r src/api dest", ["dest/api/a.py", "dest/api/b.py"], []),  # the files the copy creates
    ("cp -t dest src/api/a.py src/db/m.py", ["dest/a.py", "dest/m.py"], []),
    ("cp --target-directory=dest notes.txt", ["dest/notes.txt"], []),
    ("mv src/api/a.py src/api/b.py dest", ["dest/a.py", "dest/b.py", "src/api/a.py", "src/api/b.py"], []),
    ("mv -T src/api dest2", ["dest2/a.py", "dest2/b.py", "src/api/"], []),
    ("ln -sf ../src/api/a.py dest/link.py", ["dest/link.py"], []),
    ("ln -s src/api/a.py", ["a.py"], []),
    ("rm -rf build src/api/a.py", ["build/", "src/api/a.py"], []),
    ("rm -f src/api/*.py", ["src/api/a.py", "src/api/b.py"], []),
    ("rm src/{api,db}/gone.py", ["src/api/gone.py", "src/db/gone.py"], []),
    ("rmdir -p build/out", ["build/out/", "build/"], []),
    ("unlink notes.txt", ["notes.txt"], []),
    ("touch -d yesterday -r notes.txt new.txt", ["new.txt"], []),
    ("mkdir -p src/api src/web/v2 -m 755", ["src/web/v2/"], []),  # src/api exists: mkdir writes nothing there
    ("truncate -s 0 big.log", ["big.log"], []),
    ("cd src && touch db/n.py && cd .. && touch top.py", ["src/db/n.py", "top.py"], []),
    ("(cd src/db && touch inner.py); touch outer.py", ["src/db/inner.py", "outer.py"], []),
    ("pushd src >/dev/null && touch p.py", ["src/p.py"], []),
    ('cd "$DIR" && touch a.py /abs.py', ["/abs.py"], ["'a.py': relative to a folder known only when the command runs"]),
    ("sudo -u www env -i PATH=/bin A=1 rm -f notes.txt", ["notes.txt"], []),
    ("env -C src touch e.py", ["src/e.py"], []),
    ("command rm notes.txt; command -v rm", ["notes.txt"], []),
    ("nohup nice -n 5 timeout -s KILL 10 touch t.py &", ["t.py"], []),
    ("LANG=C time -p touch t.py", ["t.py"], []),
    ("find . -name '*.pyc' -print0 | xargs -0 rm -f keep.txt", ["keep.txt"], []),
    ("ls | xargs -I{} cp {} dest/{}", [], ["'dest/{}': a path known only when the command runs"]),
    ("ls | xargs cp -t dest", [], ["cp: its sources come from xargs, known only when it runs"]),
    ("git checkout -b feature", [], []),
    ("git rm -r --cached build", ["build/"], []),
    ("git rm -n notes.txt", [], []),
    ("git mv src/api/a.py dest/", ["dest/a.py", "src/api/a.py"], []),
    ("git apply fix.patch", ["src/db/m.py", "old.py", "new.py"], []),
    ("git apply --check fix.patch", [], []),
    ("git apply <<'EOF'\n--- a/src/api/a.py\n+++ b/src/api/a.py\n@@ -1 +1 @@\n-x\n+y\nEOF", ["src/api/a.py"], []),
    ("git apply --directory=sub -p1 < fix.patch", ["sub/src/db/m.py", "sub/old.py", "sub/new.py"], []),
    ("curl -s https://x | git apply", [], ["git apply: the patch comes from stdin, known only when it runs"]),
    ("cat > gen.py <<EOF\nrm -rf /\nit's data\nEOF\ntouch after.py", ["gen.py", "after.py"], []),
    ("cat <<-'EOF' > tabbed.txt\n\tbody\n\tEOF", ["tabbed.txt"], []),
    (
        'echo $(rm -rf build) > "$OUT"',
        ["build/"],
        ["the redirection '> $OUT': a path known only when the command runs"],
    ),
    ("x=$(touch made.py) && echo $x", ["made.py"], []),
    ("diff <(sort a) <(sort b) > d.txt", ["d.txt"], []),
    ("echo >(gzip > out.gz)", ["out.gz"], []),
    ("cp notes.txt $(pwd)/dest/", [], ["'$(pwd)/dest/': a path known only when the command runs"]),
    ("[[ $a > 5 ]] && echo yes; (( n > 3 )) && echo $((n > 2))", [], []),
    ('for f in src/api/*.py; do sed -i s/a/b/ "$f"; done > loop.log', ["loop.log", "src/api/a.py", "src/api/b.py"], []),
    ("if true; then touch then.py; else rm -f else.py; fi", ["then.py", "else.py"], []),
    ("python -c \"open('x.py', 'w')\"; npm run build; make", [], []),  # not understood: nothing, allowed
    (
        "echo 'unclosed > out.txt",
        [],
        ["the guard cannot read part of the command (\" 'unclosed > out.txt\"), and it holds the write operator '>'"],
    ),
    ("echo a \\\n  > continued.txt", ["continued.txt"], []),
    ('echo "two\nlines" > quoted.txt', ["quoted.txt"], []),
    ("touch ~/home.txt", ["~/home.txt"], []),
]


@pytest.mark.parametrize(("command", "paths", "unknown"), BASH, ids=[c for c, _, _ in BASH])
def test_bash_written_paths(tree: Path, command: str, paths: list[str], unknown: list[str]) -> None:
    def where(path: str) -> str:
        if path.startswith("~"):
            return os.path.expanduser(path)
        folder = path.endswith("/")
        full = os.path.normpath(os.path.join(tree, path))
        return full + "/" if folder else full

    found = written_paths(command, str(tree), toplevel=lambda folder: str(tree))
    assert (sorted(found.paths), [*found.unknown, *found.late]) == (sorted(where(p) for p in paths), unknown)


def test_a_quoted_operator_is_a_word(tree: Path) -> None:
    """The grammar knows `'>'` is quoted: `grep '>' notes.txt` writes nothing (the shlex reader read a redirection)."""
    assert written_paths("grep '>' notes.txt", str(tree)).paths == ()


def test_the_grammar_is_imported_only_to_read_a_command(example: Repo) -> None:
    """tree-sitter loads when a Bash command is judged, never on import; bashlex (156 ms, GPL) never."""
    proc = subprocess.run(
        [sys.executable, "-c", "import sys, ownership.guard.shell, ownership.guard.decide; "
         "print('tree_sitter' in sys.modules, 'bashlex' in sys.modules)"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert proc.stdout == "False False\n"


def test_a_decision_costs_few_git_processes(example: Repo, tmp_path: Path) -> None:
    """The guard runs on every tool call: locating a path inside the repository runs no git of its own."""
    trace = tmp_path / "trace.txt"
    env = dict(os.environ, GIT_TRACE=str(trace))
    data = payload(example, "Bash", {"command": "cd svc && touch src/api/new.py src/db/new.py"})
    for _ in range(2):  # the second run finds the parsed contract cached
        trace.unlink(missing_ok=True)
        proc = subprocess.run([EXE, "guard"], cwd=example.path, input=data, capture_output=True, env=env)
        assert proc.returncode == 0 and b'"deny"' in proc.stdout
    runs = [line for line in trace.read_text().splitlines() if "built-in: git" in line]
    assert len(runs) <= 3, runs
