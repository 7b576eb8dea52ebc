"""The OS write boundary: `ownership sandbox` on the real kernel, with real bash and git, in a two-agent repository.

alice owns alice/** and shared/alice.txt, bob owns bob/** and shared/bob.txt; shared/ is theirs in part.
Every way out of alice's lane is tried as an agent would try it, and must fail with the kernel's refusal.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ownership.guard.lane import lane_of
from ownership.guard.sandbox import landlock_abi, pins_work
from ownership.guard.wrap import wrap_command
from tests.support import Repo

pytestmark = pytest.mark.skipif(not landlock_abi()[0], reason=f"no Landlock here: {landlock_abi()[1]}")

EXE = str(Path(sys.executable).with_name("ownership"))
CONTRACT = """
agents:
  alice:
    owns: ["alice/**", "shared/alice.txt"]
  bob:
    owns: ["bob/**", "shared/bob.txt"]
"""
DENIED = "Permission denied"


@pytest.fixture
def lanes(tmp_path: Path) -> Repo:
    (tmp_path / "repo").mkdir()
    repo = Repo(tmp_path / "repo")
    repo.write({
        "ownership.yaml": CONTRACT, "alice/a.py": "a\n", "bob/b.py": "b\n", "bob/sub/c.py": "c\n",
        "shared/alice.txt": "s\n", "shared/bob.txt": "t\n", ".gitignore": "node_modules/\n",
        ".claude/settings.json": "{}\n", ".pre-commit-config.yaml": "repos: []\n", "node_modules/m.js": "m\n",
    })  # fmt: skip
    repo.commit("lanes")
    return repo


def sandboxed(repo: Repo, script: str, agent: str = "alice") -> subprocess.CompletedProcess:
    """`ownership sandbox --agent AGENT -C REPO -- bash -c SCRIPT`, run in the repository."""
    command = [EXE, "sandbox", "--agent", agent, "-C", str(repo.path), "--", "bash", "-c", script]
    return subprocess.run(command, cwd=repo.path, capture_output=True, text=True)


def tree(repo: Repo, outside: str = "\0") -> dict[str, str]:
    """Every file outside .git (and `outside`), with its content: what a command changed shows as a difference."""
    found = {}
    for folder, dirs, files in os.walk(repo.path):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in files:
            path = Path(folder, name)
            relative = str(path.relative_to(repo.path))
            if not relative.startswith(outside):
                found[relative] = path.read_text() if not path.is_symlink() else "->"
    return found


# --- out of the lane: every route fails ----------------------------------------------

ATTACKS = {
    "redirect": "echo x > bob/x",
    "append": "echo x >> bob/b.py",
    "python": "python3 -c \"open('bob/x', 'w').write('x')\"",
    "heredoc": "cat > bob/x <<EOF\nx\nEOF",
    "cp": "cp alice/a.py bob/x",
    "mv out of alice": "mv alice/a.py bob/x",
    "mv bob's file": "mv bob/b.py alice/b.py",
    "hard link": "ln alice/a.py bob/x",
    "hard link into alice": "ln bob/b.py alice/b-link",
    "rm": "rm bob/b.py",
    "rm -rf": "rm -rf bob/sub",
    "mkdir": "mkdir bob/new",
    "symlink then write": "ln -s ../bob alice/to-bob && echo x > alice/to-bob/x",
    "truncate": "truncate -s 0 bob/b.py",
    "sed -i": "sed -i s/b/x/ bob/b.py",
    "new file in a shared folder": "echo x > shared/new.txt",
    "the other agent's file in a shared folder": "echo x > shared/bob.txt",
    "the contract": "echo x >> ownership.yaml",
    "Claude Code's settings": "echo x > .claude/settings.json",
    "the pre-commit config": "echo x >> .pre-commit-config.yaml",
    "a new file at the top": "echo x > top.txt",
    "a folder at the top": "mkdir top",
    "dd": "dd if=alice/a.py of=bob/b.py status=none",
    "tee": "echo x | tee bob/x",
}


@pytest.mark.parametrize("script", ATTACKS.values(), ids=ATTACKS.keys())
def test_a_write_out_of_the_lane_fails_with_permission_denied(lanes: Repo, script: str) -> None:
    before = tree(lanes, outside="alice/")
    proc = sandboxed(lanes, script)
    assert proc.returncode != 0
    assert DENIED in proc.stderr or "Invalid cross-device link" in proc.stderr, proc.stderr
    assert tree(lanes, outside="alice/") == before  # alice's own folder may change (`mv` copies before it deletes)


def test_a_hard_link_across_folders_fails_even_where_both_are_writable(lanes: Repo) -> None:
    """No REFER right: a link from alice's folder into the temp folder is refused by the kernel (EXDEV)."""
    proc = sandboxed(lanes, 'ln alice/a.py "$TMPDIR/link"')
    assert (proc.returncode, "Invalid cross-device link" in proc.stderr) == (1, True)


