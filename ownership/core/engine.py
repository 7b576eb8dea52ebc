"""Contract + path → Decision, one path at a time (Engine, here) or many at once (Bulk, in bulk.py).

A section (one agent's OWNS, READS or CANNOT TOUCH, or the protected list) is
decided as git decides a .gitignore holding its patterns (dir.c
`prep_exclude` and `last_matching_pattern_from_list`): walking down the
path's folders, the first folder whose last matching pattern is not a `!`
takes the path whole, with that pattern as the rule, and a `!` cannot bring
back a path under such a folder; otherwise the path's own last matching
pattern decides. Both deciders answer exactly this, from the same `Glob`s
(globs.py); a property test holds them equal to each other and to git.
"""

from __future__ import annotations

import os
import re

from .globs import translate
from .model import SECTIONS, Contract, Decision, Rule

_WEAK_TO_STRONG = ("reads", "owns", "cannot_touch")


class Section:
    """The patterns of one section; one alternation (last pattern first) names the last matching one."""

    def __init__(self, rules: tuple[Rule, ...], ignorecase: bool) -> None:
        self.rules = rules
        self.globs = [translate(r.pattern, ignorecase) for r in rules]
        self._regexes: dict[bool, re.Pattern[bytes] | None] = {}

    def _regex(self, is_dir: bool) -> re.Pattern[bytes] | None:
        if is_dir not in self._regexes:
            parts = [b"(" + (b"(?!)" if g.dir_only and not is_dir else g.source) + b")" for g in reversed(self.globs)]
            self._regexes[is_dir] = re.compile(b"|".join(parts), re.DOTALL) if parts else None
        return self._regexes[is_dir]

    def last(self, data: bytes, end: int, is_dir: bool) -> int | None:
        """The index of the last pattern matching the node data[:end], or None."""
        regex = self._regex(is_dir)
        found = regex.fullmatch(data, 0, end) if regex is not None else None
        return None if found is None else len(self.globs) - found.lastindex

    def match(self, path: str, folder: bool = False) -> Rule | None:
        """The rule that puts `path` in this section, or None when it is not in it."""
        if not self.globs:
            return None
        data = os.fsencode(path)
        at = data.find(b"/")
        while at > 0:
            index = self.last(data, at, True)
            if index is not None and not self.globs[index].negated:
                return self.rules[index]  # a folder in the section takes everything under it
            at = data.find(b"/", at + 1)
        index = self.last(data, len(data), folder)
        return None if index is None or self.globs[index].negated else self.rules[index]


class Engine:
    """A contract compiled for answering: who may write this path, and why."""

    def __init__(self, contract: Contract, ignorecase: bool = False) -> None:
        self.contract = contract
        self.ignorecase = ignorecase
        self.protected = Section(contract.protected, ignorecase)
        self.sections = {a.name: {s: Section(a.rules(s), ignorecase) for s in SECTIONS} for a in contract.agents}
        root = contract.root
        self._prefix = _fold(root) + "/" if root and ignorecase else (root + "/" if root else "")

    def governed(self, path: str) -> str | None:
        """The path relative to the contract's root, or None when it lies outside it."""
        if not self._prefix:
            return path
        head = path[: len(self._prefix)]
        if (_fold(head) if self.ignorecase else head) == self._prefix:
            return path[len(self._prefix) :]
        return None

    def decide(self, path: str, agent: str) -> Decision:
        """The decision for one agent; a path ending in '/' is a folder."""
        folder = path.endswith("/")
        bare = path.rstrip("/")
        rule = self.protected.match(bare, folder)
        if rule:
            return Decision(path, agent, "protected", False, rule)
        relative = self.governed(bare)
        if relative is None:
            return Decision(path, agent, "ungoverned", True, None)
        sections = self.sections[agent]
        for section in ("cannot_touch", "owns", "reads"):
            rule = sections[section].match(relative, folder)
            if rule:
                return Decision(path, agent, section, section == "owns", rule)
        return Decision(path, agent, "unlisted", self.contract.unlisted == "allow", None)

    def decide_all(self, path: str) -> list[Decision]:
        return [self.decide(path, name) for name in self.sections]

    def owners(self, path: str) -> list[str]:
        """The agents that may write the path: whom to hand the work to."""
        return [d.agent for d in self.decide_all(path) if d.can_write]


BULK_FROM = 200  # paths from which building Bulk's indexes beats deciding one path at a time


def _fold(text: str) -> str:
    """git's case folding: ASCII letters only."""
    return text.translate(_ASCII_LOWER)


_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


class Decisions:
    """The one decision interface over a list of paths; OneByOne and Bulk implement it identically."""

    engine: Engine
    paths: list[str]

    def decide(self, index: int, agent: str) -> Decision:
        raise NotImplementedError

    def owners(self, index: int) -> list[str]:
        return [name for name in self.engine.sections if self.decide(index, name).can_write]

    def writable(self, agent: str) -> frozenset[int]:
        """The indexes of the paths the agent may write."""
        return frozenset(i for i in range(len(self.paths)) if self.decide(i, agent).can_write)

    def owners_of(self) -> dict[int, list[str]]:
        """{path index: the agents that may write it}, from one pass over each agent's writable paths."""
        found: dict[int, list[str]] = {}
        for name in self.engine.sections:
            for index in self.writable(name):
                found.setdefault(index, []).append(name)
        return found


class OneByOne(Decisions):
    """Engine.decide for each path: no index to build, right for a handful of paths."""

    def __init__(self, engine: Engine, paths: list[str]) -> None:
        self.engine = engine
        self.paths = paths

    def decide(self, index: int, agent: str) -> Decision:
        return self.engine.decide(self.paths[index], agent)

    def owners(self, index: int) -> list[str]:
        return self.engine.owners(self.paths[index])
