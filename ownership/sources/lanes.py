"""The body of an agent file → the lane rules its author wrote, and a note for every part not read.

People write lanes in many shapes. Read as their authors mean them:

- A section opens at a heading or at a label line (`**Write:**`,
  `✅ **Allowed write access:**`, `Forbidden writes:`) whose words, emoji and
  emphasis aside, start with a phrase of the vocabulary (`VOCABULARY`, more
  phrases per contract in `ownership.yaml`'s `vocabulary:`). A heading section
  runs to the next heading; a label section to the next label or heading, or to
  the first line that is neither blank nor an item once its items began.
- Inside a section: plain fenced blocks (one pattern a line), bullet and
  numbered items (backticked or bare paths, several per item joined by `,` or
  ` / `), tables of backticked paths, and paths written on the label's own line.
- What follows a path is its description: ` # text`, ` — text`, ` - text`,
  `(text)`, `: text`, or text after a check mark.
- Brace lists are alternatives: `*.test.{ts,js}` is two rules, each keeping
  what was written (`Found.written`), so `lanes` can say so.

Everything else a section holds is reported, never dropped in silence. Where
a guess could widen a lane (a qualifier such as "(read only)" on an OWNS line,
a tree drawing whose root line would take the whole folder, a Windows path, an
escaped or garbled glob), the rule is refused as an error and grants nothing;
the same under CANNOT TOUCH, since a deny we did not read is a hole. Under
READS, where nothing is granted, it is a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import excerpt

# Phrases → section; matched at the start of a heading's or label's words, longest first.
# fmt: off
VOCABULARY: dict[str, tuple[str, ...]] = {
    "owns": (
        "owns", "own", "ownership of", "what i own", "what you own", "files i own", "files you own",
        "can touch", "can write", "can modify", "can edit", "can change", "may write", "may edit", "may modify",
        "allowed", "allowed writes", "allowed write access", "allowed paths", "allowed files", "allowed to modify",
        "allowed to edit", "write access", "write", "writes", "writable", "writeable", "scope", "in scope",
        "working directory", "your files", "your lane", "responsible for",
        # other languages
        "schreibzugriff", "darf ändern", "darf schreiben", "peut modifier", "peut écrire", "puede modificar",
        "puede escribir", "可写", "可以修改", "負責",
    ),
    "reads": (
        "reads", "read", "can read", "may read", "allowed reads", "allowed read access", "allowed to read", "read-only", "read only", "readonly", "read access",
        "reference only", "for reference", "files you can read",
        "lesezugriff", "nur lesen", "lecture seule", "solo lectura", "只读", "只讀",
    ),
    "cannot_touch": (
        "cannot touch", "can't touch", "can not touch", "must not touch", "do not touch", "don't touch",
        "never touch", "never edit", "never modify", "never write", "never change", "do not modify", "do not edit",
        "do not write", "do not change", "don't modify", "don't edit", "must not modify", "must not edit",
        "must not write", "must not change", "cannot write", "cannot modify", "cannot edit", "cannot change",
        "forbidden", "forbidden writes", "forbidden paths", "forbidden files", "off limits", "off-limits",
        "not allowed", "no write access", "no access", "restricted", "out of scope", "not yours",
        "nicht ändern", "nicht anfassen", "verboten", "ne pas toucher", "ne pas modifier", "interdit", "no tocar",
        "no modificar", "prohibido", "禁止修改", "不要修改", "禁止",
    ),
}
# fmt: on
# Headings that hold lane sections below them and none of their own.
CONTAINERS = ("file ownership", "ownership", "files", "boundaries", "lanes", "lane", "permissions", "access")
# An item that says the section is empty on purpose.
EMPTY = ("none", "nothing", "n/a", "na", "-", "—", "(none)", "no files", "nothing else")
# Words that change what a path means; on OWNS they would widen a lane if ignored.
QUALIFIERS = re.compile(
    r"\b(read[- ]?only|only if|only when|only with|if asked|when asked|unless|except|with approval|"
    r"without (?:\w+ )?approval|ask first|on request|root level|top level|top-level|optional)",
    re.IGNORECASE,
)
PLAIN_FENCES = ("", "text", "txt", "plain", "plaintext", "gitignore", "ignore", "glob", "globs", "paths", "path")

_HEADING = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})\s*([^`\s]*).*")
_ITEM = re.compile(r"\s*(?:[-*+]|\d{1,3}[.)])\s+(.*)")
_CHECKBOX = re.compile(r"\[[ xX]\]\s*")
_TREE = re.compile(r"[├└│┌┐┘┤┬┴┼─]")
_ARROWS = re.compile(r"[→←↑↓⇒⇐⟶⟵➜➔➡⬅]|->|=>")
_MARKS = "✅✔✓☑❌✖✗✘🚫⛔⚠️❗❕‼️⭐🔒🔓📁📂📄📝🛑🟢🔴🟡•·"
_LEADING_SYMBOLS = re.compile(r"^[^\w`*_~\\/.!\[]+")
_CODE = re.compile(r"`([^`]+)`")
_SPLIT_DESCRIPTION = re.compile(r"\s+#\s|\s+[—–]\s*|\s+-\s+|\s*\(|:\s|\s+[" + "✅✔✓☑" + r"]\s*")
_PATHLIKE = re.compile(r"[/*?\[]|\.\w{1,8}$|^\.[\w-]+$|^[\w-]+\.\w+$")
_WINDOWS = re.compile(r"\\[A-Za-z0-9_]")
_MD_ESCAPE = re.compile(r"\\[*_#]")
PLACEHOLDER = re.compile(  # a generator's template field: {{NAME}}, {{#if X}}, <NAME>
    r"\{\{[#/^]?\s*[A-Za-z_][\w. -]*\}\}|<[A-Z][A-Z_]+>"
)
_EMOJI = re.compile(r"[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F]")
MAX_ALTERNATIVES = 64


@dataclass(frozen=True)
class Found:
    """One rule read from the body."""

    section: str
    pattern: str
    line: int
    comment: str = ""
    written: str = ""  # the token as written, when a brace list was expanded


@dataclass(frozen=True)
class Note:
    """A part of the body that was not read as a rule, and why."""

    severity: str  # error | warning
    code: str
    message: str
    line: int


@dataclass(frozen=True)
class Lanes:
    rules: tuple[Found, ...]
    notes: tuple[Note, ...]
    parts: int  # lane-like headings and labels seen


class Vocabulary:
    """Phrase → section, the defaults plus a contract's own words (any language)."""

    def __init__(self, extra: dict[str, list[str]] | None = None) -> None:
        phrases = [(p, s) for s, words in VOCABULARY.items() for p in words]
        for section, words in (extra or {}).items():
            phrases += [(normalize(w), section) for w in words]
        self.phrases = sorted(phrases, key=lambda pair: -len(pair[0]))

    def section_of(self, words: str) -> str | None:
        for phrase, section in self.phrases:
            if words.startswith(phrase) and not _word_char(words[len(phrase) : len(phrase) + 1]):
                return section
        return None


