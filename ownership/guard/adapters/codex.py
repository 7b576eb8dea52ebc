"""OpenAI Codex CLI: PreToolUse in .codex/hooks.json.

Source: openai/codex codex-rs/hooks/src/events/pre_tool_use.rs (input: tool_name,
tool_input, cwd, agent_id, agent_type; shell tools arrive as `Bash` with
tool_input.command, file edits as `apply_patch` with the raw patch in
tool_input.command, MCP tools as mcp__SERVER__TOOL) and
codex-rs/hooks/src/engine/output_parser.rs (answers). Codex lets through: `ask`,
a bare `allow`, a deny with an empty reason, exit 2 with empty stderr, any other
exit. So: allowed prints nothing; denied prints the deny JSON with its reason;
input it cannot read exits 2 with the reason on stderr.

PostToolUse (codex-rs/hooks/src/events/post_tool_use.rs: the same fields plus
tool_response and tool_use_id; exit 0 with `{"decision": "block", "reason": ...}`
hands the reason to the model) runs the audit after a Bash call (guard/audit.py).
"""

from __future__ import annotations

import json

from ..protocol import HookInput, Verdict
from .base import Answer, Host, absolute, field, mcp, patch, request_of, shell

PATCH_TOOLS = ("apply_patch", "Edit", "Write")  # Edit and Write are Codex's matcher aliases of apply_patch
MATCHER = "^(Bash|apply_patch|Edit|Write|mcp__.*)$"


class Codex(Host):
    name, title, folder = "codex", "Codex", ".codex"

    def shell(self) -> list[str]:
        """Codex runs a hook as `$SHELL -lc COMMAND` (openai/codex codex-rs/hooks, command_runner.rs)."""
        import os

        return [os.environ.get("SHELL") or "/bin/sh", "-lc"]

    def request(self, payload: dict, cwd: str) -> HookInput | None:
        event = field(payload, "hook_event_name", "")
        if event not in ("PreToolUse", "PostToolUse"):
            return None
        tool = field(payload, "tool_name", "")
        if tool != "Bash" and tool not in PATCH_TOOLS and not tool.startswith("mcp__"):
            return None
        tool_input = field(payload, "tool_input", "", dict)
        agent = field(payload, "agent_type", "", required=False)
        base = request_of(absolute(payload.get("cwd"), "cwd"), tool, agent, payload.get("session_id"))
        call = field(payload, "tool_use_id", "", required=False)
        base = HookInput(**{**base.__dict__, "event": event, "tool_use_id": call})
        if event == "PostToolUse":
            return shell(base, field(tool_input, "command", "tool_input.")) if tool == "Bash" else base
        if tool == "Bash":
            return shell(base, field(tool_input, "command", "tool_input."))
        if tool in PATCH_TOOLS:
            return patch(base, field(tool_input, "command", "tool_input."))
        server, _, name = tool[5:].partition("__")
        return mcp(base, server, name, tool_input)

    def answer(self, verdict: Verdict) -> Answer:
        if verdict.event == "PostToolUse":
            output = verdict.output()
            return Answer(json.dumps(output) + "\n" if output else "")
        return super().answer(verdict)

    def deny(self, reason: str) -> Answer:
        body = {"hookEventName": "PreToolUse", "permissionDecision": "deny", "permissionDecisionReason": reason}
        return Answer(json.dumps({"hookSpecificOutput": body}) + "\n")

    def fail(self, reason: str) -> Answer:
        return Answer("", reason + "\n", 2)

    def install(self, ws, program: str) -> list[tuple[str, bool]]:
        from ..installers import merge_groups, write_merged

        entry = {"type": "command", "command": self.command(program), "timeout": 30, "statusMessage": "ownership"}
        shown = ".codex/hooks.json"
        events = (("PreToolUse", MATCHER), ("PostToolUse", MATCHER))
        return [write_merged(ws.repo, shown, lambda c: merge_groups(c, events, entry, shown))]

    def installed(self, ws) -> str | None:
        import os

        from ..installers import guard_entries, read_settings

        found = guard_entries(
            read_settings(os.path.join(ws.repo, ".codex/hooks.json"), ".codex/hooks.json"), "PreToolUse"
        )
        return found[0] if found else None

    def probe(self, cwd: str, path: str | None, command: str | None, agent: str | None = None) -> bytes:
        if path:
            tool, text = "apply_patch", f"*** Begin Patch\n*** Add File: {path}\n+ownership doctor\n*** End Patch\n"
        else:
            tool, text = "Bash", command
        return json.dumps({
            "session_id": "ownership-doctor", "turn_id": "t1", "transcript_path": None, "cwd": cwd,
            "hook_event_name": "PreToolUse", "model": "gpt-5", "permission_mode": "default", "tool_name": tool,
            "tool_input": {"command": text}, "tool_use_id": "ownership-doctor",
            **({"agent_id": "ownership-doctor", "agent_type": agent} if agent else {}),
        }).encode()  # fmt: skip

    def decision(self, code: int, out: str, err: str) -> str:
        def denies(said: dict) -> bool:
            body = said["hookSpecificOutput"]
            return body.get("permissionDecision") == "deny" and bool(body.get("permissionDecisionReason"))

        return self.said(code, out, err, denies)


HOST = Codex()
