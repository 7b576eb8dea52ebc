"""Generated files: the command that makes each, generating one, and whether a committed one is stale."""

from __future__ import annotations

from ..core.engine import Engine
from ..core.model import Problem
from ..errors import ContractErrors, UsageError
from .codeowners import codeowners_lines, render_codeowners
from .common import CODEOWNERS_PLACES, CONTRACT_MD, MARKS
from .contract_md import render_contract_md

# --- generated files: the command, and whether one is stale ----------------------------


def command(kind: str, output: str | None, contract_option: str | None) -> str:
    parts = ["ownership"]
    if contract_option:
        parts += ["--contract", contract_option]
    parts += ["export", kind]
    if output:
        parts += ["--output", output]
    return " ".join(parts)


def generate(kind: str, engine: Engine, tracked: list[str], output: str | None, contract_option: str | None) -> str:
    """The text of a generated file; `output` (repository-relative) counts as tracked, since it will be."""
    files = sorted(set(tracked) | ({output} if output else set()))
    cmd = command(kind, output, contract_option)
    if kind == "codeowners":
        return render_codeowners(engine.contract, codeowners_lines(engine, files), cmd)
    return render_contract_md(engine, files, cmd)


def _body(text: str) -> str:
    """A generated file without the lines that name its command (they may differ by the output path only)."""
    marks = (MARKS["codeowners"], MARKS["contract-md"], "# Change the contract, then run:")
    return "\n".join(line for line in text.splitlines() if not any(mark in line for mark in marks))


def generated_files(reader, tracked: list[str]) -> list[tuple[str, str]]:
    """(path, kind) of the files an export wrote: tracked or in the usual places, with the mark in their head."""
    names = {p for p in tracked if p.rsplit("/", 1)[-1] in ("CODEOWNERS", CONTRACT_MD)}
    names.update(CODEOWNERS_PLACES + (CONTRACT_MD,))
    found = []
    for path in sorted(names):
        data = reader.read(path)
        if data is None:
            continue
        head = data[:600].decode("utf-8", "replace")
        for kind, mark in MARKS.items():
            if mark in head:
                found.append((path, kind))
    return found


def stale_exports(ws, engine: Engine) -> list[Problem]:
    """An error for each generated file that differs from what its command would write now."""
    problems = []
    source = engine.contract.source or ".claude/agents/*.md"
    for path, kind in generated_files(ws.reader, ws.tracked_files):
        text = (ws.reader.read(path) or b"").decode("utf-8", "replace")
        head = next((line for line in text.splitlines() if MARKS[kind] in line), "")
        if f" from {source};" not in head:
            continue  # written from another contract
        cmd = command(kind, path, ws.contract_option)
        try:
            fresh = generate(kind, engine, ws.tracked_files, path, ws.contract_option)
        except (ContractErrors, UsageError) as exc:
            problems.append(Problem("error", "stale-export", f"{path} cannot be regenerated: {exc}", path, None))
            continue
        if _body(fresh) != _body(text):
            problems.append(
                Problem("error", "stale-export",
                        f"{path} is out of date with the contract; regenerate it with `{cmd}`", path, None)
            )  # fmt: skip
    return problems
