"""Gemini CLI: BeforeTool in .gemini/settings.json.

Source: google-gemini/gemini-cli docs/hooks/reference.md and
packages/core/src/hooks/types.ts (input: tool_name, tool_input, cwd), tool
arguments in packages/core/src/tools/definitions/base-declarations.ts
(write_file and replace: file_path; run_shell_command: command, dir_path).
Answers (hookRunner.ts): exit 0 + {"decision": "deny", "reason"} blocks; exit 2
+ stderr blocks; non-JSON stdout, exit 1, a timeout let the call through. MCP
tools are mcp_SERVER_TOOL. The timeout is in milliseconds.
"""

from __future__ import annotations

import json
import os

from ..protocol import HookInput
from .base import Answer, Host, absolute, field, mcp_by_name, request_of, shell

FILE_TOOLS = ("write_file", "replace")
SHELL_TOOLS = ("run_shell_command", "ShellTool")
MATCHER = "^(write_file|replace|run_shell_command|ShellTool|mcp_.*)$"


class Gemini(Host):
    name, title, folder, project_var = "gemini", "Gemini CLI", ".gemini", "GEMINI_PROJECT_DIR"

    def request(self, payload: dict, cwd: str) -> HookInput | None:
        if field(payload, "hook_event_name", "") != "BeforeTool":
            return None
        tool = field(payload, "tool_name", "")
        if tool not in FILE_TOOLS and tool not in SHELL_TOOLS and not tool.startswith("mcp_"):
            return None
        tool_input = field(payload, "tool_input", "", dict)
        base = request_of(absolute(payload.get("cwd"), "cwd"), tool, None, payload.get("session_id"))
        if tool in FILE_TOOLS:
            return HookInput(**{**base.__dict__, "paths": (field(tool_input, "file_path", "tool_input."),)})
        if tool in SHELL_TOOLS:
            folder = field(tool_input, "dir_path", "tool_input.", required=False)
            if folder:
                base = HookInput(**{**base.__dict__, "cwd": os.path.normpath(os.path.join(base.cwd, folder))})
            return shell(base, field(tool_input, "command", "tool_input."))
        return mcp_by_name(base, tool[4:], tool_input)

    def deny(self, reason: str) -> Answer:
        return Answer(json.dumps({"decision": "deny", "reason": reason}) + "\n")

    def fail(self, reason: str) -> Answer:
        return Answer("", reason + "\n", 2)

    def install(self, ws, program: str) -> list[tuple[str, bool]]:
        from ..installers import merge_groups, write_merged

        entry = {"type": "command", "name": "ownership", "command": self.command(program), "timeout": 30000}
        shown = ".gemini/settings.json"
        return [write_merged(ws.repo, shown, lambda c: merge_groups(c, (("BeforeTool", MATCHER),), entry, shown))]

    def installed(self, ws) -> str | None:
        from ..installers import guard_entries, read_settings

        shown = ".gemini/settings.json"
        found = guard_entries(read_settings(os.path.join(ws.repo, shown), shown), "BeforeTool")
        return found[0] if found else None

    def probe(self, cwd: str, path: str | None, command: str | None, agent: str | None = None) -> bytes:
        tool, args = (
            ("write_file", {"file_path": path, "content": ""}) if path else ("run_shell_command", {"command": command})
        )
        return json.dumps({
            "session_id": "ownership-doctor", "transcript_path": "", "cwd": cwd, "hook_event_name": "BeforeTool",
            "timestamp": "2026-12-07T00:00:00Z", "tool_name": tool, "tool_input": args,
        }).encode()  # fmt: skip

    def decision(self, code: int, out: str, err: str) -> str:
        return self.said(code, out, err, lambda said: said.get("decision") == "deny")


HOST = Gemini()
