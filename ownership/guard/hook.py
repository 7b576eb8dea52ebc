"""The `guard` hook entry: one payload in, the host's answer out, the audit records appended.

`ownership guard` runs on every tool call an agent makes: this module and what
it imports stay light (no YAML, exports or SARIF unless a contract must be read).
The host's adapter (guard/adapters/) reads the payload into the guard's request
and says the verdict the way that host obeys; Claude Code's errors keep their
exit 2 and one line on stderr (cli/group.py prints them). The decision runs
under the time budget (guard/budget.py): in time, or refused in the host's form.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable

from ..errors import ContractErrors, GitTimeout, OwnershipError
from ..workspace import Workspace
from . import budget
from .decide import Guard
from .protocol import POST_EVENTS, HookInput, Verdict, audit_records

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .adapters.base import Answer


def run(
    ws: Workspace, read: Callable[[], bytes], write: Callable[[str], None], warn: Callable[[str], None],
    host_name: str = "claude", agent: str | None = None, pinned: bool = True,
) -> int:  # fmt: skip
    """Judge the payload `read` returns; `write` gets stdout, `warn` stderr; the exit code is the host's."""
    from .adapters import get

    host = get(host_name)
    watchdog = budget.start(host.fail)
    try:
        answer, judge, hook, verdict = _judge(host, ws, read(), agent, pinned)
    except GitTimeout:  # a git call outlived the budget and was stopped
        answer, judge = host.fail(watchdog.message()), None
    except OwnershipError as exc:
        watchdog.claim()
        if host.name == "claude":
            raise
        answer, judge = host.fail(_one_line(exc)), None
    except Exception as exc:  # a bug of ours: still a refusal, in the host's words
        watchdog.claim()
        if host.name == "claude":
            raise
        answer, judge = host.fail(f"ownership: internal error: {type(exc).__name__}: {exc}; the call is refused"), None
    except BaseException:  # interrupted: no answer, and no watchdog left behind
        watchdog.claim()
        raise
    watchdog.claim()
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
    budget.note("reading the contract")
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
    if hook.event in POST_EVENTS:  # after the call: what it changed (guard/audit.py)
        from .audit import after

        verdict = after(judge, hook)
        return host.answer(verdict), judge, hook, verdict
    verdict = judge.decide(hook)
    if host.name == "claude":  # an allowed command runs inside the agent's OS lane (guard/wrap.py)
        from .wrap import sandboxed

        verdict = sandboxed(judge, hook, verdict)
    if hook.event == "PreToolUse" and not verdict.denied and _audited(hook):
        from .audit import before

        before(judge, hook, verdict)
    return host.answer(verdict), judge, hook, verdict


def _audited(hook: HookInput) -> bool:
    """A call the audit follows: a shell command, or a file tool whose allowed write the journal keeps."""
    from .protocol import GUARDED_TOOLS

    return hook.tool in GUARDED_TOOLS or hook.command is not None or hook.paths is not None


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
