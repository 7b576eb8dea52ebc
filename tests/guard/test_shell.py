"""Reading Bash (guard/shell.py, guard/writers.py, guard/paths.py): every trick of issue 14 that concerns reading,
paths or file-changing commands, each asserting the exact deny; and in-lane commands that must stay allowed.

The example repository: `api` owns svc/src/api/** and reads svc/src/db/** (db's lane), and may not touch
svc/src/db/migrations/**. Calls go through `ownership -C REPO guard` in-process, as a subagent `api`.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from ownership.cli import main
from ownership.guard.shell import written_paths
from tests.support import Repo

READS = "reads: src/db/** (contract/agents/api.md:17); owners: db"
MIGRATIONS = "cannot_touch: src/db/migrations/** (contract/agents/api.md:22); owners: db"
UNPLACED = "; the guard denies a write it cannot place (write the path out, or split the command)"


def db(path: str) -> str:
    return f"ownership: api may not write {path}: {READS}"


def unread(what: str) -> str:
    return f"ownership: api may not run this command: {what}{UNPLACED}"


@pytest.fixture
def run(example: Repo, capsys, monkeypatch):
    """A tool call of the subagent api, judged in-process by reading alone (no OS sandbox): the deny reason, or ''."""
    monkeypatch.setenv("OWNERSHIP_SANDBOX", "off")

    def call(command: str | None = None, tool: str = "Bash", **tool_input: str) -> str:
        if command is not None:
            tool_input["command"] = command
        data = {"session_id": "s", "cwd": str(example.path), "hook_event_name": "PreToolUse", "tool_name": tool,
                "tool_input": tool_input, "tool_use_id": "t", "agent_id": "a-1", "agent_type": "api"}  # fmt: skip
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(json.dumps(data).encode())))
        code = main(["-C", str(example.path), "guard"])
        out, err = capsys.readouterr()
        assert (code, err) == (0, "")
        return json.loads(out)["hookSpecificOutput"]["permissionDecisionReason"] if out else ""

    return call


# --- constructs the hand-written reader gave up on, or mis-read ------------------------

DENIED = [
    # A construct that cannot be read never discards writes already found.
    ("echo x > svc/src/db/x; arr=(1 2)", db("svc/src/db/x")),
    ("f() { echo x > svc/src/db/x; }; f", db("svc/src/db/x")),
    ("case a in a) echo x > svc/src/db/x;; esac", db("svc/src/db/x")),
    ("diff <(echo x > svc/src/db/x) svc/main.py", db("svc/src/db/x")),
    ("echo x > svc/src/db/x; echo ${x:-(}",
     unread("the guard cannot read part of the command ('${x:-(}'), and it holds the write operator '>'") + "\n"
     + db("svc/src/db/x")),
    # tree-sitter-bash hangs the redirection on the whole list: bash redirects the last command, after the cd.
    ("cd svc/src/db && echo x > x", db("svc/src/db/x")),
    ("cd svc/src/db; ls | tee a > x", db("svc/src/db/x") + "\n" + db("svc/src/db/a")),
    # An unreadable command holding a write operator is denied, naming the operator.
    ("echo ${x:-(} > svc/src/api/ok.py",
     unread("the guard cannot read part of the command ('${x:-(}'), and it holds the write operator '>'")),
    # Substitutions are read wherever bash expands them.
    ('echo "$(touch svc/src/db/x)"', db("svc/src/db/x")),
    ("echo `touch svc/src/db/x`", db("svc/src/db/x")),
    ("[[ -n $(touch svc/src/db/x) ]]", db("svc/src/db/x")),
    ("echo $(( $(touch svc/src/db/x) + 1 ))", db("svc/src/db/x")),
    ("echo ${y:-$(touch svc/src/db/x)}", db("svc/src/db/x")),
    ("cat <<EOF\n$(touch svc/src/db/x)\nEOF", db("svc/src/db/x")),
    # `<<` inside $(( )) is a shift, not a here-document: the rest is still read.
    ("echo $((1 << 2)) > svc/src/api/n.txt; touch svc/src/db/x", db("svc/src/db/x")),
    # Quoting: ANSI-C is the literal path; single quotes keep '$x' literal.
    ("echo x > $'svc/src/db/x'", db("svc/src/db/x")),
    ("echo x > $'svc/src/db/\\x78'", db("svc/src/db/x")),
    ("echo x > 'svc/src/db/$x'", db("svc/src/db/$x")),
    # What runs the command.
    ("nohup -- touch svc/src/db/x", db("svc/src/db/x")),
    ("command -- touch svc/src/db/x", db("svc/src/db/x")),
    ("exec -a NAME touch svc/src/db/x", db("svc/src/db/x")),
    ("env -i V=x touch svc/src/db/x", db("svc/src/db/x")),
    ("bash -c 'touch svc/src/db/x'", db("svc/src/db/x")),
    ("eval 'touch svc/src/db/x'", db("svc/src/db/x")),
    ("sed -n 'w svc/src/db/x' svc/main.py", db("svc/src/db/x")),
    ("sed 's/a/b/w svc/src/db/x' svc/main.py", db("svc/src/db/x")),
    ("sed -e 1d -e 'W svc/src/db/x' svc/main.py", db("svc/src/db/x")),
    # Where the command stands.
    ("cd svc/src/api && cd /tmp && cd - && touch ../db/x", db("svc/src/db/x")),
    ("pushd svc/src/db && pushd /tmp && popd && touch x", db("svc/src/db/x")),
    ("(cd svc/src/api); touch src/db/x; cd svc && touch src/db/x", db("svc/src/db/x")),
    # Variables and loops the command sets are followed; what it cannot know is denied, naming it.
    ("D=svc/src/db; echo x > $D/x", db("svc/src/db/x")),
    ("for d in api db; do touch svc/src/$d/x; done", db("svc/src/db/x")),
    ("echo x > $TARGET", unread("the redirection '> $TARGET': a path known only when the command runs")),
    ("cp svc/main.py $(pwd)/x", unread("'$(pwd)/x': a path known only when the command runs")),
    ('cd "$D" && rm *.py', unread("'*.py': a path known only when the command runs")),
    ("ls | xargs cp -t svc/src/api", unread("cp: its sources come from xargs, known only when it runs")),
    ("curl -s https://example.com/x | git apply",
     unread("git apply: the patch comes from stdin, known only when it runs")),
    ("eval \"$(curl -s https://example.com/x)\"",
     unread("eval: the command it runs is known only when it runs ($(curl -s https://example.com/x))")),
    ("sed 'e rm -rf svc' svc/main.py", unread("sed: its script runs a shell command (the 'e' command or flag)")),
    # Bounds: brace expansion in dead code answers at once, refusing.
    ("true || tee a/" + "{a,b}" * 22,
     unread("the command expands to more than 4096 words (braces, sequences, globs, loops; dead code counts too); "
            "split it into smaller commands")),
    ("true || touch svc/{1..99999999}",
     unread("the command expands to more than 4096 words (braces, sequences, globs, loops; dead code counts too); "
            "split it into smaller commands")),
]  # fmt: skip


@pytest.mark.parametrize(("command", "reason"), DENIED, ids=[c for c, _ in DENIED])
def test_each_reading_trick_is_denied(run, command: str, reason: str) -> None:
    assert run(command) == reason


def test_a_glob_over_a_huge_tree_in_dead_code_is_bounded(run, tmp_path: Path) -> None:
    wide = tmp_path / "wide"
    for folder in range(25):
        (wide / f"d{folder}").mkdir(parents=True)
        for name in range(900):
            (wide / f"d{folder}" / f"f{name}").touch()
    assert run(f"true || rm {wide}/*/*/x") == unread(
        "the command's globs look at more than 20000 folder entries (dead code counts too); "
        "name the files, or split the command"
    )


ALLOWED = [
    "git status",
    "ls -la svc",
    "pytest -q",
    "cat svc/main.py",
    "echo x > svc/src/api/x.py",
    "cd svc && make",
    "cat > svc/src/api/gen.py <<'EOF'\nprint('$(touch svc/src/db/x)')\nEOF",
    "grep '>' svc/main.py",
    "npm run build 2>&1 | tail -20 > /dev/null",
    'for f in svc/src/api/*.py; do sed -i s/a/b/ "$f"; done',
    "echo x > 'svc/src/api/$x.py'",
    'cmd 2>/dev/null <<< "$(echo hi)"',
    "exec 3<> svc/src/api/rw.txt",
    "find svc -name '*.pyc' -print0 | xargs -0 rm -f",
    "python -c 'print(1)'",
    "mkdir -p svc/src/api/v2 && touch svc/src/api/v2/{a,b,c}.py",
]


@pytest.mark.parametrize("command", ALLOWED)
def test_in_lane_commands_stay_allowed(run, command: str) -> None:
    assert run(command) == ""


def test_git_add_and_commit_of_an_own_file_stays_allowed(run, example: Repo) -> None:
    (example.path / "svc/src/api/users.py").write_text("users = [1]\n")
    assert run("git add svc/src/api/users.py && git commit -m msg") == ""


# --- paths ------------------------------------------------------------------------------


def test_a_symlink_is_followed_before_dotdot(run, example: Repo) -> None:
    """alice/l -> ../bob/sub; `alice/l/../x` is bob/x, as the kernel resolves it (normpath said alice/x)."""
    (example.path / "svc/src/db/sub").mkdir()
    os.symlink("../db/sub", example.path / "svc/src/api/l")
    assert run("echo x > svc/src/api/l/../x") == db("svc/src/db/x")
    assert run(tool="Write", file_path=str(example.path / "svc/src/api/l/../x"), content="x") == db("svc/src/db/x")


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        ("ln -s ../db svc/src/api/l && echo x > svc/src/api/l/x", db("svc/src/db/x")),
        ("ln -s ../db/models.py svc/src/api/m.py; echo x >> svc/src/api/m.py", db("svc/src/db/models.py")),
        ("cp -s $PWD/svc/src/db/models.py svc/src/api/m.py; echo x > svc/src/api/m.py", db("svc/src/db/models.py")),
        # A hard link to another lane's file lets later writes change it: the link is a write of that file.
        ("ln svc/src/db/models.py svc/src/api/m.py", db("svc/src/db/models.py")),
        ("cp -l svc/src/db/models.py svc/src/api/m.py", db("svc/src/db/models.py")),
    ],
)
def test_links_made_earlier_in_the_same_command_are_seen(run, command: str, reason: str) -> None:
    assert run(command) == reason


def test_an_existing_hard_link_is_judged_by_its_other_names(run, example: Repo) -> None:
    os.link(example.path / "svc/src/db/models.py", example.path / "svc/src/api/m.py")
    assert run("echo x > svc/src/api/m.py") == db("svc/src/db/models.py")


def test_a_backslash_is_part_of_a_file_name_on_posix(run, example: Repo) -> None:
    """`bob/..\\alice\\x.py` is a file inside bob/ on Linux: judged there, not as alice's."""
    typed = str(example.path / "svc/src/db/..\\api\\x.py")
    assert run(tool="Write", file_path=typed, content="x") == db("svc/src/db/..\\api\\x.py")


