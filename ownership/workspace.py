"""Where a command runs: the repository, its contract, and paths as typed by a user."""

from __future__ import annotations

import os
import re
from functools import cached_property

from . import git
from .core.engine import Engine
from .core.model import CONTRACT_CANDIDATES, Contract
from .errors import UsageError, excerpt


def watched_places(contract: Contract) -> list[str]:
    """Where the files a contract is read from can be: the literal folders of its self-protecting rules."""
    places = []
    for rule in contract.protected:
        if rule.line is None:  # the contract's own files and agent_files globs, anchored at the top
            literal = []
            for segment in rule.pattern.strip("/").split("/"):
                if any(c in segment for c in "*?[\\"):
                    break
                literal.append(segment)
            places.append("/".join(literal) or ".")
    return sorted(set(places))


_NOT_PLAIN = re.compile(r"^/|//|(?:^|/)\.\.?(?:/|$)")
_ODD_IN_LIST = ("//", "\0/", "\0\0", "/./", "/../", "\0./", "\0../", "/.\0", "/..\0", "/\0")


def _plain_list(paths: list[str]) -> bool:
    """`_plain` for every path at once, by substring search over the NUL-joined list (C speed)."""
    text = "\0" + "\0".join(paths) + "\0"
    return not any(odd in text for odd in _ODD_IN_LIST) and not any(f"\0{dots}\0" in text for dots in (".", ".."))


def _plain(path: str) -> bool:
    """A relative path with no '.', '..' or empty segment: nothing to normalise."""
    return _NOT_PLAIN.search(path.rstrip("/") or "/") is None


