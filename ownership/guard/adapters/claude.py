"""Claude Code: PreToolUse and SubagentStart in .claude/settings.json.

Payload and answer: code.claude.com/docs/en/hooks (PreToolUse input: tool_name,
tool_input, cwd, agent_id, agent_type; output hookSpecificOutput.permissionDecision).
Besides Write, Edit, MultiEdit, NotebookEdit and Bash (guard/protocol.py), the
`PowerShell` tool's command is read by guard/powershell.py, `Monitor`'s as a
shell command, and `mcp__SERVER__TOOL` file tools by their path arguments.
Input it cannot read: exit 2 with one line on stderr, which blocks the call.
"""

from __future__ import annotations

import json

from ..protocol import HookInput, Verdict, parse_payload
from .base import Answer, Host, mcp, powershell, shell


class Claude(Host):
    name, title, folder, project_var = "claude", "Claude Code", ".claude", "CLAUDE_PROJECT_DIR"

    def request(self, payload: dict, cwd: str) -> HookInput | None:
        hook = parse_payload(payload)
        if hook.event != "PreToolUse":
            return hook
        if hook.tool == "PowerShell":
            return powershell(hook, hook.tool_input["command"])
        if hook.tool == "Monitor":
            return shell(hook, hook.tool_input["command"])
        if hook.tool.startswith("mcp__"):
            server, _, tool = hook.tool[5:].partition("__")
            return mcp(hook, server, tool, hook.tool_input) if hook.cwd else hook
        return hook

    def answer(self, verdict: Verdict) -> Answer:
        output = verdict.output()
        return Answer(json.dumps(output) + "\n" if output is not None else "")

    def deny(self, reason: str) -> Answer:
        body = {"hookEventName": "PreToolUse", "permissionDecision": "deny", "permissionDecisionReason": reason}
        return Answer(json.dumps({"hookSpecificOutput": body}) + "\n")

    def fail(self, reason: str) -> Answer:
        return Answer("", reason + "\n", 2)

    def command(self, program: str, agent: str | None = None) -> str:
        return f"{self.invocation(program, agent)} || exit 2"

    def invocation(self, program: str, agent: str | None = None) -> str:
        return f'{program} -C "$CLAUDE_PROJECT_DIR" guard'

    def install(self, ws, program: str) -> list[tuple[str, bool]]:
        from ..installers import SETTINGS, merge_claude_settings, write_merged

        return [write_merged(ws.repo, SETTINGS, lambda s: merge_claude_settings(s, self.command(program)))]

    def installed(self, ws) -> str | None:
        import os

        from ..installers import SETTINGS, installed_commands, read_settings

        found = installed_commands(read_settings(os.path.join(ws.repo, SETTINGS)) or {})
        return found.get("PreToolUse") if found.get("SubagentStart") else None

    def probe(self, cwd: str, path: str | None, command: str | None, agent: str | None = None) -> bytes:
        tool, tool_input = ("Write", {"file_path": path, "content": ""}) if path else ("Bash", {"command": command})
        return json.dumps({
            "session_id": "ownership-doctor", "cwd": cwd, "hook_event_name": "PreToolUse", "tool_name": tool,
            "tool_input": tool_input, "tool_use_id": "ownership-doctor",
        }).encode()  # fmt: skip

    def decision(self, code: int, out: str, err: str) -> str:
        if code == 2 and err.strip():
            return "deny"
        if code != 0:
            return "unclear"
        if not out.strip():
            return "allow"
        try:
            body = json.loads(out)["hookSpecificOutput"]
            said = body.get("permissionDecision")
        except (ValueError, KeyError, TypeError, AttributeError):
            return "unclear"
        if said is None and "updatedInput" in body:
            return "allow"  # the command wrapped in the sandbox (guard/wrap.py); the user's rules still apply
        return "deny" if said == "deny" else "unclear"


HOST = Claude()
