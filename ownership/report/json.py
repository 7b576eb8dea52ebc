"""Results → JSON (and JSON Lines for explain), for machines: the same facts as the text.

One shape everywhere: a rule is `Rule.to_json()` ({"section", "pattern", "source", "line"}); a decision or a
violation carries `message`, the sentence the text shows; a document that judges (check, lint, can-write)
has `"ok"` and a `summary` object `{"ok": bool, "text": "<the summary line>", <counts>...}`.
"""

from __future__ import annotations

from ..core.model import SECTIONS, Agent, Decision
from .common import dumps
from .text import ExplainText, can_write_summary, check_summary, decision_text, lint_summary, violation_text

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing on the hook's path
if TYPE_CHECKING:
    from ..checking.lint import LintResult
    from ..core.engine import Engine


class ExplainJsonLines(ExplainText):
    """explain as JSON Lines: one compact object a path, `{"path": ..., "agents": [...]}`."""

    def block(self, answers) -> str:
        import json

        agents = [{"agent": name, "access": access, "can_write": can, "rule": rule.to_json() if rule else None}
                  for name, (access, can, rule) in zip(self.names, answers)]  # fmt: skip
        return json.dumps(agents, separators=(",", ":"))

    def __init__(self, names: list[str]) -> None:
        from json.encoder import encode_basestring_ascii

        super().__init__(names)
        self.quote = encode_basestring_ascii  # what json.dumps does to a str, in C

    def entry(self, path: str, block: str) -> str:
        return f'{{"path":{self.quote(path)},"agents":{block}}}'


class ExplainJson(ExplainJsonLines):
    """explain as one JSON array of the JSON Lines objects, one a line."""

    start, between, end = "[\n", ",\n", "\n]\n"


def summary(ok: bool, text: str, **counts: int) -> dict:
    """The one shape of a JSON document's `summary`: the verdict, the text's summary line, the counts."""
    return {"ok": ok, "text": text, **counts}


def can_write_json(decisions: list[tuple[Decision, list[str]]]) -> str:
    rows = [
        {"path": d.path, **d.to_json(), "owners": owners, "message": decision_text(d, owners)}
        for d, owners in decisions
    ]
    ok = all(d.can_write for d, _ in decisions)
    refused = sum(not d.can_write for d, _ in decisions)
    return dumps(
        {
            "ok": ok,
            "decisions": rows,
            "summary": summary(ok, can_write_summary(decisions), paths=len(rows), refused=refused),
        }
    )


def lanes_json(engine: Engine, agents: list[Agent], files: dict[str, dict[str, list[str]]] | None) -> dict:
    out = []
    for agent in agents:
        entry = {
            "agent": agent.name,
            "source": agent.source,
            "line": agent.line,
            **{s: [_lane_rule(r) for r in agent.rules(s)] for s in SECTIONS},
        }
        if files is not None:
            entry["files"] = files[agent.name]
        out.append(entry)
    protected = [r.to_json() for r in engine.contract.protected]
    return {
        "root": engine.contract.root or ".",
        "unlisted": engine.contract.unlisted,
        "scratch": {"temp": engine.contract.scratch_temp, "ignored": engine.contract.scratch_ignored},
        "agents": out,
        "protected": protected,
    }


def lint_json(result: LintResult, strict: bool) -> dict:
    ok = result.ok(strict)
    return {
        "ok": ok,
        "problems": [p.to_json() for p in result.problems],
        "summary": summary(
            ok,
            lint_summary(result, strict),
            errors=result.errors,
            warnings=result.warnings,
            agents=result.agents,
            rules=result.rules,
            files=result.files,
        ),
    }


def check_summary_json(result, what: str) -> dict:
    counts = {"violations": len(result.violations), "paths": result.paths, "commits": result.commits}
    return summary(result.ok, check_summary(result, what), **counts)


def check_json(result, what: str) -> str:
    return dumps(
        {
            "ok": result.ok,
            "violations": [dict(v.to_json(), message=violation_text(v)) for v in result.violations],
            "checked": {"commits": result.commits, "paths": result.paths, "before_contract": result.before_contract},
            "contract": result.contract,
            "summary": check_summary_json(result, what),
        }
    )


def _lane_rule(rule) -> dict:
    """A rule as `lanes --json` lists it: with its comment, and what was written when braces were expanded."""
    entry = dict(rule.to_json(), comment=rule.comment)
    if rule.written:
        entry["written"] = rule.written
    return entry