class TreeReader:
    """Files as committed at one revision, read with few git calls.

    One `ls-tree` lists the places asked for up front (where a contract may be);
    file contents come in one `cat-file --batch` per round of reads. The listing
    is also the cache key: it holds the object id of every file the contract
    can be read from.
    """

    def __init__(self, repo: str, rev: str, places: list[str]) -> None:
        self.repo = repo
        self.rev = rev
        self.where = f" in the commit {rev[:12]}"  # for messages: the file may exist, uncommitted
        self.listed = sorted(set(places))
        self.entries = git.tree_entries(repo, rev, self.listed)
        self.contents: dict[str, bytes] = {}

    def key(self) -> str:
        from _blake2 import blake2b  # hashlib's own implementation, without loading OpenSSL

        text = "\0".join([self.rev, *self.listed, *(f"{p}\0{o}" for p, o in sorted(self.entries.items()))])
        return blake2b(text.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()

    def _covered(self, path: str) -> bool:
        return any(path == p or path.startswith(p.rstrip("/") + "/") for p in self.listed)

    def _list(self, place: str) -> None:
        if not self._covered(place):
            self.entries.update(git.tree_entries(self.repo, self.rev, [place]))
            self.listed.append(place)

    def read(self, path: str) -> bytes | None:
        self._list(path)
        oid = self.entries.get(path)
        if oid is None:
            return None
        if oid not in self.contents:
            wanted = [o for o in dict.fromkeys(self.entries.values()) if o not in self.contents]
            self.contents.update(git.read_objects(self.repo, wanted))
        return self.contents.get(oid)

    def files_under(self, folder: str) -> list[str]:
        folder = folder.strip("/")
        if folder:
            self._list(folder)
        else:
            self.entries.update(git.tree_entries(self.repo, self.rev, ["."]))
        prefix = folder + "/" if folder else ""
        return sorted(p for p in self.entries if p.startswith(prefix))


class Workspace:
    def __init__(self, directory: str, contract: str | None = None) -> None:
        self.cwd = os.path.abspath(directory)
        if not os.path.isdir(self.cwd):
            raise UsageError(f"{directory}: no such folder; -C takes an existing folder")
        self.info = git.repo_info(self.cwd)
        self.in_git = self.info is not None
        self.repo = self.info.top if self.info else self.cwd
        self.contract_option = contract or os.environ.get("OWNERSHIP_CONTRACT") or None
        self._config_started: git.Pending | None = None

    @cached_property
    def reader(self):
        from .sources import WorkTreeReader

        return WorkTreeReader(self.repo)

    @cached_property
    def contract_path(self) -> str | None:
        """The contract file, repository-relative; None reads .claude/agents/*.md."""
        if not self.contract_option:
            from .sources import discover

            return discover(self.reader)
        full = os.path.normpath(os.path.join(self.cwd, self.contract_option))
        relative = os.path.relpath(full, self.repo)
        if relative.startswith(".."):
            raise UsageError(f"{self.contract_option}: the contract must lie inside the repository {self.repo}")
        return relative.replace(os.sep, "/")

    @cached_property
    def contract(self) -> Contract:
        from .sources import load

        return load(self.reader, self.contract_path)

    def contract_at(self, rev: str) -> Contract:
        """The contract as committed at `rev` (never the working tree's edits)."""
        contract = self._committed(rev)
        if contract is None:
            from .sources import load

            return load(TreeReader(self.repo, rev, []), None)  # raises: no contract found
        return contract

    def contract_at_or_none(self, rev: str) -> Contract | None:
        """The contract committed at `rev`, or None when none was committed there yet."""
        return self._committed(rev)

    def _committed(self, rev: str) -> Contract | None:
        """The contract at `rev` (cached by its files' object ids), or None when none is committed there."""
        from .git import cache

        git_dir = self.info.git_dir
        places = [*CONTRACT_CANDIDATES, ".claude/agents", *cache.watched(git_dir)]
        if self.contract_option:
            places.append(self.contract_path)
        reader = TreeReader(self.repo, rev, places)
        key = reader.key()
        found = cache.load(git_dir, key)
        if found is not None:
            return found
        from .sources import discover, load

        path = self.contract_path if self.contract_option else discover(reader)
        if path is None and not reader.files_under(".claude/agents"):
            return None
        contract = load(reader, path)
        learned = watched_places(contract)
        if not set(learned) <= set(places):
            cache.remember_watched(git_dir, learned)
            key = TreeReader(self.repo, rev, [*places, *learned]).key()
        cache.store(git_dir, key, contract)
        return contract

    def contract_in_force(self) -> tuple[Contract, str]:
        """The contract uncommitted changes are judged by: HEAD's; the working tree's only before the first commit."""
        if not self.in_git or self.info.head is None:
            return self.contract, "the working tree (no commit yet)"
        contract = self._committed(self.info.head)
        if contract is None and not self.contract_option:
            # No contract committed yet: the one being added governs (it protects itself from agents).
            return self.contract, "the working tree (no contract committed yet)"
        return contract or self.contract_at(self.info.head), "HEAD"

    def engine_for(self, contract: Contract) -> Engine:
        return Engine(contract, self.ignorecase)

    CONFIG_KEYS = ("core.ignorecase", "ownership.agent")

    def prefetch_config(self) -> None:
        """Start reading the settings now, to overlap with other git calls."""
        if self.in_git and "config" not in self.__dict__ and self._config_started is None:
            self._config_started = git.start_config_values(self.repo, *self.CONFIG_KEYS)

    @cached_property
    def config(self) -> dict[str, str]:
        """The git settings this tool reads, in one call."""
        if not self.in_git:
            return {}
        return git.config_values(self.repo, *self.CONFIG_KEYS, started=self._config_started)

    @cached_property
    def branch(self) -> str | None:
        """The checked-out branch, read from HEAD (None when detached or outside git)."""
        if not self.in_git:
            return None
        try:
            with open(os.path.join(self.info.git_dir, "HEAD"), encoding="utf-8") as handle:
                head = handle.read().strip()
        except (OSError, UnicodeDecodeError):
            return git.current_branch(self.repo)
        return head.removeprefix("ref: refs/heads/") if head.startswith("ref: refs/heads/") else None

    @cached_property
    def ignorecase(self) -> bool:
        return git.config_bool(self.config.get("core.ignorecase"))

    @cached_property
    def engine(self) -> Engine:
        return Engine(self.contract, self.ignorecase)

    @cached_property
    def tracked_files(self) -> list[str]:
        if self.in_git:
            return git.ls_files(self.repo)
        return self.reader.files_under("")

    def agent_names(self, name: str | None) -> list[str]:
        """The named agent (checked) or all of them."""
        if name is None:
            return list(self.contract.names)
        if self.contract.agent(name) is None:
            raise UsageError(f"unknown agent '{name}'; the contract's agents are: {', '.join(self.contract.names)}")
        return [name]

    def paths(self, typed: list[str]) -> list[str]:
        """Many paths as typed → repository-relative; a list already in that form is checked in one pass."""
        if self.cwd == self.repo and _plain_list(typed):
            return typed
        return [self.path(p) for p in typed]

    def path(self, typed: str) -> str:
        """A path as a user typed it (relative to the working folder, or absolute) → repository-relative."""
        if not typed or "\0" in typed:
            raise UsageError("empty path; name a file of the repository")
        if self.cwd == self.repo and _plain(typed):
            return typed  # already repository-relative and normal: the common case of --stdin lists
        folder = typed.endswith(("/", os.sep))
        full = os.path.normpath(os.path.join(self.cwd, typed))
        relative = os.path.relpath(full, self.repo).replace(os.sep, "/")
        if relative == ".":
            raise UsageError(f"{excerpt(typed)} is the repository itself; name a file or folder in it")
        if relative == ".." or relative.startswith("../"):
            raise UsageError(f"{excerpt(typed)} is outside the repository {self.repo}")
        return relative + "/" if folder else relative
