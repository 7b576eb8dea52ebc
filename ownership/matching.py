"""Contract + path → Decision.

Each section compiles to one regular expression: its patterns as alternatives,
last pattern first, so the first alternative that matches is the section's
last matching pattern, the one gitignore semantics says decides. The group
that matched names the rule.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from .globs import Glob, translate
from .model import SECTIONS, Contract, Decision, Rule


class Section:
    """The compiled patterns of one section; regexes are compiled on first use."""

    def __init__(self, rules: tuple[Rule, ...], flags: int) -> None:
        self.rules = rules
        self.flags = flags
        self.globs = [translate(r.pattern) for r in rules]
        self._compiled: dict[str, re.Pattern | None] = {}

    def _regex(self, kind: str) -> re.Pattern | None:
        """kind: 'file' (a path is a file) or 'folder' (directory-only patterns apply too)."""
        if kind not in self._compiled:
            parts = [g.dir_regex if kind == "folder" else g.regex for g in reversed(self.globs)]
            self._compiled[kind] = re.compile("|".join(f"({p})" for p in parts), self.flags) if parts else None
        return self._compiled[kind]

    def _rule(self, found: re.Match) -> Rule | None:
        index = len(self.rules) - found.lastindex
        return None if self.globs[index].negated else self.rules[index]

    def match(self, path: str, folder: bool = False) -> Rule | None:
        """The rule that puts `path` in this section, or None when it is not in it."""
        regex = self._regex("folder" if folder else "file")
        if regex is None:
            return None
        found = regex.fullmatch(path)
        return None if found is None else self._rule(found)

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


class PathIndex:
    """Many paths, searchable at C speed: NUL-joined text (git paths never hold NUL) and line starts."""

    def __init__(self, paths: list[str], flags: int) -> None:
        self.paths = paths
        self.flags = flags
        self.text = "\0".join(paths)
        self.starts, offset = [], 0
        for path in paths:
            self.starts.append(offset)
            offset += len(path) + 1
        # Sorted paths (git lists them so) let an anchored pattern look only at its prefix's range.
        self.ordered = not flags & re.IGNORECASE and all(map(str.__le__, paths, paths[1:]))
        self.folded = self.text.lower() if flags & re.IGNORECASE else None
        if self.folded is not None and len(self.folded) != len(self.text):
            self.folded = None  # lower-casing changed lengths: offsets would not line up
        self._hits: dict[str, frozenset[int]] = {}

    def hits(self, glob: Glob) -> frozenset[int]:
        """The paths one pattern matches (negation aside), found through the text every match must hold."""
        found = self._hits.get(glob.regex)
        if found is not None:
            return found
        regex = re.compile(glob.regex, self.flags)
        paths = self.paths
        prefix = glob.prefix
        if prefix and self.ordered:
            low = bisect_left(paths, prefix)
            high = bisect_left(paths, prefix[:-1] + chr(ord(prefix[-1]) + 1), low)
            found = frozenset(i for i in range(low, high) if regex.fullmatch(paths[i]))
            self._hits[glob.regex] = found
            return found
        needle = glob.required_text
        if self.flags & re.IGNORECASE:
            haystack = self.folded
            needle = needle.lower() if haystack is not None else ""
        else:
            haystack = self.text
        if needle:
            candidates = []
            starts, last = self.starts, len(self.starts) - 1
            position = haystack.find(needle)
            while position >= 0:
                line = bisect_right(starts, position) - 1
                candidates.append(line)
                if line == last:
                    break
                position = haystack.find(needle, starts[line + 1])
            found = frozenset(i for i in candidates if regex.fullmatch(paths[i]))
        else:
            found = frozenset(i for i, path in enumerate(paths) if regex.fullmatch(path))
        self._hits[glob.regex] = found
        return found


class Bulk:
    """Decisions for many paths at once, built from each pattern's matches over all paths.

    Gives the same decisions as `Engine.decide`, path by path (a test holds
    the two to that); used where a command answers for a whole repository.
    Identical patterns of different agents are searched once.
    """

    def __init__(self, engine: Engine, paths: list[str]) -> None:
        self.engine = engine
        self.paths = paths
        flags = re.IGNORECASE if engine.ignorecase else 0
        relative = [engine.governed(p) for p in paths]
        self.relative = relative
        self.governed = [i for i, r in enumerate(relative) if r is not None]
        self.ungoverned = [i for i, r in enumerate(relative) if r is None]
        self._governed_index = PathIndex([relative[i] for i in self.governed], flags)
        self._all_index = PathIndex(paths, flags)
        self._members: dict[tuple, frozenset[int]] = {}
        self._winners: dict[tuple, dict[int, Rule]] = {}
        self.protected = self.winners(None, "protected")

    def _section(self, agent: str | None, section: str) -> tuple[Section, PathIndex, list[int] | None]:
        """The compiled section, the paths it is matched against, and how their indexes map back (None: same)."""
        if agent is None:
            return self.engine.protected, self._all_index, None
        back = None if not self.ungoverned else self.governed
        return self.engine.sections[agent][section], self._governed_index, back

    def pattern_hits(self, agent: str | None, section: str, index: int) -> frozenset[int]:
        """The paths one pattern matches on its own; agent None is the protected section."""
        compiled, found_in, back = self._section(agent, section)
        local = found_in.hits(compiled.globs[index])
        return local if back is None else frozenset(back[i] for i in local)

    def members(self, agent: str | None, section: str) -> frozenset[int]:
        """The paths in a section: each pattern in order adds its matches, or takes them away (`!`)."""
        key = (agent, section)
        if key not in self._members:
            compiled, found_in, back = self._section(agent, section)
            inside: set[int] = set()
            for glob in compiled.globs:
                if glob.negated:
                    inside -= found_in.hits(glob)
                else:
                    inside |= found_in.hits(glob)
            self._members[key] = frozenset(inside if back is None else (back[i] for i in inside))
        return self._members[key]

    def winners(self, agent: str | None, section: str) -> dict[int, Rule]:
        """{path index: the rule that puts it in the section}: the last matching pattern, not a negation."""
        key = (agent, section)
        if key not in self._winners:
            compiled, found_in, back = self._section(agent, section)
            last: dict[int, int] = {}
            for number, glob in enumerate(compiled.globs):
                for i in found_in.hits(glob):
                    last[i] = number
            rules, globs = compiled.rules, compiled.globs
            chosen = {i: rules[n] for i, n in last.items() if not globs[n].negated}
            self._winners[key] = chosen if back is None else {back[i]: r for i, r in chosen.items()}
        return self._winners[key]

    def rule(self, agent: str, section: str, index: int) -> Rule | None:
        """The deciding rule of one path in one section (for the few paths a report names)."""
        compiled, _, _ = self._section(agent, section)
        relative = self.relative[index]
        return compiled.match(relative) if relative is not None else None

    def column(self, agent: str) -> tuple[list[int], list[tuple[str, bool, Rule | None]]]:
        """One agent's answer for every path: (a code for each path, the answer each code stands for).

        Built by laying the sections over each other, weakest first, so the
        strongest that holds a path has the last word, as in `Engine.decide`.
        Paths with the same answer share a code, so callers can format it once.
        """
        key = (agent, "column")
        if key not in self._winners:
            answers: list[tuple[str, bool, Rule | None]] = [("unlisted", self.engine.contract.unlisted == "allow", None)]
            column = [0] * len(self.paths)
            for section in ("reads", "owns", "cannot_touch"):
                compiled, found_in, back = self._section(agent, section)
                weaker = column.copy()  # what a '!' pattern of this section gives back
                for glob, rule in zip(compiled.globs, compiled.rules):
                    hits = found_in.hits(glob)
                    if back is not None:
                        hits = [back[i] for i in hits]
                    if glob.negated:
                        for index in hits:
                            column[index] = weaker[index]
                    else:
                        code = len(answers)
                        answers.append((section, section == "owns", rule))
                        for index in hits:
                            column[index] = code
            if self.ungoverned:
                answers.append(("ungoverned", True, None))
                for index in self.ungoverned:
                    column[index] = len(answers) - 1
            codes: dict[int, int] = {}
            for index, rule in self.protected.items():
                if id(rule) not in codes:
                    codes[id(rule)] = len(answers)
                    answers.append(("protected", False, rule))
                column[index] = codes[id(rule)]
            self._winners[key] = (column, answers)
        return self._winners[key]

    def decide(self, index: int, agent: str) -> Decision:
        column, answers = self.column(agent)
        access, can_write, rule = answers[column[index]]
        return Decision(self.paths[index], agent, access, can_write, rule)

    def writable(self, agent: str) -> frozenset[int]:
        """The paths the agent may write, as `decide` says: owned or (when allowed) unlisted, or ungoverned."""
        key = (agent, "writable")
        if key not in self._members:
            protected = self.members(None, "protected")
            governed = frozenset(self.governed)
            owns, cannot = self.members(agent, "owns"), self.members(agent, "cannot_touch")
            allowed = (owns - cannot) | (frozenset(range(len(self.paths))) - governed)
            if self.engine.contract.unlisted == "allow":
                allowed |= governed - owns - cannot - self.members(agent, "reads")
            self._members[key] = allowed - protected
        return self._members[key]

    def owners(self, index: int) -> list[str]:
        return [name for name in self.engine.sections if index in self.writable(name)]
