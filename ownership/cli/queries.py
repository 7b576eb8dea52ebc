"""The query commands: explain, can-write, lanes, lint. Each asks the workspace's engine and hands the
answer to a reporter."""

from __future__ import annotations

import os
import sys

import click

from ..errors import ContractErrors, UsageError
from ..report.common import dumps
from ..report.json import can_write_json, lanes_json, lint_json
from ..report.registry import EXPLAIN_REPORTERS
from ..report.text import can_write_text, lanes_text, lint_summary, lint_text
from ..workspace import Workspace


def _paths(ws: Workspace, paths: tuple[str, ...], stdin: bool, nul: bool) -> list[str]:
    typed = list(paths)
    if stdin:
        data = sys.stdin.buffer.read()
        if nul:
            typed += [os.fsdecode(p) for p in data.split(b"\0") if p]
        else:
            typed += [os.fsdecode(p).removesuffix("\r") for p in data.split(b"\n") if p.strip()]
    if not typed:
        raise click.UsageError("name at least one PATH (or pass --stdin)")
    return ws.paths(typed)


@click.command()
@click.option("--agent", metavar="NAME", help="Only this agent's decision.")
@click.option("--json", "as_json", is_flag=True, help="JSON output (same as --format json).")
@click.option("--format", "fmt", type=click.Choice(sorted(EXPLAIN_REPORTERS)), default=None,
              help="Output format: text, one JSON document, or JSON Lines (one object a path) [default: text].")  # fmt: skip
@click.option("--stdin", "stdin", is_flag=True, help="Read paths from standard input, one a line.")
@click.option("-z", "nul", is_flag=True, help="With --stdin: paths are NUL-separated.")
@click.argument("paths", nargs=-1)
@click.pass_obj
def explain(
    ws: Workspace, agent: str | None, as_json: bool, fmt: str | None, stdin: bool, nul: bool, paths: tuple[str, ...]
) -> int:  # fmt: skip
    """Each agent's decision for each PATH, with the rule that decided it."""
    from ..core.bulk import Bulk

    if as_json and fmt not in (None, "json"):
        raise UsageError(f"--json means --format json; it cannot go with --format {fmt}")
    report = EXPLAIN_REPORTERS[fmt or ("json" if as_json else "text")](ws.agent_names(agent))
    names = report.names
    typed = _paths(ws, paths, stdin, nul)
    bulk = Bulk(ws.engine, [p.rstrip("/") for p in typed])
    columns = [bulk.column(name) for name in names]
    # Paths with the same answers from every agent share one rendered block.
    signatures = zip(*(codes for codes, _ in columns))
    blocks: dict[tuple, str] = {}
    chunk = [report.start]
    for number, (path, signature) in enumerate(zip(typed, signatures)):
        if path.endswith("/"):  # a folder: directory-only patterns apply, one path at a time
            block = report.block([astuple(ws.engine.decide(path, name)) for name in names])
        else:
            block = blocks.get(signature)
            if block is None:
                block = blocks[signature] = report.block([columns[k][1][code] for k, code in enumerate(signature)])
        if number:
            chunk.append(report.between)
        chunk.append(report.entry(path, block))
        if len(chunk) >= 4000:  # written as it goes: the output is never held whole
            sys.stdout.write("".join(chunk))
            chunk.clear()
    chunk.append(report.end)
    sys.stdout.write("".join(chunk))
    return 0


def astuple(decision) -> tuple:
    return (decision.access, decision.can_write, decision.rule)


@click.command("can-write")
@click.option("--agent", required=True, metavar="NAME", help="The agent that wants to write.")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@click.argument("paths", nargs=-1, required=True)
@click.pass_obj
def can_write(ws: Workspace, agent: str, as_json: bool, paths: tuple[str, ...]) -> int:
    """Exit 0 only when AGENT may write every PATH; otherwise say who may."""
    ws.agent_names(agent)
    engine = ws.engine
    rows = []
    for path in _paths(ws, paths, False, False):
        decision = engine.decide(path, agent)
        rows.append((decision, engine.owners(path)))
    if as_json:
        click.echo(dumps([can_write_json(d, o) for d, o in rows]))
    else:
        for decision, owners in rows:
            click.echo(can_write_text(decision, owners))
    return 0 if all(d.can_write for d, _ in rows) else 1


@click.command()
@click.option("--agent", metavar="NAME", help="Only this agent.")
@click.option("--files", is_flag=True, help="List the tracked files in each section.")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@click.pass_obj
def lanes(ws: Workspace, agent: str | None, files: bool, as_json: bool) -> int:
    """Each agent's rules by section, with source:line."""
    names = ws.agent_names(agent)
    engine = ws.engine
    agents = [ws.contract.agent(n) for n in names]
    listing = None
    if files:
        from ..core.bulk import Bulk

        listing = {n: {} for n in names}
        bulk = Bulk(engine, ws.tracked_files)
        for index, path in enumerate(bulk.paths):
            for name in names:
                listing[name].setdefault(bulk.decide(index, name).access, []).append(path)
    if as_json:
        click.echo(dumps(lanes_json(engine, agents, listing)))
    else:
        click.echo(lanes_text(engine, agents, listing))
    return 0


@click.command()
@click.option("--json", "as_json", is_flag=True, help="JSON output (same as --format json).")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default=None, help="Output format [default: text]."
)
@click.option("--strict", is_flag=True, help="Warnings fail too.")
@click.pass_obj
def lint(ws: Workspace, as_json: bool, fmt: str | None, strict: bool) -> int:
    """Check the contract against itself, the tracked files and the files exported from it."""
    from dataclasses import replace

    from ..checking.lint import lint as run_lint
    from ..exports.stale import stale_exports
    from ..report.sarif import lint_sarif

    fmt = fmt or ("json" if as_json else "text")
    try:
        engine = ws.engine
    except ContractErrors as exc:
        if fmt == "text":
            raise
        problems = [{"severity": "error", "code": "contract", "message": e.message, "source": e.source, "line": e.line}
                    for e in exc.errors]  # fmt: skip
        if fmt == "sarif":
            click.echo(lint_sarif(problems, f"the contract has {len(problems)} error(s)", ws.contract_path or "."))
        else:
            click.echo(dumps({"ok": False, "problems": problems, "summary": {"errors": len(problems)}}))
        return 2
    result = run_lint(engine, ws.tracked_files)
    problems = [*result.problems, *stale_exports(ws, engine)]
    problems.sort(key=lambda p: (p.severity != "error", p.source or "", p.line or 0, p.message))
    result = replace(result, problems=tuple(problems))
    if fmt == "sarif":
        default = engine.contract.source or (engine.contract.files[0] if engine.contract.files else ".")
        click.echo(lint_sarif([p.to_json() for p in result.problems], lint_summary(result, strict), default))
    elif fmt == "json":
        click.echo(dumps(lint_json(result, strict)))
    else:
        click.echo(lint_text(result, strict))
    return 0 if result.ok(strict) else 1
