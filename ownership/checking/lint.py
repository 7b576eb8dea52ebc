"""Contract + tracked files → problems a person should fix."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..core.engine import Engine
from ..core.model import SECTIONS, Problem, Rule
from ..errors import excerpt

EXAMPLES = 5


@dataclass(frozen=True)
class LintResult:
    problems: tuple[Problem, ...]
    agents: int
    rules: int
    files: int  # tracked files under the contract's root

    @property
    def errors(self) -> int:
        return sum(p.severity == "error" for p in self.problems)

    @property
    def warnings(self) -> int:
        return sum(p.severity == "warning" for p in self.problems)

    def ok(self, strict: bool) -> bool:
        return self.errors == 0 and (not strict or self.warnings == 0)


def lint(engine: Engine, tracked: list[str]) -> LintResult:
    from ..core.bulk import Bulk

    contract = engine.contract
    bulk = Bulk(engine, tracked)
    owners = _owners(bulk)
    problems: list[Problem] = list(contract.warnings)
    problems += _double_owners(bulk, owners)
    problems += _owns_and_reads(bulk)
    problems += _unowned(bulk, owners)
    problems += _unmatched_and_ambiguous(bulk)
    problems.sort(key=lambda p: (p.severity != "error", p.source or "", p.line or 0, p.message))
    rules = sum(len(a.rules(s)) for a in contract.agents for s in SECTIONS)
    rules += sum(1 for r in contract.protected if r.line is not None)
    return LintResult(tuple(problems), len(contract.agents), rules, len(bulk.governed))


def _examples(paths: list[str]) -> str:
    shown = ", ".join(paths[:EXAMPLES])
    return shown + (f" and {len(paths) - EXAMPLES} more" if len(paths) > EXAMPLES else "")


def _owners(bulk) -> dict[int, list[str]]:
    """{path index: the agents whose owns takes it} for every governed path some agent may write."""
    owners: dict[int, list[str]] = defaultdict(list)
    protected = bulk.members(None, "protected")
    for name in bulk.engine.sections:
        for index in bulk.members(name, "owns") - bulk.members(name, "cannot_touch") - protected:
            owners[index].append(name)
    return owners


def _double_owners(bulk, owners) -> list[Problem]:
    clashes: dict[tuple, list[str]] = defaultdict(list)
    for index in sorted(i for i, names in owners.items() if len(names) > 1):
        found = [(name, bulk.rule(name, "owns", index)) for name in owners[index]]
        for i, (first, first_rule) in enumerate(found):
            for second, second_rule in found[i + 1 :]:
                clashes[(first, first_rule, second, second_rule)].append(bulk.paths[index])
    return [
        Problem(
            "error",
            "two-owners",
            f"{len(paths)} tracked file(s) owned by both '{a}' ({ra.pattern} at {ra.where}) and "
            f"'{b}' ({rb.pattern} at {rb.where}): {_examples(paths)}; narrow one rule or add a cannot_touch",
            rb.source,
            rb.line,
        )
        for (a, ra, b, rb), paths in clashes.items()
    ]


def _owns_and_reads(bulk) -> list[Problem]:
    overlaps: dict[tuple, list[str]] = defaultdict(list)
    for name in bulk.engine.sections:
        both = bulk.members(name, "owns") & bulk.members(name, "reads")
        for index in sorted(both):
            key = (name, bulk.rule(name, "owns", index), bulk.rule(name, "reads", index))
            overlaps[key].append(bulk.paths[index])
    return [
        Problem(
            "warning",
            "owns-and-reads",
            f"'{name}' both owns ({owns.pattern} at {owns.where}) and reads ({reads.pattern}) "
            f"{len(paths)} file(s): {_examples(paths)}; owning implies reading, drop or narrow the READS rule",
            reads.source,
            reads.line,
        )
        for (name, owns, reads), paths in overlaps.items()
    ]


def _unowned(bulk, owners) -> list[Problem]:
    protected = bulk.members(None, "protected")
    nobody = [bulk.paths[i] for i in bulk.governed if i not in protected and i not in owners]
    if not nobody:
        return []
    contract = bulk.engine.contract
    root = contract.root + "/" if contract.root else ""
    return [
        Problem(
            "warning",
            "unowned",
            f"{len(nobody)} tracked file(s) under {root or './'} have no owner: {_examples(nobody)}; "
            "add them to an agent's OWNS",
            contract.source,
            None,
        )
    ]


def _unmatched_and_ambiguous(bulk) -> list[Problem]:
    problems = []
    engine = bulk.engine
    places = [(name, s, section) for name, agent in engine.sections.items() for s, section in agent.items()]
    places.append((None, "protected", engine.protected))
    for name, section_name, section in places:
        for index, rule in enumerate(section.rules):
            if rule.line is None:  # the contract's own files, added by the tool
                continue
            glob = section.globs[index]
            if glob.never:
                problems.append(
                    Problem(
                        "warning",
                        "never-matches",
                        f"{rule.section} pattern {excerpt(rule.pattern)} can never match: {glob.never}",
                        rule.source,
                        rule.line,
                    )
                )
                continue
            hits = bulk.pattern_hits(name, section_name, index)
            if glob.negated and hits:
                problems += _shadowed(bulk, name, section_name, index, hits)
            if not hits:
                problems.append(
                    Problem(
                        "warning",
                        "matches-nothing",
                        f"{rule.section} pattern {excerpt(rule.pattern)} matches no tracked file; fix or remove it",
                        rule.source,
                        rule.line,
                    )
                )
            elif glob.literal and not glob.anchored:
                paths = [bulk.relative[i] if name else bulk.paths[i] for i in sorted(hits)]
                problems += _depths(glob, rule, paths)
    return problems


def _shadowed(bulk, agent: str | None, section: str, index: int, hits: frozenset[int]) -> list[Problem]:
    """A `!` pattern that brings nothing back: an earlier pattern takes the folder whole, and git keeps it."""
    rules = (bulk.engine.protected if agent is None else bulk.engine.sections[agent][section]).rules
    negation, earlier = rules[index], set(rules[:index])
    winners = bulk.winners(agent, section)
    for path_index in sorted(hits):
        taker = winners.get(path_index)
        if taker not in earlier:
            continue
        path = bulk.paths[path_index] if agent is None else bulk.relative[path_index]
        folder = _taken_folder(bulk, agent, section, taker, path)
        if folder is None:
            continue
        return [
            Problem(
                "warning",
                "negation-shadowed",
                f"{negation.section} pattern {excerpt(negation.pattern)} cannot take {path} out: {excerpt(taker.pattern)} "
                f"(line {taker.line}) takes the folder {folder}/ whole, and git never brings back a path under a "
                f"folder that is in; add '!{folder}/' before it (and keep '!{folder}/**' for what is inside)",
                negation.source,
                negation.line,
            )
        ]
    return []


def _taken_folder(bulk, agent: str | None, section: str, taker: Rule, path: str) -> str | None:
    compiled = bulk.engine.protected if agent is None else bulk.engine.sections[agent][section]
    glob = compiled.globs[compiled.rules.index(taker)]
    parts = path.split("/")
    for depth in range(1, len(parts)):
        folder = "/".join(parts[:depth])
        if glob.matches(folder, is_dir=True):
            return folder
    return None


def _depths(glob, rule: Rule, hits: list[str]) -> list[Problem]:
    """An unanchored literal name found at several depths probably meant only one of them."""
    by_depth: dict[int, str] = {}
    for path in hits:
        parts = path.split("/")
        depth = next((i for i, part in enumerate(parts) if glob.matches(part, is_dir=True)), None)
        if depth is not None:
            by_depth.setdefault(depth, "/".join(parts[: depth + 1]))
    if len(by_depth) < 2:
        return []
    shallow = by_depth[min(by_depth)]
    seen = ", ".join(by_depth[d] for d in sorted(by_depth))
    anchored = "/" + shallow + ("/" if glob.dir_only else "")
    return [
        Problem(
            "warning",
            "unanchored",
            f"{rule.section} pattern {excerpt(rule.pattern)} matches at {len(by_depth)} depths ({seen}); "
            f"anchor it as {excerpt(anchored)} if you mean the top one",
            rule.source,
            rule.line,
        )
    ]
