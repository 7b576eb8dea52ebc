"""The agent tool hooks: `ownership guard [--host HOST]`, `ownership install HOST|--all`, `ownership doctor`.

cli/group.py imports this module for every command, so it imports only click at
the top; each command imports what it needs when it runs. `guard` runs on every
tool call an agent makes: its import path stays light.
"""

from __future__ import annotations

import sys

import click

from ..guard.adapters import NAMES

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing on the hook's path
if TYPE_CHECKING:
    from ..workspace import Workspace


@click.command()
@click.option(
    "--host",
    default="claude",
    show_default=True,
    metavar="HOST",
    help="The agent tool whose hook JSON arrives and whose answer it expects: " + ", ".join(NAMES) + ".",
)
@click.option(
    "--agent", metavar="NAME", help="The acting agent, for a host whose payload names none (Kiro's agent files)."
)
@click.pass_context
def guard(ctx: click.Context, host: str, agent: str | None) -> int:
    """An agent tool's pre-tool hook: judge the call on stdin against the contract committed at HEAD.

    Claude Code (default): PreToolUse of Write, Edit, MultiEdit, NotebookEdit,
    Bash, PowerShell, Monitor and MCP file tools: allowed, exit 0 and print
    nothing; outside the agent's lane, exit 0 and print the JSON that denies it,
    with the rule and the owners. SubagentStart: print the agent's lane as
    additional context. Input or a contract that cannot be read, or no decision
    within 2 s ($OWNERSHIP_GUARD_BUDGET): exit 2.
    Every other host is answered in its own format, and refused in the form it
    cannot let through (docs/guard.md: the agent guard on every host).
    """
    from ..guard.hook import run

    pinned = ctx.parent is not None and ctx.parent.params.get("directory") != "."
    return run(
        ctx.obj, sys.stdin.buffer.read, _write_flushed, lambda line: click.echo(line, err=True), host, agent, pinned
    )


def _write_flushed(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


@click.command()
@click.argument("host", required=False, metavar="HOST")
@click.option("--all", "every", is_flag=True, help="Every host whose folder exists here (.claude, .codex, .cursor...).")
@click.option(
    "--command", "command", metavar="CMD",
    help="How the hook runs ownership (default: `ownership` when it is on PATH, else this installation's path).",
)  # fmt: skip
@click.pass_obj
def install(ws: Workspace, host: str | None, every: bool, command: str | None) -> int:
    """Install the agent guard into a host's hook settings: HOST is one of claude, codex, gemini, cursor,
    copilot, windsurf, cline, opencode, kiro. Other hooks and keys are kept; twice changes nothing."""
    from ..errors import UsageError
    from ..guard.adapters import get

    if every == bool(host):
        raise UsageError("name one host (" + ", ".join(NAMES) + ") or pass --all")
    hosts = [get(host)] if host else [h for h in map(get, NAMES) if h.used_in(ws.repo)]
    if not hosts:
        click.echo("no host's folder exists here (" + ", ".join(get(n).folder for n in NAMES) + "); name one")
        return 0
    for chosen in hosts:
        _install_one(ws, chosen, command)
    return 0


def _install_one(ws: Workspace, host, command: str | None) -> None:
    from ..guard.installers import program, unreachable

    chosen = program(ws, command, host.project_var)
    missing = unreachable(ws, host.shell(), chosen) if command is None else None  # --command: the user's word
    if missing:  # installed all the same: the hook fails closed, so every call is refused until this is fixed
        click.echo(
            f"warning: {host.title} runs its hooks through a shell, and {missing}: every call will be refused "
            "until it does; put ownership on that shell's PATH, or name it with --command "
            f"(`ownership doctor` checks)",
            err=True,
        )
    if host.name == "claude":
        from ..guard.installers import PRE_TOOL_MATCHER, SETTINGS, install_claude

        changed, hook_command = install_claude(ws, command)
        if not changed:
            click.echo(f"the ownership guard is already installed in {SETTINGS}; nothing changed")
            return
        click.echo(
            f"installed the ownership guard in {SETTINGS}: PreToolUse, PostToolUse and PostToolUseFailure "
            f"({PRE_TOOL_MATCHER}) and SubagentStart run"
        )
        click.echo(f"  {hook_command}")
        return
    done = host.install(ws, chosen)
    changed = [f for f, c in done if c]
    if not changed:
        click.echo(
            f"the ownership guard is already installed for {host.title} ({', '.join(f for f, _ in done)}); nothing changed"
        )
        return
    click.echo(f"installed the ownership guard for {host.title}: {', '.join(changed)}")
    click.echo(f"  {host.installed(ws) or host.command(program(ws, command, host.project_var))}")


@click.command()
@click.pass_obj
def doctor(ws: Workspace) -> int:
    """Is each host's hook installed, and does it run? Sends denied and allowed calls through each, timed."""
    from ..guard.doctor import doctor as run_doctor

    return run_doctor(ws, click.echo)
