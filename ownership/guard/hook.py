"""The `guard` hook entry: one payload in, the hook's answer out, the audit records appended.

`ownership guard` runs on every tool call an agent makes: this module and what
it imports stay light (no YAML, exports or SARIF unless a contract must be read).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable

from ..workspace import Workspace
from .decide import Guard
from .protocol import audit_records, parse_input


def run(ws: Workspace, data: bytes, write: Callable[[str], None], warn: Callable[[str], None]) -> int:
    """Judge the payload; `write` gets the JSON answer (none: allowed), `warn` a log that cannot be written."""
    hook = parse_input(data)
    judge = Guard(ws)
    verdict = judge.decide(hook)
    answer = verdict.output()
    if answer is not None:
        write(json.dumps(answer) + "\n")
    log = judge.audit_log()
    if log and verdict.checks:
        _append_audit(log, audit_records(hook, verdict, _now()), warn)
    return 0


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
