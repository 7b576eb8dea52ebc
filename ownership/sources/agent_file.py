"""Agent files → Agent: who the agent is, and its lanes from front-matter keys and from the Markdown body.

The name is the front matter's `name`. Without one (AGENTS.md files,
charters, instruction files) it is the file's name (`backend.md`, and
`backend.agent.md` → `backend`), or, for a generic file name (AGENTS.md,
CLAUDE.md, README.md...), its folder's (`services/api/AGENTS.md` → `api`).

Lanes come from the body (lanes.py reads the shapes people write) and from
front-matter keys that carry them: `owns`/`reads`/`cannot_touch` and their
common spellings (`allowed_paths`, `deniedPaths`, ...), a per-tool permission
map (`permission: {edit: {"src/**": allow, "*": deny}}`), and Kiro's
`toolsSettings.fs_write.allowedPaths`/`deniedPaths`. Keys that only scope
instructions (`applyTo`, `globs`, `paths`) are not lanes, and are said to be
so when the file has no lane at all.
"""

from __future__ import annotations

import re

from ..core.model import Agent, Problem, Rule
from ..errors import excerpt
from .lanes import PLACEHOLDER, Vocabulary, read_lanes
from .readers import Collector
from .yaml_safety import parse

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
GENERIC_NAMES = {
    "agents", "agent", "claude", "gemini", "readme", "instructions", "copilot-instructions", "contract",
    "charter", "index", "system", "prompt", "rules", "ownership",
}  # fmt: skip
_SUFFIXES = (".agent", ".instructions", ".chatmode", ".prompt", ".rules", ".charter")
_LANE_KEYS = {
    "owns": "owns", "own": "owns", "writes": "owns", "write": "owns", "allowedpaths": "owns", "writepaths": "owns",
    "writable": "owns", "reads": "reads", "read": "reads", "readpaths": "reads", "readable": "reads",
    "cannottouch": "cannot_touch", "deniedpaths": "cannot_touch", "forbidden": "cannot_touch",
    "forbiddenpaths": "cannot_touch", "cannotwrite": "cannot_touch", "neverwrite": "cannot_touch",
}  # fmt: skip
_SCOPE_KEYS = {"applyto", "globs", "paths"}
_PERMISSION_TOOLS = {"edit", "write", "fswrite", "fileedit", "filewrite"}


def _key(text: object) -> str:
    return re.sub(r"[-_\s]", "", str(text)).lower()