def _word_char(text: str) -> bool:
    return bool(text) and (text.isalnum() or text == "_")


def normalize(text: str) -> str:
    """Words of a heading or label: emphasis, emoji and leading symbols dropped, lower case, one space."""
    words = re.sub(r"[*_`]", "", text)
    words = _EMOJI.sub(" ", words)
    words = re.sub(r"\s+", " ", words).strip().lower()
    words = _LEADING_SYMBOLS.sub("", words).strip()
    words = re.sub(r"^\d+(?:\.\d+)*[.)]?\s+", "", words)  # a numbered heading
    return words.rstrip(":").strip()


def read_lanes(lines: list[str], first: int, vocabulary: Vocabulary | None = None) -> Lanes:
    """Read the body `lines`, whose first line is line number `first` of its file."""
    return _Reader(vocabulary or Vocabulary()).read(lines, first)


class _Reader:
    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self.rules: list[Found] = []
        self.notes: list[Note] = []
        self.parts = 0

    def note(self, severity: str, code: str, message: str, line: int) -> None:
        self.notes.append(Note(severity, code, message, line))

    def refuse(self, section: str, code: str, message: str, line: int) -> None:
        """An entry we cannot read exactly: an error where a guess could widen a lane or drop a deny."""
        self.note("warning" if section == "reads" else "error", code, message, line)

    # --- structure ----------------------------------------------------------------

    def read(self, lines: list[str], first: int) -> Lanes:
        section: str | None = None
        opened_at = 0
        label = False  # the section was opened by a label, not a heading
        items_seen = 0  # entries read (or refused) since the section opened
        fence: tuple[str, str] | None = None  # (marker, info) while inside a fenced block
        fence_lines: list[tuple[int, str]] = []
        table: list[tuple[int, str]] = []

        level = 0  # the heading level that opened the section (0: a label)

        def close(deeper_lane: bool = False) -> None:
            nonlocal section, items_seen
            items_seen += self.flush_table(table, section)
            if section is not None and items_seen == 0 and not deeper_lane:
                self.note(
                    "warning", "empty-lane",
                    f"{excerpt(lines[opened_at - first].strip())} reads as {_title(section)} but no path follows it; "
                    "list its paths under it (one a line, or as `path` items), or write 'None'",
                    opened_at,
                )  # fmt: skip
            section = None

        for index, raw in enumerate(lines):
            number = first + index
            if fence is not None:
                marker = raw.strip()
                if marker.startswith(fence[0][0]) and set(marker) == {fence[0][0]} and len(marker) >= len(fence[0]):
                    if section is not None:
                        items_seen += self.fenced(fence_lines, fence[1], section)
                    fence, fence_lines = None, []
                else:
                    fence_lines.append((number, raw))
                continue
            opening = _FENCE.fullmatch(raw)
            if opening:
                items_seen += self.flush_table(table, section)
                fence, fence_lines = (opening.group(1), opening.group(2).lower()), []
                continue
            heading = _HEADING.fullmatch(raw)
            if heading:
                words = normalize(heading.group(2) or "")
                found = self.vocabulary.section_of(words)
                # A heading whose only content is deeper lane headings ('## Scope', '### Can Read') holds them.
                close(deeper_lane=found is not None and len(heading.group(1)) > level > 0)
                if found is None and words not in CONTAINERS and _mentions_lane(words, self.vocabulary):
                    self.note(
                        "warning", "unread-heading",
                        f"heading {excerpt(raw.strip())} sounds like a lane but its words are not in the "
                        "vocabulary; rename it (OWNS, READS, CANNOT TOUCH) or add its words to `vocabulary:`",
                        number,
                    )  # fmt: skip
                if found is not None:
                    self.parts += 1
                    section, opened_at, label, items_seen = found, number, False, 0
                    level = len(heading.group(1))
                continue
            labelled = self.label(raw)
            if labelled is not None:
                close()
                found, rest = labelled
                self.parts += 1
                section, opened_at, label, items_seen = found, number, True, 0
                level = 0
                if rest.strip():
                    items_seen += self.entries(rest, section, number, inline=True)
                continue
            if section is None:
                continue
            if raw.lstrip().startswith("|"):
                table.append((number, raw))
                continue
            items_seen += self.flush_table(table, section)
            item = _ITEM.fullmatch(raw)
            if item:
                items_seen += self.entries(item.group(1), section, number, inline=False)
                continue
            stripped = raw.strip()
            if not stripped:
                continue
            if label and items_seen:
                close()  # a label's list ended; what follows is prose
                continue
            if normalize(stripped) in EMPTY:
                items_seen += 1
                continue
            if _CODE.search(stripped) or _bare_path_line(stripped):
                if _bare_path_line(stripped):
                    items_seen += self.entries(stripped, section, number, inline=False)
                else:
                    items_seen += 1
                    self.note(
                        "warning", "prose-paths",
                        f"this line under {_title(section)} names paths in prose ({excerpt(stripped)}); "
                        "it was not read: list each path as its own item",
                        number,
                    )  # fmt: skip
        if fence is not None and section is not None:
            items_seen += self.fenced(fence_lines, fence[1], section)
        close()
        return Lanes(tuple(self.rules), tuple(self.notes), self.parts)

    def label(self, raw: str) -> tuple[str, str] | None:
        """(section, text after the label) when the line is a lane label such as `**Write:**`."""
        text = _EMOJI.sub(" ", raw).strip()
        text = text.lstrip(_MARKS + " ")
        if _ITEM.fullmatch(text):
            return None
        bold = re.match(r"(\*\*|__)(.+?)\1:?\s*(.*)", text)
        if bold:
            words = normalize(bold.group(2))
            section = self.vocabulary.section_of(words)
            if section is None or len(words.split()) > 8:
                return None
            return section, bold.group(3)
        plain = re.fullmatch(r"([^:`]{2,60}):\s*(.*)", text)
        if plain:
            words = normalize(plain.group(1))
            section = self.vocabulary.section_of(words)
            rest = plain.group(2)
            paths = _CODE.search(rest) or all(_PATHLIKE.search(t) for t in re.split(r",\s*|\s+/\s+", rest) if t)
            if section is not None and len(words.split()) <= 5 and (not rest or paths):
                return section, rest
        return None

    # --- entries ----------------------------------------------------------------------

    def fenced(self, block: list[tuple[int, str]], info: str, section: str) -> int:
        if info not in PLAIN_FENCES:
            self.note(
                "warning", "code-block",
                f"a ```{info} block under {_title(section)} was not read as paths; "
                "write paths in a plain ``` block, one a line",
                block[0][0] - 1 if block else 0,
            )  # fmt: skip
            return 1
        tree = next(((n, r) for n, r in block if _TREE.search(r)), None)
        if tree is not None:
            self.refuse(
                section, "tree-drawing",
                f"a tree drawing under {_title(section)} cannot be read as globs (its top line would take the "
                "whole folder, marks and all); list the paths one a line, e.g. src/api/**",
                tree[0],
            )  # fmt: skip
            return 1
        if not any(raw.strip() for _, raw in block):
            return 1  # an empty block: nothing, on purpose
        read = 0
        for number, raw in block:
            text = raw.strip()
            if not text or text.startswith("#"):
                continue
            read += self.entries(text, section, number, inline=False, fenced=True)
        return read

    def entries(self, text: str, section: str, number: int, inline: bool, fenced: bool = False) -> int:
        """Read one item (a list item, a fence line, a label's remainder): its paths, then its description."""
        text = _CHECKBOX.sub("", text.strip(), count=1).strip().lstrip(_MARKS + " ").strip()
        if not text:
            return 0
        if normalize(text) in EMPTY:
            return 1
        if not fenced and text.startswith("`"):
            return self.code_spans(text, section, number)
        if not fenced and _CODE.search(text):
            self.note("warning", "prose-paths",
                      f"this item under {_title(section)} names paths in prose ({excerpt(text)}); it was not read: "
                      "start the item with the path", number)  # fmt: skip
            return 1
        paths, description = _split_description(text)
        tokens = [t for t in re.split(r",\s*|\s+/\s+", paths) if t]
        if not tokens:
            return 0
        if not fenced and not all(_PATHLIKE.search(t) or t.endswith("/") for t in tokens):
            self.note(
                "warning", "not-a-path",
                f"item {excerpt(text)} under {_title(section)} names no path we can read; "
                "write it as `path/glob` (or move it out of the lane)",
                number,
            )  # fmt: skip
            return 1
        for token in tokens:
            self.add(section, token, description, number, markdown=not fenced)
        return 1

    def code_spans(self, text: str, section: str, number: int) -> int:
        spans, at = [], 0
        for match in _CODE.finditer(text):
            between = text[at : match.start()].strip()
            if spans and between not in ("", ",", "/", "and", "or", "&", "|", ";"):
                break
            spans.append(match.group(1).strip())
            at = match.end()
        rest = text[at:].strip()
        description = _description(rest)
        for span in spans:
            self.add(section, span, description, number, markdown=False)
        return 1

    def add(self, section: str, token: str, description: str, number: int, markdown: bool) -> None:
        token = token.strip().rstrip(",;")
        if PLACEHOLDER.search(token):
            message = f"template placeholder in glob {excerpt(token)}; render the template or remove the line"
            self.refuse(section, "placeholder", message, number)
            return
        if QUALIFIERS.search(description) and section == "owns":
            self.refuse(
                section, "qualified",
                f"{excerpt(token)} under OWNS says {excerpt(description)}: a condition we cannot enforce would "
                "widen the lane; remove the condition, or move the path to READS or CANNOT TOUCH",
                number,
            )  # fmt: skip
            return
        if QUALIFIERS.search(description):
            self.note("warning", "qualified",
                      f"{excerpt(token)} under {_title(section)} says {excerpt(description)}; the condition is not "
                      "enforced, the rule applies always", number)  # fmt: skip
        problem = _garbled(token, markdown)
        if problem:
            self.refuse(section, "unreadable-path", f"{excerpt(token)}: {problem}", number)
            return
        alternatives = _braces(token)
        if alternatives is None:
            self.refuse(section, "braces",
                        f"{excerpt(token)}: its brace list expands to more than {MAX_ALTERNATIVES} patterns; "
                        "write them out", number)  # fmt: skip
            return
        written = token if len(alternatives) > 1 or alternatives[0] != token else ""
        for pattern in alternatives:
            self.rules.append(Found(section, pattern, number, description, written))

    def flush_table(self, table: list[tuple[int, str]], section: str | None) -> int:
        """Read a table's rows of backticked paths; the number of rows read or reported."""
        if not table:
            return 0
        rows = [(n, _cells(r)) for n, r in table]
        table.clear()
        if section is None:
            return 0
        separator = re.compile(r"\s*:?-+:?\s*")
        if len(rows) >= 2 and all(separator.fullmatch(c) for c in rows[1][1]):
            rows = rows[2:]
        for number, cells in rows:
            if all(separator.fullmatch(c) for c in cells):
                continue
            first = cells[0].strip() if cells else ""
            comment = cells[1].strip() if len(cells) > 1 else ""
            if not first.startswith("`"):
                if normalize(first) in EMPTY:
                    continue
                self.note(
                    "warning", "unreadable-row",
                    f"table row {excerpt(first)} under {_title(section)} is not a backticked path; "
                    "write it as `path/glob` or move it out of the table",
                    number,
                )  # fmt: skip
                continue
            self.code_spans(first + (" — " + comment if comment else ""), section, number)
        return len(rows)


