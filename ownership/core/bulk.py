"""Many paths at once: Bulk builds indexes over the paths and decides each section for all of them.

Bulk answers exactly what Engine.decide answers (engine.py), from the same
`Glob`s; `decisions_for` picks OneByOne for a few paths and Bulk for many.
"""

from __future__ import annotations

import os
from bisect import bisect_left
from collections.abc import Sequence

from .engine import _WEAK_TO_STRONG, BULK_FROM, Decisions, Engine, OneByOne, Section
from .globs import Glob
from .model import Decision, Rule


def decisions_for(engine: Engine, paths: Sequence[str]) -> Decisions:
    """Decisions for a list of paths: one at a time for a few, Bulk for many (same answers)."""
    if len(paths) > BULK_FROM:
        return Bulk(engine, list(paths))
    return OneByOne(engine, list(paths))


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
                (rules[number], indexes if back is None else [back[i] for i in indexes]) for number, indexes in numbered
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
