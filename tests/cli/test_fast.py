"""The guard's click-free path (cli/fast.py) takes only the hook's exact lines and answers as click's path does."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from ownership.cli.fast import parse
from tests.support import Repo


@pytest.mark.parametrize(
    ("argv", "options"),
    [
        (["guard"], {}),
        (["-C", "/p", "guard"], {"directory": "/p"}),
        (["-C/p", "guard"], {"directory": "/p"}),
        (["--contract", "c.yaml", "-C", "/p", "guard", "--host", "codex"], {"contract": "c.yaml", "directory": "/p",
                                                                           "host": "codex"}),
        (["--contract=c.yaml", "guard", "--host=kiro", "--agent=api"], {"contract": "c.yaml", "host": "kiro",
                                                                        "agent": "api"}),
        (["guard", "--help"], None),  # click's
        (["--version"], None),
        (["-C", "/p", "guard", "--host"], None),  # a missing value: click says so
        (["guard", "--host", "a", "--host", "b"], None),
        (["guard", "extra"], None),
        (["-C", "/p"], None),
        (["check", "--staged"], None),
        (["guard", "-C", "/p"], None),  # -C belongs before the command
    ],
)  # fmt: skip
def test_only_the_hooks_exact_lines_take_the_fast_path(argv: list[str], options: dict | None) -> None:
    assert parse(argv) == options


CLICK = "import sys; from ownership.cli.group import main; sys.exit(main(sys.argv[1:]))"
FAST = "import sys; from ownership.cli import main; code = main(sys.argv[1:]); assert 'click' not in sys.modules; sys.exit(code)"


def _both(repo: Repo, argv: list[str], data: bytes) -> tuple[tuple, tuple]:
    answers = []
    for program in (FAST, CLICK):
        proc = subprocess.run([sys.executable, "-c", program, *argv], input=data, capture_output=True, cwd=repo.path)
        answers.append((proc.returncode, proc.stdout, proc.stderr))
    return answers[0], answers[1]


def _payload(repo: Repo, event: str, tool: str | None = None, **tool_input: str) -> bytes:
    data = {"session_id": "s", "cwd": str(repo.path), "hook_event_name": event, "agent_id": "a-1", "agent_type": "api"}
    if tool:
        data.update(tool_name=tool, tool_input=tool_input, tool_use_id="t")
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    "case",
    ["deny", "allow", "subagent", "not json", "codex deny", "broken contract"],
)
def test_the_fast_path_answers_as_click_does_and_imports_no_click(example: Repo, case: str) -> None:
    argv = ["-C", str(example.path), "guard"]
    data = {
        "deny": _payload(example, "PreToolUse", "Write", file_path="svc/src/db/x.py", content="x"),
        "allow": _payload(example, "PreToolUse", "Write", file_path="svc/src/api/x.py", content="x"),
        "subagent": _payload(example, "SubagentStart"),
        "not json": b"{not json",
        "codex deny": _payload(example, "PreToolUse", "apply_patch", command="*** Begin Patch\n*** Add File: "
                               "contract/ownership.yaml\n+x\n*** End Patch\n"),
        "broken contract": _payload(example, "PreToolUse", "Write", file_path="svc/src/api/x.py", content="x"),
    }[case]  # fmt: skip
    if case == "codex deny":
        argv += ["--host", "codex"]
    if case == "broken contract":
        argv = ["--contract", "missing.yaml", *argv]
    fast, with_click = _both(example, argv, data)
    assert fast == with_click
    said = {"deny": b"permissionDecision", "subagent": b"additionalContext", "codex deny": b"contract/ownership.yaml"}
    if case == "allow":
        assert fast == (0, b"", b"")
    elif case == "not json":
        assert fast[0] == 2 and fast[2].startswith(b"ownership: hook input is not JSON") and fast[2].count(b"\n") == 1
    elif case == "broken contract":
        assert fast[0] == 2 and fast[2].endswith(b"ownership: the contract has 1 error(s); fix them and run again\n")
    else:
        assert said[case] in fast[1] + fast[2]
