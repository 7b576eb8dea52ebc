"""Contract + tracked files → problems a person should fix."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from .globs import ANY_FOLDERS
from .matching import Engine
from .model import SECTIONS, Problem, Rule

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
    contract = engine.contract
    governed = [(path, rel) for path in tracked if (rel := engine.governed(path)) is not None]
    problems: list[Problem] = list(contract.warnings)
    problems += _double_owners(engine, governed)
    problems += _owns_and_reads(engine, governed)
    problems += _unowned(engine, governed)
    problems += _unmatched_and_ambiguous(engine, tracked, governed)
    problems.sort(key=lambda p: (p.severity != "error", p.source or "", p.line or 0, p.message))
    rules = sum(len(a.rules(s)) for a in contract.agents for s in SECTIONS)
    rules += sum(1 for r in contract.protected if r.line is not None)
    return LintResult(tuple(problems), len(contract.agents), rules, len(governed))


def _examples(paths: list[str]) -> str:
    shown = ", ".join(paths[:EXAMPLES])
    return shown + (f" and {len(paths) - EXAMPLES} more" if len(paths) > EXAMPLES else "")


def _owners_of(engine: Engine, path: str, rel: str) -> list[tuple[str, Rule]]:
    if engine.protected.match(path):
        return []
    found = []
    for name, sections in engine.sections.items():
        if sections["cannot_touch"].match(rel):
            continue
        rule = sections["owns"].match(rel)
        if rule:
            found.append((name, rule))
    return found


def _double_owners(engine: Engine, governed: list[tuple[str, str]]) -> list[Problem]:
    clashes: dict[tuple, list[str]] = defaultdict(list)
    for path, rel in governed:
        owners = _owners_of(engine, path, rel)
        for i, (first, first_rule) in enumerate(owners):
            for second, second_rule in owners[i + 1 :]:
                clashes[(first, first_rule, second, second_rule)].append(path)
    return [
        Problem(
            "error", "two-owners",
            f"{len(paths)} tracked file(s) owned by both '{a}' ({ra.pattern} at {ra.where}) and "
            f"'{b}' ({rb.pattern} at {rb.where}): {_examples(paths)}; narrow one rule or add a cannot_touch",
            rb.source, rb.line,
        )  # fmt: skip
        for (a, ra, b, rb), paths in clashes.items()
    ]


def _owns_and_reads(engine: Engine, governed: list[tuple[str, str]]) -> list[Problem]:
    overlaps: dict[tuple, list[str]] = defaultdict(list)
    for name, sections in engine.sections.items():
        if not sections["owns"].rules or not sections["reads"].rules:
            continue
        for path, rel in governed:
            owns = sections["owns"].match(rel)
            reads = owns and sections["reads"].match(rel)
            if reads:
                overlaps[(name, owns, reads)].append(path)
    return [
        Problem(
            "warning", "owns-and-reads",
            f"'{name}' both owns ({owns.pattern} at {owns.where}) and reads ({reads.pattern}) "
            f"{len(paths)} file(s): {_examples(paths)}; owning implies reading, drop or narrow the READS rule",
            reads.source, reads.line,
        )  # fmt: skip
        for (name, owns, reads), paths in overlaps.items()
    ]


def _unowned(engine: Engine, governed: list[tuple[str, str]]) -> list[Problem]:
    nobody = [path for path, rel in governed if not engine.protected.match(path) and not _owners_of(engine, path, rel)]
    if not nobody:
        return []
    root = engine.contract.root + "/" if engine.contract.root else ""
    return [
        Problem(
            "warning", "unowned",
            f"{len(nobody)} tracked file(s) under {root or './'} have no owner: {_examples(nobody)}; "
            "add them to an agent's OWNS",
            engine.contract.source, None,
        )  # fmt: skip
    ]


def _unmatched_and_ambiguous(engine: Engine, tracked: list[str], governed: list[tuple[str, str]]) -> list[Problem]:
    problems = []
    relatives = [rel for _, rel in governed]
    sections = [(s, relatives) for agent in engine.sections.values() for s in agent.values()]
    sections.append((engine.protected, tracked))
    for section, paths in sections:
        for index, rule in enumerate(section.rules):
            if rule.line is None:  # the contract's own files, added by the tool
                continue
            glob = section.globs[index]
            regex = re.compile(glob.regex, section.flags)
            hits = [p for p in paths if regex.fullmatch(p)]
            if not hits:
                problems.append(
                    Problem(
                        "warning", "matches-nothing",
                        f"{rule.section} pattern {rule.pattern!r} matches no tracked file; fix or remove it",
                        rule.source, rule.line,
                    )  # fmt: skip
                )
            elif glob.literal and not glob.anchored:
                problems += _depths(glob, rule, hits, section.flags)
    return problems


def _depths(glob, rule: Rule, hits: list[str], flags: int) -> list[Problem]:
    """An unanchored literal name found at several depths probably meant only one of them."""
    name = re.compile("(?:" + glob.body.removeprefix(ANY_FOLDERS) + ")", flags)
    by_depth: dict[int, str] = {}
    for path in hits:
        parts = path.split("/")
        depth = next((i for i, part in enumerate(parts) if name.fullmatch(part)), None)
        if depth is not None:
            by_depth.setdefault(depth, "/".join(parts[: depth + 1]))
    if len(by_depth) < 2:
        return []
    shallow = by_depth[min(by_depth)]
    seen = ", ".join(by_depth[d] for d in sorted(by_depth))
    anchored = "/" + shallow + ("/" if glob.dir_only else "")
    return [
        Problem(
            "warning", "unanchored",
            f"{rule.section} pattern {rule.pattern!r} matches at {len(by_depth)} depths ({seen}); "
            f"anchor it as {anchored!r} if you mean the top one",
            rule.source, rule.line,
        )  # fmt: skip
    ]
