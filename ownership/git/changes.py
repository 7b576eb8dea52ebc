"""What is changed: the staged changes, the work tree's changes, and `--name-status -z` parsing."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..errors import GitError
from .door import Pending, call, nul_paths, run


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


# --- parsing ----------------------------------------------------------------


def _name_status(out: bytes) -> list[Change]:
    """Parse `--name-status -z`: 'X\\0path\\0', or 'R100\\0old\\0new\\0' for R and C."""
    changes: list[Change] = []
    name_status_entries(os.fsdecode(out).split("\0"), 0, changes)
    return changes


def name_status_entries(fields: list[str], i: int, changes: list[Change]) -> int:
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
DIFF = ["--no-color", "--no-ext-diff", "--ignore-submodules=none", "--no-relative", "-z", "--name-status"]


# --- staged and work-tree changes -------------------------------------------


_STAGED = ["diff", "--cached", "-M", "-C", *DIFF]


def start_staged_changes(repo: str | os.PathLike[str]) -> Pending:
    """Start reading the staged changes (for `staged_changes(..., started=)`)."""
    return Pending(_STAGED, repo)


def staged_changes(
    repo: str | os.PathLike[str], merging: Sequence[str] | None = None, started: Pending | None = None
) -> list[Change]:
    """The index against HEAD (the empty tree on an unborn branch); renames (-M) and copies (-C) detected.

    Porcelain `diff --cached` rather than `diff-index` because it compares an
    unborn HEAD with the empty tree in the repository's own hash; every
    setting that could change what it lists is overridden in DIFF.
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
            return _name_status(run(["diff", "--cached", "-M", "-C", *DIFF, tree, "--"], repo))
        except GitError:
            pass
    staged = _name_status(run(["diff", "--cached", "-M", "-C", *DIFF], repo))
    for head in heads:
        differs = set(
            nul_paths(run(["diff", "--cached", "--no-renames", "--no-relative", "-z", "--name-only", head], repo))
        )
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