# --- tokens ------------------------------------------------------------------------


def _split_description(text: str) -> tuple[str, str]:
    """`src/api/** — routes` → ('src/api/**', 'routes'); a `# comment` only after whitespace."""
    found = _SPLIT_DESCRIPTION.search(text)
    if found is None:
        return text, ""
    return text[: found.start()].strip(), _description(text[found.start() :])


def _description(rest: str) -> str:
    rest = rest.strip()
    rest = re.sub(r"^(?:#|[—–-]|:|[" + "✅✔✓☑" + r"])\s*", "", rest)
    if rest.startswith("(") and rest.endswith(")"):
        rest = rest[1:-1]
    return rest.strip()


def _garbled(token: str, markdown: bool) -> str | None:
    """Why a token cannot be a glob as written, or None."""
    if _TREE.search(token):
        return "holds tree-drawing characters; list the path itself"
    if _ARROWS.search(token):
        return "holds an arrow; write the path alone and put the rest in a description (`path` — text)"
    if _EMOJI.search(token) or any(mark in token for mark in _MARKS):
        return "holds an emoji or a mark; write the path alone"
    if re.search(r"(?<!\\)\s", token):
        return "holds a space; escape it as '\\ ' or write the path in backticks without the words around it"
    if markdown and _MD_ESCAPE.search(token):
        return "is a Markdown-escaped glob; write it in backticks, e.g. `src/**`"
    if "/" not in token and _WINDOWS.search(token) and not re.search(r"\\[*?\[\]\\ #!]", token):
        return "looks like a Windows path; write it with '/' (e.g. src/api/x.py)"
    return None


