"""Contract sources → Contract: agent Markdown files and the YAML contract file.

Files are read through a `Reader`, so the same code reads the working tree or
a commit. Every problem is collected with its file and line; loading fails
once, with all of them, so a user fixes the contract in one go.
"""

from __future__ import annotations

import os
import re
from typing import Protocol

from .errors import ContractError, ContractErrors, excerpt
from .core.globs import GlobError, strip_trailing_spaces, translate
from .core.model import CONTRACT_CANDIDATES, Agent, Contract, Identity, Problem, Rule

DISCOVERED_AGENTS = ".claude/agents/*.md"
MAX_FILE_BYTES = 1024 * 1024  # a contract or agent file is at most 1 MiB (the README says so)
MAX_NESTING = 32  # levels of YAML collections in one document; a contract needs four
_TOO_DEEP = f"YAML nested more than {MAX_NESTING} levels deep; a contract needs a few levels, flatten it"

_TOP_KEYS = {
    "version", "root", "agent_files", "agents", "unlisted", "protected", "identity",
    "require_agent", "coordinator", "unknown_agent", "outside_repo", "audit_log",
}  # fmt: skip
_AGENT_KEYS = {"owns", "reads", "cannot_touch", "codeowner", "description"}
_IDENTITY_KEYS = {"trailer", "branch", "authors"}
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
_PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{\{|\}\}")


class Reader(Protocol):
    """Where contract files come from: the working tree, or a commit.

    `read` may stop after MAX_FILE_BYTES + 1 bytes: enough to tell a file is too large.
    """

    def read(self, path: str) -> bytes | None: ...

    def files_under(self, folder: str) -> list[str]: ...


class WorkTreeReader:
    """Files as they are on disk, paths relative to the repository root."""

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = os.fspath(root)

    def read(self, path: str) -> bytes | None:
        try:
            with open(os.path.join(self.root, path), "rb") as handle:
                return handle.read(MAX_FILE_BYTES + 1)
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return None
        except OSError as exc:
            raise ContractError(path, None, f"cannot read: {exc.strerror}") from None

    def files_under(self, folder: str) -> list[str]:
        base = os.path.join(self.root, folder) if folder else self.root
        found = []
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = [d for d in dirnames if d != ".git"]
            rel = os.path.relpath(dirpath, self.root).replace(os.sep, "/")
            prefix = "" if rel == "." else rel + "/"
            found.extend(prefix + name for name in filenames)
        return sorted(found)


def discover(reader: Reader) -> str | None:
    """The contract file at the repository root, or None to read .claude/agents/*.md."""
    for candidate in CONTRACT_CANDIDATES:
        if reader.read(candidate) is not None:
            return candidate
    return None


def load(reader: Reader, path: str | None) -> Contract:
    """Read the contract at `path` (YAML, or one agent Markdown file), or the discovered agents."""
    loader = _Loader(reader)
    if path is None:
        contract = loader.discovered_agents()
    elif path.endswith(".md"):
        contract = loader.single_agent(path)
    else:
        contract = loader.yaml_contract(path)
    if loader.errors:
        raise ContractErrors(loader.errors)
    return contract


def escape_glob(path: str) -> str:
    """A pattern that matches exactly this repository-relative path."""
    return "/" + re.sub(r"([*?\[\\])", r"\\\1", path)


