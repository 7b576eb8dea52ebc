"""Cursor: preToolUse and beforeShellExecution in .cursor/hooks.json (version 1).

Sources (Cursor is closed; cursor.com/docs/hooks as quoted by third parties):
common input conversation_id, generation_id, hook_event_name, workspace_roots;
beforeShellExecution: command, cwd; preToolUse: tool_name (Write, Edit,
StrReplace, MultiEdit, Delete, ApplyPatch, Shell, MCP:TOOL), tool_input (a JSON
string for MCP); stdin may start with a UTF-8 byte-order mark; a `cwd` may be
empty, the project then being workspace_roots[0]. Answer: {"permission":
"allow"|"deny", "agent_message", "user_message"}. The hook is installed with
`failClosed: true`, under which a hook that prints nothing is refused
(openlatch-client src/hook_output/cursor.rs, third party): so allow is said
explicitly. Without failClosed a crash or timeout lets the call through.
"""

from __future__ import annotations

import json
import os

from ..protocol import HookInput
from .base import Answer, Host, absolute, arguments, field, first_root, patch, request_of, shell

FILE_TOOLS = ("Write", "Edit", "StrReplace", "MultiEdit", "Delete", "EditNotebook")
PATH_FIELDS = ("file_path", "path", "target_file", "target_notebook")
EVENTS = ("preToolUse", "beforeShellExecution")


class Cursor(Host):
    name, title, folder = "cursor", "Cursor", ".cursor"

    def project(self, payload: dict) -> str | None:
        return first_root(payload, "workspace_roots") or super().project(payload)

    def request(self, payload: dict, cwd: str) -> HookInput | None:
        event = field(payload, "hook_event_name", "")
        if event not in EVENTS:
            return None
        where = payload.get("cwd") or self.project(payload)
        base = request_of(absolute(where, "cwd or workspace_roots"), event, None, payload.get("conversation_id"))
        if event == "beforeShellExecution":
            return shell(base, field(payload, "command", ""))
        tool = field(payload, "tool_name", "")
        if tool == "Shell":
            return shell(base, field(arguments(payload.get("tool_input"), "tool_input"), "command", "tool_input."))
        if tool == "ApplyPatch":
            args = arguments(payload.get("tool_input"), "tool_input")
            text = next((v for v in args.values() if isinstance(v, str) and "*** Begin Patch" in v), None)
            return patch(base, field({"patch": text}, "patch", "tool_input."))
        if tool in FILE_TOOLS:
            args = arguments(payload.get("tool_input"), "tool_input")
            key = next((k for k in PATH_FIELDS if k in args), PATH_FIELDS[0])
            return HookInput(**{**base.__dict__, "paths": (field(args, key, "tool_input."),)})
        return None

    def allow(self) -> Answer:
        return Answer(json.dumps({"permission": "allow"}) + "\n")

    def deny(self, reason: str) -> Answer:
        return Answer(json.dumps({"permission": "deny", "user_message": reason, "agent_message": reason}) + "\n")

    def command(self, program: str, agent: str | None = None) -> str:
        said = json.dumps({"permission": "deny", "agent_message": "ownership: the guard did not run"})
        return f"{self.invocation(program, agent)} || {{ echo '{said}'; exit 2; }}"

    def install(self, ws, program: str) -> list[tuple[str, bool]]:
        from ..installers import merge_entries, write_merged

        entry = {"command": self.command(program), "timeout": 30, "failClosed": True}
        shown = ".cursor/hooks.json"
        return [write_merged(ws.repo, shown, lambda c: merge_entries(c, EVENTS, entry, shown, {"version": 1}))]

    def installed(self, ws) -> str | None:
        from ..installers import guard_entries, read_settings

        config = read_settings(os.path.join(ws.repo, ".cursor/hooks.json"), ".cursor/hooks.json")
        found = [guard_entries(config, e) for e in EVENTS]
        return found[0][0] if all(found) else None

    def probe(self, cwd: str, path: str | None, command: str | None, agent: str | None = None) -> bytes:
        common = {"conversation_id": "ownership-doctor", "generation_id": "g1", "model": "default",
                  "cursor_version": "2.0", "workspace_roots": [cwd], "user_email": None}  # fmt: skip
        if path:
            return json.dumps({**common, "hook_event_name": "preToolUse", "tool_name": "Write",
                               "tool_input": {"file_path": path, "contents": ""}}).encode()  # fmt: skip
        return json.dumps(
            {**common, "hook_event_name": "beforeShellExecution", "command": command, "cwd": cwd}
        ).encode()

    def decision(self, code: int, out: str, err: str) -> str:
        try:
            said = json.loads(out).get("permission")
        except (ValueError, AttributeError):
            return "deny" if code == 2 else "unclear"
        return said if said in ("allow", "deny") and code in (0, 2) else "unclear"


HOST = Cursor()
