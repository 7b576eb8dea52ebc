"""Cline: an executable .clinerules/hooks/PreToolUse script (no matcher, every tool call).

Source: cline/cline .clinerules/hooks/README.md and apps/vscode/src/core/hooks/hook-factory.ts
(input: hookName, taskId, workspaceRoots, preToolUse {toolName, parameters};
answer {"cancel", "errorMessage"}; valid JSON is honoured whatever the exit
code), apps/vscode/src/sdk/hooks-adapter.ts (non-string parameters arrive as JSON
strings; a hook error lets the tool run) and sdk/packages/core/src/extensions/tools
(editor: path; apply_patch: input; run_commands: commands). Legacy tools:
write_to_file, replace_in_file (path), execute_command (command). A cancel stops
the whole task, not just the tool: Cline has no per-tool deny for script hooks.
"""

from __future__ import annotations

import json
import os

from ...errors import UsageError
from ..protocol import HookInput
from .base import Answer, Host, absolute, field, first_root, patch, request_of, shell

FILE_TOOLS = ("editor", "write_to_file", "replace_in_file")
SCRIPT = ".clinerules/hooks/PreToolUse"


class Cline(Host):
    name, title, folder = "cline", "Cline", ".clinerules"

    def project(self, payload: dict) -> str | None:
        return first_root(payload, "workspaceRoots")

    def request(self, payload: dict, cwd: str) -> HookInput | None:
        if field(payload, "hookName", "") != "PreToolUse":
            return None
        call = field(payload, "preToolUse", "", dict)
        tool = field(call, "toolName", "preToolUse.")
        if tool not in FILE_TOOLS and tool not in ("apply_patch", "run_commands", "execute_command"):
            return None
        params = field(call, "parameters", "preToolUse.", dict)
        base = request_of(absolute(self.project(payload), "workspaceRoots"), tool, None, payload.get("taskId"))
        where = "preToolUse.parameters."
        if tool in FILE_TOOLS:
            return HookInput(**{**base.__dict__, "paths": (field(params, "path", where),)})
        if tool == "apply_patch":
            return patch(base, field(params, "input", where))
        if tool == "execute_command":
            return shell(base, field(params, "command", where))
        return shell(base, "\n".join(_commands(params.get("commands"))))

    def allow(self) -> Answer:
        return Answer(json.dumps({"cancel": False}) + "\n")

    def deny(self, reason: str) -> Answer:
        return Answer(json.dumps({"cancel": True, "errorMessage": reason}) + "\n")

    def command(self, program: str, agent: str | None = None) -> str:
        said = json.dumps({"cancel": True, "errorMessage": "ownership: the guard did not run"})
        return f"{self.invocation(program, agent)} || {{ echo '{said}'; exit 2; }}"

    def script(self, program: str) -> str:
        return f"#!/bin/sh\n# The ownership guard (`ownership install cline`): judges every tool call Cline makes.\n{self.command(program)}\n"

    def install(self, ws, program: str) -> list[tuple[str, bool]]:
        path = os.path.join(ws.repo, SCRIPT)
        text = self.script(program)
        try:
            with open(path, encoding="utf-8") as handle:
                old = handle.read()
        except FileNotFoundError:
            old = None
        if old is not None and "guard --host cline" not in old:
            raise UsageError(
                f"{SCRIPT} exists and is not the ownership guard; add `{self.command(program)}` to it by hand"
            )
        if old == text and os.access(path, os.X_OK):
            return [(SCRIPT, False)]
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(path, 0o755)
        return [(SCRIPT, True)]

    def installed(self, ws) -> str | None:
        path = os.path.join(ws.repo, SCRIPT)
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        except OSError:
            return None
        import shlex

        return shlex.quote(path) if "guard --host cline" in text and os.access(path, os.X_OK) else None

    def probe(self, cwd: str, path: str | None, command: str | None, agent: str | None = None) -> bytes:
        call = {"toolName": "editor", "parameters": {"path": path, "new_text": ""}} if path else {
            "toolName": "run_commands", "parameters": {"commands": json.dumps([command])}}  # fmt: skip
        return json.dumps({"clineVersion": "3.0.0", "hookName": "PreToolUse", "timestamp": "1765065600000",
                           "taskId": "ownership-doctor", "workspaceRoots": [cwd], "userId": "u1",
                           "preToolUse": call}).encode()  # fmt: skip

    def decision(self, code: int, out: str, err: str) -> str:
        try:
            said = json.loads(out)
        except ValueError:
            return "unclear"
        if not isinstance(said, dict) or not isinstance(said.get("cancel"), bool):
            return "unclear"
        return "deny" if said["cancel"] and said.get("errorMessage") else "allow" if not said["cancel"] else "unclear"


def _commands(value) -> list[str]:
    """run_commands' `commands`: a JSON string of a list, a list, or one string; items strings or {command, args}."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return [value]
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if isinstance(item, str) and item:
            out.append(item)
        elif isinstance(item, dict) and isinstance(item.get("command"), str):
            args = item.get("args") if isinstance(item.get("args"), list) else []
            import shlex

            out.append(shlex.join([item["command"], *(str(a) for a in args)]))
        else:
            raise UsageError("hook input: 'preToolUse.parameters.commands' holds no command")
    if not out:
        raise UsageError("hook input: 'preToolUse.parameters.commands' holds no command")
    return out


HOST = Cline()
