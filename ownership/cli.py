"""The `ownership` command. Exit 0: yes / all good; 1: no / lint failed; 2: bad input."""

from __future__ import annotations

import os
import sys

import click

from . import git, reporting
from .errors import ContractErrors, OwnershipError, UsageError
from .workspace import Workspace


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--contract", "contract", metavar="PATH", help="Contract file (default: discovered at the repository root).")
@click.option("-C", "directory", default=".", metavar="DIR", help="Run as if started in DIR.")
@click.version_option(package_name="ownership")
@click.pass_context
def cli(ctx: click.Context, contract: str | None, directory: str) -> None:
    """Keep coding agents inside their file lanes."""
    ctx.obj = Workspace(directory, contract)


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


@cli.command()
@click.option("--agent", metavar="NAME", help="Only this agent's decision.")
@click.option("--json", "as_json", is_flag=True, help="JSON output (same as --format json).")
@click.option("--format", "fmt", type=click.Choice(sorted(reporting.EXPLAIN_REPORTERS)), default=None,
              help="Output format: text, one JSON document, or JSON Lines (one object a path) [default: text].")  # fmt: skip
@click.option("--stdin", "stdin", is_flag=True, help="Read paths from standard input, one a line.")
@click.option("-z", "nul", is_flag=True, help="With --stdin: paths are NUL-separated.")
@click.argument("paths", nargs=-1)
@click.pass_obj
def explain(
    ws: Workspace, agent: str | None, as_json: bool, fmt: str | None, stdin: bool, nul: bool, paths: tuple[str, ...]
) -> int:  # fmt: skip
    """Each agent's decision for each PATH, with the rule that decided it."""
    from .core.bulk import Bulk

    if as_json and fmt not in (None, "json"):
        raise UsageError(f"--json means --format json; it cannot go with --format {fmt}")
    report = reporting.EXPLAIN_REPORTERS[fmt or ("json" if as_json else "text")](ws.agent_names(agent))
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


@cli.command("can-write")
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
        click.echo(reporting.dumps([reporting.can_write_json(d, o) for d, o in rows]))
    else:
        for decision, owners in rows:
            click.echo(reporting.can_write_text(decision, owners))
    return 0 if all(d.can_write for d, _ in rows) else 1


@cli.command()
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
        from .core.bulk import Bulk

        listing = {n: {} for n in names}
        bulk = Bulk(engine, ws.tracked_files)
        for index, path in enumerate(bulk.paths):
            for name in names:
                listing[name].setdefault(bulk.decide(index, name).access, []).append(path)
    if as_json:
        click.echo(reporting.dumps(reporting.lanes_json(engine, agents, listing)))
    else:
        click.echo(reporting.lanes_text(engine, agents, listing))
    return 0


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="JSON output (same as --format json).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default=None, help="Output format [default: text].")
@click.option("--strict", is_flag=True, help="Warnings fail too.")
@click.pass_obj
def lint(ws: Workspace, as_json: bool, fmt: str | None, strict: bool) -> int:
    """Check the contract against itself, the tracked files and the files exported from it."""
    from dataclasses import replace

    from .exports.stale import stale_exports
    from .checking.lint import lint as run_lint
    from .sarif import lint_sarif

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
            click.echo(reporting.dumps({"ok": False, "problems": problems, "summary": {"errors": len(problems)}}))
        return 2
    result = run_lint(engine, ws.tracked_files)
    problems = [*result.problems, *stale_exports(ws, engine)]
    problems.sort(key=lambda p: (p.severity != "error", p.source or "", p.line or 0, p.message))
    result = replace(result, problems=tuple(problems))
    if fmt == "sarif":
        default = engine.contract.source or (engine.contract.files[0] if engine.contract.files else ".")
        click.echo(lint_sarif([p.to_json() for p in result.problems], reporting.lint_summary(result, strict), default))
    elif fmt == "json":
        click.echo(reporting.dumps(reporting.lint_json(result, strict)))
    else:
        click.echo(reporting.lint_text(result, strict))
    return 0 if result.ok(strict) else 1


from .agent_hooks import doctor, guard, install  # noqa: E402

cli.add_command(guard)
cli.add_command(install)
cli.add_command(doctor)


def _clues(ws: Workspace, contract, agent: str | None, message: str | None, branch: str | None = None):
    """What may name the acting agent; git is asked only when nothing stronger answered."""
    from .checking.identity import Clues

    env = os.environ.get("OWNERSHIP_AGENT")
    if agent or env:
        return Clues(agent, env, message)
    config = ws.config.get("ownership.agent")
    branch = branch or ws.branch
    email = None
    if contract.identity.authors:
        # The author the commit will carry: git exports it to hooks (and `--author` sets it), else git's config.
        email = os.environ.get("GIT_AUTHOR_EMAIL")
        if email is None:
            ident = git.run(["var", "GIT_AUTHOR_IDENT"], ws.repo).decode("utf-8", "replace")
            email = ident.partition("<")[2].partition(">")[0] or None
    return Clues(agent, env, message, config, branch, email)


