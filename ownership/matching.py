"""Contract + path → Decision.

Each section compiles to one regular expression: its patterns as alternatives,
last pattern first, so the first alternative that matches is the section's
last matching pattern, the one gitignore semantics says decides. The group
that matched names the rule.
"""

from __future__ import annotations

import re

from .globs import translate
from .model import SECTIONS, Contract, Decision, Rule


class Section:
    """The compiled patterns of one section."""

    def __init__(self, rules: tuple[Rule, ...], flags: int) -> None:
        self.rules = rules
        self.flags = flags
        self.globs = [translate(r.pattern) for r in rules]
        self._regex = self._compile(False)
        self._dir_regex: re.Pattern | None = None

    def _compile(self, folder: bool) -> re.Pattern | None:
        if not self.rules:
            return None
        parts = [f"({g.dir_regex if folder else g.regex})" for g in reversed(self.globs)]
        return re.compile("|".join(parts), self.flags)

    def match(self, path: str, folder: bool = False) -> Rule | None:
        """The rule that puts `path` in this section, or None when it is not in it."""
        regex = self._regex
        if folder:
            if self._dir_regex is None:
                self._dir_regex = self._compile(True)
            regex = self._dir_regex
        if regex is None:
            return None
        found = regex.fullmatch(path)
        if found is None:
            return None
        index = len(self.rules) - found.lastindex
        return None if self.globs[index].negated else self.rules[index]

    def matches_pattern(self, index: int, path: str) -> bool:
        """Whether the pattern at `index` alone matches `path` (negation aside)."""
        return re.fullmatch(self.globs[index].regex, path, self.flags) is not None


class Engine:
    """A contract compiled for answering: who may write this path, and why."""

    def __init__(self, contract: Contract, ignorecase: bool = False) -> None:
        self.contract = contract
        self.ignorecase = ignorecase
        flags = re.IGNORECASE if ignorecase else 0
        self.protected = Section(contract.protected, flags)
        self.sections = {a.name: {s: Section(a.rules(s), flags) for s in SECTIONS} for a in contract.agents}
        root = contract.root
        self._prefix = (root.lower() if ignorecase else root) + "/" if root else ""

    def governed(self, path: str) -> str | None:
        """The path relative to the contract's root, or None when it lies outside it."""
        if not self._prefix:
            return path
        head = path[: len(self._prefix)]
        if (head.lower() if self.ignorecase else head) == self._prefix:
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
