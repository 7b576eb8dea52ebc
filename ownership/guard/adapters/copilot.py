"""GitHub Copilot (CLI and cloud agent): preToolUse in .github/hooks/ownership.json.

Source: github/docs content/copilot/reference/copilot-cli-reference/cli-hooks-reference.md
(input sessionId, timestamp, cwd, toolName, toolArgs; tools bash, powershell,
create, edit; the PascalCase `PreToolUse` form sends tool_name/tool_input) and
github/copilot-cli changelog.md (exit 2 denies since 1.0.70; errors deny since
1.0.57; timeouts allow since 1.0.67). toolArgs may be a JSON string. Answer:
{"permissionDecision": "deny", "permissionDecisionReason"} (the reason is
required); printing nothing keeps the default. Every failure is said as that
deny JSON, which every version honours.
"""

from __future__ import annotations

import json
import os

from ..protocol import HookInput
from .base import Answer, Host, absolute, arguments, field, powershell, request_of, shell

FILE_TOOLS = ("create", "edit")


class Copilot(Host):
    name, title, folder = "copilot", "GitHub Copilot", ".github/hooks"
    markers = (".github/hooks", ".github/copilot-instructions.md", ".github/agents")

    def request(self, payload: dict, cwd: str) -> HookInput | None:
        camel = "toolName" in payload
        tool = field(payload, "toolName" if camel else "tool_name", "")
        if tool not in FILE_TOOLS and tool not in ("bash", "powershell", "Bash", "PowerShell"):
            return None
        args = arguments(payload.get("toolArgs" if camel else "tool_input"), "toolArgs" if camel else "tool_input")
        session = payload.get("sessionId" if camel else "session_id")
        base = request_of(absolute(payload.get("cwd"), "cwd"), tool, None, session)
        where = "toolArgs." if camel else "tool_input."
        if tool in FILE_TOOLS:
            return HookInput(**{**base.__dict__, "paths": (field(args, "path", where),)})
        if tool.lower() == "powershell":
            return powershell(base, field(args, "command", where))
        return shell(base, field(args, "command", where))

    def deny(self, reason: str) -> Answer:
        return Answer(json.dumps({"permissionDecision": "deny", "permissionDecisionReason": reason}) + "\n")

    def command(self, program: str, agent: str | None = None) -> str:
        said = json.dumps(
            {"permissionDecision": "deny", "permissionDecisionReason": "ownership: the guard did not run"}
        )
        return f"{self.invocation(program, agent)} || {{ echo '{said}'; exit 2; }}"

    def install(self, ws, program: str) -> list[tuple[str, bool]]:
        from ..installers import merge_entries, write_merged

        entry = {"type": "command", "bash": self.command(program), "timeoutSec": 30}
        shown = ".github/hooks/ownership.json"
        return [write_merged(ws.repo, shown, lambda c: merge_entries(c, ("preToolUse",), entry, shown, {"version": 1}))]

    def installed(self, ws) -> str | None:
        from ..installers import guard_entries, read_settings

        shown = ".github/hooks/ownership.json"
        found = guard_entries(read_settings(os.path.join(ws.repo, shown), shown), "preToolUse", "bash")
        return found[0] if found else None

    def probe(self, cwd: str, path: str | None, command: str | None, agent: str | None = None) -> bytes:
        tool, args = ("create", {"path": path, "file_text": ""}) if path else ("bash", {"command": command})
        return json.dumps({"sessionId": "ownership-doctor", "timestamp": 1765065600000, "cwd": cwd,
                           "toolName": tool, "toolArgs": json.dumps(args)}).encode()  # fmt: skip

    def decision(self, code: int, out: str, err: str) -> str:
        if code == 0 and not out.strip():
            return "allow"
        try:
            said = json.loads(out)
        except ValueError:
            return "deny" if code == 2 else "unclear"
        ok = (
            isinstance(said, dict) and said.get("permissionDecision") == "deny" and said.get("permissionDecisionReason")
        )
        return "deny" if ok else "unclear"


HOST = Copilot()