def _range_base(ws: Workspace, rev_range: str) -> str:
    """The revision a range starts at: its contract judges every commit of the range."""
    if "..." in rev_range:
        left, _, right = rev_range.partition("...")
        return git.run(["merge-base", left or "HEAD", right or "HEAD"], ws.repo).decode().strip()
    if ".." not in rev_range:
        raise UsageError(f"--range {rev_range!r}: give a range A..B (for example origin/main..HEAD)")
    return rev_range.partition("..")[0] or "HEAD"


def _pushed_commits(ws: Workspace) -> tuple[list[str], str | None, str | None]:
    """The commits a push sends (pre-commit's PRE_COMMIT_FROM_REF/TO_REF, else those on no remote) and the base."""
    from_ref, to_ref = os.environ.get("PRE_COMMIT_FROM_REF"), os.environ.get("PRE_COMMIT_TO_REF")
    branch = os.environ.get("PRE_COMMIT_LOCAL_BRANCH", "").removeprefix("refs/heads/") or None
    if from_ref and to_ref:
        return git.range_commits(ws.repo, f"{from_ref}..{to_ref}"), from_ref, branch
    commits = git.unpushed_commits(ws.repo, os.environ.get("PRE_COMMIT_LOCAL_BRANCH") or "HEAD")
    if not commits:
        return [], None, branch
    parents = git.commit_info(ws.repo, commits[0]).parents
    return commits, parents[0] if parents else commits[0], branch


@cli.command()
@click.option("--staged", "mode", flag_value="staged", help="The staged changes (the default).")
@click.option("--worktree", "mode", flag_value="worktree", help="Staged, unstaged and untracked changes.")
@click.option("--range", "rev_range", metavar="A..B", help="Each commit of a range, as the agent that made it.")
@click.option("--pre-push", is_flag=True, help="The commits being pushed (for the pre-push hook).")
@click.option("--message-file", metavar="FILE", help="The commit message, for its agent trailer (commit-msg hook).")
@click.option("--agent", metavar="NAME", help="The acting agent (overrides every other clue).")
@click.option("--format", "fmt", type=click.Choice(sorted(reporting.CHECK_REPORTERS)), default="text", show_default=True)
@click.argument("paths", nargs=-1)
@click.pass_obj
def check(
    ws: Workspace, mode: str | None, rev_range: str | None, pre_push: bool, message_file: str | None,
    agent: str | None, fmt: str, paths: tuple[str, ...],
) -> int:  # fmt: skip
    """Check changes against the lane of the agent that made them. Exit 1 on any violation."""
    from .checking.check import CheckResult, check_changes, check_commits
    from .checking.identity import identify

    chosen = [m for m in (mode, rev_range and "--range", pre_push and "--pre-push", paths and "PATH") if m]
    if len(chosen) > 1:
        raise click.UsageError(f"choose one of --staged, --worktree, --range, --pre-push or PATHs, not {chosen}")
    if not ws.in_git:
        raise UsageError(f"{ws.cwd} is not inside a git repository; check reads changes from git")
    if rev_range or pre_push:
        if rev_range:
            commits, base, branch = git.range_commits(ws.repo, rev_range), _range_base(ws, rev_range), None
        else:
            commits, base, branch = _pushed_commits(ws)
        contract = ws.contract_at(base) if base else ws.contract_in_force()[0]
        engine = ws.engine_for(contract)
        result = check_commits(engine, ws.repo, commits, _clues(ws, contract, agent, None, branch))
        what = "the range"
    else:
        started = None
        if not paths and mode != "worktree":  # the staged changes and the settings, read while the contract loads
            started = git.start_staged_changes(ws.repo)
        ws.prefetch_config()
        contract = ws.contract_in_force()[0]
        engine = ws.engine_for(contract)
        if paths:
            changes = [git.Change(ws.path(p).rstrip("/"), "M") for p in paths]
            what = "the named paths"
        elif mode == "worktree":
            changes, what = git.worktree_changes(ws.repo, ws.info.merging), "the working tree"
        else:
            changes, what = git.staged_changes(ws.repo, ws.info.merging, started), "the staged changes"
        message = _read_message(message_file) if message_file else None
        actor = identify(contract, _clues(ws, contract, agent, message), git.trailer)
        violations, unit = check_changes(engine, changes, actor)
        result = CheckResult(tuple(violations), (unit,), False)
    click.echo(reporting.CHECK_REPORTERS[fmt](result, what))
    return 0 if result.ok else 1


def _read_message(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            return handle.read().decode("utf-8", "replace")
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the commit message ({exc.strerror})") from None


from .ecosystem_cli import export_group, import_group, init, map_command  # noqa: E402

cli.add_command(export_group)
cli.add_command(import_group)
cli.add_command(init)
cli.add_command(map_command)


def main(argv: list[str] | None = None) -> int:
    """Run the command; turn every error into one line (or one line a problem) and exit 2."""
    try:
        code = cli.main(args=argv, prog_name="ownership", standalone_mode=False)
    except ContractErrors as exc:
        for error in exc.errors:
            click.echo(f"ownership: {error}", err=True)
        click.echo(f"ownership: the contract has {len(exc.errors)} error(s); fix them and run again", err=True)
        return 2
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


if __name__ == "__main__":
    sys.exit(main())
