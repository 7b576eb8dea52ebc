"""Commits: ranges, unpushed commits, who made each and what each changes (merges as git remerges them)."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..errors import GitError
from .changes import DIFF, Change, name_status_entries
from .door import run


@dataclass(frozen=True, slots=True)
class CommitInfo:
    """Who made a commit and what it says (the message keeps its trailers)."""

    sha: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    message: str


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


def signatures(repo: str | os.PathLike[str], shas: Sequence[str], allowed_signers: str) -> dict[str, tuple[str, str]]:
    """{commit: (git's %G? letter, the signer's principal)}, SSH signatures verified against an allowed-signers file.

    One `git log --no-walk` with `gpg.ssh.allowedSignersFile` set for the call
    (git-config(1), 'gpg.ssh.allowedSignersFile'; letters from git-log(1),
    PRETTY FORMATS, '%G?': G good, B bad, U good of unknown validity, N none,
    E cannot be checked, X/Y expired, R revoked). Only G counts as verified.
    """
    found: dict[str, tuple[str, str]] = {}
    for first in range(0, len(shas), BATCH):
        args = ["-c", f"gpg.ssh.allowedSignersFile={allowed_signers}", "log", "--no-walk=unsorted",
                "--format=%H%x00%G?%x00%GS%x00", *shas[first : first + BATCH], "--"]  # fmt: skip
        out = run(args, repo).decode("utf-8", "replace")
        for record in out.split("\n"):
            fields = record.split("\0")
            if len(fields) >= 3 and fields[0]:
                found[fields[0]] = (fields[1], fields[2])
    return found


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
        out = run(["diff-tree", "--stdin", "--always", "-r", "-c", *DIFF], repo, input=_lines(combined))
        found.update(_combined_changes(out))
    return found


_LOG = ["log", "--no-walk=unsorted", "--stdin", "--no-show-signature", "--no-notes", "--format=format:%H",
        "--root", "-M", "-C", *DIFF]  # fmt: skip


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
        i = name_status_entries(fields, i, changes) if newline else i + 1
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
