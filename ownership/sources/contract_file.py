"""The contract file (ownership.yaml), one agent file, or the discovered .claude/agents/*.md → Contract.

Files are read through a `Reader`, so the same code reads the working tree or
a commit. Every problem is collected with its file and line; loading fails
once, with all of them, so a user fixes the contract in one go.
"""

from __future__ import annotations

import posixpath
import re

from ..core.globs import GlobError, translate
from ..core.model import CONTRACT_CANDIDATES, Agent, Contract, Identity, Problem, Rule
from ..errors import ContractErrors, excerpt
from .agent_file import _NAME, AgentFileReader
from .readers import DISCOVERED_AGENTS, Reader, escape_glob
from .yaml_safety import parse

_TOP_KEYS = {
    "version", "root", "agent_files", "agents", "unlisted", "protected", "identity",
    "require_agent", "coordinator", "unknown_agent", "outside_repo", "audit_log", "vocabulary", "mcp_file_tools",
    "restore", "scratch",
}  # fmt: skip
DOCUMENTATION = {"readme.md", "index.md", "_index.md", "readme"}  # beside agent files, these are not agents
_AGENT_KEYS = {"owns", "reads", "cannot_touch", "codeowner", "description", "color"}
_IDENTITY_KEYS = {"trailer", "branch", "authors", "signers", "unsigned", "contract_changes"}
_SCRATCH_KEYS = {"temp", "ignored"}  # scratch: {temp: true, ignored: true}, both true by default


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


