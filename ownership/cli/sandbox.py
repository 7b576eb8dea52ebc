"""`ownership sandbox --agent NAME -- CMD...`: run a command inside the agent's lane, the OS holding the line.

The guard wraps each Bash and PowerShell call of an agent with a lane in this
command (guard/wrap.py). It fails closed: where the sandbox cannot be applied it
exits 2 with one line and the command does not run (the guard wraps only where
it works, so this never blocks an unwrapped session).
"""

from __future__ import annotations

import os

import click

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..workspace import Workspace


@click.command(context_settings={"allow_interspersed_args": False})
@click.option("--agent", required=True, metavar="NAME", help="The agent whose lane the command may write.")
@click.option("-C", "directory", metavar="DIR", help="The project (default: the group's -C, else the working folder).")
@click.option("--list", "listing", is_flag=True, help="Print what the agent may write, one path a line, and exit.")
@click.argument("command", nargs=-1, type=click.UNPROCESSED, metavar="-- CMD [ARGS]...")
@click.pass_obj
def sandbox(ws: Workspace, agent: str, directory: str | None, listing: bool, command: tuple[str, ...]) -> int:
    """Run CMD with writes allowed only in AGENT's lane, the temp folder and git's (Linux Landlock).

    Everything else is read-only to CMD and what it starts: a write there fails
    with "Permission denied". Exit 2 without running CMD when the sandbox cannot
    be applied here (`ownership doctor` says why).
    """
    from ..guard.lane import agent_lane, describe
    from ..guard.sandbox import restrict

    if directory is not None:
        from ..workspace import Workspace

        ws = Workspace(directory, ws.contract_option)
    if not listing and not command:
        raise click.UsageError("name the command to run after --, e.g. `ownership sandbox --agent NAME -- make test`")
    lane = agent_lane(ws, agent)
    if listing:
        for line in describe(lane):
            click.echo(line)
        return 0
    restrict(lane.grants(), list(lane.pins))
    if lane.tmpdir:
        os.environ["TMPDIR"] = lane.tmpdir
    os.environ["OWNERSHIP_SANDBOX"] = agent
    try:
        os.execvp(command[0], command)
    except OSError as exc:
        click.echo(f"ownership: {command[0]}: {exc.strerror}", err=True)
        return 127 if isinstance(exc, FileNotFoundError) else 126
    return 0  # not reached: execvp replaced this process
