"""Where a command runs: the repository, its contract, and paths as typed by a user."""

from __future__ import annotations

import os
from functools import cached_property

from . import git
from .errors import UsageError
from .matching import Engine
from .model import Contract
from .sources import WorkTreeReader, discover, load


class TreeReader:
    """Files as committed at one revision."""

    def __init__(self, repo: str, rev: str) -> None:
        self.repo = repo
        self.rev = rev

    def read(self, path: str) -> bytes | None:
        return git.read_blob(self.repo, self.rev, path)

    def files_under(self, folder: str) -> list[str]:
        return git.list_tree(self.repo, self.rev, folder)


class Workspace:
    def __init__(self, directory: str, contract: str | None = None) -> None:
        self.cwd = os.path.abspath(directory)
        if not os.path.isdir(self.cwd):
            raise UsageError(f"{directory}: no such folder; -C takes an existing folder")
        top = git.toplevel(self.cwd)
        self.in_git = top is not None
        self.repo = top or self.cwd
        self.contract_option = contract or os.environ.get("OWNERSHIP_CONTRACT") or None

    @cached_property
    def reader(self) -> WorkTreeReader:
        return WorkTreeReader(self.repo)

    @cached_property
    def contract_path(self) -> str | None:
        """The contract file, repository-relative; None reads .claude/agents/*.md."""
        if not self.contract_option:
            return discover(self.reader)
        full = os.path.normpath(os.path.join(self.cwd, self.contract_option))
        relative = os.path.relpath(full, self.repo)
        if relative.startswith(".."):
            raise UsageError(f"{self.contract_option}: the contract must lie inside the repository {self.repo}")
        return relative.replace(os.sep, "/")

    @cached_property
    def contract(self) -> Contract:
        return load(self.reader, self.contract_path)

    def contract_at(self, rev: str) -> Contract:
        """The contract as committed at `rev` (never the working tree's edits)."""
        reader = TreeReader(self.repo, rev)
        path = self.contract_path if self.contract_option else discover(reader)
        return load(reader, path)

    def contract_in_force(self) -> tuple[Contract, str]:
        """The contract uncommitted changes are judged by: HEAD's; the working tree's only before the first commit."""
        if not self.in_git or not git.has_head(self.repo):
            return self.contract, "the working tree (no commit yet)"
        head = TreeReader(self.repo, "HEAD")
        if not self.contract_option and discover(head) is None and not head.files_under(".claude/agents"):
            # No contract committed yet: the one being added governs (it protects itself from agents).
            return self.contract, "the working tree (no contract committed yet)"
        return self.contract_at("HEAD"), "HEAD"

    def engine_for(self, contract: Contract) -> Engine:
        return Engine(contract, self.ignorecase)

    @cached_property
    def ignorecase(self) -> bool:
        return git.ignorecase(self.repo) if self.in_git else False

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

    def path(self, typed: str) -> str:
        """A path as a user typed it (relative to the working folder, or absolute) → repository-relative."""
        if not typed or "\0" in typed:
            raise UsageError("empty path; name a file of the repository")
        folder = typed.endswith(("/", os.sep))
        full = os.path.normpath(os.path.join(self.cwd, typed))
        relative = os.path.relpath(full, self.repo).replace(os.sep, "/")
        if relative == ".":
            raise UsageError(f"{typed!r} is the repository itself; name a file or folder in it")
        if relative == ".." or relative.startswith("../"):
            raise UsageError(f"{typed!r} is outside the repository {self.repo}")
        return relative + "/" if folder else relative
