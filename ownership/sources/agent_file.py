"""Agent files: Markdown with YAML front matter (name, codeowner, description) and OWNS / READS /
CANNOT TOUCH sections whose globs sit in fenced blocks or backticked table rows."""

from __future__ import annotations

import re

from ..core.globs import strip_trailing_spaces
from ..core.model import Agent, Problem, Rule
from ..errors import excerpt
from .readers import Collector
from .yaml_safety import parse

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")

# Heading words → section, longest first so "cannot touch" wins over "can touch".
_HEADING_WORDS = (
    ("must not touch", "cannot_touch"),
    ("cannot touch", "cannot_touch"),
    ("can't touch", "cannot_touch"),
    ("can touch", "owns"),
    ("can write", "owns"),
    ("can read", "reads"),
    ("owns", "owns"),
    ("reads", "reads"),
)
_HEADING = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
_COMMENT = re.compile(r"(?<!\\)\s#")
_TABLE_SEPARATOR = re.compile(r"\s*:?-+:?\s*")
_BACKTICKED = re.compile(r"\s*`([^`]+)`\s*(?:,\s*`([^`]+)`\s*)*")


class AgentFileReader(Collector):
    """Reads one agent file into an Agent, collecting its problems."""

    def agent_file(self, path: str) -> Agent | None:
        text = self.text(path)
        if text is None:
            return None
        lines = text.splitlines()
        if not lines or lines[0].strip() != "---":
            self.error(path, 1, "no YAML front matter; start the file with '---', 'name: <agent>', '---'")
            return None
        end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
        if end is None:
            self.error(path, 1, "front matter is not closed; add a '---' line after it")
            return None
        node, meta = parse("\n".join(lines[1:end]), path, 1, self.error)
        if node is None:
            return None
        if not isinstance(meta, dict):
            self.error(path, 2, "front matter must be a YAML mapping with a 'name' key")
            return None
        name = meta.get("name")
        name_line = next((i + 1 for i in range(1, end) if lines[i].startswith("name:")), 2)
        if not isinstance(name, str) or not _NAME.fullmatch(name.strip()):
            self.error(path, name_line, "front matter needs 'name: <agent>' (letters, digits, '-', '_', '.')")
            return None
        sections = self._markdown_sections(lines, end + 1, path)
        codeowner = meta.get("codeowner")
        description = meta.get("description")
        return Agent(
            name.strip(),
            path,
            name_line,
            codeowner=codeowner if isinstance(codeowner, str) else None,
            description=description.strip() if isinstance(description, str) else "",
            **sections,
        )

    def _markdown_sections(self, lines: list[str], start: int, path: str) -> dict[str, tuple[Rule, ...]]:
        rules: dict[str, list[Rule]] = {"owns": [], "reads": [], "cannot_touch": []}
        section: str | None = None
        fence: str | None = None  # the opening fence while inside a fenced block
        in_globs = False
        table: list[tuple[int, str]] = []

        def flush_table() -> None:
            if table and section:
                rules[section].extend(self._table_rules(table, section, path))
            table.clear()

        for index in range(start, len(lines)):
            number, raw = index + 1, lines[index]
            if fence is not None:
                stripped = raw.strip()
                if stripped.startswith(fence[0]) and set(stripped) == {fence[0]} and len(stripped) >= len(fence):
                    fence, in_globs = None, False
                elif in_globs and section:
                    rule = self._glob_line(raw, section, path, number)
                    if rule:
                        rules[section].append(rule)
                continue
            opening = _FENCE.fullmatch(raw)
            if opening:
                flush_table()
                fence, in_globs = opening.group(1), section is not None
                continue
            heading = _HEADING.fullmatch(raw)
            if heading:
                flush_table()
                section = _section_of(heading.group(2) or "")
                continue
            if raw.lstrip().startswith("|"):
                table.append((number, raw))
            else:
                flush_table()
        flush_table()
        return {k: tuple(v) for k, v in rules.items()}

    def _glob_line(self, raw: str, section: str, path: str, number: int) -> Rule | None:
        text = raw.strip()
        if not text or text.startswith("#"):
            return None
        comment = ""
        found = _COMMENT.search(text)
        if found:
            text, comment = text[: found.start()], text[found.end() :].strip()
        return self._rule(section, strip_trailing_spaces(text), path, number, comment)

    def _table_rules(self, table: list[tuple[int, str]], section: str, path: str) -> list[Rule]:
        rows = [(number, _cells(raw)) for number, raw in table]
        body = rows
        if len(rows) >= 2 and all(_TABLE_SEPARATOR.fullmatch(c) for c in rows[1][1]):
            body = rows[2:]
        out = []
        for number, cells in body:
            if all(_TABLE_SEPARATOR.fullmatch(c) for c in cells):
                continue
            first = cells[0] if cells else ""
            comment = cells[1].strip() if len(cells) > 1 else ""
            if not _BACKTICKED.fullmatch(first):
                self.warnings.append(
                    Problem(
                        "warning",
                        "unreadable-row",
                        f"table row {excerpt(first.strip())} under {section} is not a backticked path; "
                        "write it as `path/glob` or move it out of the table",
                        path,
                        number,
                    )
                )
                continue
            for pattern in re.findall(r"`([^`]+)`", first):
                rule = self._rule(section, pattern.strip(), path, number, comment)
                if rule:
                    out.append(rule)
        return out


def _section_of(heading: str) -> str | None:
    words = re.sub(r"[*_`]", "", heading).lower()
    words = re.sub(r"\s+", " ", words).strip()
    words = re.sub(r"^[^a-z0-9]+", "", words)
    for phrase, section in _HEADING_WORDS:
        if words.startswith(phrase) and not re.match(r"[a-z0-9]", words[len(phrase) : len(phrase) + 1]):
            return section
    return None


def _cells(row: str) -> list[str]:
    text = row.strip()
    text = text[1:] if text.startswith("|") else text
    text = text[:-1] if text.endswith("|") and not text.endswith("\\|") else text
    return [c.replace("\\|", "|") for c in re.split(r"(?<!\\)\|", text)]