# --- file-changing commands, judged by the files they change ---------------------------


def test_cp_r_is_judged_by_the_files_it_creates(run, tmp_path: Path) -> None:
    (tmp_path / "src/migrations").mkdir(parents=True)
    (tmp_path / "src/migrations/001.py").write_text("up = 1\n")
    assert run(f"cp -r {tmp_path}/src/migrations svc/src/db/") == (
        f"ownership: api may not write svc/src/db/migrations/001.py: {MIGRATIONS}"
    )
    assert run(f"cp -r {tmp_path}/src/migrations svc/src/api/") == ""


def test_mv_of_a_folder_into_another_lane_is_denied_naming_the_file(run, example: Repo) -> None:
    (example.path / "svc/src/api/gen").mkdir()
    (example.path / "svc/src/api/gen/a.py").write_text("a\n")
    assert run("mv svc/src/api/gen svc/src/db/") == db("svc/src/db/gen/a.py")


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        ("tar -xf {tmp}/a.tar", db("svc/src/db/t.py")),
        ("tar xf {tmp}/a.tar -C svc/src/api", ""),
        ("unzip -q {tmp}/a.zip", db("svc/src/db/z.py")),
        ("unzip {tmp}/a.zip -d svc/src/api", ""),
        ("patch -p1 < {tmp}/fix.patch", db("svc/src/db/models.py")),
        ("git apply {tmp}/fix.patch", db("svc/src/db/models.py")),
        ("install -m 644 svc/main.py svc/src/db/y.py", db("svc/src/db/y.py")),
        ("dd if=/dev/zero of=svc/src/db/z bs=1 count=1", db("svc/src/db/z")),
    ],
)
def test_archives_patches_and_copiers(run, tmp_path: Path, command: str, reason: str) -> None:
    (tmp_path / "t.py").write_text("t\n")
    with tarfile.open(tmp_path / "a.tar", "w") as archive:
        archive.add(tmp_path / "t.py", "svc/src/db/t.py")
    with zipfile.ZipFile(tmp_path / "a.zip", "w") as archive:
        archive.writestr("svc/src/db/z.py", "z\n")
    (tmp_path / "fix.patch").write_text(
        "--- a/svc/src/db/models.py\n+++ b/svc/src/db/models.py\n@@ -1 +1 @@\n-models = []\n+models = [1]\n"
    )
    assert run(command.replace("{tmp}", str(tmp_path))) == reason