def _braces(token: str) -> list[str] | None:
    """Brace lists as alternatives (`*.{ts,js}` → two patterns); None past MAX_ALTERNATIVES."""
    match = re.search(r"(?<!\\)\{([^{}]*,[^{}]*)\}", token)
    if match is None:
        return [token]
    out: list[str] = []
    for choice in match.group(1).split(","):
        expanded = _braces(token[: match.start()] + choice + token[match.end() :])
        if expanded is None:
            return None
        out += expanded
        if len(out) > MAX_ALTERNATIVES:
            return None
    return list(dict.fromkeys(out))


def _bare_path_line(text: str) -> bool:
    """A line that is one path and nothing else (no bullet): `src/api/**`."""
    head = _split_description(text)[0]
    return bool(head) and " " not in head and bool(_PATHLIKE.search(head)) and not head.endswith(":")


def _mentions_lane(words: str, vocabulary: Vocabulary) -> bool:
    """A heading that sounds like a lane without starting with a phrase we know ('Paths this agent owns')."""
    return any(f" {phrase}" in f" {words}" for phrase, _ in vocabulary.phrases if len(phrase) > 5)


def _cells(row: str) -> list[str]:
    text = row.strip()
    text = text.removeprefix("|")
    text = text[:-1] if text.endswith("|") and not text.endswith("\\|") else text
    return [c.replace("\\|", "|") for c in re.split(r"(?<!\\)\|", text)]


def _title(section: str) -> str:
    return {"owns": "OWNS", "reads": "READS", "cannot_touch": "CANNOT TOUCH"}[section]
