"""Results → JSON (and JSON Lines for explain), for machines: the same facts as the text."""

from __future__ import annotations

from ..core.model import SECTIONS, Agent, Decision
from .common import dumps
from .text import ExplainText, check_summary

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


def can_write_json(decision: Decision, owners: list[str]) -> dict:
    return {
        "path": decision.path,
        "can_write": decision.can_write,
        "access": decision.access,
        "rule": decision.rule.to_json() if decision.rule else None,
        "owners": owners,
    }


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
        "agents": out,
        "protected": protected,
    }


def lint_json(result: LintResult, strict: bool) -> dict:
    return {
        "ok": result.ok(strict),
        "problems": [p.to_json() for p in result.problems],
        "summary": {
            "errors": result.errors,
            "warnings": result.warnings,
            "agents": result.agents,
            "rules": result.rules,
            "files": result.files,
        },
    }


def check_json(result, what: str) -> str:
    return dumps(
        {
            "violations": [v.to_json() for v in result.violations],
            "checked": {"commits": result.commits, "paths": result.paths, "before_contract": result.before_contract},
            "contract": result.contract,
            "ok": result.ok,
            "summary": check_summary(result, what),
        }
    )


def _lane_rule(rule) -> dict:
    """A rule as `lanes --json` lists it: with its comment, and what was written when braces were expanded."""
    entry = dict(rule.to_json(), comment=rule.comment)
    if rule.written:
        entry["written"] = rule.written
    return entry