@pytest.fixture
def changed(example: Repo) -> Repo:
    """db's models.py changed in the work tree, uncommitted: the work a git command may throw away."""
    (example.path / "svc/src/db/models.py").write_text("models = ['uncommitted']\n")
    return example


@pytest.mark.parametrize(
    "command",
    [
        "git checkout -- :/",
        "git checkout -- .",
        "git checkout -- '*.py'",
        "cd svc/src/api && git checkout -- ':/svc/src/db'",
        "git checkout -f",
        "git checkout HEAD -- svc",
        "git restore svc/src",
        "git restore --source=HEAD :/",
        "git reset --hard",
        "git reset --hard HEAD",
        "git stash",
    ],
)
def test_git_commands_that_throw_away_another_lanes_work_are_denied(run, changed: Repo, command: str) -> None:
    assert run(command) == db("svc/src/db/models.py")


def test_git_commands_that_change_nothing_of_another_lane_stay_allowed(run, changed: Repo) -> None:
    assert run("git checkout -- svc/src/api") == ""
    assert run("git restore svc/src/api/users.py") == ""
    assert run("git clean -n -d") == ""


def test_git_clean_is_judged_by_what_it_removes(run, example: Repo) -> None:
    (example.path / "svc/src/db/scratch.py").write_text("s\n")
    assert run("git clean -fd") == db("svc/src/db/scratch.py")
    assert run("git clean -fd svc/src/api") == ""


