"""The `ownership` group and `main()`. Exit 0: yes / all good; 1: no / lint failed; 2: bad input.

Click only: each command lives in the module of its family (queries, check, agents, ecosystem) and
imports the use case it runs when it runs, so `guard` and `check --staged` stay light.
"""

from __future__ import annotations

import click

from ..errors import ContractErrors, OwnershipError
from ..workspace import Workspace
from .agents import doctor, guard, install
from .check import check
from .ecosystem import export_group, import_group, init, map_command
from .fast import report_contract_errors
from .queries import can_write, explain, lanes, lint
from .sandbox import sandbox


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--contract", "contract", metavar="PATH", help="Contract file (default: discovered at the repository root)."
)
@click.option("-C", "directory", default=".", metavar="DIR", help="Run as if started in DIR.")
@click.version_option(package_name="ownership")
@click.pass_context
def cli(ctx: click.Context, contract: str | None, directory: str) -> None:
    """Keep coding agents inside their file lanes."""
    ctx.obj = Workspace(directory, contract)


QUERIES = (explain, can_write, lanes, lint)
AGENTS = (guard, install, doctor, sandbox)
ECOSYSTEM = (export_group, import_group, init, map_command)
for command in (*QUERIES, check, *AGENTS, *ECOSYSTEM):
    cli.add_command(command)


def main(argv: list[str] | None = None) -> int:
    """Run the command; turn every error into one line (or one line a problem) and exit 2."""
    try:
        code = cli.main(args=argv, prog_name="ownership", standalone_mode=False)
    except ContractErrors as exc:
        return report_contract_errors(exc, lambda line: click.echo(line, err=True))
    except OwnershipError as exc:
        click.echo(f"ownership: {exc}", err=True)
        return 2
    except click.exceptions.Abort:
        click.echo("ownership: interrupted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return 2
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug of ours: still one line, still a refusal
        click.echo(f"ownership: internal error: {type(exc).__name__}: {exc}; please report it", err=True)
        return 2
    return code if isinstance(code, int) else 0
