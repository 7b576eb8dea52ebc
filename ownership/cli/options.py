"""Options every command shares: `--format` for a command whose output is a report, and `--json` beside it."""

from __future__ import annotations

import functools

import click

from ..errors import UsageError


def chosen_format(as_json: bool, fmt: str | None) -> str:
    """The format asked for: `--json` is `--format json`; both, with another format, is a usage error."""
    if as_json and fmt not in (None, "json"):
        raise UsageError(f"--json means --format json; it cannot go with --format {fmt}")
    return fmt or ("json" if as_json else "text")


def format_option(choices, help_text: str = "Output format [default: text]."):
    """`--format CHOICE` and `--json` (an alias of `--format json`); the command receives one `fmt`."""

    def decorate(func):
        @functools.wraps(func)
        def command(*args, as_json: bool, fmt: str | None, **kwargs):
            return func(*args, fmt=chosen_format(as_json, fmt), **kwargs)

        command = click.option("--format", "fmt", type=click.Choice(sorted(choices)), default=None, help=help_text)(
            command
        )
        return click.option("--json", "as_json", is_flag=True, help="JSON output (same as --format json).")(command)

    return decorate
