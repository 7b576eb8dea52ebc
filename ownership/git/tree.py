"""Content at a revision: tracked files, files and blobs of a tree, several objects in one call."""

from __future__ import annotations

import os
from collections.abc import Sequence

from ..errors import GitError
from .door import call, nul_paths, run


def ls_files(repo: str | os.PathLike[str]) -> list[str]:
    """Every tracked path, once each (an unmerged path has several index entries)."""
    return list(dict.fromkeys(nul_paths(run(["ls-files", "-z", "--full-name"], repo))))


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
    return nul_paths(out)


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


def ignored(repo: str | os.PathLike[str], paths: Sequence[str]) -> set[str]:
    """Those of `paths` (repository-relative, untracked) the repository's ignore rules cover, in one call.

    The rules are the repository's own: its .gitignore files and .git/info/exclude, not the user's
    core.excludesFile (a file outside the repository, which an agent may be able to write). A tracked
    path is never ignored (git check-ignore's default); a name is a path, never a pattern.
    """
    if not paths:
        return set()
    # check-ignore refuses GIT_LITERAL_PATHSPECS (git_env); it reads paths, not patterns, from --stdin anyway.
    args = ["--no-literal-pathspecs", "-c", f"core.excludesFile={os.devnull}", "check-ignore", "-z", "--stdin"]
    _, out, _ = call(args, repo, input=b"".join(os.fsencode(p) + b"\0" for p in paths), ok=(0, 1))
    return set(nul_paths(out))