def test_git_folder_internals_are_read_only(lanes: Repo) -> None:
    if not pins_work():
        pytest.skip("no user namespaces here: .git is not writable in the sandbox at all")
    proc = sandboxed(lanes, "echo x >> .git/config; touch .git/hooks/pre-commit; git config core.hooksPath /tmp")
    assert proc.returncode != 0
    lines = proc.stderr.splitlines()
    assert lines[:2] == [
        "bash: line 1: .git/config: Read-only file system",
        "touch: cannot touch '.git/hooks/pre-commit': Read-only file system",
    ]
    assert not (lanes.path / ".git/hooks/pre-commit").exists()
    assert "hooksPath" not in (lanes.path / ".git/config").read_text()


# --- in the lane: work goes on ---------------------------------------------------------


def test_in_lane_work_succeeds(lanes: Repo) -> None:
    script = (
        "set -e; echo 1 > alice/new.py; mkdir -p alice/pkg/deep; echo 2 > alice/pkg/deep/m.py; "
        "cp alice/a.py alice/copy.py; mv alice/copy.py alice/moved.py; rm alice/a.py; "
        "echo 3 >> shared/alice.txt; cat > alice/doc.md <<'EOF'\nünïcode 'quoted' \"twice\"\nEOF\n"
        'echo 4 > node_modules/n.js; echo 5 > "$TMPDIR/scratch"; '
        "python3 -c \"import tempfile; tempfile.NamedTemporaryFile(delete=False).write(b'6')\"; echo 7 > /dev/null"
    )
    proc = sandboxed(lanes, script)
    assert (proc.returncode, proc.stderr) == (0, "")
    files = tree(lanes)
    assert files["alice/pkg/deep/m.py"] == "2\n" and files["alice/moved.py"] == "a\n" and "alice/a.py" not in files
    assert files["shared/alice.txt"] == "s\n3\n"
    assert files["alice/doc.md"] == "ünïcode 'quoted' \"twice\"\n"
    assert files["node_modules/n.js"] == "4\n"


def test_git_add_and_commit_of_an_in_lane_file_work(lanes: Repo) -> None:
    if not pins_work():
        pytest.skip("no user namespaces here: .git is not writable in the sandbox")
    proc = sandboxed(lanes, "echo 1 > alice/new.py && git add alice/new.py && git commit -q -m 'alice: new'")
    assert (proc.returncode, proc.stderr) == (0, "")
    assert lanes.git("log", "-1", "--format=%s", "--name-only").split() == ["alice:", "new", "alice/new.py"]


def test_the_sandbox_tells_the_command_it_runs_in_it(lanes: Repo) -> None:
    proc = sandboxed(lanes, 'echo "$OWNERSHIP_SANDBOX"')
    assert (proc.returncode, proc.stdout) == (0, "alice\n")


# --- the lane as drawn --------------------------------------------------------------------


def test_list_names_the_lane_folders_files_git_and_its_read_only_pins(lanes: Repo) -> None:
    proc = subprocess.run([EXE, "-C", str(lanes.path), "sandbox", "--agent", "alice", "--list"], capture_output=True)
    top = os.path.realpath(lanes.path)
    lines = [line for line in proc.stdout.decode().splitlines() if not line.startswith(("scratch\t/", "tmpdir"))]
    git = [f"git\t{top}/.git"] if pins_work() else []
    pins = [f"read-only\t{top}/.git/{name}" for name in ("config", "hooks", "info")] if pins_work() else []
    assert lines == [f"folder\t{top}/alice", f"file\t{top}/shared/alice.txt", *git, *pins]
    assert f"scratch\t{top}/node_modules" in proc.stdout.decode()