class AgentFileReader(Collector):
    """Reads one agent file into an Agent, collecting its problems."""

    vocabulary: Vocabulary | None = None

    def agent_file(self, path: str) -> Agent | None:
        text = self.text(path)
        if text is None:
            return None
        lines = text.splitlines()
        meta, node, body_start = {}, None, 0
        if lines and lines[0].strip() == "---":
            end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
            if end is None:
                self.error(path, 1, "front matter is not closed; add a '---' line after it")
                return None
            problems: list[tuple] = []
            node, meta = parse("\n".join(lines[1:end]), path, 1, lambda *problem: problems.append(problem))
            if problems:
                # A generator's placeholder (`model: {{MODEL}}`) is what a YAML error there usually means.
                placeholder = next((n for n in range(1, end) if PLACEHOLDER.search(lines[n])), None)
                if placeholder is not None:
                    found = excerpt(lines[placeholder].strip())
                    message = f"template placeholder in front matter ({found}); render the template first"
                    self.error(path, placeholder + 1, message)
                else:
                    for problem in problems:
                        self.error(*problem)
                return None
            if node is None:
                return None
            if not isinstance(meta, dict):
                self.error(path, 2, "front matter must be a YAML mapping (name: <agent>, ...)")
                return None
            body_start = end + 1
        name, name_line = self._name(path, meta, lines, body_start)
        if name is None:
            return None
        lanes = read_lanes(lines[body_start:], body_start + 1, self.vocabulary)
        sections: dict[str, list[Rule]] = {"owns": [], "reads": [], "cannot_touch": []}
        for found in lanes.rules:
            rule = self._rule(found.section, found.pattern, path, found.line, found.comment, found.written)
            if rule:
                sections[found.section].append(rule)
        for note in lanes.notes:
            if note.severity == "error":
                self.error(path, note.line, note.message)
            else:
                self.warnings.append(Problem("warning", note.code, note.message, path, note.line))
        scoped = self._front_matter_lanes(node, path, sections) if node is not None else []
        if not any(sections.values()):
            self._no_lane(path, name, name_line, scoped, lanes.parts)
        elif not sections["owns"]:
            self.warnings.append(
                Problem(
                    "warning",
                    "owns-nothing",
                    f"agent '{name}' owns nothing: every write it makes will be refused; "
                    "add an OWNS section if it should write",
                    path,
                    name_line,
                )
            )
        codeowner, description = meta.get("codeowner"), meta.get("description")
        return Agent(
            name,
            path,
            name_line,
            codeowner=codeowner if isinstance(codeowner, str) else None,
            description=description.strip() if isinstance(description, str) else "",
            color=self._colour(path, meta, lines, body_start),
            **{s: tuple(rules) for s, rules in sections.items()},
        )

    def _name(self, path: str, meta: dict, lines: list[str], body_start: int) -> tuple[str | None, int]:
        if "name" in meta:
            name = meta["name"]
            line = next((i + 1 for i in range(1, body_start) if lines[i].startswith("name:")), 2)
            if not isinstance(name, str) or not _NAME.fullmatch(name.strip()):
                self.error(path, line, "front matter needs 'name: <agent>' (letters, digits, '-', '_', '.')")
                return None, line
            return name.strip(), line
        name = name_from_path(path)
        if name is None:
            self.error(
                path, 1,
                "cannot tell which agent this file is for: its name is generic and it sits at the top; "
                "add front matter ('---', 'name: <agent>', '---') or move it into the agent's folder",
            )  # fmt: skip
        return name, 1

    def _colour(self, path: str, meta: dict, lines: list[str], body_start: int) -> str | None:
        """The front matter's `color:` (or `colour:`) as "#RRGGBB"; a value we cannot draw is a warning."""
        from .colours import css_colour, known_colours

        key = next((k for k in ("color", "colour") if k in meta), None)
        if key is None:
            return None
        value = meta[key]
        line = next((i + 1 for i in range(1, body_start) if lines[i].startswith(f"{key}:")), 2)
        colour = css_colour(value) if isinstance(value, str) else None
        if colour is None:
            if value is None:
                said = "is empty (an unquoted # starts a YAML comment: put '#rrggbb' in quotes)"
            else:
                said = f"{excerpt(str(value))} is not a colour the map can draw"
            message = f"{key}: {said}; write {known_colours()}"
            self.warnings.append(Problem("warning", "unknown-color", message, path, line))
        return colour

    def _front_matter_lanes(self, node, path: str, sections: dict[str, list[Rule]]) -> list[str]:
        """Rules from front-matter keys that carry lanes; the instruction-scope keys seen (not lanes)."""
        import yaml

        scoped, rules = [], []
        for key_node, value_node in node.value if isinstance(node, yaml.MappingNode) else ():
            key = _key(key_node.value)
            if key in _LANE_KEYS:
                rules += self._listed(value_node, _LANE_KEYS[key], path)
            elif key in ("permission", "permissions"):
                rules += self._permissions(value_node, path)
            elif key == "toolssettings":
                for tool_key, tool_node in value_node.value if isinstance(value_node, yaml.MappingNode) else ():
                    if _key(tool_key.value) != "fswrite" or not isinstance(tool_node, yaml.MappingNode):
                        continue
                    for inner_key, inner_node in tool_node.value:
                        section = {"allowedpaths": "owns", "deniedpaths": "cannot_touch"}.get(_key(inner_key.value))
                        if section:
                            rules += self._listed(inner_node, section, path)
            elif key in _SCOPE_KEYS:
                scoped.append(str(key_node.value))
        for rule in rules:
            sections[rule.section].append(rule)
        return scoped

    def _listed(self, value_node, section: str, path: str) -> list[Rule]:
        import yaml

        rules = []
        items = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        for item in items:
            line = item.start_mark.line + 2  # the front matter starts on line 2
            if not isinstance(item, yaml.ScalarNode) or not str(item.value).strip():
                self.error(path, line, f"a {section} entry must be a path glob, like src/api/**")
                continue
            rule = self._rule(section, str(item.value).strip(), path, line, "front matter")
            if rule:
                rules.append(rule)
        return rules

    def _permissions(self, value_node, path: str) -> list[Rule]:
        """A per-tool permission map: {edit: {glob: allow|deny|ask}} (OpenCode's shape, among others)."""
        import yaml

        rules: list[Rule] = []
        if not isinstance(value_node, yaml.MappingNode):
            return rules
        for tool_key, tool_node in value_node.value:
            if _key(tool_key.value) not in _PERMISSION_TOOLS:
                continue
            line = tool_key.start_mark.line + 2
            if isinstance(tool_node, yaml.ScalarNode):
                verdict = str(tool_node.value).lower()
                if verdict == "deny":
                    rules.append(Rule("cannot_touch", "**", path, line, "permission: deny"))
                else:
                    self.error(
                        path, line,
                        f"permission {tool_key.value}: {excerpt(tool_node.value)} names no path; a lane needs globs "
                        "(e.g. {\"src/**\": allow, \"*\": deny})",
                    )  # fmt: skip
                continue
            if not isinstance(tool_node, yaml.MappingNode):
                continue
            for glob_node, verdict_node in tool_node.value:
                verdict, glob_line = str(verdict_node.value).lower(), glob_node.start_mark.line + 2
                section = {"allow": "owns", "deny": "cannot_touch", "ask": "cannot_touch"}.get(verdict)
                if section is None:
                    self.error(path, glob_line, f"permission {excerpt(verdict)} is not allow, deny or ask")
                    continue
                if verdict == "ask":
                    self.warnings.append(
                        Problem(
                            "warning",
                            "permission-ask",
                            f"{excerpt(glob_node.value)}: ask is read as cannot touch (nobody is asked at a hook); "
                            "write allow or deny",
                            path,
                            glob_line,
                        )
                    )
                rule = self._rule(section, str(glob_node.value), path, glob_line, f"permission {verdict}")
                if rule:
                    rules.append(rule)
        return rules

    def _no_lane(self, path: str, name: str, line: int, scoped: list[str], parts: int) -> None:
        if scoped:
            why = (
                f"its {', '.join(scoped)} {'keys scope' if len(scoped) > 1 else 'key scopes'} instructions, not writes"
            )
        elif parts:
            why = "its lane sections hold no path we could read (see the notes above)"
        else:
            why = "no OWNS / READS / CANNOT TOUCH section or lane key was found"
        self.warnings.append(
            Problem(
                "warning",
                "no-lane",
                f"agent '{name}' has no lane: {why}; every write it makes will be refused "
                "(add an OWNS section with its paths)",
                path,
                line,
            )
        )


def name_from_path(path: str) -> str | None:
    """The agent a file without front matter names: its file name, or its folder's for a generic name."""
    parts = path.split("/")
    stem = parts[-1]
    for ending in (".md", ".mdc", ".markdown", ".txt"):
        stem = stem.removesuffix(ending)
    for suffix in _SUFFIXES:
        stem = stem.removesuffix(suffix)
    candidates = [stem] if stem.lower() not in GENERIC_NAMES else []
    if len(parts) > 1 and parts[-2] not in (".claude", ".github", "agents", ".cursor", ".kiro", ".codex"):
        candidates.append(parts[-2])
    for candidate in candidates:
        slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", candidate).strip("-.").lower()
        if _NAME.fullmatch(slug):
            return slug
    return None
