"""The contract → CONTRACT.md: each agent's lanes and every tracked file's owner, as Markdown tables."""

from __future__ import annotations

from collections import defaultdict

from ..core.engine import Engine
from ..core.model import SECTIONS
from .common import MARKS, Ownership, ownership_of

# --- CONTRACT.md ----------------------------------------------------------------------

TITLES = {"owns": "owns", "reads": "reads", "cannot_touch": "cannot touch"}
STATUS_TEXT = {
    "unowned": "nobody (unowned)",
    "protected": "nobody: protected",
    "ungoverned": "anyone: outside the root",
}


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    return "`" + _cell(text).replace("`", "'") + "`"


def owner_rows(engine: Engine, tracked: list[str]) -> list[tuple[str, str]]:
    """(path, who) for the tracked files under the root: its entries, a mixed folder broken
    down until each row has one answer."""
    root = engine.contract.root + "/" if engine.contract.root else ""
    states = {p: ownership_of(engine, p) for p in sorted(set(tracked)) if p.startswith(root)}

    def who(state: Ownership) -> str:
        if state.status in ("owned", "shared"):
            return " + ".join(state.agents) + (" (two owners)" if state.status == "shared" else "")
        return STATUS_TEXT[state.status]

    rows: list[tuple[str, str]] = []

    def walk(prefix: str, paths: list[str]) -> None:
        children: dict[str, list[str]] = defaultdict(list)
        for path in paths:
            head, sep, _ = path[len(prefix) :].partition("/")
            children[prefix + head + ("/" if sep else "")].append(path)
        for child in sorted(children):
            inside = children[child]
            answers = {who(states[p]) for p in inside}
            if len(answers) == 1 or not child.endswith("/"):
                rows.append((child, answers.pop()))
            else:
                walk(child, inside)

    walk(root, list(states))
    return rows


def render_contract_md(engine: Engine, tracked: list[str], command: str) -> str:
    contract = engine.contract
    source = contract.source or ".claude/agents/*.md"
    root = contract.root or "."
    out = [
        "# Ownership contract",
        "",
        f"<!-- CONTRACT.md {MARKS['contract-md']} from {source}; do not edit. "
        f"Change the contract, then run: {command} -->",
        "",
        f"Read from `{source}`. Globs are gitignore patterns relative to `{root}`. For one agent and one path the "
        "first that applies decides: protected > cannot touch > owns > reads > unlisted "
        f"(unlisted paths: {contract.unlisted}). Ask `ownership explain PATH` who may write a path, and why.",
        "",
        "## Who owns what",
        "",
        "| path | owner |",
        "| --- | --- |",
    ]
    out += [f"| {_code(path)} | {_cell(who)} |" for path, who in owner_rows(engine, tracked)]
    if contract.root:
        out += ["", f"Paths outside `{root}/` are not governed: anyone may write them, the protected ones below aside."]
    for agent in contract.agents:
        out += ["", f"## {agent.name}", ""]
        facts = [f"Defined in `{agent.source}:{agent.line}`"]
        if agent.codeowner:
            facts.append(f"CODEOWNERS: `{agent.codeowner}`")
        out.append("; ".join(facts) + ".")
        if agent.description:
            out += ["", agent.description.strip().split("\n\n")[0].replace("\n", " ")]
        out += ["", "| access | pattern | why | where |", "| --- | --- | --- | --- |"]
        for section in SECTIONS:
            for rule in agent.rules(section):
                out.append(f"| {TITLES[section]} | {_code(rule.pattern)} | {_cell(rule.comment)} | {rule.where} |")
        if not any(agent.rules(s) for s in SECTIONS):
            out.append("| (none) | | | |")
    out += ["", "## Protected (no agent may write)", "", "| pattern | where |", "| --- | --- |"]
    out += [f"| {_code(r.pattern)} | {_cell(r.where)} |" for r in contract.protected]
    return "\n".join(out) + "\n"
