"""One voice: every door says a decision in the same words, and every report command takes the same options."""

from __future__ import annotations

import io
import json
import sys

import pytest

from ownership.cli import main
from tests.support import Repo

UNLISTED = "unlisted: no section of its lane names it, and unlisted is deny"
DB_REFUSED = f"db may not write svc/main.py: {UNLISTED}; owners: api"


def _guard(repo: Repo, monkeypatch, capsys, agent: str, path: str) -> str:
    data = {"session_id": "s", "cwd": str(repo.path), "hook_event_name": "PreToolUse", "tool_name": "Write",
            "tool_input": {"file_path": str(repo.path / path), "content": ""}, "tool_use_id": "t",
            "agent_id": "a", "agent_type": agent}  # fmt: skip
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(json.dumps(data).encode())))
    assert main(["-C", str(repo.path), "guard"]) == 0
    return json.loads(capsys.readouterr().out)["hookSpecificOutput"]["permissionDecisionReason"]


def test_one_unlisted_refusal_reads_one_way_at_every_door(example, run, monkeypatch, capsys) -> None:
    """The regression of issue 11: check, can-write, explain, the guard and SARIF said it three ways."""
    example.write({"svc/main.py": "app = 2\n"}).git("add", "-A")
    code, out, _ = run(example, "check", "--agent", "db")
    assert (code, out.splitlines()[0]) == (1, f"db may not write svc/main.py (M): {UNLISTED}; owners: api")
    code, out, _ = run(example, "can-write", "--agent", "db", "svc/main.py")
    assert (code, out) == (1, DB_REFUSED + "\n")
    code, out, _ = run(example, "explain", "--agent", "db", "svc/main.py")
    assert out.splitlines()[1] == "  db  unlisted      cannot write  " + UNLISTED.removeprefix("unlisted: ")
    assert _guard(example, monkeypatch, capsys, "db", "svc/main.py") == "ownership: " + DB_REFUSED
    code, out, _ = run(example, "check", "--agent", "db", "--format", "sarif")
    sarif = json.loads(out)["runs"][0]["results"][0]["message"]["text"]
    assert sarif == f"db may not write svc/main.py (M): {UNLISTED}; owners: api"
    code, out, _ = run(example, "check", "--agent", "db", "--format", "github")
    assert out.splitlines()[0] == (
        f"::error file=svc/main.py,title=ownership%3A unlisted::db may not write svc/main.py (M): {UNLISTED}; owners: api"
    )


@pytest.mark.parametrize(
    "command",
    [
        ("check", "--agent", "api"),
        ("can-write", "--agent", "api", "svc/main.py"),
        ("explain", "svc/main.py"),
        ("lanes",),
        ("lint",),
    ],
)
def test_json_is_format_json_everywhere(example, run, command) -> None:
    as_json = run(example, *command, "--json")
    as_format = run(example, *command, "--format", "json")
    assert as_json[0] in (0, 1)
    assert as_json == as_format
    json.loads(as_json[1])


@pytest.mark.parametrize(
    ("command", "other"),
    [
        (("check", "--agent", "api"), "sarif"),
        (("can-write", "--agent", "api", "svc/main.py"), "text"),
        (("explain", "svc/main.py"), "jsonl"),
        (("lanes",), "text"),
        (("lint",), "sarif"),
    ],
)
def test_json_with_another_format_is_one_clear_line_and_exit_2(example, run, command, other) -> None:
    assert run(example, *command, "--json", "--format", other) == (
        2,
        "",
        f"ownership: --json means --format json; it cannot go with --format {other}\n",
    )


@pytest.mark.parametrize(
    "command",
    [("check", "--agent", "api"), ("can-write", "--agent", "api", "svc/main.py"), ("lint",)],
)
def test_every_judging_document_has_the_one_summary_shape(example, run, command) -> None:
    code, out, _ = run(example, *command, "--json")
    data = json.loads(out)
    summary = data["summary"]
    assert summary["ok"] is data["ok"] is (code == 0)
    assert isinstance(summary["text"], str) and "\n" not in summary["text"]
    assert all(isinstance(v, int) for k, v in summary.items() if k not in ("ok", "text"))
