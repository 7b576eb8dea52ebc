"""Windsurf (Cascade): pre_write_code, pre_run_command, pre_mcp_tool_use in .windsurf/hooks.json.

Source: docs.windsurf.com/windsurf/cascade/hooks (input: agent_action_name,
trajectory_id, execution_id, timestamp, tool_info; pre_write_code: file_path,
edits; pre_run_command: command_line, cwd; pre_mcp_tool_use: mcp_server_name,
mcp_tool_name, mcp_tool_arguments). Exit codes only: 2 blocks and stderr goes to
the agent; any other code lets the action through. No identity but the
conversation (trajectory_id).
"""

from __future__ import annotations

import json
import os

from ..protocol import HookInput
from .base import Host, absolute, field, mcp, request_of, shell

EVENTS = ("pre_write_code", "pre_run_command", "pre_mcp_tool_use")


class Windsurf(Host):
    name, title, folder = "windsurf", "Windsurf", ".windsurf"

    def project(self, payload: dict) -> str | None:
        info = payload.get("tool_info")
        cwd = info.get("cwd") if isinstance(info, dict) else None
        return cwd if isinstance(cwd, str) and os.path.isabs(cwd) else None

    def request(self, payload: dict, cwd: str) -> HookInput | None:
        event = field(payload, "agent_action_name", "")
        if event not in EVENTS:
            return None
        info = field(payload, "tool_info", "", dict)
        session = payload.get("trajectory_id")
        if event == "pre_run_command":
            base = request_of(absolute(info.get("cwd"), "tool_info.cwd"), event, None, session)
            return shell(base, field(info, "command_line", "tool_info."))
        base = request_of(cwd, event, None, session)  # the hook runs in the workspace's top folder
        if event == "pre_write_code":
            return HookInput(**{**base.__dict__, "paths": (field(info, "file_path", "tool_info."),)})
        server, tool = field(info, "mcp_server_name", "tool_info."), field(info, "mcp_tool_name", "tool_info.")
        return mcp(base, server, tool, info.get("mcp_tool_arguments"))

    def install(self, ws, program: str) -> list[tuple[str, bool]]:
        from ..installers import merge_entries, write_merged

        entry = {"command": self.command(program), "show_output": True}
        shown = ".windsurf/hooks.json"
        return [write_merged(ws.repo, shown, lambda c: merge_entries(c, EVENTS, entry, shown))]

    def installed(self, ws) -> str | None:
        from ..installers import guard_entries, read_settings

        config = read_settings(os.path.join(ws.repo, ".windsurf/hooks.json"), ".windsurf/hooks.json")
        found = [guard_entries(config, e) for e in EVENTS]
        return found[0][0] if all(found) else None

    def probe(self, cwd: str, path: str | None, command: str | None, agent: str | None = None) -> bytes:
        common = {"trajectory_id": "ownership-doctor", "execution_id": "e1", "timestamp": "2026-12-07T00:00:00Z"}
        if path:
            info = {"file_path": path, "edits": [{"old_string": "", "new_string": "ownership doctor\n"}]}
            return json.dumps({**common, "agent_action_name": "pre_write_code", "tool_info": info}).encode()
        info = {"command_line": command, "cwd": cwd}
        return json.dumps({**common, "agent_action_name": "pre_run_command", "tool_info": info}).encode()


HOST = Windsurf()