def test_git_stash_pop_is_judged_by_the_files_in_the_stash(run, changed: Repo) -> None:
    changed.git("stash")
    assert run("git stash pop") == db("svc/src/db/models.py")
    assert run("git stash apply stash@{0}") == db("svc/src/db/models.py")


def test_git_checkout_of_a_branch_is_judged_by_the_files_that_differ(run, example: Repo) -> None:
    example.git("checkout", "-q", "-b", "other")
    (example.path / "svc/src/db/models.py").write_text("models = ['other']\n")
    example.commit("db's change")
    example.git("checkout", "-q", "main")
    assert run("git checkout other") == db("svc/src/db/models.py")
    assert run("git switch other") == db("svc/src/db/models.py")
    assert run("git checkout -b mine") == ""


# --- folders: every file, however many -------------------------------------------------


def test_a_big_folder_is_judged_by_every_file(run, example: Repo) -> None:
    """6000 files (more than the old 5000 cap): `rm -rf` of one's own folder is allowed; one foreign file denies."""
    gen = example.path / "svc/src/api/gen"
    gen.mkdir()
    for number in range(6000):
        (gen / f"f{number}.py").touch()
    assert run("rm -rf svc/src/api/gen") == ""
    assert (
        run("rm -rf svc/src")
        == f"ownership: api may not write svc/src/db/migrations/0001_init.py (in svc/src/): {MIGRATIONS}"
    )


# --- the reader alone -----------------------------------------------------------------


def test_rsync_is_read_by_the_files_it_copies(tmp_path: Path) -> None:
    (tmp_path / "src/sub").mkdir(parents=True)
    (tmp_path / "src/sub/a.py").write_text("a\n")
    (tmp_path / "dest").mkdir()
    found = written_paths("rsync -a src/ dest && rsync -a --delete src dest/", str(tmp_path))
    assert found.paths == (
        f"{tmp_path}/dest/sub/a.py", f"{tmp_path}/dest/", f"{tmp_path}/dest/src/sub/a.py"
    )  # fmt: skip
    assert written_paths("rsync -a host:src/ dest", str(tmp_path)).unknown == (
        "rsync: the files it copies from host:src/ are known only when it runs",
    )


def test_the_grammar_reads_a_long_command_whole(tmp_path: Path) -> None:
    """800 simple commands, 16 kB: every write found (the bench times it)."""
    command = "; ".join(f"echo {i} > out/{i}.txt && cp a/{i} b/{i}" for i in range(400))
    found = written_paths(command, str(tmp_path))
    assert len(found.paths) == 800 and found.unknown == ()


def test_the_installed_hook_answers_a_brace_bomb_at_once(example: Repo) -> None:
    """The issue's 130 bytes of dead code: the installed command answers (deny), it does not hang."""
    data = {"session_id": "s", "cwd": str(example.path), "hook_event_name": "PreToolUse", "tool_name": "Bash",
            "tool_input": {"command": "true || tee a/" + "{a,b}" * 22}, "tool_use_id": "t", "agent_type": "api"}  # fmt: skip
    exe = str(Path(sys.executable).with_name("ownership"))
    proc = subprocess.run([exe, "guard"], cwd=example.path, input=json.dumps(data).encode(), capture_output=True)
    assert proc.returncode == 0 and json.loads(proc.stdout)["hookSpecificOutput"]["permissionDecision"] == "deny"


def test_mktemp_is_a_new_name_in_the_temp_folder(monkeypatch, tmp_path: Path) -> None:
    """`$(mktemp)` writes in $TMPDIR (else /tmp): judged there; with a template or -p the folder stays unknown."""
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    found = written_paths('t=$(mktemp) && echo x > "$t"; d=`mktemp -d`; echo y > "$d/f"', "/")
    assert (found.paths, found.unknown, found.late) == ((f"{tmp_path}/tmp.mktemp", f"{tmp_path}/tmp.mktemp/f"), (), ())
    found = written_paths("echo x > $(mktemp -p bob)", "/")
    assert found.late == ("the redirection '> $(mktemp -p bob)': a path known only when the command runs",)
