"""Where contract files come from (a Reader: the working tree, or a commit) and what every reader shares.

`Collector` reads a file's text within the limits and collects every problem
with its file and line, so loading fails once, with all of them.
"""

from __future__ import annotations

import os
import re
from typing import Protocol

from ..core.globs import GlobError, translate
from ..core.model import CONTRACT_CANDIDATES, Problem, Rule
from ..errors import ContractError, excerpt

DISCOVERED_AGENTS = ".claude/agents/*.md"
MAX_FILE_BYTES = 1024 * 1024  # a contract or agent file is at most 1 MiB (docs/contract.md says so)
_PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{\{|\}\}")


class Reader(Protocol):
    """Where contract files come from: the working tree, or a commit.

    `read` may stop after MAX_FILE_BYTES + 1 bytes: enough to tell a file is too large.
    """

    def read(self, path: str) -> bytes | None: ...

    def files_under(self, folder: str) -> list[str]: ...


class WorkTreeReader:
    """Files as they are on disk, paths relative to the repository root."""

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = os.fspath(root)

    def read(self, path: str) -> bytes | None:
        try:
            with open(os.path.join(self.root, path), "rb") as handle:
                return handle.read(MAX_FILE_BYTES + 1)
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return None
        except OSError as exc:
            raise ContractError(path, None, f"cannot read: {exc.strerror}") from None

    def files_under(self, folder: str) -> list[str]:
        base = os.path.join(self.root, folder) if folder else self.root
        found = []
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = [d for d in dirnames if d != ".git"]
            rel = os.path.relpath(dirpath, self.root).replace(os.sep, "/")
            prefix = "" if rel == "." else rel + "/"
            found.extend(prefix + name for name in filenames)
        return sorted(found)


def discover(reader: Reader) -> str | None:
    """The contract file at the repository root, or None to read .claude/agents/*.md."""
    for candidate in CONTRACT_CANDIDATES:
        if reader.read(candidate) is not None:
            return candidate
    return None


def escape_glob(path: str) -> str:
    """A pattern that matches exactly this repository-relative path."""
    return "/" + re.sub(r"([*?\[\\])", r"\\\1", path)


class Collector:
    """Reads texts through a Reader and collects errors and warnings, each with its file and line."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.errors: list[ContractError] = []
        self.warnings: list[Problem] = []

    def error(self, source: str, line: int | None, message: str) -> None:
        self.errors.append(ContractError(source, line, message))

    # --- text ------------------------------------------------------------

    def text(self, path: str) -> str | None:
        data = self.reader.read(path)
        if data is None:
            where = getattr(self.reader, "where", "")
            self.error(path, None, f"file not found{where}; create it (and commit it) or fix the path that names it")
            return None
        if len(data) > MAX_FILE_BYTES:
            self.error(path, None, "larger than 1 MiB, the limit for a contract or agent file; shorten it or split it")
            return None
        if b"\0" in data:
            self.error(path, None, "binary file, not a contract; name a Markdown or YAML text file")
            return None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            self.error(path, line, "not UTF-8 text; save the file as UTF-8")
            return None
        if not text.strip():
            self.error(path, None, "empty file; write the contract or remove the file")
            return None
        return text

    def _rule(self, section: str, pattern: str, source: str, line: int, comment: str, written: str = "") -> Rule | None:
        if _PLACEHOLDER.search(pattern):
            self.error(
                source, line, f"template placeholder in glob {excerpt(pattern)}; render the template or remove the line"
            )
            return None
        try:
            translate(pattern)
        except GlobError as exc:
            self.error(source, line, f"invalid glob {excerpt(pattern)}: {exc}")
            return None
        return Rule(section, pattern, source, line, comment, written)
