"""The Claude Code hook protocol: the JSON a hook call brings (HookInput, parse_input), the answer it
gets (Check, Verdict → the hook's JSON output), and the audit records a judged call leaves."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

from ..core.model import Rule
from ..errors import UsageError

FILE_TOOLS = {"Write": "file_path", "Edit": "file_path", "MultiEdit": "file_path", "NotebookEdit": "notebook_path"}
GUARDED_TOOLS = (*FILE_TOOLS, "Bash")
SHELL_TOOLS = ("Bash", "PowerShell", "Monitor")  # tool_input.command
WRAPPED_TOOLS = ("Bash", "PowerShell")  # run inside the agent's OS sandbox when allowed (guard/wrap.py)
POST_EVENTS = ("PostToolUse", "PostToolUseFailure")  # after the call: the audit (guard/audit.py)

# --- the input ----------------------------------------------------------------


@dataclass(frozen=True)
class HookInput:
    """The fields of Claude Code's hook JSON the guard uses."""

    event: str
    cwd: str | None = None
    session_id: str | None = None
    tool: str | None = None
    tool_input: dict | None = None
    tool_use_id: str | None = None
    agent_id: str | None = None
    agent_type: str | None = None
    # Set by a host adapter (guard/adapters/) for a call other than the Claude Code tools above:
    paths: tuple[str, ...] | None = None  # the files it writes, as typed (relative to cwd), or
    command: str | None = None  # the shell command it runs

    @property
    def shell_text(self) -> str:
        """The shell command of the call: an adapter's, or Claude Code's tool_input.command."""
        return self.command if self.command is not None else (self.tool_input or {}).get("command", "")

    @property
    def agent(self) -> str | None:
        """The acting agent, `plugin-name:` prefix stripped; None when the main session acts."""
        return self.agent_type.rsplit(":", 1)[-1] if self.agent_type else None


def parse_input(data: bytes) -> HookInput:
    """The hook JSON → HookInput; UsageError (one line, naming what is wrong) for anything else."""
    if not data.strip():
        raise UsageError("hook input is empty; `ownership guard` reads the JSON Claude Code sends on stdin")
    try:
        payload = json.loads(data)
    except UnicodeDecodeError:
        raise UsageError("hook input is not UTF-8 text; `ownership guard` reads Claude Code's hook JSON") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"hook input is not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    if not isinstance(payload, dict):
        raise UsageError(f"hook input must be a JSON object, not {type(payload).__name__}")
    return parse_payload(payload)


def parse_payload(payload: dict) -> HookInput:
    """Claude Code's hook JSON object → HookInput (guard/adapters/claude.py reads the other hosts' shapes)."""
    strings = {}
    for key in ("hook_event_name", "cwd", "session_id", "tool_name", "tool_use_id", "agent_id", "agent_type"):
        value = payload.get(key)
        if value is not None and not isinstance(value, str):
            raise UsageError(f"hook input: '{key}' must be a string, not {type(value).__name__}")
        strings[key] = value if key == "agent_id" else value or None  # agent_id "": a teammate (Claude Code)
    event = strings["hook_event_name"]
    if event is None:
        raise UsageError("hook input: 'hook_event_name' is missing")
    tool, tool_input = strings["tool_name"], payload.get("tool_input")
    if event == "PreToolUse":
        if tool is None:
            raise UsageError("hook input: PreToolUse without 'tool_name'")
        if tool in GUARDED_TOOLS or tool in SHELL_TOOLS:
            if not isinstance(tool_input, dict):
                raise UsageError(f"hook input: {tool} without a 'tool_input' object")
            key = FILE_TOOLS.get(tool, "command")
            if not isinstance(tool_input.get(key), str) or (key != "command" and not tool_input[key]):
                raise UsageError(f"hook input: {tool} without a string 'tool_input.{key}'")
            if "\0" in tool_input[key]:
                raise UsageError(f"hook input: 'tool_input.{key}' holds a NUL character")
            if strings["cwd"] is None or not os.path.isabs(strings["cwd"]):
                raise UsageError(f"hook input: {tool} without an absolute 'cwd'")
    elif event == "SubagentStart" and strings["agent_type"] is None:
        raise UsageError("hook input: SubagentStart without 'agent_type'")
    return HookInput(
        event, strings["cwd"], strings["session_id"], tool, tool_input if isinstance(tool_input, dict) else None,
        strings["tool_use_id"], strings["agent_id"], strings["agent_type"],
    )  # fmt: skip


# --- the answer ---------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One path the tool writes, judged."""

    path: str  # repository-relative (absolute outside the governed repositories); a folder ends with '/'
    allowed: bool
    access: str  # a Decision's access, or coordinator | unknown_agent | outside_repo | scratch
    rule: Rule | None = None
    reason: str = ""  # for Claude, when denied


@dataclass(frozen=True)
class Verdict:
    event: str
    checks: tuple[Check, ...] = ()
    context: str | None = None  # SubagentStart: the lane to announce
    updated_input: dict | None = None  # PreToolUse allowed: the tool input to run instead (guard/wrap.py)

    @property
    def denied(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if not c.allowed)

    def output(self) -> dict | None:
        """The hook's JSON answer; None means allow and print nothing."""
        if self.event in POST_EVENTS:
            return post_output(self.event, self.context) if self.denied else None
        if self.context is not None:
            return {"hookSpecificOutput": {"hookEventName": self.event, "additionalContext": self.context}}
        if self.denied:
            reason = "\n".join(dict.fromkeys(c.reason for c in self.denied))
            return {
                "hookSpecificOutput": {
                    "hookEventName": "PreToolUse",
                    "permissionDecision": "deny",
                    "permissionDecisionReason": reason,
                }
            }
        if self.updated_input is not None:  # no permissionDecision: the user's permission rules still apply
            return {"hookSpecificOutput": {"hookEventName": "PreToolUse", "updatedInput": self.updated_input}}
        return None


def post_output(event: str, feedback: str) -> dict:
    """The audit's report after a call, as Claude Code takes it (code.claude.com/docs/en/hooks, "PostToolUse
    decision control": a top-level `"decision": "block"` with its `reason` is shown to Claude; PostToolUseFailure,
    which Claude Code fires instead when a Bash command exits non-zero, takes `hookSpecificOutput.additionalContext`).
    """
    if event == "PostToolUse":
        return {"decision": "block", "reason": feedback}
    return {"hookSpecificOutput": {"hookEventName": event, "additionalContext": feedback}}


def audit_records(hook: HookInput, verdict: Verdict, time: str) -> list[dict]:
    """One JSON object a judged path, for the contract's `audit_log`."""
    return [
        {
            "time": time,
            "session_id": hook.session_id,
            "agent": hook.agent,  # null: the main session
            "agent_id": hook.agent_id,
            "tool": hook.tool,
            "tool_use_id": hook.tool_use_id,
            "path": check.path,
            "decision": "allow" if check.allowed else "deny",
            "access": check.access,
            "rule": check.rule.to_json() if check.rule else None,
        }
        for check in verdict.checks
    ]
