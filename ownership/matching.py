"""Contract + path → Decision, one path at a time (Engine) or many at once (Bulk).

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
from bisect import bisect_left
from collections.abc import Sequence

from .globs import Glob, translate
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

    def for_paths(self, paths: Sequence[str]) -> Decisions:
        """Decisions for a list of paths: one at a time for a few, Bulk for many (same answers)."""
        if len(paths) > BULK_FROM:
            return Bulk(self, list(paths))
        return OneByOne(self, list(paths))


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


class Nodes:
    """Files and the folders above them, each searchable at C speed (paths never hold NUL)."""

    def __init__(self, files: list[bytes], ignorecase: bool) -> None:
        self.ignorecase = ignorecase
        self.files = files
        folders: dict[bytes, int] = {}
        for data in files:
            at = data.rfind(b"/")
            while at > 0 and data[:at] not in folders:  # each new folder, then its parents until a known one
                folders[data[:at]] = len(folders)
                at = data.rfind(b"/", 0, at)
        self.folders = list(folders)
        self.kinds = {False: _Texts(files, ignorecase), True: _Texts(self.folders, ignorecase)}
        # Tree order: each folder right before everything under it ('/' sorts as NUL, before any name byte).
        keys = [f.replace(b"/", b"\0") for f in files]
        self.tree_order = sorted(range(len(files)), key=keys.__getitem__)
        self.tree_keys = [keys[i] for i in self.tree_order]
        self.folder_keys = [f.replace(b"/", b"\0") for f in self.folders]
        self._hits: dict[tuple[bytes, bool], frozenset[int]] = {}
        self._sections: dict[tuple, list[tuple[int, list[int]]]] = {}

    def hits(self, glob: Glob, folders: bool) -> frozenset[int]:
        """The files (or folders) one pattern matches as nodes, negation aside."""
        if folders is False and glob.dir_only:
            return frozenset()
        key = (glob.source, folders)
        found = self._hits.get(key)
        if found is None:
            found = self._hits[key] = self.kinds[folders].search(glob)
        return found

    def section(self, globs: list[Glob]) -> list[tuple[int, list[int]]]:
        """git's decision for a list of patterns over every file: [(pattern number, files it decides)].

        Folders first, outermost first: a folder whose last matching pattern
        is not a `!` takes every file under it. Other files go by their own
        last matching pattern. Identical lists (agents often share them) are
        decided once.
        """
        key = tuple((g.source, g.negated, g.dir_only) for g in globs)
        found = self._sections.get(key)
        if found is not None:
            return found
        folder_last: dict[int, int] = {}
        file_last: dict[int, int] = {}
        for number, glob in enumerate(globs):
            folder_last.update(dict.fromkeys(self.hits(glob, True), number))
            file_last.update(dict.fromkeys(self.hits(glob, False), number))
        negated = [g.negated for g in globs]
        chosen = file_last if not any(negated) else {i: n for i, n in file_last.items() if not negated[n]}
        taking = sorted((self.folder_keys[i], i) for i, n in folder_last.items() if not negated[n])
        outer = None
        for key_bytes, folder in taking:
            if outer is not None and key_bytes.startswith(outer):
                continue
            outer = key_bytes + b"\0"
            chosen.update(dict.fromkeys(self.files_under(folder), folder_last[folder]))
        grouped: dict[int, list[int]] = {}
        for index, number in chosen.items():
            grouped.setdefault(number, []).append(index)
        found = self._sections[key] = sorted(grouped.items())
        return found

    def files_under(self, folder: int) -> list[int]:
        key = self.folder_keys[folder] + b"\0"
        low = bisect_left(self.tree_keys, key)
        high = bisect_left(self.tree_keys, key[:-1] + b"\x01", low)
        return self.tree_order[low:high]


class _Texts:
    """Nodes joined by NUL, with their starts: a literal every match must hold is found with bytes.find."""

    def __init__(self, nodes: list[bytes], ignorecase: bool) -> None:
        self.nodes = nodes
        self.text = b"\0".join(nodes)
        self.haystack = self.text.lower() if ignorecase else self.text  # ASCII only, as git folds
        self.ignorecase = ignorecase
        self.starts, offset = [], 0
        for node in nodes:
            self.starts.append(offset)
            offset += len(node) + 1
        self.sorted = sorted(range(len(nodes)), key=nodes.__getitem__) if not ignorecase else []
        self.sorted_nodes = [nodes[i] for i in self.sorted]

    def search(self, glob: Glob) -> frozenset[int]:
        if glob.never:
            return frozenset()
        fullmatch, nodes = glob.regex.fullmatch, self.nodes
        if glob.prefix and not self.ignorecase:
            low = bisect_left(self.sorted_nodes, glob.prefix)
            high = bisect_left(self.sorted_nodes, _after(glob.prefix), low)
            return frozenset(i for i in self.sorted[low:high] if fullmatch(nodes[i]))
        needle = glob.required
        if not needle:
            return frozenset(i for i, node in enumerate(nodes) if fullmatch(node))
        candidates, starts, last = [], self.starts, len(self.starts) - 1
        haystack = self.haystack
        position = haystack.find(needle)
        while position >= 0:
            line = bisect_left(starts, position + 1) - 1
            candidates.append(line)
            if line == last:
                break
            position = haystack.find(needle, starts[line + 1])
        return frozenset(i for i in candidates if fullmatch(nodes[i]))


def _after(prefix: bytes) -> bytes:
    """The smallest bytes greater than every bytes starting with prefix (prefix never ends in 0xff here)."""
    stripped = prefix.rstrip(b"\xff")
    return stripped[:-1] + bytes([stripped[-1] + 1]) if stripped else b"\xff" * (len(prefix) + 1)


class Bulk(Decisions):
    """Decisions for many paths at once, built from each pattern's matches over all files and folders.

    Gives the same decisions as `Engine.decide`, path by path (a property
    test holds the two, and git, to that); used where a command answers for a
    whole repository. Identical patterns of different agents are searched once.
    """

    def __init__(self, engine: Engine, paths: list[str]) -> None:
        self.engine = engine
        self.paths = paths
        relative = [engine.governed(p) for p in paths]
        self.relative = relative
        self.governed = [i for i, r in enumerate(relative) if r is not None]
        self.ungoverned = [i for i, r in enumerate(relative) if r is None]
        self._all = Nodes([os.fsencode(p) for p in paths], engine.ignorecase)
        if self.ungoverned or engine.contract.root:
            self._governed = Nodes([os.fsencode(relative[i]) for i in self.governed], engine.ignorecase)
        else:
            self._governed = self._all
        self._groups: dict[tuple, list[tuple[Rule, list[int]]]] = {}
        self._winners: dict[tuple, dict[int, Rule]] = {}
        self._columns: dict[str, tuple[list[int], list[tuple[str, bool, Rule | None]]]] = {}
        self._writable: dict[str, frozenset[int]] = {}

    def _section(self, agent: str | None, section: str) -> tuple[Section, Nodes, list[int] | None]:
        """The section, the nodes it is matched against, and how their indexes map back (None: same)."""
        if agent is None:
            return self.engine.protected, self._all, None
        back = self.governed if self._governed is not self._all else None
        return self.engine.sections[agent][section], self._governed, back

    def groups(self, agent: str | None, section: str) -> list[tuple[Rule, list[int]]]:
        """The paths in a section, grouped by the rule that puts them there; agent None is the protected section."""
        key = (agent, section)
        if key not in self._groups:
            compiled, nodes, back = self._section(agent, section)
            numbered = nodes.section(compiled.globs)
            rules = compiled.rules
            self._groups[key] = [
                (rules[number], indexes if back is None else [back[i] for i in indexes])
                for number, indexes in numbered
            ]
        return self._groups[key]

    def winners(self, agent: str | None, section: str) -> dict[int, Rule]:
        """{path index: the rule that puts it in the section}."""
        key = (agent, section)
        if key not in self._winners:
            found: dict[int, Rule] = {}
            for rule, indexes in self.groups(agent, section):
                found.update(dict.fromkeys(indexes, rule))
            self._winners[key] = found
        return self._winners[key]

    def members(self, agent: str | None, section: str) -> frozenset[int]:
        return frozenset(self.winners(agent, section))

    def pattern_hits(self, agent: str | None, section: str, index: int) -> frozenset[int]:
        """The paths one pattern matches on its own: the file, or a folder above it."""
        compiled, nodes, back = self._section(agent, section)
        glob = compiled.globs[index]
        local = set(nodes.hits(glob, False))
        for folder in nodes.hits(glob, True):
            local.update(nodes.files_under(folder))
        return frozenset(local if back is None else (back[i] for i in local))

    def rule(self, agent: str, section: str, index: int) -> Rule | None:
        """The deciding rule of one path in one section."""
        return self.winners(agent, section).get(index)

    def column(self, agent: str) -> tuple[list[int], list[tuple[str, bool, Rule | None]]]:
        """One agent's answer for every path: (a code for each path, the answer each code stands for).

        Sections are laid over each other, weakest first, so the strongest that
        holds a path has the last word, as in `Engine.decide`. Paths with the
        same answer share a code, so callers can format it once.
        """
        if agent in self._columns:
            return self._columns[agent]
        answers: list[tuple[str, bool, Rule | None]] = [("unlisted", self.engine.contract.unlisted == "allow", None)]
        column = [0] * len(self.paths)
        for section in _WEAK_TO_STRONG:
            _lay(column, answers, self.groups(agent, section), section, section == "owns")
        if self.ungoverned:
            answers.append(("ungoverned", True, None))
            for index in self.ungoverned:
                column[index] = len(answers) - 1
        _lay(column, answers, self.groups(None, "protected"), "protected", False)
        self._columns[agent] = (column, answers)
        return column, answers

    def decide(self, index: int, agent: str) -> Decision:
        column, answers = self.column(agent)
        access, can_write, rule = answers[column[index]]
        return Decision(self.paths[index], agent, access, can_write, rule)

    def writable(self, agent: str) -> frozenset[int]:
        if agent not in self._writable:
            column, answers = self.column(agent)
            yes = {code for code, (_, can_write, _) in enumerate(answers) if can_write}
            self._writable[agent] = frozenset(i for i, code in enumerate(column) if code in yes)
        return self._writable[agent]

    def owners(self, index: int) -> list[str]:
        return [name for name in self.engine.sections if index in self.writable(name)]


def _lay(column: list[int], answers: list, groups: list[tuple[Rule, list[int]]], access: str, can: bool) -> None:
    for rule, indexes in groups:
        code = len(answers)
        answers.append((access, can, rule))
        for index in indexes:
            column[index] = code
