"""The `guard` hook entry: one payload in, the host's answer out, the audit records appended.

`ownership guard` runs on every tool call an agent makes: this module and what
it imports stay light (no YAML, exports or SARIF unless a contract must be read).
The host's adapter (guard/adapters/) reads the payload into the guard's request
and says the verdict the way that host obeys; Claude Code's errors keep their
exit 2 and one line on stderr (cli/main.py prints them).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable

from ..errors import ContractErrors, OwnershipError
from ..workspace import Workspace
from .decide import Guard
from .protocol import Check, HookInput, Verdict, audit_records

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .adapters.base import Answer


def run(
    ws: Workspace, data: bytes, write: Callable[[str], None], warn: Callable[[str], None],
    host_name: str = "claude", agent: str | None = None, pinned: bool = True,
) -> int:  # fmt: skip
    """Judge the payload; `write` gets stdout, `warn` stderr; the exit code is the host's."""
    from .adapters import get

    host = get(host_name)
    try:
        answer, judge, hook, verdict = _judge(host, ws, data, agent, pinned)
    except OwnershipError as exc:
        if host.name == "claude":
            raise
        answer, judge = host.fail(_one_line(exc)), None
    except Exception as exc:  # a bug of ours: still a refusal, in the host's words
        if host.name == "claude":
            raise
        answer, judge = host.fail(f"ownership: internal error: {type(exc).__name__}: {exc}; the call is refused"), None
    if answer.stdout:
        write(answer.stdout)
    if answer.stderr:
        warn(answer.stderr.rstrip("\n"))
    log = judge.audit_log() if judge else None
    if log and verdict.checks:
        _append_audit(log, audit_records(hook, verdict, _now()), warn)
    return answer.code


def _judge(
    host, ws: Workspace, data: bytes, agent: str | None, pinned: bool
) -> tuple[Answer, Guard, HookInput, Verdict]:
    payload = host.load(data)
    if not pinned and host.name != "claude":  # Claude Code's hook pins the project with -C "$CLAUDE_PROJECT_DIR"
        project = host.project(payload)
        if project and os.path.isdir(project) and os.path.realpath(project) != os.path.realpath(ws.cwd):
            ws = Workspace(project, ws.contract_option)
    hook = host.request(payload, ws.cwd)
    judge = Guard(ws)
    if hook is not None and hook.tool and hook.tool.startswith("mcp:"):
        from .adapters.base import mcp_files

        hook = mcp_files(hook, judge.main().contract.mcp_file_tools)
    if hook is None:
        return host.allow(), judge, HookInput("PreToolUse"), Verdict("PreToolUse")
    if agent:
        hook = HookInput(**{**hook.__dict__, "agent_type": agent})
    verdict = _protect_hooks(judge, hook, judge.decide(hook))
    if host.name == "claude":
        from .wrap import sandboxed

        verdict = sandboxed(judge, hook, verdict)
    return host.answer(verdict), judge, hook, verdict


def _protect_hooks(judge: Guard, hook: HookInput, verdict: Verdict) -> Verdict:
    """A write to a host's hook configuration is denied to every agent (the coordinator with free hands excepted)."""
    from .adapters.base import protected_hook_file

    if hook.event != "PreToolUse" or not verdict.checks:
        return verdict
    extra = []
    for target in judge.targets(hook):
        located = judge.locate(os.path.normpath(target))
        if located is None or not protected_hook_file(located[1] + ("/" if target.endswith("/") else "")):
            continue
        kind, name, who = judge.actor(located[0].contract, hook)
        if kind == "allow":
            continue
        reason = (
            f"ownership: {who} may not write {located[1]}: it holds an agent host's hooks, the guard's own "
            "configuration (`ownership install`); owners: no agent (a person must change it)"
        )
        extra.append(Check(located[1], False, "protected", None, reason))
    return Verdict(verdict.event, (*verdict.checks, *extra), verdict.context) if extra else verdict


def _one_line(exc: OwnershipError) -> str:
    if isinstance(exc, ContractErrors):
        return f"ownership: the contract has {len(exc.errors)} error(s), the first: {exc.errors[0]}; every write is refused"
    return f"ownership: {exc}"


def _now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _append_audit(path: str, records: list[dict], warn: Callable[[str], None]) -> None:
    """Append the records; a log that cannot be written is reported through `warn`, never a reason to fail."""
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "a", encoding="utf-8") as handle:
            handle.write("".join(json.dumps(r) + "\n" for r in records))
    except OSError as exc:
        warn(f"ownership: cannot append to the audit log {path}: {exc.strerror}; the decision stands")
