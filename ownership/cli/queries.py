"""The query commands: explain, can-write, lanes, lint. Each asks the workspace's engine and hands the
answer to a reporter."""

from __future__ import annotations

import os
import sys

import click

from ..errors import ContractErrors
from ..report.common import dumps
from ..report.json import can_write_json, lanes_json, lint_json
from ..report.json import summary as json_summary
from ..report.registry import EXPLAIN_REPORTERS
from ..report.text import can_write_text, lanes_text, lint_text
from ..workspace import Workspace
from .options import format_option


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
@format_option(
    EXPLAIN_REPORTERS, "Output format: text, one JSON document, or JSON Lines (one object a path) [default: text]."
)
@click.option("--stdin", "stdin", is_flag=True, help="Read paths from standard input, one a line.")
@click.option("-z", "nul", is_flag=True, help="With --stdin: paths are NUL-separated.")
@click.argument("paths", nargs=-1)
@click.pass_obj
def explain(
    ws: Workspace, agent: str | None, fmt: str, stdin: bool, nul: bool, paths: tuple[str, ...]
) -> int:  # fmt: skip
    """Each agent's decision for each PATH, with the rule that decided it."""
    from ..core.bulk import Bulk

    report = EXPLAIN_REPORTERS[fmt](ws.agent_names(agent))
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
@format_option(("text", "json"))
@click.argument("paths", nargs=-1, required=True)
@click.pass_obj
def can_write(ws: Workspace, agent: str, fmt: str, paths: tuple[str, ...]) -> int:
    """Exit 0 only when AGENT may write every PATH; otherwise say who may."""
    ws.agent_names(agent)
    engine = ws.engine
    rows = []
    for path in _paths(ws, paths, False, False):
        decision = engine.decide(path, agent)
        rows.append((decision, engine.owners(path)))
    click.echo(can_write_json(rows) if fmt == "json" else can_write_text(rows))
    return 0 if all(d.can_write for d, _ in rows) else 1


@click.command()
@click.option("--agent", metavar="NAME", help="Only this agent.")
@click.option("--files", is_flag=True, help="List the tracked files in each section.")
@format_option(("text", "json"))
@click.pass_obj
def lanes(ws: Workspace, agent: str | None, files: bool, fmt: str) -> int:
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
    if fmt == "json":
        click.echo(dumps(lanes_json(engine, agents, listing)))
    else:
        click.echo(lanes_text(engine, agents, listing))
    return 0


@click.command()
@format_option(("text", "json", "sarif"))
@click.option("--strict", is_flag=True, help="Warnings fail too.")
@click.pass_obj
def lint(ws: Workspace, fmt: str, strict: bool) -> int:
    """Check the contract against itself, the tracked files and the files exported from it."""
    from dataclasses import replace

    from ..checking.lint import lint as run_lint
    from ..exports.stale import stale_exports
    from ..report.sarif import lint_sarif

    try:
        engine = ws.engine
    except ContractErrors as exc:
        if fmt == "text":
            raise
        problems = [{"severity": "error", "code": "contract", "message": e.message, "source": e.source, "line": e.line}
                    for e in exc.errors]  # fmt: skip
        summary = json_summary(False, f"the contract has {len(problems)} error(s)", errors=len(problems), warnings=0)
        if fmt == "sarif":
            click.echo(lint_sarif(problems, summary, ws.contract_path or "."))
        else:
            click.echo(dumps({"ok": False, "problems": problems, "summary": summary}))
        return 2
    result = run_lint(engine, ws.tracked_files)
    problems = [*result.problems, *stale_exports(ws, engine)]
    problems.sort(key=lambda p: (p.severity != "error", p.source or "", p.line or 0, p.message))
    result = replace(result, problems=tuple(problems))
    if fmt == "sarif":
        default = engine.contract.source or (engine.contract.files[0] if engine.contract.files else ".")
        click.echo(lint_sarif([p.to_json() for p in result.problems], lint_json(result, strict)["summary"], default))
    elif fmt == "json":
        click.echo(dumps(lint_json(result, strict)))
    else:
        click.echo(lint_text(result, strict))
    return 0 if result.ok(strict) else 1
