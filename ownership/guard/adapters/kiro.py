"""Kiro CLI: preToolUse hooks in each agent's .kiro/agents/NAME.json (2.x), and .kiro/hooks/ownership.json (3.x).

Source: aws/amazon-q-developer-cli docs/hooks.md, whose format Kiro CLI keeps
(kiro.dev/docs/cli/hooks): input hook_event_name, cwd, tool_name, tool_input;
fs_write (alias write): path; execute_bash (alias shell): command; MCP tools
@SERVER/TOOL. Exit 2 blocks with stderr to the model; any other code lets the
call through. The payload names no agent: the 2.x hook lives in one agent's
file, so its command carries `--agent NAME`; a 3.x workspace hook
(kiro.dev/docs/cli/v3/hooks) runs for every agent, as the main session.
"""

from __future__ import annotations

import json
import os

from ..protocol import HookInput
from .base import Host, absolute, field, mcp, request_of, shell

FILE_TOOLS = ("fs_write", "write")
SHELL_TOOLS = ("execute_bash", "shell")
WORKSPACE_HOOK = ".kiro/hooks/ownership.json"


class Kiro(Host):
    name, title, folder = "kiro", "Kiro", ".kiro"

    def request(self, payload: dict, cwd: str) -> HookInput | None:
        if field(payload, "hook_event_name", "") not in ("preToolUse", "PreToolUse"):
            return None
        tool = field(payload, "tool_name", "")
        if tool not in FILE_TOOLS and tool not in SHELL_TOOLS and not tool.startswith("@"):
            return None
        args = field(payload, "tool_input", "", dict)
        base = request_of(absolute(payload.get("cwd"), "cwd"), tool)
        if tool in FILE_TOOLS:
            return HookInput(**{**base.__dict__, "paths": (field(args, "path", "tool_input."),)})
        if tool in SHELL_TOOLS:
            return shell(base, field(args, "command", "tool_input."))
        server, _, name = tool[1:].partition("/")
        return mcp(base, server, name, args)

    def agents(self, repo: str) -> list[tuple[str, str]]:
        """(agent config file, agent name: its `name`, else the file's) of the project's Kiro agents."""
        from ..installers import read_settings

        folder = os.path.join(repo, ".kiro/agents")
        found = []
        for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
            if name.endswith(".json"):
                shown = f".kiro/agents/{name}"
                config = read_settings(os.path.join(repo, shown), shown) or {}
                agent = config.get("name") if isinstance(config.get("name"), str) else name[: -len(".json")]
                found.append((shown, agent))
        return found

    def install(self, ws, program: str) -> list[tuple[str, bool]]:
        from ..installers import merge_entries, write_merged

        done = []
        for shown, agent in self.agents(ws.repo):
            entry = {"matcher": "*", "command": self.command(program, agent), "timeout_ms": 30000}

            def merge(config, entry=entry, shown=shown):
                return merge_entries(config, ("preToolUse",), entry, shown)

            done.append(write_merged(ws.repo, shown, merge))
        hook = {"name": "ownership", "trigger": "PreToolUse", "matcher": ".*", "timeout": 30, "enabled": True,
                "action": {"type": "command", "command": self.command(program)}}  # fmt: skip

        def workspace(config):
            import copy

            merged = copy.deepcopy(config)
            merged.setdefault("version", "v1")
            hooks = [h for h in merged.get("hooks", []) if not (isinstance(h, dict) and h.get("name") == "ownership")]
            merged["hooks"] = [*hooks, hook]
            return merged if merged != config else config

        done.append(write_merged(ws.repo, WORKSPACE_HOOK, workspace))
        return done

    def installed(self, ws) -> str | None:
        from ..installers import read_settings

        config = read_settings(os.path.join(ws.repo, WORKSPACE_HOOK), WORKSPACE_HOOK) or {}
        for hook in config.get("hooks") or []:
            action = hook.get("action") if isinstance(hook, dict) else None
            if isinstance(action, dict) and "guard --host kiro" in str(action.get("command")):
                return action["command"]
        return None

    def probe(self, cwd: str, path: str | None, command: str | None, agent: str | None = None) -> bytes:
        tool, args = ("fs_write", {"command": "create", "path": path, "file_text": ""}) if path else (
            "execute_bash", {"command": command})  # fmt: skip
        return json.dumps({"hook_event_name": "preToolUse", "cwd": cwd, "tool_name": tool, "tool_input": args}).encode()


HOST = Kiro()
