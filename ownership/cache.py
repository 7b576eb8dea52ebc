"""A cache of loaded contracts, so a hook run skips YAML and Markdown parsing.

Entries live in the repository's git folder (`<git dir>/ownership/`), keyed by
the object ids of every committed file the contract was read from (see
`TreeReader.key`): any change to those files is a new key. Only contracts read
from commits are cached; the working tree is always read afresh. The cache is
a speed-up for local hooks, not a trust boundary: whoever can write the git
folder can also rewrite its hooks, which is why CI checks run on a fresh clone.
"""

from __future__ import annotations

import os
import pickle

from . import __version__
from .model import Contract

KEEP = 16  # entries kept; older ones are removed when a new one is written


def _folder(git_dir: str) -> str:
    return os.path.join(git_dir, "ownership")


def watched(git_dir: str) -> list[str]:
    """The extra places (agent file folders) earlier runs learned the contract reads."""
    try:
        with open(os.path.join(_folder(git_dir), "watch"), encoding="utf-8") as handle:
            return [line for line in handle.read().split("\n") if line]
    except (OSError, UnicodeDecodeError):
        return []


def remember_watched(git_dir: str, places: list[str]) -> None:
    _write(os.path.join(_folder(git_dir), "watch"), "\n".join(sorted(places)).encode("utf-8"))


def load(git_dir: str, key: str) -> Contract | None:
    path = os.path.join(_folder(git_dir), f"contract-{__version__}-{key}.pickle")
    try:
        with open(path, "rb") as handle:
            contract = pickle.load(handle)
    except Exception:  # missing, unreadable or from another version: read the contract afresh
        return None
    return contract if isinstance(contract, Contract) else None


def store(git_dir: str, key: str, contract: Contract) -> None:
    folder = _folder(git_dir)
    _write(os.path.join(folder, f"contract-{__version__}-{key}.pickle"), pickle.dumps(contract, protocol=5))
    try:
        entries = sorted(
            (e for e in os.scandir(folder) if e.name.startswith("contract-")), key=lambda e: e.stat().st_mtime
        )
        for old in entries[:-KEEP]:
            os.unlink(old.path)
    except OSError:
        pass


def _write(path: str, data: bytes) -> None:
    """Write atomically; a cache that cannot be written is only a slower run."""
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        temporary = f"{path}.{os.getpid()}.tmp"
        with open(temporary, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except OSError:
        pass
