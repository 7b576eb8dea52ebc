"""An allowed Bash or PowerShell call of an agent with a lane runs inside `ownership sandbox`.

The guard reads a command before it runs (guard/shell.py); what it cannot read
the OS still holds: Claude Code is told to run, instead of the command,
`ownership sandbox --agent NAME -C PROJECT -- bash -c 'COMMAND'` (PowerShell:
`pwsh -NoProfile -EncodedCommand`), so a write outside the lane fails with
"Permission denied" whatever route it takes.

The answer carries `hookSpecificOutput.updatedInput` and *no*
`permissionDecision`. Claude Code's hooks reference (code.claude.com/docs/en/hooks,
"PreToolUse decision control") says updatedInput "modifies the tool's input
parameters before execution" and is combined with "allow" to auto-approve or
"ask" to show the modified input to the user; `allow` skips the permission
prompt. The guard never answers `allow`: that would approve, on the user's
behalf, every command their settings would have asked about. Without a
decision the call goes on through Claude Code's own permission rules and
prompt, as an unwrapped one would (those rules see the wrapped command, so a
narrow allow rule such as `Bash(npm test:*)` may prompt where it did not:
more prompts, never fewer).

Codex reads the same field names but applies `updatedInput` only together with
`permissionDecision: "allow"` (openai/codex pull request 20527), which skips its
approvals, so Codex calls are not wrapped. The other hosts have no such field.

Wrapped only when the sandbox works on this machine (`landlock_abi`, one
syscall) and the acting agent has a lane: the coordinator with `allow`, an
agent nobody named and a name the contract does not know run as before.
Under the sandbox a `cd` or `export` does not outlast the call (it runs in a
child shell).
"""

from __future__ import annotations

import os
import sys

from .protocol import HookInput, Verdict

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .decide import Guard


def sandboxed(judge: Guard, hook: HookInput, verdict: Verdict) -> Verdict:
    """The verdict, with the command wrapped in `ownership sandbox` when it is allowed and the agent has a lane."""
    if verdict.denied or verdict.context:
        return verdict
    name = judge.sandbox_agent(hook)
    if name is None:
        return verdict
    main = judge.main()
    command = hook.tool_input["command"]
    wrapped = wrap_command(hook.tool, command, name, main.top, judge.ws.contract_option and judge.ws.contract_path)
    return Verdict(verdict.event, verdict.checks, verdict.context, {**hook.tool_input, "command": wrapped})


def wrap_command(tool: str, command: str, agent: str, project: str, contract: str | None = None) -> str:
    """The command line that runs `command` in the agent's sandbox, in the tool's own shell language."""
    head = [*program(), *(["--contract", contract] if contract else []), "sandbox", "--agent", agent, "-C", project]
    if tool == "PowerShell":
        import base64

        encoded = base64.b64encode(command.encode("utf-16-le")).decode("ascii")
        words = [*head, "--", "pwsh", "-NoProfile", "-EncodedCommand", encoded]
        return "& " + " ".join(_powershell_quote(w) for w in words) + "; exit $LASTEXITCODE"
    import shlex

    return shlex.join([*head, "--", "bash", "-c", command])


def program() -> list[str]:
    """This installation's `ownership`, by absolute path (the agent's PATH may name another or none)."""
    script = os.path.join(os.path.dirname(sys.executable), "ownership")
    if os.access(script, os.X_OK):
        return [script]
    return [sys.executable, "-m", "ownership.cli"]


def _powershell_quote(word: str) -> str:
    """A PowerShell verbatim string: single quotes, each quote doubled (about_Quoting_Rules; PowerShell
    also takes the typographic single quotes U+2018..U+201B as quotes)."""
    for quote in "'\u2018\u2019\u201a\u201b":
        word = word.replace(quote, quote * 2)
    return "'" + word + "'"
