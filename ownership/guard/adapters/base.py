"""What every host adapter shares: the Answer, the payload helpers, MCP file tools, the installed files.

A host's answer is an `Answer` (stdout, stderr, exit code) the `guard` command
prints as is. `Host` gives the exit-2 defaults (Windsurf, Kiro, OpenCode); each
adapter overrides what its host does differently.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

from ...errors import UsageError
from ..installers import fail_closed
from ..protocol import HookInput, Verdict

# MCP tools that write files: server -> tool -> the argument fields holding paths. The defaults are
# the reference filesystem server's (modelcontextprotocol/servers, src/filesystem/README.md: write_file
# {path, content}, edit_file {path, edits, dryRun}, create_directory {path}, move_file {source, destination}).
MCP_FILE_TOOLS = {
    "filesystem": {
        "write_file": ("path",), "edit_file": ("path",), "create_directory": ("path",),
        "move_file": ("source", "destination"),
    },
}  # fmt: skip

# Every host's hook configuration: an agent may not rewrite the guard that judges it.
# A path ending with '/' covers the folder.
HOOK_FILES = (
    ".claude/settings.json", ".claude/settings.local.json", ".claude-plugin/", ".codex/hooks.json",
    ".codex/config.toml", ".gemini/settings.json", ".cursor/hooks.json", ".github/hooks/", ".windsurf/hooks.json",
    ".clinerules/hooks/", ".opencode/plugins/", "opencode.json", ".kiro/agents/", ".kiro/hooks/",
)  # fmt: skip


@dataclass(frozen=True)
class Answer:
    stdout: str = ""
    stderr: str = ""
    code: int = 0


class Host:
    name = ""
    title = ""
    folder = ""  # the folder that says a repository uses the host (`install --all`)
    project_var: str | None = None  # the variable the host sets to the project folder for hook commands
    markers: tuple[str, ...] = ()  # paths that say a repository uses the host (default: its folder)

    def used_in(self, repo: str) -> bool:
        return any(os.path.exists(os.path.join(repo, m)) for m in self.markers or (self.folder,))

    # --- the hook call ---

    def load(self, data: bytes) -> dict:
        return load_json(data, self.title)

    def request(self, payload: dict, cwd: str) -> HookInput | None:
        """The guard's request; None for a call the guard does not judge (a read, another event)."""
        raise NotImplementedError

    def project(self, payload: dict) -> str | None:
        """The project folder the payload names, used when the hook command does not pin one with -C."""
        cwd = payload.get("cwd")
        return cwd if isinstance(cwd, str) and os.path.isabs(cwd) else None

    def answer(self, verdict: Verdict) -> Answer:
        denied = verdict.denied
        return self.deny("\n".join(dict.fromkeys(c.reason for c in denied))) if denied else self.allow()

    def allow(self) -> Answer:
        return Answer()

    def deny(self, reason: str) -> Answer:
        return Answer("", reason + "\n", 2)

    def fail(self, reason: str) -> Answer:
        """Input or a contract the guard cannot read: refused, in the form the host cannot let through."""
        return self.deny(reason)

    # --- installing ---

    def command(self, program: str, agent: str | None = None) -> str:
        """The hook's shell command, failing closed (fail_closed)."""
        return fail_closed(self.invocation(program, agent))

    def invocation(self, program: str, agent: str | None = None) -> str:
        pinned = f' -C "${self.project_var}"' if self.project_var else ""
        tail = f" --agent {agent}" if agent else ""
        return f"{program}{pinned} guard --host {self.name}{tail}"

    def install(self, ws, program: str) -> list[tuple[str, bool]]:
        """Write or merge the hook's configuration: (repository-relative file, whether it changed)."""
        raise NotImplementedError

    def installed(self, ws) -> str | None:
        """The guard's command as the configuration holds it; None when it is not installed."""
        raise NotImplementedError

    # --- doctor ---

    def shell(self) -> list[str]:
        """How the host runs a hook's command line (doctor runs it the same way)."""
        return ["/bin/sh", "-c"]

    def probe(self, cwd: str, path: str | None, command: str | None, agent: str | None = None) -> bytes:
        """A write of `path` (absolute) or a shell `command`, as the host sends it."""
        raise NotImplementedError

    def decision(self, code: int, out: str, err: str) -> str:
        """'allow', 'deny' or 'unclear': what the host makes of an answer."""
        if code == 2 and err.strip():
            return "deny"
        return "allow" if code == 0 else "unclear"

    def said(self, code: int, out: str, err: str, said) -> str:
        """decision() of a host that denies by exit 2 + stderr, allows by silence, or says JSON that `said` reads."""
        if code == 2 and err.strip():
            return "deny"
        if code == 0 and not out.strip():
            return "allow"
        try:
            return "deny" if code == 0 and said(json.loads(out)) else "unclear"
        except (ValueError, KeyError, TypeError, AttributeError):
            return "unclear"

    def env(self, repo: str) -> dict[str, str]:
        return {self.project_var: repo} if self.project_var else {}


