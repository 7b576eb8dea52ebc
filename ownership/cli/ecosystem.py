"""The commands that connect the contract to the rest of a repository: export, import, init, map.

Registered on the `ownership` group by cli/group.py; each imports what it needs when it runs,
so `ownership check` (the hook path) never loads this module's helpers.
"""

from __future__ import annotations

import os

import click

from ..errors import UsageError
from ..workspace import Workspace


def _output_path(ws: Workspace, output: str | None) -> tuple[str | None, str | None]:
    """(absolute path, repository-relative path or None when it lies outside the repository)."""
    if not output or output == "-":
        return None, None
    full = os.path.normpath(os.path.join(ws.cwd, output))
    relative = os.path.relpath(full, ws.repo).replace(os.sep, "/")
    return full, None if relative == ".." or relative.startswith("../") else relative


def _write(full: str, text: str, shown: str) -> bool:
    """Write text unless the file already holds it; True when it changed."""
    try:
        with open(full, encoding="utf-8", newline="") as handle:
            if handle.read() == text:
                click.echo(f"{shown} is up to date", err=True)
                return False
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise UsageError(f"{shown}: cannot read ({exc.strerror})") from None
    try:
        os.makedirs(os.path.dirname(full) or ".", exist_ok=True)
        with open(full, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except OSError as exc:
        raise UsageError(f"{shown}: cannot write ({exc.strerror})") from None
    click.echo(f"wrote {shown}", err=True)
    return True


def _export(ws: Workspace, kind: str, output: str | None) -> int:
    from ..exports.stale import generate

    full, relative = _output_path(ws, output)
    text = generate(kind, ws.engine, ws.tracked_files, relative, ws.contract_option)
    if full is None:
        click.echo(text, nl=False)
    else:
        _write(full, text, relative or full)
    return 0


@click.group("export")
def export_group() -> None:
    """Write files other tools read, from the contract."""


@export_group.command("codeowners")
@click.option("--output", "-o", metavar="FILE", help="Write here (e.g. .github/CODEOWNERS) instead of standard output.")
@click.pass_obj
def export_codeowners(ws: Workspace, output: str | None) -> int:
    """A GitHub CODEOWNERS file: each agent's OWNS, owned by its `codeowner`.

    Lines are ordered so that GitHub's last match gives every tracked file the
    contract's owners; exit 2, naming the rule, when a file cannot be written.
    """
    return _export(ws, "codeowners", output)


@export_group.command("contract-md")
@click.option("--output", "-o", metavar="FILE", help="Write here (e.g. CONTRACT.md) instead of standard output.")
@click.pass_obj
def export_contract_md(ws: Workspace, output: str | None) -> int:
    """A CONTRACT.md for people and agents: who owns what, then one table an agent."""
    return _export(ws, "contract-md", output)


@export_group.command("claude")
@click.option("--agent", metavar="NAME", help="A session that runs as one agent: its CANNOT TOUCH is denied too.")
@click.option("--output", "-o", metavar="FILE", help="Write here instead of standard output.")
@click.pass_obj
def export_claude(ws: Workspace, agent: str | None, output: str | None) -> int:
    """Claude Code settings: permissions.deny Edit(...) rules and sandbox.filesystem.denyWrite, to merge into
    .claude/settings.json behind the guard's hook."""
    from ..exports.native import claude

    return _native(ws, *claude(ws.contract, agent), output)


@export_group.command("opencode")
@click.option("--output", "-o", metavar="FILE", help="Write here instead of standard output.")
@click.pass_obj
def export_opencode(ws: Workspace, output: str | None) -> int:
    """OpenCode per-agent permission.edit rules (last match wins), to merge into opencode.json."""
    from ..exports.native import opencode

    return _native(ws, *opencode(ws.contract), output)


@export_group.command("kiro")
@click.option("--output", "-o", metavar="FILE", help="Write here instead of standard output.")
@click.pass_obj
def export_kiro(ws: Workspace, output: str | None) -> int:
    """Kiro per-agent toolsSettings.fs_write (deniedPaths, allowedPaths), one fragment an agent config."""
    from ..exports.native import kiro

    return _native(ws, *kiro(ws.contract), output)


@export_group.command("codex")
@click.option("--output", "-o", metavar="FILE", help="Write here (e.g. .codex/config.toml) instead of standard output.")
@click.pass_obj
def export_codex(ws: Workspace, output: str | None) -> int:
    """Codex permission profiles: `ownership` (selected by default: protected paths read-only) and
    `ownership-AGENT` for a session that runs as one agent (codex -c default_permissions=ownership-AGENT).

    What Codex cannot hold of the contract is named in the file and on standard error.
    """
    from ..exports.codex import MARK, profiles, render
    from ..exports.stale import command

    full, relative = _output_path(ws, output)
    found = profiles(ws.engine, ws.tracked_files)
    cmd = command("codex", relative or output, ws.contract_option)
    text = render(found, ws.contract.source or ".claude/agents/*.md", cmd)
    for profile in found:
        for note in profile.notes:
            click.echo(f"ownership: profile {profile.name}: {note}", err=True)
    if full is None:
        click.echo(text, nl=False)
        return 0
    shown = relative or full
    try:
        with open(full, encoding="utf-8", errors="replace") as handle:
            head = handle.read(600)
    except FileNotFoundError:
        head = MARK
    except OSError as exc:
        raise UsageError(f"{shown}: cannot read ({exc.strerror})") from None
    if MARK not in head:
        raise UsageError(
            f"{shown} exists and was not written by `ownership export codex`; merge the profiles into it by hand "
            "(`ownership export codex` prints them) or write them to another file"
        )
    _write(full, text, shown)
    return 0


@export_group.command("claude-plugin")
@click.option("--output", "-o", metavar="DIR", required=True, help="The plugin's folder.")
@click.option("--command", "command", metavar="CMD", default="ownership", show_default=True,
              help="How the hook runs ownership.")  # fmt: skip
@click.pass_obj
def export_claude_plugin(ws: Workspace, output: str, command: str) -> int:
    """A Claude Code plugin: .claude-plugin/plugin.json and hooks/hooks.json running the guard."""
    from .. import __version__
    from ..exports.native import claude_plugin

    folder = os.path.join(ws.cwd, output)
    from ..guard.installers import claude_entry, fail_closed

    hook = claude_entry(fail_closed(f'{command} -C "$CLAUDE_PROJECT_DIR" guard'))
    for name, text in claude_plugin(hook, __version__).items():
        _write(os.path.join(folder, name), text, os.path.join(output, name))
    return 0


def _native(ws: Workspace, value: dict, skipped: list[str], output: str | None) -> int:
    from ..exports.native import render

    for pattern in skipped:
        click.echo(f"ownership: left out {pattern}: a negated pattern has no equal in this format", err=True)
    full, relative = _output_path(ws, output)
    if full is None:
        click.echo(render(value), nl=False)
    else:
        _write(full, render(value), relative or full)
    return 0


@click.group("import")
def import_group() -> None:
    """Write a contract from another tool's file."""


@import_group.command("codeowners")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--output",
    "-o",
    default=None,
    metavar="FILE",
    help="The contract to write (default: ownership.yaml at the repository root).",
)
@click.option("--force", is_flag=True, help="Replace an existing contract file.")
@click.pass_obj
def import_codeowners(ws: Workspace, file: str, output: str | None, force: bool) -> int:
    """An ownership.yaml with one agent per CODEOWNERS owner, checked on every tracked file."""
    from ..exports.codeowners_import import import_codeowners as convert

    source_full = os.path.join(ws.cwd, file)
    try:
        with open(source_full, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{file}: cannot read ({getattr(exc, 'strerror', None) or exc})") from None
    source = os.path.relpath(os.path.abspath(source_full), ws.repo).replace(os.sep, "/")
    full, relative = _output_path(ws, output or os.path.join(ws.repo, "ownership.yaml"))
    if relative is None:
        raise UsageError(f"{output}: the contract must lie inside the repository {ws.repo}")
    if os.path.exists(full) and not force:
        raise UsageError(f"{relative} exists; pass --force to replace it, or --output another file")
    yaml_text, contract, protected = convert(ws, text, source, relative)
    _write(full, yaml_text, relative)
    rules = sum(len(a.owns) for a in contract.agents)
    click.echo(f"imported {len(contract.agents)} agent(s), {rules} rule(s) from {source}; next: ownership lint")
    if protected:
        shown = ", ".join(protected[:5]) + (f" and {len(protected) - 5} more" if len(protected) > 5 else "")
        click.echo(f"note: the contract protects {len(protected)} file(s) CODEOWNERS gives an owner: {shown}")
    return 0


@click.command()
@click.option("--skip-claude", is_flag=True, help="Do not run `ownership install claude`.")
@click.pass_obj
def init(ws: Workspace, skip_claude: bool) -> int:
    """Set up a repository: ownership.yaml, the pre-commit hooks, the Claude hooks; then lint."""
    from ..setup.init import run_init

    return run_init(ws, skip_claude, click.echo)


@click.command("map")
@click.option("--output", "-o", metavar="FILE.html", help="Write here (default: standard output).")
@click.option(
    "--expand", is_flag=True, help="Open every folder (default: folders below the second level start closed)."
)
@click.pass_obj
def map_command(ws: Workspace, output: str | None, expand: bool) -> int:
    """One self-contained HTML page: the tree, each file coloured by its owning agent."""
    from ..exports.map import render_map

    full, relative = _output_path(ws, output)
    html = render_map(ws, expand)
    if full is None:
        click.echo(html, nl=False)
    else:
        _write(full, html, relative or full)
    return 0
