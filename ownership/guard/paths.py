"""Where a path lands, resolved the way the kernel resolves it: symlinks first, then `..`, component by component.

`os.path.normpath` collapses `alice/l/..` to `alice` before anything is
followed; the kernel does not: when `alice/l` is a symlink to `../bob/sub`,
`alice/l/../x` is `bob/x` (path_resolution(7)). `place` resolves every folder of
a path that way and keeps the last component as named (a write to a symlink
lands where the link is, and the guard judges where it leads separately);
`leads` follows the last component too.

`Links` are the links a command makes before it writes (`ln -s ../bob/sub
alice/l; echo > alice/l/../x`): not on disk yet when the guard reads the
command, so they are laid over the filesystem while the command is read.
A hard link's other names are the files a write through it changes.

On a POSIX host a backslash is an ordinary character of a file name (only
Windows reads it as a separator): nothing here converts it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

MAX_LINKS = 40  # the kernel's limit on symlinks followed in one lookup (ELOOP)


@dataclass
class Links:
    """Symlinks and hard links a command makes, by absolute path (resolved folders)."""

    symlinks: dict[str, str] = field(default_factory=dict)  # link → its target, as typed
    hard: dict[str, str] = field(default_factory=dict)  # new name → the file it is another name of

    def readlink(self, path: str) -> str | None:
        if path in self.symlinks:
            return self.symlinks[path]
        if path in self.hard:
            return None
        try:
            return os.readlink(path)
        except OSError:
            return None


NO_LINKS = Links()


def place(path: str, links: Links = NO_LINKS) -> str:
    """The absolute path with every folder resolved (symlinks, then `..`); the last component as named."""
    path = os.path.abspath(path) if not os.path.isabs(path) else path
    head, tail = os.path.split(path.rstrip(os.sep) or os.sep)
    if not tail:
        return os.sep
    if tail in (".", ".."):
        return _resolve(path, links, follow_last=True)
    return os.path.join(_resolve(head, links, follow_last=True), tail)


def leads(path: str, links: Links = NO_LINKS) -> str:
    """Where a write to `path` lands: the last component followed too when it is a symlink."""
    return _resolve(path, links, follow_last=True)


def _resolve(path: str, links: Links, follow_last: bool) -> str:
    parts = [p for p in path.split(os.sep) if p and p != "."]
    done = os.sep
    hops = 0
    while parts:
        part = parts.pop(0)
        if part == "..":
            done = os.path.dirname(done)
            continue
        candidate = os.path.join(done, part)
        target = links.readlink(candidate) if (parts or follow_last) else None
        if target is None:
            done = candidate
            continue
        hops += 1
        if hops > MAX_LINKS:  # a loop: the kernel answers ELOOP; the rest is taken as named
            return os.path.join(candidate, *parts)
        if os.path.isabs(target):
            done = os.sep
        parts[:0] = [p for p in target.split(os.sep) if p and p != "."]
    return done


def other_names(path: str, links: Links = NO_LINKS) -> list[str]:
    """The other names of a file through hard links made earlier in the same command."""
    found = []
    if path in links.hard:
        found.append(links.hard[path])
    found += [name for name, source in links.hard.items() if source == path]
    return found