def lane(repo: Repo, yaml: str, agent: str = "alice", **options):
    from ownership.workspace import Workspace

    (repo.path / "ownership.yaml").write_text(yaml)
    repo.commit("contract")
    ws = Workspace(str(repo.path))
    top = os.path.realpath(repo.path)
    drawn = lane_of(top, ws.contract, ws.engine, agent, git_writable=False, **options)
    relative = sorted(os.path.relpath(p, top) for p in (*drawn.folders, *drawn.files))
    return relative, [os.path.relpath(p, top) for p in drawn.scratch if p.startswith(top + "/")]


@pytest.mark.parametrize(
    ("owns", "extra", "expected"),
    [
        (["alice/**"], "", ["alice", "shared/alice.txt"]),
        (["alice/"], "", ["alice", "shared/alice.txt"]),
        (["alice/*.py"], "", ["alice/a.py", "shared/alice.txt"]),  # a new alice/x.py cannot be made: stricter
        (["alice/**"], "    cannot_touch: [alice/secret/**]\n", ["alice/a.py", "alice/pub", "shared/alice.txt"]),
        (["alice/**", "!alice/a.py"], "", ["alice/pub", "alice/secret", "shared/alice.txt"]),
    ],
)
def test_a_folder_is_granted_whole_only_when_every_path_beneath_is_the_agents(
    lanes: Repo, owns: list[str], extra: str, expected: list[str]
) -> None:
    lanes.write({"alice/secret/k.txt": "k\n", "alice/pub/keep.txt": "p\n"})
    yaml = (
        f"agents:\n  alice:\n    owns: {json.dumps([*owns, 'shared/alice.txt'])}\n{extra}"
        '  bob:\n    owns: ["bob/**", "shared/bob.txt"]\n'
    )
    assert lane(lanes, yaml)[0] == expected


def test_scratch_choices_and_folders_a_rule_reaches_into(lanes: Repo) -> None:
    (lanes.path / "build").mkdir()
    (lanes.path / "bob/node_modules").mkdir()
    (lanes.path / ".gitignore").write_text("node_modules/\nbuild/\n")
    assert lane(lanes, CONTRACT)[1] == ["build", "node_modules"]  # bob/node_modules: bob/** reaches into it
    assert lane(lanes, CONTRACT, scratch_ignored=False)[1] == []


def test_a_file_with_another_hard_link_is_never_granted(lanes: Repo) -> None:
    os.link(lanes.path / "bob/b.py", lanes.path / "alice/linked.py")
    assert lane(lanes, CONTRACT)[0] == ["alice/a.py", "shared/alice.txt"]  # alice/ not whole, the link not granted


# --- the guard wraps, Claude Code runs the wrapped command --------------------------------


def guard_answer(repo: Repo, command: str, agent: str | None = "alice") -> dict:
    data = {"session_id": "s", "cwd": str(repo.path), "hook_event_name": "PreToolUse", "tool_name": "Bash",
            "tool_input": {"command": command, "description": "d"}, "tool_use_id": "t"}  # fmt: skip
    if agent:
        data.update(agent_id="a-1", agent_type=agent)
    proc = subprocess.run([EXE, "-C", str(repo.path), "guard"], input=json.dumps(data).encode(), capture_output=True)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout) if proc.stdout else {}


def test_the_guards_updated_input_enforces_the_lane_when_run_as_claude_code_runs_it(lanes: Repo) -> None:
    unread = "python3 -c \"open('bob/x', 'w')\"; echo done > alice/done"
    answer = guard_answer(lanes, unread)["hookSpecificOutput"]
    top = os.path.realpath(lanes.path)
    assert answer == {
        "hookEventName": "PreToolUse",
        "updatedInput": {"command": wrap_command("Bash", unread, "alice", top), "description": "d"},
    }
    proc = subprocess.run(["bash", "-c", answer["updatedInput"]["command"]], cwd=lanes.path, capture_output=True)
    assert proc.stderr.decode().splitlines()[-1] == "PermissionError: [Errno 13] Permission denied: 'bob/x'"
    assert not (lanes.path / "bob/x").exists() and (lanes.path / "alice/done").read_text() == "done\n"


