"""ownership.git on real repositories: what counts as changed, exactly, whatever the names.

The `repo` fixture and the isolated git environment (no GIT_* of the caller,
a fresh HOME with an identity, GIT_CONFIG_NOSYSTEM=1) come from conftest.py.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ownership import git
from ownership.errors import GitError
from ownership.git import Change, CommitInfo, commits
from tests.support import TOP

# Twenty distinct lines, so that a file and its edited copy stay similar enough
# for git's rename and copy detection.
LINES = "".join(f"line {i} of a file long enough to be recognised\n" for i in range(20))


def sh(cwd: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    return proc.stdout.decode(errors="surrogateescape").strip()


def put(repo_path: Path, name: str, content: str | bytes = LINES) -> None:
    """Write a file whose name may hold any bytes (given as an fsdecoded str)."""
    target = os.path.join(os.fsencode(repo_path), os.fsencode(name))
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "wb") as f:
        f.write(content if isinstance(content, bytes) else content.encode())


def commit_all(repo_path: Path, message: str = "change") -> str:
    sh(repo_path, "add", "-A")
    sh(repo_path, "commit", "-q", "--allow-empty", "-m", message)
    return sh(repo_path, "rev-parse", "HEAD")


@pytest.fixture
def base(repo):
    """A repository with one commit: a.py, b.py, c.py (twenty lines each) and .gitignore."""
    for name in ("a.py", "b.py", "c.py"):
        put(repo.path, name, LINES + name + "\n")
    put(repo.path, ".gitignore", "*.log\n")
    commit_all(repo.path, "base")
    return repo.path


# --- staged changes ---------------------------------------------------------


def _add(r):
    put(r, "new.py")
    sh(r, "add", "new.py")


def _modify(r):
    put(r, "a.py", "changed\n")
    sh(r, "add", "a.py")


def _delete(r):
    sh(r, "rm", "-q", "b.py")


def _typechange(r):
    os.remove(r / "a.py")
    os.symlink("b.py", r / "a.py")
    sh(r, "add", "a.py")


def _rename(r):
    os.mkdir(r / "d")
    sh(r, "mv", "a.py", "d/renamed.py")


def _copy(r):
    # -C finds a copy whose source changes in the same change (no --find-copies-harder: too slow on big trees).
    put(r, "a_copy.py", LINES + "a.py\n")
    put(r, "a.py", LINES + "a.py edited\n")
    sh(r, "add", "a.py", "a_copy.py")


def _gitlink(r):
    sha = sh(r, "rev-parse", "HEAD")
    sh(r, "update-index", "--add", "--cacheinfo", f"160000,{sha},sub")


@pytest.mark.parametrize(
    "make, changes, written",
    [
        (_add, [Change("new.py", "A")], [("new.py", "A")]),
        (_modify, [Change("a.py", "M")], [("a.py", "M")]),
        (_delete, [Change("b.py", "D")], [("b.py", "D")]),
        (_typechange, [Change("a.py", "T")], [("a.py", "T")]),
        (_rename, [Change("d/renamed.py", "R", "a.py")], [("d/renamed.py", "R"), ("a.py", "R (old path)")]),
        (_copy, [Change("a.py", "M"), Change("a_copy.py", "C", "a.py")], [("a.py", "M"), ("a_copy.py", "C")]),
        (_gitlink, [Change("sub", "A")], [("sub", "A")]),
    ],
    ids=["add", "modify", "delete", "typechange", "rename", "copy", "gitlink"],
)
def test_staged_changes_and_the_paths_they_write(base, make, changes, written):
    make(base)
    assert git.staged_changes(base) == changes
    assert [(path, label) for path, label, _ in git.written_paths(changes)] == written


def test_written_paths_names_each_path_once_keeping_its_first_mention():
    rename = Change("new.py", "R", "old.py")
    readded = Change("old.py", "A")
    assert git.written_paths([rename, readded]) == [
        ("new.py", "R", rename),
        ("old.py", "R (old path)", rename),
    ]


HOSTILE = [
    "new\nline.py",  # GitPython's diff parsing returns 'new' for this one: a change it hides
    "tab\there.py",
    'double"quote.py',
    "back\\slash.py",
    " leading space.py",
    "trailing space.py ",
    os.fsdecode(b"caf\xe9.py"),  # Latin-1, not UTF-8: 'caf\udce9.py'
    "dir with space/\u00e9t\u00e9.py",
    "normal.py",
]


def by_path(change: Change) -> str:
    return change.path


def test_hostile_names_come_back_exactly_everywhere(base):
    for name in HOSTILE:
        put(base, name)
    sh(base, "add", "-A")
    expected = sorted(HOSTILE)

    assert sorted(c.path for c in git.staged_changes(base)) == expected
    assert {c.status for c in git.staged_changes(base)} == {"A"}
    assert b"caf\xe9.py" in {os.fsencode(c.path) for c in git.staged_changes(base)}  # round-trips

    sha = commit_all(base, "hostile")
    assert sorted(git.commit_changes(base, sha), key=by_path) == [Change(name, "A") for name in expected]
    assert sorted(git.ls_files(base)) == sorted(HOSTILE + [".gitignore", "a.py", "b.py", "c.py"])
    assert sorted(git.list_tree(base, "HEAD", "dir with space")) == ["dir with space/\u00e9t\u00e9.py"]

    for name in HOSTILE:
        put(base, name, "edited\n")
    assert git.worktree_changes(base) == [Change(name, "M") for name in expected]


def test_a_renamed_hostile_name_writes_both_exact_paths(base):
    put(base, "a\nb.py")
    commit_all(base)
    sh(base, "mv", "a\nb.py", "c\td.py")
    changes = git.staged_changes(base)
    assert changes == [Change("c\td.py", "R", "a\nb.py")]
    assert [p for p, _, _ in git.written_paths(changes)] == ["c\td.py", "a\nb.py"]


def test_read_blob_at_head_for_a_path_with_a_newline(base):
    put(base, "dir/a\nb.py", b"content\n")
    commit_all(base)
    assert git.read_blob(base, "HEAD", "dir/a\nb.py") == b"content\n"
    assert git.read_blob(base, "HEAD", "dir/a") is None
    assert git.read_blob(base, "HEAD", "dir") is None  # a folder is not a file
    assert git.read_blob(base, "HEAD~1", "dir/a\nb.py") is None


def test_read_blob_at_a_bad_revision_raises(base):
    with pytest.raises(GitError) as info:
        git.read_blob(base, "no-such-rev", "a.py")
    assert info.value.cmd == ["git", "cat-file", "blob", "--end-of-options", "no-such-rev:a.py"]
    assert info.value.rc == 128
    assert "no-such-rev" in info.value.stderr


def test_list_tree_lists_a_folder_not_its_namesakes(base):
    for name in ("contract/x.yaml", "contract/agents/a.md", "contract2/y.yaml", "contractz"):
        put(base, name)
    commit_all(base)
    assert git.list_tree(base, "HEAD", "contract") == ["contract/agents/a.md", "contract/x.yaml"]
    assert git.list_tree(base, "HEAD", "contract/") == ["contract/agents/a.md", "contract/x.yaml"]
    assert git.list_tree(base, "HEAD", "contract*") == []  # a folder name, never a pattern
    assert git.list_tree(base, "HEAD", "missing") == []
    assert git.list_tree(base, "HEAD", "") == [
        ".gitignore",
        "a.py",
        "b.py",
        "c.py",
        "contract/agents/a.md",
        "contract/x.yaml",
        "contract2/y.yaml",
        "contractz",
    ]


# --- unborn HEAD and the work tree -----------------------------------------


def test_unborn_head(repo):
    put(repo.path, "a.py")
    put(repo.path, "b/c.py")
    sh(repo.path, "add", "a.py", "b/c.py")
    put(repo.path, "untracked.py")
    assert not git.has_head(repo.path)
    assert git.current_branch(repo.path) == "main"
    assert git.staged_changes(repo.path) == [Change("a.py", "A"), Change("b/c.py", "A")]
    assert git.worktree_changes(repo.path) == [Change("a.py", "A"), Change("b/c.py", "A"), Change("untracked.py", "A")]
    assert git.ls_files(repo.path) == ["a.py", "b/c.py"]
    with pytest.raises(GitError) as info:  # no HEAD to read from: an error, not "absent"
        git.read_blob(repo.path, "HEAD", "a.py")
    assert info.value.rc == 128


def test_worktree_changes_merge_staged_unstaged_and_untracked_once_each(base):
    put(base, "r.py", LINES + "r\n")
    commit_all(base)
    put(base, "a.py", "staged\n")
    sh(base, "add", "a.py")
    put(base, "a.py", "staged, then changed again\n")  # staged and unstaged: one entry
    put(base, "b.py", "unstaged\n")
    os.remove(base / "c.py")
    put(base, "n.py")
    sh(base, "add", "n.py")
    sh(base, "mv", "r.py", "r2.py")
    put(base, "u/deep/new.py")
    put(base, "debug.log")  # ignored
    assert git.worktree_changes(base) == [
        Change("a.py", "M"),
        Change("b.py", "M"),
        Change("c.py", "D"),
        Change("n.py", "A"),
        Change("r2.py", "R", "r.py"),
        Change("u/deep/new.py", "A"),
    ]


def test_worktree_changes_ignore_a_file_that_was_only_touched(base):
    os.utime(base / "a.py", (1, 1))
    assert git.worktree_changes(base) == []


def test_a_submodule_marked_ignore_all_still_counts(base):
    """Regression: .gitmodules `ignore = all` would hide a gitlink change from porcelain diff and status."""
    first = sh(base, "rev-parse", "HEAD")
    sh(base, "update-index", "--add", "--cacheinfo", f"160000,{first},sub")
    put(base, ".gitmodules", '[submodule "sub"]\n\tpath = sub\n\turl = ./sub\n\tignore = all\n')
    sh(base, "add", ".gitmodules")
    sh(base, "commit", "-q", "-m", "submodule")  # not `add -A`: the gitlink has no folder and would be dropped
    second = sh(base, "rev-parse", "HEAD")
    sh(base, "update-index", "--cacheinfo", f"160000,{second},sub")
    assert git.staged_changes(base) == [Change("sub", "M")]
    assert git.worktree_changes(base) == [Change("sub", "M")]
    sh(base, "commit", "-q", "-m", "move submodule")
    assert git.commit_changes(base, "HEAD") == [Change("sub", "M")]


# --- ranges and commits -----------------------------------------------------


def test_range_commits_oldest_first_and_root_commit_changes(repo):
    shas = []
    for i in range(4):
        put(repo.path, f"f{i}.py")
        shas.append(commit_all(repo.path, f"c{i}"))
    assert git.range_commits(repo.path, f"{shas[0]}..HEAD") == shas[1:]
    assert git.range_commits(repo.path, "HEAD") == shas
    assert git.range_commits(repo.path, "HEAD..HEAD") == []
    assert git.commit_changes(repo.path, shas[0]) == [Change("f0.py", "A")]
    assert git.commit_changes(repo.path, shas[2]) == [Change("f2.py", "A")]


@pytest.mark.parametrize("rev_range", ["nope..HEAD", "HEAD..nope", "--all"])
def test_a_bad_range_raises(base, rev_range):
    with pytest.raises(GitError) as info:
        git.range_commits(base, rev_range)
    assert info.value.cmd[:2] == ["git", "rev-list"]
    assert info.value.rc == 128
    assert str(info.value).startswith("git rev-list --reverse failed: fatal: ")


def test_commit_changes_detect_renames_and_copies(base):
    sh(base, "mv", "a.py", "moved.py")
    put(base, "b_copy.py", LINES + "b.py\n")
    put(base, "b.py", LINES + "b.py edited\n")
    sha = commit_all(base)
    assert git.commit_changes(base, sha) == [
        Change("b.py", "M"),
        Change("b_copy.py", "C", "b.py"),
        Change("moved.py", "R", "a.py"),
    ]


@pytest.fixture
def forked(base):
    """main and side diverge from base; both edit shared.txt far apart, and conflict.txt on the same line."""
    put(base, "shared.txt", "".join(f"{i}\n" for i in range(30)))
    put(base, "conflict.txt", "original\n")
    put(base, "taken.txt", "original\n")
    put(base, "untouched.txt", "original\n")
    commit_all(base, "fork point")
    sh(base, "checkout", "-q", "-b", "side")
    put(base, "side.py")
    put(base, "shared.txt", "side\n" + "".join(f"{i}\n" for i in range(1, 30)))
    put(base, "conflict.txt", "side\n")
    commit_all(base, "side")
    sh(base, "checkout", "-q", "main")
    put(base, "main.py")
    put(base, "shared.txt", "".join(f"{i}\n" for i in range(29)) + "main\n")
    put(base, "conflict.txt", "main\n")
    put(base, "taken.txt", "main\n")
    commit_all(base, "main")
    return base


def test_a_clean_merge_introduces_nothing(forked):
    put(forked, "conflict.txt", "side\n")  # take side's conflict.txt on main first: no conflict left
    commit_all(forked)
    sh(forked, "merge", "-q", "--no-edit", "side")
    merge = sh(forked, "rev-parse", "HEAD")
    assert len(git.commit_info(forked, merge).parents) == 2
    assert git.commit_changes(forked, merge) == []  # shared.txt merged cleanly from both sides: not the merge's


def test_a_merge_reports_its_conflict_resolution_and_its_evil_edits(forked):
    proc = subprocess.run(["git", "merge", "-q", "side"], cwd=forked, capture_output=True)
    assert proc.returncode == 1  # conflict.txt
    put(forked, "conflict.txt", "resolved\n")
    put(forked, "untouched.txt", "evil\n")  # neither side touched it
    put(forked, "taken.txt", "original\n")  # evil revert: side's (unchanged) version, dropping main's edit
    merge = commit_all(forked, "merge")
    assert git.commit_changes(forked, merge) == [
        Change("conflict.txt", "M"),
        Change("taken.txt", "M"),
        Change("untouched.txt", "M"),
    ]
    assert git.range_commits(forked, "HEAD~1..HEAD")[-1] == merge


def test_without_remerge_diff_a_merge_counts_what_differs_from_every_parent(forked, tmp_path, monkeypatch):
    """git before 2.36 refuses --remerge-diff; merges then fall back to the combined diff (-c)."""
    shim = tmp_path / "old-git" / "git"
    shim.parent.mkdir()
    shim.write_text(
        '#!/bin/sh\nfor arg in "$@"; do [ "$arg" = --remerge-diff ] && '
        '{ echo "fatal: unrecognized argument: --remerge-diff" >&2; exit 128; }; done\n'
        f'exec {shlex.quote(shutil.which("git"))} "$@"\n'
    )
    shim.chmod(0o755)
    monkeypatch.setenv("PATH", f"{shim.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(commits, "_remerge_diff", True)
    subprocess.run(["git", "merge", "-q", "side"], cwd=forked, capture_output=True)
    put(forked, "conflict.txt", "resolved\n")
    put(forked, "untouched.txt", "evil\n")
    put(forked, "taken.txt", "original\n")
    merge = commit_all(forked, "merge")
    assert git.commit_changes(forked, merge) == [
        Change("conflict.txt", "M"),
        Change("shared.txt", "M"),  # merged cleanly, but differs from both parents
        Change("untouched.txt", "M"),
    ]  # the evil revert of taken.txt equals side's version: the combined diff cannot see it
    assert commits._remerge_diff is False
    assert git.commit_changes(forked, "side") == [
        Change("conflict.txt", "M"),
        Change("shared.txt", "M"),
        Change("side.py", "A"),
    ]


def test_an_unfinished_merge_shows_its_conflicts_as_unmerged(forked):
    subprocess.run(["git", "merge", "-q", "side"], cwd=forked, capture_output=True)
    # staged: only what the merge itself adds (the unresolved conflict); side's clean changes are side's
    assert git.staged_changes(forked) == [Change("conflict.txt", "U")]
    assert git.worktree_changes(forked) == [Change("conflict.txt", "U")]
    put(forked, "side.py", "edited after the merge\n")  # unstaged work of the merger counts
    assert git.worktree_changes(forked) == [Change("conflict.txt", "U"), Change("side.py", "M")]
    assert git.ls_files(forked).count("conflict.txt") == 1


def test_an_octopus_merge_reports_what_differs_from_every_parent(base):
    for branch in ("o1", "o2", "o3"):
        sh(base, "checkout", "-q", "-b", branch, "main")
        put(base, f"{branch}.py")
        commit_all(base, branch)
    sh(base, "checkout", "-q", "main")
    put(base, "main.py")
    commit_all(base, "main")
    sh(base, "merge", "-q", "--no-commit", "o1", "o2", "o3")
    clean = sh(base, "write-tree")
    put(base, "a.py", "evil\n")
    merge = commit_all(base, "octopus")
    assert len(git.commit_info(base, merge).parents) == 4
    assert git.commit_changes(base, merge) == [Change("a.py", "M")]
    parents = sh(base, "log", "-1", "--format=%P").split()
    clean_merge = sh(base, "commit-tree", clean, *[x for p in parents for x in ("-p", p)], "-m", "clean")
    assert git.commit_changes(base, clean_merge) == []


def test_unpushed_commits(base, tmp_path):
    remote = tmp_path / "remote.git"
    sh(tmp_path, "init", "-q", "--bare", str(remote))
    sh(base, "remote", "add", "origin", str(remote))
    first = sh(base, "rev-parse", "HEAD")
    assert git.unpushed_commits(base, "HEAD") == [first]  # no remote-tracking ref yet
    sh(base, "push", "-q", "origin", "main")
    put(base, "x.py")
    one = commit_all(base)
    put(base, "y.py")
    two = commit_all(base)
    assert git.unpushed_commits(base, "HEAD") == [one, two]
    assert git.unpushed_commits(base, "origin/main") == []


def test_read_commits_reads_each_commit_as_alone_even_with_a_nul_in_a_message(base):
    """Commits read together are split on NUL; a message holding one must not shift the others."""
    put(base, "x.py")
    first = commit_all(base, "first\n\nAgent: api")
    tree, parent = sh(base, "rev-parse", "HEAD^{tree}", "HEAD").split()
    raw = (f"tree {tree}\nparent {parent}\nauthor A <a@example.com> 1700000000 +0000\n"
           f"committer A <a@example.com> 1700000000 +0000\n\nodd\0message\n").encode()  # fmt: skip
    odd = subprocess.run(["git", "hash-object", "-t", "commit", "-w", "--literally", "--stdin"], cwd=base, input=raw,
                         capture_output=True, check=True).stdout.decode().strip()  # fmt: skip
    sh(base, "update-ref", "refs/heads/main", odd)
    sh(base, "rm", "-q", "a.py")
    last = commit_all(base, "last")
    shas = [first, odd, last]
    together = list(git.read_commits(base, shas))
    assert together == [(git.commit_info(base, sha), git.commit_changes(base, sha)) for sha in shas]
    assert [changes for _, changes in together] == [[Change("x.py", "A")], [], [Change("a.py", "D")]]
    assert together[1][0].message == "odd"  # git prints a message up to its first NUL
    assert git.commit_infos(base, [last, last]) == [together[2][0]] * 2  # git log shows a commit once: read alone


# --- commit info and trailers -----------------------------------------------


def test_commit_info_has_author_and_full_message(base, monkeypatch):
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Agent Api")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "api@agents.example")
    message = "Add users route\n\nBody line.\n\nAgent: api\nSigned-off-by: Agent Api <api@agents.example>\n"
    put(base, "x.py")
    sh(base, "add", "x.py")
    sh(base, "commit", "-q", "-m", message)
    head, parent = sh(base, "rev-parse", "HEAD", "HEAD~1").split()
    info = git.commit_info(base, "HEAD")
    assert info == CommitInfo(head, (parent,), "Agent Api", "api@agents.example", message)
    assert git.trailer(info.message, "agent") == "api"


TRAILER_CASES = [
    ("title only", "Agent: api", None),
    ("one paragraph", "Title\nAgent: api\n", None),
    ("plain", "Title\n\nAgent: api\n", "api"),
    ("last wins", "Title\n\nAgent: api\nagent: db\n", "db"),
    ("blank before colon", "Title\n\nAgent : api\n", "api"),
    ("folded", "Title\n\nAgent: api\n  and more\n", "api and more"),
    ("not the last paragraph", "Title\n\nAgent: api\n\nJust prose.\n", None),
    ("mixed prose", "Title\n\nAgent: api\nsome prose here\n", None),
    ("git's own trailer rescues", "Title\n\nAgent: api\nprose\nSigned-off-by: A <a@x>\n", "api"),
    ("cherry-pick line", "Title\n\nAgent: api\n(cherry picked from commit abc)\n", "api"),
    ("spaces in token", "Title\n\nMy Agent: api\n", None),
    ("trailing blank lines", "Title\n\nBody\n\nAgent: api\n\n\n", "api"),
    ("empty value", "Title\n\nAgent:\n", ""),
    ("other key", "Title\n\nReviewed-by: x\n", None),
]


@pytest.mark.parametrize("message, expected", [c[1:] for c in TRAILER_CASES], ids=[c[0] for c in TRAILER_CASES])
def test_trailer_reads_as_git_interpret_trailers_does(tmp_path, message, expected):
    assert git.trailer(message, "Agent") == expected
    parsed = subprocess.run(
        ["git", "interpret-trailers", "--parse", "--no-divider"],
        cwd=tmp_path,
        input=message.encode(),
        capture_output=True,
        check=True,
    ).stdout.decode()
    by_git = [line.partition(":")[2].strip() for line in parsed.splitlines() if line.lower().startswith("agent:")]
    assert (by_git[-1] if by_git else None) == expected


# --- small questions --------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, False), ("", True), ("true", True), ("Yes", True), ("on", True), ("1", True), ("2", True),
     ("false", False), ("NO", False), ("off", False), ("0", False), ("maybe", False)],
)  # fmt: skip
def test_config_bool_reads_like_git(value, expected):
    assert git.config_bool(value) is expected


def test_repository_questions(base, tmp_path, monkeypatch):
    (base / "sub").mkdir()
    assert os.path.realpath(git.toplevel(base / "sub")) == os.path.realpath(base)
    outside = tmp_path / "outside"
    outside.mkdir()
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    assert git.toplevel(outside) is None
    assert git.has_head(base)
    assert git.config_values(base, "core.ignorecase", "ownership.agent") == {}
    sh(base, "config", "core.ignorecase", "yes")
    sh(base, "config", "ownership.agent", "api")
    assert git.config_values(base, "core.ignorecase", "ownership.agent") == {
        "core.ignorecase": "yes",
        "ownership.agent": "api",
    }
    with open(base / ".git" / "config", "a") as config:  # a key with no value: true, as git reads it
        config.write("[core]\n\tignorecase\n")
    assert git.config_values(base, "core.ignorecase") == {"core.ignorecase": ""}
    assert git.current_branch(base) == "main"
    sh(base, "checkout", "-q", "--detach")
    assert git.current_branch(base) is None


def test_a_missing_git_or_folder_is_a_git_error(tmp_path):
    with pytest.raises(GitError) as info:
        git.run(["status"], tmp_path / "nowhere")
    assert info.value.rc == 127


# --- the environment inside hooks --------------------------------------------


def test_git_env_keeps_only_what_configures_git_or_names_the_hook_index(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    hook_env = {
        "GIT_DIR": ".git",
        "GIT_WORK_TREE": "/elsewhere",
        "GIT_PREFIX": "sub/",
        "GIT_EDITOR": ":",
        "GIT_AUTHOR_DATE": "@1 +0000",
        "GIT_REFLOG_ACTION": "commit",
        "GIT_INDEX_FILE": ".git/next-index-1.lock",
        "GIT_OBJECT_DIRECTORY": "/r/objects/incoming-x",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES": "/r/objects",
        "GIT_QUARANTINE_PATH": "/r/objects/incoming-x",
        "GIT_CONFIG_PARAMETERS": "'core.quotepath'='off'",
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "a.b",
        "GIT_CONFIG_VALUE_0": "c",
        "GIT_EXEC_PATH": "/usr/lib/git-core",
        "GIT_OPTIONAL_LOCKS": "1",
        "NOT_GIT": "kept",
    }
    for key, value in hook_env.items():
        monkeypatch.setenv(key, value)
    env = git.git_env()
    assert {k: v for k, v in env.items() if k.startswith("GIT_") or k == "NOT_GIT"} == {
        "GIT_INDEX_FILE": str(tmp_path / ".git/next-index-1.lock"),
        "GIT_OBJECT_DIRECTORY": "/r/objects/incoming-x",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES": "/r/objects",
        "GIT_QUARANTINE_PATH": "/r/objects/incoming-x",
        "GIT_CONFIG_PARAMETERS": "'core.quotepath'='off'",
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "a.b",
        "GIT_CONFIG_VALUE_0": "c",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_EXEC_PATH": "/usr/lib/git-core",
        "GIT_OPTIONAL_LOCKS": "0",
        "GIT_LITERAL_PATHSPECS": "1",
        "NOT_GIT": "kept",
    }


def install_hook(git_dir: Path, name: str, body: str) -> Path:
    """A hook that runs `body` (Python, with ownership importable) and writes repr(result) to <name>.out."""
    out = git_dir.parent / f"{name}.out"
    script = git_dir.parent / f"{name}.py"
    script.write_text(
        f"import os, sys\nsys.path.insert(0, {str(TOP)!r})\nfrom ownership import git\n"
        f"result = {body}\nopen({str(out)!r}, 'w').write(repr(result))\n"
    )
    hook = git_dir / "hooks" / name
    hook.write_text(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} {shlex.quote(str(script))}\n")
    hook.chmod(0o755)
    return out


@pytest.mark.parametrize(
    "commit_args",
    [["commit", "-q", "-a", "-m", "all"], ["commit", "-q", "-m", "only", "--", "b.py"]],
    ids=["commit -a", "commit <paths>"],
)
def test_a_pre_commit_hook_sees_what_commit_a_is_about_to_commit(base, commit_args):
    """Regression: dropping GIT_INDEX_FILE would read .git/index, which `commit -a` has not updated."""
    out = install_hook(base / ".git", "pre-commit", "[(c.path, c.status) for c in git.staged_changes(os.getcwd())]")
    put(base, "b.py", "out of lane\n")  # modified, never `git add`ed
    sh(base, *commit_args)
    assert out.read_text() == "[('b.py', 'M')]"
    assert sh(base, "show", "--name-only", "--format=", "HEAD") == "b.py"


def test_a_pre_receive_hook_sees_the_pushed_commits(base, tmp_path):
    """Regression: a pre-receive hook reads pushed objects only through the quarantine variables."""
    remote = tmp_path / "remote.git"
    sh(tmp_path, "init", "-q", "--bare", str(remote))
    sh(base, "push", "-q", str(remote), "main")
    out = install_hook(
        remote,
        "pre-receive",
        "[(sha, git.commit_changes(os.getcwd(), sha)) for old, new, ref in [sys.stdin.read().split()]"
        " for sha in git.range_commits(os.getcwd(), old + '..' + new)]",
    )
    put(base, "x.py")
    one = commit_all(base)
    sh(base, "rm", "-q", "a.py")
    two = commit_all(base)
    sh(base, "push", "-q", str(remote), "main")
    assert out.read_text() == repr([(one, [Change("x.py", "A")]), (two, [Change("a.py", "D")])])
