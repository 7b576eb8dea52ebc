"""The one door to git: every git call, and the changes read through it.

Every call goes through `call`, which runs the `git` command (never a library)
in an explicit directory with `git_env()` and raises `GitError` carrying the
command, exit code and stderr. Paths are read NUL-separated (`-z`) and decoded
with `os.fsdecode`, so any name git can store (newline, tab, quote, bytes that
are not UTF-8) comes back exactly and round-trips through `os.fsencode`.

Each question is one git process; nothing here runs git once per path.
Functions taking `repo` expect the top level of a work tree (see `toplevel`).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from ownership.errors import GitError


@dataclass(frozen=True, slots=True)
class Change:
    """One changed path as git reports it.

    `path` is repository-relative and '/'-separated; `status` is git's letter
    without a score: A, M, D, T, R, C or U (unmerged). `old_path` is the source
    of an R or C.
    """

    path: str
    status: str
    old_path: str | None = None


@dataclass(frozen=True, slots=True)
class CommitInfo:
    """Who made a commit and what it says (the message keeps its trailers)."""

    sha: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    message: str


RENAMED_AWAY = "R (old path)"


def written_paths(changes: Iterable[Change]) -> list[tuple[str, str, Change]]:
    """Every path a set of changes writes, as (path, status label, change).

    A rename writes both paths: the new one (label 'R') and the old one, which
    it removes (label 'R (old path)'). A copy writes only its new path. A path
    named twice is kept once, at its first mention.
    """
    seen: set[str] = set()
    written: list[tuple[str, str, Change]] = []
    for change in changes:
        entries = [(change.path, change.status)]
        if change.status == "R" and change.old_path is not None:
            entries.append((change.old_path, RENAMED_AWAY))
        for path, label in entries:
            if path not in seen:
                seen.add(path)
                written.append((path, label, change))
    return written


# --- the door ---------------------------------------------------------------

# Variables that only say how git runs or where its configuration lives: kept.
_CONFIGURING = (
    "GIT_CONFIG",  # GIT_CONFIG_PARAMETERS (git -c), _COUNT/_KEY_n/_VALUE_n, _GLOBAL, _SYSTEM, _NOSYSTEM
    "GIT_EXEC_PATH",
    "GIT_CEILING_DIRECTORIES",
    "GIT_DISCOVERY_ACROSS_FILESYSTEM",
    "GIT_SSL_",
    "GIT_SSH",
    "GIT_ASKPASS",
    "GIT_TERMINAL_PROMPT",
    "GIT_TRACE",
)
# Paths a hook is handed so that it sees what is being committed or pushed:
# kept, made absolute against the process's working directory.
_HOOK_PATHS = ("GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_QUARANTINE_PATH")
_HOOK_LISTS = ("GIT_ALTERNATE_OBJECT_DIRECTORIES",)  # git exports it absolute already


def git_env() -> dict[str, str]:
    """The environment for every git call: this process's, minus what git exports to hooks.

    Inside a hook git exports GIT_DIR, GIT_WORK_TREE, GIT_PREFIX, GIT_EDITOR,
    GIT_AUTHOR_* and more; left in place they would point our calls (which
    always pass an explicit working directory) at the wrong repository or
    prefix, so every GIT_* variable is dropped except:

    - GIT_INDEX_FILE, made absolute. `git commit -a` and `git commit <paths>`
      run the pre-commit hook against a temporary index (`.git/index.lock`,
      `.git/next-index-*.lock`) named only by this variable. Dropping it would
      make "staged" mean `.git/index`, which does not hold the files `-a` is
      about to commit, so `git commit -am` would slip an out-of-lane change
      past the hook. Hooks run at the top level, so a relative value is
      resolved against the process's working directory.
    - GIT_OBJECT_DIRECTORY, GIT_ALTERNATE_OBJECT_DIRECTORIES and
      GIT_QUARANTINE_PATH: a pre-receive hook finds the pushed objects only
      through them.
    - variables that only configure git: GIT_CONFIG* (including `git -c`'s
      GIT_CONFIG_PARAMETERS), GIT_EXEC_PATH, GIT_CEILING_DIRECTORIES and the
      like (see _CONFIGURING).

    Two are set: GIT_OPTIONAL_LOCKS=0, so that reading never takes the index
    lock another agent's `git add` may need at the same moment, and
    GIT_LITERAL_PATHSPECS=1, so that a path is never read as a pattern.
    """
    env = {}
    for key, value in os.environ.items():
        if not key.startswith("GIT_") or key.startswith(_CONFIGURING) or key in _HOOK_LISTS:
            env[key] = value
        elif key in _HOOK_PATHS and value:
            env[key] = os.path.abspath(value)
    env["GIT_OPTIONAL_LOCKS"] = "0"
    env["GIT_LITERAL_PATHSPECS"] = "1"
    return env


def call(
    args: Sequence[str],
    cwd: str | os.PathLike[str],
    *,
    input: bytes | None = None,
    ok: Iterable[int] = (0,),
) -> tuple[int, bytes, bytes]:
    """Run `git *args` in `cwd`: (exit code, stdout, stderr).

    Raises GitError unless the exit code is in `ok`. Without `input`, stdin is
    empty (a hook's stdin is never handed on to git).
    """
    cmd = ["git", *args]
    try:
        proc = subprocess.run(
            cmd,
            cwd=cwd,
            env=git_env(),
            input=input,
            stdin=None if input is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except OSError as exc:  # no git on PATH, or cwd does not exist
        raise GitError(cmd, 127, str(exc)) from exc
    if proc.returncode not in tuple(ok):
        raise GitError(cmd, proc.returncode, proc.stderr.decode("utf-8", "replace"))
    return proc.returncode, proc.stdout, proc.stderr


class Pending:
    """A git call started now and collected later, so independent questions overlap.

    `result()` returns and raises exactly as `call` does.
    """

    def __init__(self, args: Sequence[str], cwd: str | os.PathLike[str], ok: Iterable[int] = (0,)) -> None:
        self.cmd = ["git", *args]
        self.ok = tuple(ok)
        self.error: GitError | None = None
        try:
            self.proc = subprocess.Popen(
                self.cmd, cwd=cwd, env=git_env(),
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            )  # fmt: skip
        except OSError as exc:
            self.error = GitError(self.cmd, 127, str(exc))

    def result(self) -> tuple[int, bytes, bytes]:
        if self.error is not None:
            raise self.error
        out, err = self.proc.communicate()
        if self.proc.returncode not in self.ok:
            raise GitError(self.cmd, self.proc.returncode, err.decode("utf-8", "replace"))
        return self.proc.returncode, out, err


def run(args: Sequence[str], cwd: str | os.PathLike[str], *, input: bytes | None = None) -> bytes:
    """Run `git *args` in `cwd` and return its stdout; GitError unless it exits 0."""
    return call(args, cwd, input=input)[1]


# --- parsing ----------------------------------------------------------------


def _paths(out: bytes) -> list[str]:
    """NUL-separated paths, decoded so that they round-trip."""
    return [os.fsdecode(p) for p in out.split(b"\0") if p]


def _name_status(out: bytes) -> list[Change]:
    """Parse `--name-status -z`: 'X\\0path\\0', or 'R100\\0old\\0new\\0' for R and C."""
    changes: list[Change] = []
    _entries(os.fsdecode(out).split("\0"), 0, changes)
    return changes


def _entries(fields: list[str], i: int, changes: list[Change]) -> int:
    """Append the `--name-status -z` entries from fields[i] up to an empty field; the index of that field.

    The fields are git's output decoded whole with `os.fsdecode` and split on NUL, which gives each path
    exactly as decoding it alone would (a NUL is never part of a multi-byte sequence).
    """
    count = len(fields)
    while i < count and fields[i]:
        status = fields[i][:1]
        if status in ("R", "C"):
            changes.append(Change(fields[i + 2], status, fields[i + 1]))
            i += 3
        else:
            changes.append(Change(fields[i + 1], status))
            i += 2
    return i


# Options for every diff we read: no colour, no external or submodule-hiding
# settings, paths from the top level whatever diff.relative says.
_DIFF = ["--no-color", "--no-ext-diff", "--ignore-submodules=none", "--no-relative", "-z", "--name-status"]


# --- the repository ---------------------------------------------------------


def toplevel(cwd: str | os.PathLike[str]) -> str | None:
    """The top level of the work tree holding `cwd`, or None outside one."""
    rc, out, _ = call(["rev-parse", "--show-toplevel"], cwd, ok=(0, 128))
    return os.fsdecode(out[:-1]) if rc == 0 and out.endswith(b"\n") else None


def has_head(repo: str | os.PathLike[str]) -> bool:
    """Whether HEAD names a commit (False on an unborn branch)."""
    rc, _, _ = call(["rev-parse", "--verify", "-q", "HEAD^{commit}"], repo, ok=(0, 1))
    return rc == 0


def config_bool(value: str | None) -> bool:
    """A config value read as git reads a boolean: unset is false, a key with no value is true."""
    if value is None:
        return False
    word = value.strip().lower()
    if word in ("", "true", "yes", "on"):
        return True
    if word in ("false", "no", "off"):
        return False
    try:
        return int(word) != 0
    except ValueError:
        return False


def current_branch(repo: str | os.PathLike[str]) -> str | None:
    """The checked-out branch (also on an unborn branch), or None when HEAD is detached."""
    rc, out, _ = call(["symbolic-ref", "-q", "HEAD"], repo, ok=(0, 1))
    ref = out.decode("utf-8", "replace").rstrip("\n")
    return ref.removeprefix("refs/heads/") if rc == 0 else None


def ls_files(repo: str | os.PathLike[str]) -> list[str]:
    """Every tracked path, once each (an unmerged path has several index entries)."""
    return list(dict.fromkeys(_paths(run(["ls-files", "-z", "--full-name"], repo))))


_STAGED = ["diff", "--cached", "-M", "-C", *_DIFF]


def start_staged_changes(repo: str | os.PathLike[str]) -> Pending:
    """Start reading the staged changes (for `staged_changes(..., started=)`)."""
    return Pending(_STAGED, repo)


def staged_changes(
    repo: str | os.PathLike[str], merging: Sequence[str] | None = None, started: Pending | None = None
) -> list[Change]:
    """The index against HEAD (the empty tree on an unborn branch); renames (-M) and copies (-C) detected.

    Porcelain `diff --cached` rather than `diff-index` because it compares an
    unborn HEAD with the empty tree in the repository's own hash; every
    setting that could change what it lists is overridden in _DIFF.
    """
    heads = merge_heads(repo) if merging is None else list(merging)
    if not heads:
        return _name_status(started.result()[1] if started else run(_STAGED, repo))
    if started:
        started.result()  # not needed while a merge is under way; collected so no process is left behind
    return _staged_merge(repo, heads)


def merge_heads(repo: str | os.PathLike[str]) -> list[str]:
    """The commits being merged into HEAD while a merge is in progress (none otherwise)."""
    path = os.fsdecode(run(["rev-parse", "--git-path", "MERGE_HEAD"], repo).rstrip(b"\n"))
    try:
        with open(os.path.join(repo, path), encoding="ascii") as handle:
            return handle.read().split()
    except (FileNotFoundError, UnicodeDecodeError):
        return []


def _staged_merge(repo: str | os.PathLike[str], heads: list[str]) -> list[Change]:
    """What a merge being committed introduces beyond its parents, as `commit_changes` reads a merge.

    Two parents: the index against git's own automatic merge of HEAD and the
    merged commit (`git merge-tree --write-tree`, which writes conflicts with
    their markers, so a resolution shows as a change). More parents, or a git
    without merge-tree --write-tree: the staged paths that differ from every parent.
    """
    if len(heads) == 1:
        try:
            rc, out, _ = call(["merge-tree", "--write-tree", "--no-messages", "HEAD", heads[0]], repo, ok=(0, 1))
            tree = out.split(b"\n", 1)[0].decode("ascii").strip()
            return _name_status(run(["diff", "--cached", "-M", "-C", *_DIFF, tree, "--"], repo))
        except GitError:
            pass
    staged = _name_status(run(["diff", "--cached", "-M", "-C", *_DIFF], repo))
    for head in heads:
        differs = set(_paths(run(["diff", "--cached", "--no-renames", "--no-relative", "-z", "--name-only", head], repo)))
        staged = [c for c in staged if c.path in differs or (c.old_path or "") in differs]
    return staged


def worktree_changes(repo: str | os.PathLike[str], merging: Sequence[str] | None = None) -> list[Change]:
    """Staged, unstaged and untracked (not ignored) changes, one Change per path, by path.

    One `git status --porcelain=v2` call. A path both staged and changed again
    in the work tree keeps its staged letter; untracked files are 'A'. While a
    merge is under way, the staged part is what the merge itself adds (as in
    `staged_changes`), so the merged side's own work is not counted.
    """
    heads = merge_heads(repo) if merging is None else list(merging)
    out = run(
        ["status", "--porcelain=v2", "-z", "--untracked-files=all", "--find-renames", "--ignore-submodules=none"],
        repo,
    )
    fields = out.split(b"\0")
    changes: dict[str, Change] = {}
    i = 0
    while i < len(fields) - 1:
        entry = fields[i]
        kind = entry[:1]
        old = None
        if kind == b"1":  # 1 XY sub mH mI mW hH hI path
            parts = entry.split(b" ", 8)
            xy, path = parts[1], parts[8]
        elif kind == b"2":  # 2 XY sub mH mI mW hH hI Xscore path \0 origPath
            parts = entry.split(b" ", 9)
            xy, path, old = parts[1], parts[9], fields[i + 1]
            i += 1
        elif kind == b"u":  # u XY sub m1 m2 m3 mW h1 h2 h3 path
            xy, path = b"UU", entry.split(b" ", 10)[10]
        elif kind == b"?":
            xy, path = b"A.", entry[2:]
        else:  # '!' (ignored) is never asked for; '#' headers neither
            i += 1
            continue
        i += 1
        staged, unstaged = chr(xy[0]), chr(xy[1])
        if heads and unstaged == ".":
            continue  # staged only: the merge-aware staged list below decides it
        status = staged if staged != "." and not heads else unstaged
        change = Change(os.fsdecode(path), status, os.fsdecode(old) if old is not None else None)
        changes.setdefault(change.path, change)
    if heads:
        for change in staged_changes(repo, heads):
            changes[change.path] = change
    return sorted(changes.values(), key=lambda c: c.path)


# --- commits ----------------------------------------------------------------


def range_commits(repo: str | os.PathLike[str], rev_range: str) -> list[str]:
    """The commits of a range such as 'A..B', oldest first; GitError for a bad range."""
    out = run(["rev-list", "--reverse", "--topo-order", "--end-of-options", rev_range, "--"], repo)
    return out.decode("ascii").split()


def unpushed_commits(repo: str | os.PathLike[str], to_ref: str) -> list[str]:
    """Commits reachable from `to_ref` that no remote-tracking ref has, oldest first.

    With no remote at all, that is the whole history of `to_ref`.
    """
    # The first --not marks every remote-tracking ref as excluded; the second
    # turns inclusion back on for to_ref.
    out = run(
        ["rev-list", "--reverse", "--topo-order", "--not", "--remotes", "--not", "--end-of-options", to_ref, "--"],
        repo,
    )
    return out.decode("ascii").split()


# False once git has refused --remerge-diff (older than 2.36): merges then fall
# back to the combined diff for the rest of the process.
_remerge_diff = True

# Commits read by one round of git calls: bounds memory on very long ranges.
BATCH = 2000


def commit_changes(repo: str | os.PathLike[str], sha: str) -> list[Change]:
    """What a commit changes, renames (-M) and copies (-C) detected.

    An ordinary commit is compared with its parent, a root commit with the
    empty tree. A merge counts only what the merge itself introduces: for two
    parents, the paths where the recorded result differs from what git's own
    merge of the parents produces (`--remerge-diff`, git >= 2.36). That lists
    conflict resolutions and "evil" edits, including an evil revert that takes
    one side's version and drops the other side's change, which the combined
    diff (`-c`: paths whose result differs from every parent) cannot see; and
    it leaves out a file both sides edited that merged cleanly. Octopus merges
    (git does not remerge them) and every merge under an older git use the
    combined diff.
    """
    info = commit_info(repo, sha)
    return changes_of(repo, [info])[info.sha]


def read_commits(repo: str | os.PathLike[str], shas: Sequence[str]) -> Iterator[tuple[CommitInfo, list[Change]]]:
    """Each commit (full ids, distinct) with what it changes, as `commit_info` and `commit_changes` read one.

    Two git calls a batch of ordinary commits, whatever their number: one
    `git log` for authors and messages, one for the changes (see `changes_of`
    for merges).
    """
    for first in range(0, len(shas), BATCH):
        infos = commit_infos(repo, shas[first : first + BATCH])
        changes = changes_of(repo, infos)
        for info in infos:
            yield info, changes[info.sha]


def changes_of(repo: str | os.PathLike[str], infos: Sequence[CommitInfo]) -> dict[str, list[Change]]:
    """{commit: its changes} for several commits, read as `commit_changes` describes.

    Every ordinary commit in one `git log` call; each two-parent merge in a
    call of its own (git 2.39 remerges against the wrong base when one walk
    shows a merge and its parent); octopus merges, and every merge under a git
    without --remerge-diff, in one `diff-tree -c` call.
    """
    found: dict[str, list[Change]] = {info.sha: [] for info in infos}
    singles = [i.sha for i in infos if len(i.parents) < 2]
    merges = [i.sha for i in infos if len(i.parents) == 2]
    combined = [i.sha for i in infos if len(i.parents) > 2]
    for index, sha in enumerate(merges):
        remerged = _remerge(repo, sha)
        if remerged is None:
            combined += merges[index:]
            break
        found[sha] = remerged
    if singles:
        found.update(_log_changes(run([*_LOG, "--"], repo, input=_lines(singles))))
    if combined:
        out = run(["diff-tree", "--stdin", "--always", "-r", "-c", *_DIFF], repo, input=_lines(combined))
        found.update(_combined_changes(out))
    return found


_LOG = ["log", "--no-walk=unsorted", "--stdin", "--no-show-signature", "--no-notes", "--format=format:%H",
        "--root", "-M", "-C", *_DIFF]  # fmt: skip


def _remerge(repo: str | os.PathLike[str], sha: str) -> list[Change] | None:
    """What a two-parent merge adds beyond git's own merge of its parents; None when git cannot remerge."""
    global _remerge_diff
    if _remerge_diff:
        try:
            return _log_changes(run([*_LOG, "--remerge-diff", "--"], repo, input=_lines([sha]))).get(sha, [])
        except GitError as exc:
            if "--remerge-diff" not in exc.stderr:
                raise
            _remerge_diff = False
    return None


def _lines(shas: Sequence[str]) -> bytes:
    return "".join(f"{sha}\n" for sha in shas).encode("ascii")


def _is_id(field: str) -> bool:
    return len(field) in (40, 64) and all(c in "0123456789abcdef" for c in field)


def _log_changes(out: bytes) -> dict[str, list[Change]]:
    """Parse `git log -z --format=format:%H --name-status`.

    Each commit is its id, then, when it changes anything, a newline and its
    `--name-status -z` entries; commits after the first are preceded by a NUL.
    """
    fields = os.fsdecode(out).split("\0")
    found: dict[str, list[Change]] = {}
    i = 0
    while i < len(fields):
        sha, newline, status = fields[i].partition("\n")
        if not sha:
            i += 1
            continue
        if not _is_id(sha):
            raise GitError(["git", "log"], 0, f"unexpected output: {fields[i][:80]!r}")
        found[sha] = changes = []
        fields[i] = status  # the first entry's status follows the id and a newline
        i = _entries(fields, i, changes) if newline else i + 1
    return found


def _combined_changes(out: bytes) -> dict[str, list[Change]]:
    """Parse `diff-tree --stdin -c -z --name-status`: each commit id, then its entries, one letter a parent."""
    found: dict[str, list[Change]] = {}
    changes: list[Change] = []
    fields = os.fsdecode(out).split("\0")
    i = 0
    while i < len(fields) - 1:
        field = fields[i]
        if _is_id(field):
            found[field] = changes = []
            i += 1
            continue
        changes.append(Change(fields[i + 1], field[0] if len(set(field)) == 1 else "M"))
        i += 2
    return found


_INFO = ["--no-show-signature", "--format=format:%H%x00%P%x00%an%x00%ae%x00%B"]


def commit_info(repo: str | os.PathLike[str], sha: str) -> CommitInfo:
    """Author and full message of a commit. The email is the recorded one (%ae): no .mailmap applies."""
    out = run(["log", "-1", *_INFO, "--end-of-options", sha + "^{commit}", "--"], repo)
    full, parents, name, email, message = out.decode("utf-8", "replace").split("\0", 4)
    return CommitInfo(full, tuple(parents.split()), name, email, message)


def commit_infos(repo: str | os.PathLike[str], shas: Sequence[str]) -> list[CommitInfo]:
    """`commit_info` of several commits (full ids, distinct), in the order given, in one git call."""
    if not shas:
        return []
    infos = _infos(run(["log", "--no-walk=unsorted", "--stdin", "-z", *_INFO, "--"], repo, input=_lines(shas)))
    if [info.sha for info in infos] != list(shas):  # an id given twice is shown once: read one at a time
        infos = [commit_info(repo, sha) for sha in shas]
    return infos


def _infos(out: bytes) -> list[CommitInfo]:
    """Parse commits in `_INFO`'s format, NUL-separated (git prints a message only up to a NUL it holds)."""
    fields = out.decode("utf-8", "replace").split("\0")
    return [
        CommitInfo(full, tuple(parents.split()), name, email, message)
        for full, parents, name, email, message in zip(*[iter(fields)] * 5)
    ]


# Lines git itself writes into a trailer block; one of them lets a block that
# is only a quarter trailers count as trailers.
_GIT_TRAILERS = ("Signed-off-by: ", "(cherry picked from commit ")


def trailer(message: str, key: str) -> str | None:
    """The value of the last `key: value` trailer of a commit message, or None.

    Reads the trailer block as `git interpret-trailers --parse --no-divider`
    does with default settings: the last paragraph, never the first (the
    title), counts when all its lines are trailers or continuation lines
    (indented, folded into the value with one space), or when a quarter are
    trailers and one is git's own (Signed-off-by, cherry picked from). A
    trailer line is a token of ASCII letters, digits and '-', optional blanks,
    ':' and the value. Keys match case-insensitively.
    """
    lines = [line for line in message.split("\n") if not line.startswith("#")]
    while lines and not lines[-1].strip():
        lines.pop()
    title_end = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
    start = len(lines)
    while start > title_end and lines[start - 1].strip():
        start -= 1
    if start <= title_end:
        return None

    found: list[list[str]] = []  # [token, value] of each trailer line, in order
    trailers = others = 0
    recognized = after_trailer = False
    for line in lines[start:]:
        if line[:1] in (" ", "\t"):
            if not after_trailer:
                others += 1
            elif found and found[-1][0]:
                found[-1][1] = f"{found[-1][1]} {line.strip()}".strip()
            continue
        token = _trailer_token(line)
        own = line.startswith(_GIT_TRAILERS)
        recognized = recognized or own
        after_trailer = token is not None or own
        if after_trailer:
            trailers += 1
            found.append([token or "", line.partition(":")[2].strip() if token else ""])
        else:
            others += 1
    if not ((trailers and not others) or (recognized and trailers * 3 >= others)):
        return None
    wanted = key.lower()
    values = [value for token, value in found if token.lower() == wanted]
    return values[-1] if values else None


def _trailer_token(line: str) -> str | None:
    """The token of a `token: value` line (blanks allowed before ':'), or None."""
    token, sep, _ = line.partition(":")
    name = token.rstrip(" \t")
    if not sep or not name or not all(c.isascii() and (c.isalnum() or c == "-") for c in name):
        return None
    return name


# --- content at a revision --------------------------------------------------


def read_blob(repo: str | os.PathLike[str], rev: str, path: str) -> bytes | None:
    """The content of `path` at `rev` (a symlink's target), or None when no file is there.

    GitError when `rev` itself does not name a tree.
    """
    args = ["cat-file", "blob", "--end-of-options", f"{rev}:{path}"]
    rc, out, err = call(args, repo, ok=(0, 128))
    if rc == 0:
        return out
    # A missing path and a bad revision fail alike; one more call, on this path only, tells them apart.
    if call(["rev-parse", "--verify", "-q", "--end-of-options", rev + "^{tree}"], repo, ok=(0, 1))[0]:
        raise GitError(["git", *args], rc, err.decode("utf-8", "replace"))
    return None


def list_tree(repo: str | os.PathLike[str], rev: str, folder: str = "") -> list[str]:
    """Every file (blob, symlink, submodule) under `folder` at `rev`; '' or '.' is the whole tree."""
    folder = folder.strip("/")
    paths = [folder] if folder not in ("", ".") else []
    # ls-tree has no '--': after --end-of-options the revision and the folder are never options.
    out = run(["ls-tree", "-r", "-z", "--name-only", "--full-tree", "--end-of-options", rev, *paths], repo)
    return _paths(out)


# --- one call for the questions every command asks ----------------------------


@dataclass(frozen=True, slots=True)
class RepoInfo:
    """The work tree's top level, its git folder, HEAD (None on an unborn branch) and the merge in progress."""

    top: str
    git_dir: str
    head: str | None
    merging: tuple[str, ...]


def repo_info(cwd: str | os.PathLike[str]) -> RepoInfo | None:
    """Everything `toplevel`, `has_head` and `merge_heads` tell, in one git call; None outside a work tree."""
    rc, out, _ = call(
        ["rev-parse", "--show-toplevel", "--absolute-git-dir", "--git-path", "MERGE_HEAD", "HEAD"], cwd, ok=(0, 128)
    )
    lines = out.split(b"\n")
    if len(lines) < 4:
        return None  # not in a work tree (a bare repository or outside any)
    top, git_dir, merge_path = (os.fsdecode(line) for line in lines[:3])
    head = lines[3].decode("ascii", "replace") if rc == 0 else None
    try:
        with open(os.path.join(top, merge_path), encoding="ascii") as handle:
            merging = tuple(handle.read().split())
    except (FileNotFoundError, UnicodeDecodeError):
        merging = ()
    return RepoInfo(top, git_dir, head, merging)


def start_config_values(repo: str | os.PathLike[str], *keys: str) -> Pending:
    pattern = "^(" + "|".join(k.replace(".", r"\.") for k in keys) + ")$"
    return Pending(["config", "-z", "--get-regexp", pattern], repo, ok=(0, 1))


def config_values(repo: str | os.PathLike[str], *keys: str, started: Pending | None = None) -> dict[str, str]:
    """Several config keys in one call: {key: last value} for those that are set (keys lower-case)."""
    _, out, _ = (started or start_config_values(repo, *keys)).result()
    values = {}
    for entry in out.split(b"\0"):
        if entry:
            key, _, value = entry.partition(b"\n")
            values[key.decode("utf-8", "replace").lower()] = value.decode("utf-8", "replace")
    return values


def tree_entries(repo: str | os.PathLike[str], rev: str, paths: Sequence[str]) -> dict[str, str]:
    """{path: object id} of the files at or under `paths` at `rev`, in one call."""
    if not paths:
        return {}
    out = run(["ls-tree", "-r", "-z", "--full-tree", "--end-of-options", rev, *paths], repo)
    entries = {}
    for record in out.split(b"\0"):
        if record:
            meta, _, path = record.partition(b"\t")
            entries[os.fsdecode(path)] = meta.split()[2].decode("ascii")
    return entries


def read_objects(repo: str | os.PathLike[str], oids: Sequence[str]) -> dict[str, bytes]:
    """The contents of several blobs in one `cat-file --batch` call."""
    if not oids:
        return {}
    out = run(["cat-file", "--batch"], repo, input="".join(f"{o}\n" for o in oids).encode("ascii"))
    contents, pos = {}, 0
    for oid in oids:
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        pos = end + 1
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            contents[oid] = out[pos : pos + size]
            pos += size + 1
    return contents