# --- payload helpers --------------------------------------------------------------


def load_json(data: bytes, title: str) -> dict:
    """The hook's JSON object (a UTF-8 byte-order mark tolerated); UsageError naming what is wrong."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data.strip():
        raise UsageError(f"hook input is empty; `ownership guard` reads the JSON {title} sends on stdin")
    try:
        payload = json.loads(data)
    except UnicodeDecodeError:
        raise UsageError(f"hook input is not UTF-8 text; `ownership guard` reads {title}'s hook JSON") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"hook input is not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    if not isinstance(payload, dict):
        raise UsageError(f"hook input must be a JSON object, not {type(payload).__name__}")
    return payload


def field(obj, key: str, where: str, kind: type = str, required: bool = True):
    """obj[key] of type `kind` (a string: non-empty, no NUL); UsageError naming `where.key` otherwise."""
    value = obj.get(key) if isinstance(obj, dict) else None
    if value is None and not required:
        return None
    if not isinstance(value, kind) or (kind is str and (not value or "\0" in value)):
        shown = {str: "a non-empty string", dict: "an object", list: "a list"}.get(kind, kind.__name__)
        raise UsageError(f"hook input: '{where}{key}' must be {shown}")
    return value


def absolute(cwd: str | None, where: str) -> str:
    if not isinstance(cwd, str) or not os.path.isabs(cwd):
        raise UsageError(f"hook input: no absolute working folder ('{where}')")
    return cwd


def arguments(value, where: str) -> dict:
    """Tool arguments that may arrive as an object or as a JSON string of one (Copilot, Cursor MCP)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise UsageError(f"hook input: '{where}' is a string but not JSON: {exc.msg}") from None
    if not isinstance(value, dict):
        raise UsageError(f"hook input: '{where}' must be an object")
    return value


def first_root(payload: dict, key: str) -> str | None:
    """The first of a payload's workspace roots (Cursor's workspace_roots, Cline's workspaceRoots), when absolute."""
    roots = payload.get(key)
    if isinstance(roots, list) and roots and isinstance(roots[0], str) and os.path.isabs(roots[0]):
        return roots[0]
    return None


def files(request: HookInput, *paths: str) -> HookInput:
    return HookInput(**{**request.__dict__, "paths": tuple(paths)})


def shell(request: HookInput, command: str) -> HookInput:
    return HookInput(**{**request.__dict__, "command": command})


def patch(request: HookInput, text: str) -> HookInput:
    from ..patch import patch_paths

    return files(request, *patch_paths(text))


def powershell(request: HookInput, command: str) -> HookInput:
    from ..powershell import written_paths

    return files(request, *written_paths(command, request.cwd))


def mcp(request: HookInput, server: str, tool: str, args) -> HookInput:
    """An MCP call, to be judged by its path arguments once the contract's `mcp_file_tools` is known (mcp_files)."""
    return HookInput(**{**request.__dict__, "tool": f"mcp:{server}/{tool}", "tool_input": args})


def mcp_by_name(request: HookInput, name: str, args) -> HookInput:
    """An MCP tool named `server_tool` (Gemini, OpenCode): the server is found once the contract is known."""
    return HookInput(**{**request.__dict__, "tool": f"mcp:{name}", "tool_input": args})


def mcp_files(request: HookInput, configured) -> HookInput | None:
    """An MCP call (mcp, mcp_by_name) → the files it writes, by the contract's `mcp_file_tools` over the
    defaults; None for a tool that writes no file."""
    table = {f"{server}/{tool}": fields for server, tools in MCP_FILE_TOOLS.items() for tool, fields in tools.items()}
    table.update(configured)
    name = request.tool[len("mcp:") :]
    if "/" not in name:  # server_tool: try each known server as the prefix
        name = next((k for k in table if name == k.replace("/", "_", 1)), name)
    fields = table.get(name)
    if fields is None:
        return None
    args = arguments(request.tool_input, "MCP arguments")
    return files(request, *(field(args, f, f"{name} ") for f in fields))


def request_of(cwd: str, tool: str, agent: str | None = None, session: str | None = None) -> HookInput:
    return HookInput("PreToolUse", cwd, session, tool, None, None, None, agent)


def protected_hook_file(relative: str) -> bool:
    """Whether a repository-relative path is, holds or lies in a host's hook configuration."""
    path = relative.rstrip("/")
    return any(
        path == f.rstrip("/") or (f.endswith("/") and path.startswith(f)) or f.startswith(path + "/")
        for f in HOOK_FILES
    )