class _Loader:
    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.errors: list[ContractError] = []
        self.warnings: list[Problem] = []

    def error(self, source: str, line: int | None, message: str) -> None:
        self.errors.append(ContractError(source, line, message))

    # --- text ------------------------------------------------------------

    def text(self, path: str) -> str | None:
        data = self.reader.read(path)
        if data is None:
            where = getattr(self.reader, "where", "")
            self.error(path, None, f"file not found{where}; create it (and commit it) or fix the path that names it")
            return None
        if len(data) > MAX_FILE_BYTES:
            self.error(path, None, "larger than 1 MiB, the limit for a contract or agent file; shorten it or split it")
            return None
        if b"\0" in data:
            self.error(path, None, "binary file, not a contract; name a Markdown or YAML text file")
            return None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            self.error(path, line, "not UTF-8 text; save the file as UTF-8")
            return None
        if not text.strip():
            self.error(path, None, "empty file; write the contract or remove the file")
            return None
        return text

    # --- the three shapes of a contract ------------------------------------

    def discovered_agents(self) -> Contract:
        files = [f for f in self.reader.files_under(".claude/agents") if re.fullmatch(r"\.claude/agents/[^/]+\.md", f)]
        if not files:
            self.error(
                ".", None,
                "no contract found: looked for ownership.yaml, .ownership.yaml, contract/ownership.yaml "
                "and .claude/agents/*.md; create one or pass --contract",
            )  # fmt: skip
        agents = self._unique([a for a in map(self.agent_file, files) if a])
        protected = self._auto_protected(None, [escape_glob(f) for f in files])
        return Contract(None, "", agents, tuple(files), protected, warnings=tuple(self.warnings))

    def single_agent(self, path: str) -> Contract:
        agent = self.agent_file(path)
        agents = (agent,) if agent else ()
        protected = self._auto_protected(path, [])
        return Contract(path, "", agents, (path,), protected, warnings=tuple(self.warnings))

    def yaml_contract(self, path: str) -> Contract:
        text = self.text(path)
        if text is None:
            return Contract(path, "", (), (path,))
        node, data = self._yaml(text, path, 0)
        if node is None:
            return Contract(path, "", (), (path,))
        if not isinstance(data, dict):
            self.error(path, 1, "a contract is a YAML mapping (version, root, agents...); see README")
            return Contract(path, "", (), (path,))
        keys = self._keys(node, path, _TOP_KEYS, "contract")
        line = lambda key: keys[key][0] if key in keys else None  # noqa: E731
        folder = path.rpartition("/")[0]

        if data.get("version", 1) != 1:
            self.error(path, line("version"), f"unsupported version {excerpt(data.get('version'))}; this tool reads version: 1")
        root = self._root(data.get("root", "."), path, line("root"))
        agent_globs = self._strings(keys.get("agent_files"), path, "agent_files")
        agent_files = self._expand_agent_files(agent_globs, folder, path)
        agents = [a for a in map(self.agent_file, agent_files) if a]
        if "agents" in keys:
            agents.extend(self._inline_agents(keys["agents"][1], path))
        unique = self._unique(agents)
        if not unique and not self.errors:
            self.error(path, None, "the contract defines no agents; add agent_files or agents")

        protected = [
            self._rule("protected", p, path, ln, "")
            for p, ln in self._strings(keys.get("protected"), path, "protected")
        ]
        base = escape_glob(folder) + "/" if folder else "/"
        agent_patterns = [base + g.lstrip("/") for g, _ in agent_globs]
        auto = self._auto_protected(path, agent_patterns)
        names = {a.name for a in unique}
        return Contract(
            source=path,
            root=root,
            agents=unique,
            files=(path, *agent_files),
            protected=tuple(r for r in protected if r) + auto,
            unlisted=self._choice(data, "unlisted", ("deny", "allow"), path, line),
            identity=self._identity(keys.get("identity"), path, names),
            require_agent=self._bool(data, "require_agent", path, line),
            coordinator=self._agent_or_allow(data, "coordinator", names, path, line),
            unknown_agent=self._choice(data, "unknown_agent", ("deny", "allow"), path, line),
            outside_repo=self._choice(data, "outside_repo", ("deny", "allow"), path, line),
            audit_log=self._optional_str(data, "audit_log", path, line),
            warnings=tuple(self.warnings),
        )

    # --- YAML helpers ------------------------------------------------------

    def _yaml(self, text: str, source: str, offset: int):
        """The document's root node and its data; None, None after an error (at its line)."""
        import yaml

        loader_cls = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        try:
            refused = _refused(yaml, loader_cls(text))
            if refused:
                self.error(source, refused[0] + 1 + offset, refused[1])
                return None, None
            loader, node = loader_cls(text), None
            try:
                node = loader.get_single_node()
                data = loader.construct_document(node) if node is not None else None
            except ValueError:  # a number too long for int(), a date like 2001-13-45
                line, value = _unreadable_scalar(yaml, loader_cls, node)
                self.error(source, line + 1 + offset, f"{excerpt(value)} is not a valid YAML number or date; quote it")
                return None, None
            finally:
                loader.dispose()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 + offset if mark else None
            what = exc.problem or exc.context or "malformed YAML"
            if "maximum nesting depth" in what:  # libyaml's own limit, met before the events reach MAX_NESTING
                self.error(source, line, _TOO_DEEP)
                return None, None
            lines = text.splitlines()
            near = lines[mark.line][: mark.column + 1] if mark and mark.line < len(lines) else ""
            hint = "YAML indents with spaces, not tabs: replace the tab" if "\t" in near else "fix the syntax"
            self.error(source, line, f"malformed YAML: {what}; {hint}")
            return None, None
        except yaml.reader.ReaderError as exc:  # a character YAML does not allow, at a position in the text
            line = text.count("\n", 0, max(exc.position, 0)) + 1 + offset
            self.error(source, line, f"{str(exc).splitlines()[0]}; remove it")
            return None, None
        except yaml.YAMLError as exc:
            self.error(source, None, f"malformed YAML: {str(exc).splitlines()[0]}; fix the syntax")
            return None, None
        if node is None:
            self.error(source, offset + 1 if offset else None, "empty YAML document")
        return node, data

    def _keys(self, node, source: str, allowed: set[str], what: str) -> dict:
        """Mapping keys → (line, value node); unknown and repeated keys are errors."""
        import yaml

        if not isinstance(node, yaml.MappingNode):
            self.error(source, node.start_mark.line + 1, f"{what} must be a mapping")
            return {}
        keys: dict = {}
        for key_node, value_node in node.value:
            key, line = str(key_node.value), key_node.start_mark.line + 1
            if key in keys:
                self.error(source, line, f"{excerpt(key)} is given twice in {what} (first on line {keys[key][0]}); keep one")
            elif allowed and key not in allowed:
                expected = ", ".join(sorted(allowed))
                self.error(source, line, f"unknown key {excerpt(key)} in {what}; expected one of {expected}")
            keys[key] = (line, value_node)
        return keys

    def _strings(self, entry, source: str, what: str) -> list[tuple[str, int]]:
        import yaml

        if entry is None:
            return []
        line, node = entry
        if isinstance(node, yaml.ScalarNode) and node.value in ("", "~", "null") and node.tag.endswith("null"):
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.error(source, line, f"'{what}' must be a list of globs, like [src/**]")
            return []
        out = []
        for item in node.value:
            if not isinstance(item, yaml.ScalarNode) or not item.tag.endswith(":str"):
                self.error(source, item.start_mark.line + 1, f"'{what}' entries must be strings (quote them)")
                continue
            out.append((item.value, item.start_mark.line + 1))
        return out

    def _text_value(self, entry, source: str, what: str) -> str | None:
        """A scalar's text (None when the key is absent); a list or mapping is an error."""
        if entry is None:
            return None
        line, node = entry
        if not isinstance(node.value, str):
            self.error(source, line, f"'{what}' must be text, not a list or mapping")
            return None
        return node.value

    def _root(self, value, source: str, line: int | None) -> str:
        if not isinstance(value, str):
            self.error(source, line, "root must be a folder path like sample_service")
            return ""
        root = value.strip().replace("\\", "/").strip("/")
        parts = [p for p in root.split("/") if p not in ("", ".")]
        if value.startswith("/") or ".." in parts:
            self.error(source, line, f"root {excerpt(value)} must be a folder inside the repository, relative to its top")
        return "/".join(parts)

    def _choice(self, data: dict, key: str, choices: tuple[str, ...], source: str, line) -> str:
        value = data.get(key, choices[0])
        if value not in choices:
            self.error(source, line(key), f"{key} must be {' or '.join(choices)}, not {excerpt(value)}")
            return choices[0]
        return value

    def _bool(self, data: dict, key: str, source: str, line) -> bool:
        value = data.get(key, False)
        if not isinstance(value, bool):
            self.error(source, line(key), f"{key} must be true or false, not {excerpt(value)}")
            return False
        return value

    def _optional_str(self, data: dict, key: str, source: str, line) -> str | None:
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            self.error(source, line(key), f"{key} must be a path")
            return None
        return value

    def _agent_or_allow(self, data: dict, key: str, names: set[str], source: str, line) -> str:
        value = data.get(key, "allow")
        if value != "allow" and (not isinstance(value, str) or value not in names):
            self.error(source, line(key), f"{key} must be 'allow' or an agent of the contract, not {excerpt(value)}")
            return "allow"
        return value

    def _identity(self, entry, source: str, names: set[str]) -> Identity:
        if entry is None:
            return Identity()
        keys = self._keys(entry[1], source, _IDENTITY_KEYS, "identity")
        identity = Identity()
        trailer, branch, authors = identity.trailer, identity.branch, []
        for key in ("trailer", "branch"):
            if key in keys:
                node = keys[key][1]
                if not isinstance(node.value, str) or not node.value.strip():
                    self.error(source, keys[key][0], f"identity.{key} must be a non-empty string")
                elif key == "trailer":
                    trailer = node.value.strip()
                elif "<name>" not in node.value:
                    self.error(source, keys[key][0], "identity.branch must hold <name>, like agent/<name>/*")
                else:
                    branch = node.value.strip()
        if "authors" in keys:
            for email, (line, node) in self._keys(keys["authors"][1], source, set(), "identity.authors").items():
                agent = node.value if isinstance(node.value, str) else None
                if agent not in names:
                    shown = excerpt(agent) if agent is not None else "a list or mapping"
                    self.error(source, line, f"identity.authors maps {excerpt(email)} to {shown}, which is not an agent")
                else:
                    authors.append((email.lower(), node.value))
        return Identity(trailer, branch, tuple(authors))

    # --- agents -----------------------------------------------------------

    def _expand_agent_files(self, globs: list[tuple[str, int]], folder: str, source: str) -> list[str]:
        if not globs:
            return []
        candidates = self.reader.files_under(folder)
        prefix = folder + "/" if folder else ""
        found: list[str] = []
        for pattern, line in globs:
            try:
                glob = translate("/" + pattern.lstrip("/"))
            except GlobError as exc:
                self.error(source, line, f"invalid glob {excerpt(pattern)} in agent_files: {exc}")
                continue
            matched = [c for c in candidates if glob.matches_path(c[len(prefix) :])]
            if not matched:
                self.error(source, line, f"agent_files: {excerpt(pattern)} matches no file under {folder or '.'}/; fix the glob")
            found.extend(m for m in matched if m not in found)
        return found

    def _inline_agents(self, node, source: str) -> list[Agent]:
        agents = []
        for name, (line, agent_node) in self._keys(node, source, set(), "agents").items():
            if not _NAME.fullmatch(name):
                self.error(source, line, f"agent name {excerpt(name)} must be letters, digits, '-', '_' or '.'")
                continue
            keys = self._keys(agent_node, source, _AGENT_KEYS, f"agent '{name}'")
            sections = {
                section: tuple(
                    r
                    for p, ln in self._strings(keys.get(section), source, f"{name}.{section}")
                    if (r := self._rule(section, p, source, ln, ""))
                )
                for section in ("owns", "reads", "cannot_touch")
            }
            codeowner = self._text_value(keys.get("codeowner"), source, f"{name}.codeowner")
            description = self._text_value(keys.get("description"), source, f"{name}.description")
            agents.append(Agent(name, source, line, codeowner=codeowner, description=description or "", **sections))
        return agents

    def _unique(self, agents: list[Agent]) -> tuple[Agent, ...]:
        seen: dict[str, Agent] = {}
        for agent in agents:
            if agent.name in seen:
                first = seen[agent.name]
                self.error(
                    agent.source, agent.line,
                    f"agent '{agent.name}' is defined twice (also at {first.source}:{first.line}); rename or remove one",
                )  # fmt: skip
            else:
                seen[agent.name] = agent
        return tuple(seen.values())

    def _auto_protected(self, contract: str | None, patterns: list[str]) -> tuple[Rule, ...]:
        """The contract's own files, and every place a contract could be discovered."""
        source = contract or ".claude/agents"
        own = [escape_glob(contract)] if contract else []
        candidates = [escape_glob(c) for c in CONTRACT_CANDIDATES] + ["/" + DISCOVERED_AGENTS]
        ordered = list(dict.fromkeys(own + patterns + candidates))
        return tuple(Rule("protected", p, source, None, "the contract's own files are protected") for p in ordered)

    def _rule(self, section: str, pattern: str, source: str, line: int, comment: str) -> Rule | None:
        if _PLACEHOLDER.search(pattern):
            self.error(source, line, f"template placeholder in glob {excerpt(pattern)}; render the template or remove the line")
            return None
        try:
            translate(pattern)
        except GlobError as exc:
            self.error(source, line, f"invalid glob {excerpt(pattern)}: {exc}")
            return None
        return Rule(section, pattern, source, line, comment)

    # --- Markdown agent files -------------------------------------------------

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
        node, meta = self._yaml("\n".join(lines[1:end]), path, 1)
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
                        "warning", "unreadable-row",
                        f"table row {excerpt(first.strip())} under {section} is not a backticked path; "
                        "write it as `path/glob` or move it out of the table",
                        path, number,
                    )  # fmt: skip
                )
                continue
            for pattern in re.findall(r"`([^`]+)`", first):
                rule = self._rule(section, pattern.strip(), path, number, comment)
                if rule:
                    out.append(rule)
        return out


def _refused(yaml, loader) -> tuple[int, str] | None:
    """The first thing a contract may not hold, read from the parser's events before anything is built.

    Aliases could expand a few lines into billions of values, tags name Python
    objects, deep nesting exhausts recursion: a contract needs none of them.
    One pass over the events, linear in the text, whose size is capped.
    """
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            line = event.start_mark.line
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
                return line, "YAML aliases and anchors are not allowed in a contract; write the value out"
            tag = getattr(event, "tag", None)
            if tag is not None:
                shown = "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag
                return line, f"YAML tag {excerpt(shown)} is not allowed in a contract; write a plain value"
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_NESTING:
                    return line, _TOO_DEEP
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    finally:
        loader.dispose()
    return None


def _unreadable_scalar(yaml, loader_cls, root) -> tuple[int, str]:
    """The first scalar (line, text) that YAML resolves to a number or date it cannot build."""
    stack = [root] if root is not None else []
    constructor = loader_cls("")
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            try:
                constructor.construct_object(node)
            except ValueError:
                return node.start_mark.line, node.value
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            stack.extend(child for pair in reversed(node.value) for child in reversed(pair))
    return (root.start_mark.line if root is not None else 0), ""


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
