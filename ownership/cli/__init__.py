"""The command line: click only. group.py (the group, its main()), queries, check, agents, ecosystem; fast.py takes
the hook's `guard` line without importing click."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """The `ownership` command: the guard's hook line on its fast path, every other line through click."""
    from .fast import guard

    code = guard(sys.argv[1:] if argv is None else argv)
    if code is not None:
        return code
    from .group import main as with_click

    return with_click(argv)


def __getattr__(name: str):
    if name == "cli":  # the click group, imported when asked for
        from .group import cli

        return cli
    raise AttributeError(name)


__all__ = ["cli", "main"]