class _Loader(AgentFileReader):
    # --- the three shapes of a contract ------------------------------------

    def discovered_agents(self) -> Contract:
        files = [f for f in self.reader.files_under(".claude/agents") if re.fullmatch(r"\.claude/agents/[^/]+\.md", f)]
        files = [f for f in files if not self._documentation(f)]
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
        node, data = parse(text, path, 0, self.error)
        if node is None:
            return Contract(path, "", (), (path,))
        if not isinstance(data, dict):
            self.error(path, 1, "a contract is a YAML mapping (version, root, agents...); see README")
            return Contract(path, "", (), (path,))
        keys = self._keys(node, path, _TOP_KEYS, "contract")
        line = lambda key: keys[key][0] if key in keys else None  # noqa: E731
        folder = path.rpartition("/")[0]

        if data.get("version", 1) != 1:
            self.error(
                path, line("version"), f"unsupported version {excerpt(data.get('version'))}; this tool reads version: 1"
            )
        root = self._root(data.get("root", "."), path, line("root"))
        self.vocabulary = self._vocabulary(keys.get("vocabulary"), path)
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
        names = {a.name for a in unique}
        identity = self._identity(keys.get("identity"), path, names)
        signers = (identity.signers,) if identity.signers else ()
        auto = self._auto_protected(path, [*("/" + escape_glob(f) for f in signers), *agent_patterns])
        return Contract(
            source=path,
            root=root,
            agents=unique,
            files=(path, *signers, *agent_files),
            protected=tuple(r for r in protected if r) + auto,
            unlisted=self._choice(data, "unlisted", ("deny", "allow"), path, line),
            identity=identity,
            require_agent=self._bool(data, "require_agent", path, line),
            coordinator=self._agent_or_allow(data, "coordinator", names, path, line),
            unknown_agent=self._choice(data, "unknown_agent", ("deny", "allow"), path, line),
            outside_repo=self._choice(data, "outside_repo", ("deny", "allow"), path, line),
            audit_log=self._optional_str(data, "audit_log", path, line),
            restore=self._bool(data, "restore", path, line),
            mcp_file_tools=self._mcp_file_tools(data.get("mcp_file_tools"), path, line),
            **self._scratch(keys.get("scratch"), data.get("scratch"), path),
            warnings=tuple(self.warnings),
        )

    # --- YAML helpers ------------------------------------------------------
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
                self.error(
                    source, line, f"{excerpt(key)} is given twice in {what} (first on line {keys[key][0]}); keep one"
                )
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
            self.error(
                source, line, f"root {excerpt(value)} must be a folder inside the repository, relative to its top"
            )
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

    def _mcp_file_tools(self, value, source: str, line) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """`mcp_file_tools: {SERVER/TOOL: [argument, ...]}`: the MCP tools the guard judges by those path arguments."""
        if value is None:
            return ()
        shape = "mcp_file_tools maps SERVER/TOOL to a list of argument names, like {filesystem/write_file: [path]}"
        ok = isinstance(value, dict) and all(
            isinstance(k, str) and k.count("/") == 1 and all(k.split("/")) and isinstance(v, list) and v
            and all(isinstance(f, str) and f for f in v) for k, v in value.items()
        )  # fmt: skip
        if not ok:
            self.error(source, line("mcp_file_tools"), shape)
            return ()
        return tuple((k, tuple(v)) for k, v in value.items())

    def _scratch(self, entry, value, source: str) -> dict[str, bool]:
        """`scratch: {temp: BOOL, ignored: BOOL}` → the Contract's scratch_temp and scratch_ignored (default true)."""
        chosen = {"temp": True, "ignored": True}
        keys = self._keys(entry[1], source, _SCRATCH_KEYS, "scratch") if entry is not None else {}
        for key, (line, _) in keys.items():
            given = value.get(key) if isinstance(value, dict) else None
            if key in chosen and not isinstance(given, bool):
                self.error(source, line, f"scratch.{key} must be true or false, not {excerpt(given)}")
            elif key in chosen:
                chosen[key] = given
        return {"scratch_temp": chosen["temp"], "scratch_ignored": chosen["ignored"]}

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
                    self.error(
                        source, line, f"identity.authors maps {excerpt(email)} to {shown}, which is not an agent"
                    )
                else:
                    authors.append((email.lower(), node.value))
        signers, choices = None, {"unsigned": ("person", "fail"), "contract_changes": ("person", "signed")}
        chosen = {key: values[0] for key, values in choices.items()}
        for key, values in choices.items():
            if key in keys:
                value = keys[key][1].value
                if value not in values:
                    self.error(
                        source, keys[key][0], f"identity.{key} must be {' or '.join(values)}, not {excerpt(value)}"
                    )
                else:
                    chosen[key] = value
        if "signers" in keys:
            value = keys["signers"][1].value
            if not isinstance(value, str) or not value.strip() or value.startswith("/") or ".." in value.split("/"):
                self.error(source, keys["signers"][0], "identity.signers must be a path relative to this file")
            else:
                signers = posixpath.normpath(posixpath.join(posixpath.dirname(source), value.strip()))
        elif chosen != {key: values[0] for key, values in choices.items()}:
            self.error(source, keys.get("unsigned", keys.get("contract_changes"))[0],
                       "identity.unsigned and identity.contract_changes need identity.signers")  # fmt: skip
        return Identity(trailer, branch, tuple(authors), signers, chosen["unsigned"], chosen["contract_changes"])

    # --- agents -----------------------------------------------------------

    def _expand_agent_files(self, globs: list[tuple[str, int]], folder: str, source: str) -> list[str]:
        """The agent files `agent_files` names, in order; a `!` pattern takes files back out."""
        if not globs:
            return []
        candidates = self.reader.files_under(folder)
        prefix = folder + "/" if folder else ""
        found: list[str] = []
        for pattern, line in globs:
            negated = pattern.startswith("!")
            try:
                glob = translate("/" + pattern.lstrip("!").lstrip("/"))
            except GlobError as exc:
                self.error(source, line, f"invalid glob {excerpt(pattern)} in agent_files: {exc}")
                continue
            matched = [c for c in candidates if glob.matches_path(c[len(prefix) :])]
            if negated:
                found = [f for f in found if f not in matched]
                continue
            if not matched:
                self.error(
                    source,
                    line,
                    f"agent_files: {excerpt(pattern)} matches no file under {folder or '.'}/; fix the glob",
                )
            found.extend(m for m in matched if m not in found and not self._documentation(m))
        return found

    def _documentation(self, path: str) -> bool:
        """A README or index beside the agent files is documentation, not an agent, unless it reads like a lane."""
        if path.rpartition("/")[2].lower() not in DOCUMENTATION:
            return False
        from .lanes import read_lanes

        text = self.reader.read(path) or b""
        lanes = read_lanes(text.decode("utf-8", "replace").splitlines(), 1, self.vocabulary)
        if lanes.rules:
            self.warnings.append(
                Problem(
                    "warning",
                    "skipped-documentation",
                    f"{path.rpartition('/')[2]} is read as documentation, not as an agent, yet it lists lanes; "
                    "rename it to the agent's name or exclude it with '!' in agent_files",
                    path,
                    lanes.rules[0].line,
                )
            )
        return True

    def _vocabulary(self, entry, source: str):
        """`vocabulary: {owns: [...], reads: [...], cannot_touch: [...]}`: more words that open a lane section."""
        from .lanes import Vocabulary

        if entry is None:
            return None
        words = {}
        for section, (line, node) in self._keys(
            entry[1], source, {"owns", "reads", "cannot_touch"}, "vocabulary"
        ).items():
            words[section] = [w for w, _ in self._strings((line, node), source, f"vocabulary.{section}")]
        return Vocabulary(words)

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
            colour = self._inline_colour(keys.get("color"), source, name)
            agents.append(
                Agent(name, source, line, codeowner=codeowner, description=description or "", color=colour, **sections)
            )
        return agents

    def _inline_colour(self, entry, source: str, name: str) -> str | None:
        """`color:` of an agent written here, as "#RRGGBB"; a value the map cannot draw is a warning."""
        from .colours import css_colour, known_colours

        text = self._text_value(entry, source, f"{name}.color")
        if text is None:
            return None
        colour = css_colour(text)
        if colour is None:
            message = f"{name}.color: {excerpt(text)} is not a colour the map can draw; write {known_colours()}"
            self.warnings.append(Problem("warning", "unknown-color", message, source, entry[0]))
        return colour

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