def test_a_write_known_only_at_run_time_is_left_to_the_kernel(lanes: Repo, monkeypatch) -> None:
    """Reading alone must deny `> "$T"` (it cannot place it); in the sandbox the kernel places it."""
    command = 'T=$(cat target); echo x > "$T"'
    (lanes.path / "target").write_text("bob/x")
    answer = guard_answer(lanes, command)["hookSpecificOutput"]
    proc = subprocess.run(["bash", "-c", answer["updatedInput"]["command"]], cwd=lanes.path, capture_output=True)
    assert proc.stderr.decode().strip() == "bash: line 1: bob/x: Permission denied"
    assert not (lanes.path / "bob/x").exists()
    monkeypatch.setenv("OWNERSHIP_SANDBOX", "off")
    answer = guard_answer(lanes, command)["hookSpecificOutput"]
    assert answer["permissionDecision"] == "deny"
    assert "the redirection '> $T': a path known only when the command runs" in answer["permissionDecisionReason"]


@pytest.mark.parametrize(
    "command",
    [
        "echo 'it'\"'\"'s' > alice/q",
        "printf '%s\\n' \"a b\" > alice/q",
        "cat > alice/q <<'EOF'\n$HOME `x` 'y'\nEOF",
        "echo ünïcødé ✓ > alice/q",
        "x=1\nif [ $x = 1 ]; then echo multi > alice/q; fi",
    ],
)
def test_the_wrapped_command_runs_exactly_the_original(lanes: Repo, command: str) -> None:
    wrapped = guard_answer(lanes, command)["hookSpecificOutput"]["updatedInput"]["command"]
    direct = subprocess.run(["bash", "-c", command], cwd=lanes.path, capture_output=True)
    expected = (lanes.path / "alice/q").read_bytes()
    (lanes.path / "alice/q").unlink()
    proc = subprocess.run(["bash", "-c", wrapped], cwd=lanes.path, capture_output=True)
    assert (proc.returncode, proc.stderr, direct.returncode) == (0, b"", 0)
    assert (lanes.path / "alice/q").read_bytes() == expected


def test_the_main_session_with_free_hands_and_a_denied_call_are_not_wrapped(lanes: Repo) -> None:
    assert guard_answer(lanes, "python3 -c pass", agent=None) == {}
    denied = guard_answer(lanes, "echo x > bob/x")["hookSpecificOutput"]
    assert (denied["permissionDecision"], "updatedInput" in denied) == ("deny", False)


def test_powershell_is_wrapped_in_pwsh_with_the_command_encoded() -> None:
    import base64

    original = "Set-Content bob/x 'it''s' # ünï"
    words = wrap_command("PowerShell", original, "alice", "/p/o\u2019k").removesuffix("; exit $LASTEXITCODE").split(" ")
    assert words[0] == "&" and words[-7:-1] == [
        "'-C'",
        "'/p/o\u2019\u2019k'",
        "'--'",
        "'pwsh'",
        "'-NoProfile'",
        "'-EncodedCommand'",
    ]
    assert base64.b64decode(words[-1].strip("'")).decode("utf-16-le") == original


# --- failing closed ------------------------------------------------------------------------


def test_without_landlock_the_sandbox_refuses_to_run_the_command(lanes: Repo, run, monkeypatch) -> None:
    from ownership.guard import sandbox

    monkeypatch.setattr(sandbox, "landlock_abi", lambda: (0, "the kernel has no Landlock (before 5.13)"))
    code, out, err = run(lanes, "sandbox", "--agent", "alice", "--", "touch", "alice/x")
    assert (code, out, err) == (
        2,
        "",
        "ownership: no OS sandbox on this machine: the kernel has no Landlock (before 5.13)\n",
    )
    assert not (lanes.path / "alice/x").exists()


def test_an_unknown_agent_is_refused(lanes: Repo, run) -> None:
    code, _, err = run(lanes, "sandbox", "--agent", "carol", "--", "true")
    assert (code, err) == (2, "ownership: unknown agent 'carol'; the contract's agents are: alice, bob\n")
