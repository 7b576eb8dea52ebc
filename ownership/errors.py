"""The error family. The CLI turns each into one line and exit 2."""

from __future__ import annotations


class OwnershipError(Exception):
    """Base of every error a user should see as one clear line."""


class ContractError(OwnershipError):
    """A problem in a contract source: file, line (or None) and what to do."""

    def __init__(self, source: str, line: int | None, message: str) -> None:
        self.source = source
        self.line = line
        self.message = message
        super().__init__(self.location + ": " + message)

    @property
    def location(self) -> str:
        return f"{self.source}:{self.line}" if self.line else self.source


class ContractErrors(OwnershipError):
    """Every error found while loading a contract, so a user fixes them in one go."""

    def __init__(self, errors: list[ContractError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


class GitError(OwnershipError):
    """A git command failed: the command, its exit code and what it said."""

    def __init__(self, cmd: list[str], rc: int, stderr: str) -> None:
        self.cmd = cmd
        self.rc = rc
        self.stderr = stderr.strip()
        detail = self.stderr.splitlines()[-1] if self.stderr else f"exit {rc}"
        super().__init__(f"git {' '.join(cmd[1:3])} failed: {detail}")


class GitTimeout(GitError):
    """A git command still running at the deadline a caller set (`git.set_deadline`): it was killed."""


class UsageError(OwnershipError):
    """Bad input on the command line or stdin (unknown agent, path outside the repository...)."""


EXCERPT = 60  # characters of a user's value a message quotes at most


def excerpt(value: object) -> str:
    """A user's value as a message quotes it: its repr, cut to EXCERPT characters and marked '...' when cut."""
    if isinstance(value, str):
        return repr(value) if len(value) <= EXCERPT else repr(value[:EXCERPT]) + "..."
    import reprlib

    short = reprlib.Repr()
    short.maxlevel, short.maxstring, short.maxother = 3, EXCERPT, EXCERPT
    text = short.repr(value)
    return text if len(text) <= EXCERPT else text[:EXCERPT] + "..."
