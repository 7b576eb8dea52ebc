"""Results → text, for people: explain, can-write, lanes, lint, check. Nothing here decides anything."""

from __future__ import annotations

from ..core.model import SECTIONS, Agent, Decision, Rule
from .common import SECTION_TITLES, detail, reason, sentence, show_path

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing on the hook's path
if TYPE_CHECKING:
    from ..checking.lint import LintResult
    from ..core.engine import Engine


# --- explain ---------------------------------------------------------------


def explain_line(agent: str, width: int, access: str, can_write: bool, rule: Rule | None) -> str:
    verdict = "can write" if can_write else "cannot write"
    return f"  {agent:<{width}}  {access:<12}  {verdict:<12}  {detail(access, can_write, rule)}"


class ExplainText:
    """explain as text: the path, then one line an agent. Rendered a path at a time, so output streams.

    `block` renders the agents' answers (callers reuse it for every path with
    the same answers), `entry` one path with its block; entries are written
    between `start` and `end`, separated by `between`.
    """

    start, between, end = "", "\n", "\n"

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.width = max(len(n) for n in names)

    def block(self, answers) -> str:
        return "\n".join(explain_line(name, self.width, *answer) for name, answer in zip(self.names, answers))

    def entry(self, path: str, block: str) -> str:
        return f"{show_path(path)}\n{block}"


# --- can-write -------------------------------------------------------------


def decision_text(decision: Decision, owners: list[str]) -> str:
    """A decision as its one sentence (report/common.py), owners named when it refuses."""
    why = reason(decision.access, decision.can_write, decision.rule)
    return sentence(decision.agent, show_path(decision.path), decision.can_write, why, owners)


def can_write_text(decisions: list[tuple[Decision, list[str]]]) -> str:
    """One sentence a path (no summary line: with one path it would say the same again; JSON carries it)."""
    return "\n".join(decision_text(d, owners) for d, owners in decisions)


def can_write_summary(decisions: list[tuple[Decision, list[str]]]) -> str:
    refused = sum(not d.can_write for d, _ in decisions)
    agent = decisions[0][0].agent
    if refused:
        return f"can-write: no: {agent} may not write {refused} of {len(decisions)} path(s)"
    return f"can-write: yes: {agent} may write all {len(decisions)} path(s)"


# --- lanes -----------------------------------------------------------------


def lanes_text(engine: Engine, agents: list[Agent], files: dict[str, dict[str, list[str]]] | None) -> str:
    contract = engine.contract
    lines = [f"root: {contract.root or '.'}   unlisted paths: {contract.unlisted}" + _scratch_off(contract)]
    for agent in agents:
        lines.append("")
        lines.append(f"{agent.name}  ({agent.source}:{agent.line})")
        for section in SECTIONS:
            rules = agent.rules(section)
            lines.append(f"  {SECTION_TITLES[section]}:" + ("" if rules else " (none)"))
            width = max((len(r.pattern) for r in rules), default=0)
            for rule in rules:
                comment = f"  # {rule.comment}" if rule.comment else ""
                comment += f"  (one of {rule.written})" if rule.written else ""
                lines.append(f"    {rule.pattern:<{width}}  {rule.where}{comment}")
            if files is not None:
                listed = files[agent.name].get(section, [])
                lines.append(f"    files ({len(listed)}):")
                lines.extend(f"      {show_path(p)}" for p in listed)
    lines.append("")
    lines.append("protected (no agent may write):")
    for rule in contract.protected:
        lines.append(f"    {rule.pattern}  {rule.where}")
    return "\n".join(lines)


def _scratch_off(contract) -> str:
    """The scratch space the contract closes (`scratch:`; both open by default, and then not shown)."""
    off = [key for key, on in (("temp", contract.scratch_temp), ("ignored", contract.scratch_ignored)) if not on]
    return f"   scratch off: {', '.join(off)}" if off else ""


# --- lint ------------------------------------------------------------------


def lint_summary(result: LintResult, strict: bool) -> str:
    verdict = "passed" if result.ok(strict) else "failed"
    return (
        f"lint {verdict}: {result.errors} error(s), {result.warnings} warning(s); "
        f"{result.agents} agents, {result.rules} rules, {result.files} tracked files governed"
        + (" (strict: warnings fail)" if strict else "")
    )


def lint_text(result: LintResult, strict: bool) -> str:
    lines = [f"{p.location}: {p.severity}: {p.message} [{p.code}]" for p in result.problems]
    lines.append(lint_summary(result, strict))
    return "\n".join(lines)


# --- check -----------------------------------------------------------------


def _unit_name(result, what: str) -> str:
    return f"{result.commits} commit(s)" if result.ranged else what


def violation_text(v) -> str:
    prefix = f"commit {v.commit[:12]}: " if v.commit else ""
    if v.access == "unsigned":
        return (
            prefix
            + f"no signature verified by identity.signers (git's %G? is {v.status}), and identity.unsigned is fail"
        )
    if v.access == "contract_unsigned":
        return (
            f"{prefix}{show_path(v.path)} is a file of the contract, changed without the verified signature of a "
            "person listed in identity.signers (identity.contract_changes: signed)"
        )
    why = reason(v.access, False, v.rule)
    if v.access == "unidentified":
        return prefix + why
    return prefix + sentence(v.agent, f"{show_path(v.path)} ({v.status})", False, why, v.owners)


def check_summary(result, what: str) -> str:
    actors = sorted({(u.actor.agent, u.actor.how) for u in result.units}, key=lambda a: (a[0] or "", a[1]))
    if len(actors) == 1:
        agent, how = actors[0]
        acting = f"acting: {agent} ({how})" if agent else "no agent identified: a person is acting"
    else:
        names = sorted({a for a, _ in actors if a})
        acting = "acting: " + (", ".join(names) if names else "nobody identified")
        if any(a is None for a, _ in actors):
            acting += " and a person"
    scope = f"{result.paths} path(s) in {_unit_name(result, what)}"
    judged = f"; judged by {result.contract}" if result.contract else ""
    if result.before_contract:
        judged += f"; {result.before_contract} earlier commit(s) made before the contract existed, not judged"
    if result.ok:
        return f"check passed: {scope}; {acting}{judged}"
    return f"check failed: {len(result.violations)} violation(s) among {scope}; {acting}{judged}"


def check_text(result, what: str) -> str:
    return "\n".join([*(violation_text(v) for v in result.violations), check_summary(result, what)])
