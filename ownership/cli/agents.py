"""The agent tool hooks: `ownership guard` (a Claude Code hook), `ownership install claude`, `ownership doctor`.

cli/main.py imports this module for every command, so it imports only click at
the top; each command imports what it needs when it runs. `guard` runs on every
tool call an agent makes: its import path stays light.
"""

from __future__ import annotations

import sys

import click

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing on the hook's path
if TYPE_CHECKING:
    from ..workspace import Workspace


@click.command()
@click.pass_obj
def guard(ws: Workspace) -> int:
    """Claude Code hook: judge the tool call on stdin against the contract committed at HEAD.

    PreToolUse of Write, Edit, MultiEdit, NotebookEdit or Bash: allowed, exit 0
    and print nothing; outside the agent's lane, exit 0 and print the JSON that
    denies it, with the rule and the owners. SubagentStart: print the agent's
    lane as additional context. Input or a contract that cannot be read: exit 2,
    and Claude Code blocks the call.
    """
    from ..guard.hook import run

    return run(ws, sys.stdin.buffer.read(), _write_flushed, lambda line: click.echo(line, err=True))


def _write_flushed(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


@click.group()
def install() -> None:
    """Install the agent guard into an agent tool's settings."""


@install.command("claude")
@click.option(
    "--command", "command", metavar="CMD",
    help="How the hook runs ownership (default: `ownership` when it is on PATH, else this installation's path).",
)  # fmt: skip
@click.pass_obj
def install_claude(ws: Workspace, command: str | None) -> int:
    """Merge the guard's hooks into .claude/settings.json (PreToolUse and SubagentStart); nothing else changes."""
    from ..guard.installers import PRE_TOOL_MATCHER, SETTINGS, install_claude

    changed, hook_command = install_claude(ws, command)
    if not changed:
        click.echo(f"the ownership guard is already installed in {SETTINGS}; nothing changed")
        return 0
    click.echo(f"installed the ownership guard in {SETTINGS}: PreToolUse ({PRE_TOOL_MATCHER}) and SubagentStart run")
    click.echo(f"  {hook_command}")
    return 0


@click.command()
@click.pass_obj
def doctor(ws: Workspace) -> int:
    """Is the Claude Code hook installed, and does it run? Sends one denied and one allowed call through it."""
    from ..guard.doctor import doctor as run_doctor

    return run_doctor(ws, click.echo)
