"""Every host: `ownership install HOST` writes its hook, and the command it wrote, run through /bin/sh
with that host's stdin JSON (as the host runs it), answers in that host's exact format.

The payloads are ours, written from each host's documented shape (the source is
cited beside each builder); they are not copied from anywhere. Four calls a host:
an in-lane write, an out-of-lane write, a shell write out of the lane, and a
malformed payload, which every host must see refused in the form it obeys.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import Repo

EXE = str(Path(sys.executable).with_name("ownership"))
LANE = "svc/src/api/users.py"  # api owns src/api/**
OTHER = "svc/src/db/models.py"  # api reads src/db/**: not its to write
WHY = "reads: src/db/** (contract/agents/api.md:17); owners: db"
AS_AGENT = f"ownership: api may not write {OTHER}: {WHY}"
AS_MAIN = f"ownership: the main session (coordinator: api) may not write {OTHER}: {WHY}"
SHELL = f"echo changed > {OTHER}"


@pytest.fixture
def project(example: Repo) -> Repo:
    """The example repository whose main session works in api's lane (hosts that name no agent act as it)."""
    path = example.path / "contract/ownership.yaml"
    path.write_text(path.read_text() + "coordinator: api\n")
    example.commit("coordinator")
    return example


def install(repo: Repo, host: str) -> None:
    proc = subprocess.run([EXE, "install", host, "--command", EXE], cwd=repo.path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def run(repo: Repo, command: str, data: bytes, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """As a host runs a hook command: /bin/sh -c, in the project's folder, the JSON on stdin."""
    full = {**os.environ, "PATH": "/usr/bin:/bin", **(env or {})}
    proc = subprocess.run(["/bin/sh", "-c", command], input=data, capture_output=True, cwd=repo.path, env=full)
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def read(repo: Repo, name: str) -> dict:
    return json.loads((repo.path / name).read_text())


# --- one block a host: where install put the command, what the host sends, what it must get back ------------


def claude_command(repo: Repo) -> str:
    (group,) = read(repo, ".claude/settings.json")["hooks"]["PreToolUse"]
    assert group["matcher"] == "Write|Edit|MultiEdit|NotebookEdit|Bash|PowerShell|Monitor|mcp__.*"
    return group["hooks"][0]["command"]


def claude(repo: Repo, tool: str, tool_input: dict) -> bytes:
    # code.claude.com/docs/en/hooks, PreToolUse input (session_id, transcript_path, cwd, permission_mode,
    # hook_event_name, tool_name, tool_input, tool_use_id; agent_id/agent_type inside a subagent)
    return json.dumps({
        "session_id": "0b1c", "transcript_path": "/tmp/t.jsonl", "cwd": str(repo.path), "permission_mode": "default",
        "hook_event_name": "PreToolUse", "tool_name": tool, "tool_input": tool_input, "tool_use_id": "toolu_9",
        "agent_id": "a7", "agent_type": "api",
    }).encode()  # fmt: skip


def claude_deny(reason: str) -> str:
    body = {"hookEventName": "PreToolUse", "permissionDecision": "deny", "permissionDecisionReason": reason}
    return json.dumps({"hookSpecificOutput": body}) + "\n"


def codex_command(repo: Repo) -> str:
    (group,) = read(repo, ".codex/hooks.json")["hooks"]["PreToolUse"]
    assert group["matcher"] == "^(Bash|apply_patch|Edit|Write|mcp__.*)$"
    return group["hooks"][0]["command"]


def codex(repo: Repo, tool: str, command: str, agent: str | None = "api") -> bytes:
    # openai/codex codex-rs/hooks/src/events/pre_tool_use.rs: shell as tool_name "Bash", edits as "apply_patch",
    # both with tool_input.command (the raw patch for apply_patch); agent_type only inside a subagent
    data = {"session_id": "th1", "turn_id": "tu1", "transcript_path": None, "cwd": str(repo.path),
            "hook_event_name": "PreToolUse", "model": "gpt-5", "permission_mode": "default", "tool_name": tool,
            "tool_input": {"command": command}, "tool_use_id": "call_1"}  # fmt: skip
    if agent:
        data.update(agent_id="th2", agent_type=agent)
    return json.dumps(data).encode()


def add_file(path: str) -> str:
    return f"*** Begin Patch\n*** Add File: {path}\n+new = 1\n*** End Patch\n"


def gemini_command(repo: Repo) -> str:
    (group,) = read(repo, ".gemini/settings.json")["hooks"]["BeforeTool"]
    assert group["matcher"] == "^(write_file|replace|run_shell_command|ShellTool|mcp_.*)$"
    return group["hooks"][0]["command"]


def gemini(repo: Repo, tool: str, tool_input: dict) -> bytes:
    # google-gemini/gemini-cli docs/hooks/reference.md (BeforeTool: tool_name, tool_input) and
    # packages/core/src/hooks/types.ts (session_id, transcript_path, cwd, hook_event_name, timestamp)
    return json.dumps({
        "session_id": "g1", "transcript_path": "/tmp/g.json", "cwd": str(repo.path), "hook_event_name": "BeforeTool",
        "timestamp": "2026-12-07T10:00:00.000Z", "tool_name": tool, "tool_input": tool_input,
    }).encode()  # fmt: skip


def cursor_commands(repo: Repo) -> list[str]:
    config = read(repo, ".cursor/hooks.json")
    assert config["version"] == 1
    entries = [config["hooks"][e] for e in ("preToolUse", "beforeShellExecution")]
    assert all(len(e) == 1 and e[0]["failClosed"] is True for e in entries)
    return [e[0]["command"] for e in entries]


def cursor(repo: Repo, event: str, **fields) -> bytes:
    # cursor.com/docs/hooks (as quoted by third parties): conversation_id, generation_id, hook_event_name,
    # cursor_version, workspace_roots; preToolUse tool_name/tool_input; beforeShellExecution command/cwd.
    # A byte-order mark leads the JSON, as cursor-agent on Windows sends it.
    common = {"conversation_id": "c1", "generation_id": "g1", "model": "auto", "hook_event_name": event,
              "cursor_version": "2.1.0", "workspace_roots": [str(repo.path)], "user_email": None}  # fmt: skip
    return b"\xef\xbb\xbf" + json.dumps({**common, **fields}).encode()


def cursor_says(permission: str, reason: str | None = None) -> str:
    said = {"permission": permission}
    if reason:
        said.update(user_message=reason, agent_message=reason)
    return json.dumps(said) + "\n"


def copilot_command(repo: Repo) -> str:
    config = read(repo, ".github/hooks/ownership.json")
    (entry,) = config["hooks"]["preToolUse"]
    assert (config["version"], entry["type"], entry["timeoutSec"]) == (1, "command", 30)
    return entry["bash"]


def copilot(repo: Repo, tool: str, args) -> bytes:
    # github/docs cli-hooks-reference.md: sessionId, timestamp (ms), cwd, toolName, toolArgs (a JSON string)
    text = args if isinstance(args, str) else json.dumps(args)
    return json.dumps({"sessionId": "s1", "timestamp": 1765101600000, "cwd": str(repo.path), "toolName": tool,
                       "toolArgs": text}).encode()  # fmt: skip


def copilot_deny(reason: str) -> str:
    return json.dumps({"permissionDecision": "deny", "permissionDecisionReason": reason}) + "\n"


def windsurf_command(repo: Repo) -> str:
    hooks = read(repo, ".windsurf/hooks.json")["hooks"]
    commands = {hooks[e][0]["command"] for e in ("pre_write_code", "pre_run_command", "pre_mcp_tool_use")}
    assert len(commands) == 1
    return commands.pop()


def windsurf(event: str, tool_info: dict) -> bytes:
    # docs.windsurf.com/windsurf/cascade/hooks: agent_action_name, trajectory_id, execution_id, timestamp, tool_info
    return json.dumps({"agent_action_name": event, "trajectory_id": "tr1", "execution_id": "ex1",
                       "timestamp": "2026-12-07T10:00:00Z", "tool_info": tool_info}).encode()  # fmt: skip


def cline_command(repo: Repo) -> str:
    script = repo.path / ".clinerules/hooks/PreToolUse"
    assert os.access(script, os.X_OK) and script.read_text().startswith("#!/bin/sh\n")
    return shlex.quote(str(script))  # Cline executes the file itself


def cline(repo: Repo, tool: str, parameters: dict) -> bytes:
    # cline/cline .clinerules/hooks/README.md and hook-factory.ts: clineVersion, hookName, timestamp, taskId,
    # workspaceRoots, userId, preToolUse {toolName, parameters}; non-string parameters arrive JSON-encoded
    return json.dumps({"clineVersion": "3.40.0", "hookName": "PreToolUse", "timestamp": "1765101600000",
                       "taskId": "task1", "workspaceRoots": [str(repo.path)], "userId": "u1",
                       "preToolUse": {"toolName": tool, "parameters": parameters}}).encode()  # fmt: skip


def cline_says(cancel: bool, reason: str | None = None) -> str:
    return json.dumps({"cancel": cancel, **({"errorMessage": reason} if reason else {})}) + "\n"


def opencode_command(repo: Repo) -> str:
    text = (repo.path / ".opencode/plugins/ownership.js").read_text()
    assert '"tool.execute.before"' in text and "throw new Error" in text
    start = text.index("sh -c ${") + len("sh -c ${")
    return json.JSONDecoder().raw_decode(text, start)[0]  # the plugin runs it through `sh -c`


def opencode(repo: Repo, tool: str, args: dict) -> bytes:
    # What our plugin sends: OpenCode's tool.execute.before input {tool, sessionID, callID} and output.args
    # (anomalyco/opencode packages/plugin/src/index.ts; edit/write filePath, bash command, apply_patch patchText)
    return json.dumps({"tool": tool, "sessionID": "ses1", "callID": "call1", "args": args,
                       "directory": str(repo.path)}).encode()  # fmt: skip


def kiro_commands(repo: Repo) -> tuple[str, str]:
    (entry,) = read(repo, ".kiro/agents/api.json")["hooks"]["preToolUse"]
    (hook,) = read(repo, ".kiro/hooks/ownership.json")["hooks"]
    assert (entry["matcher"], hook["trigger"]) == ("*", "PreToolUse")
    return entry["command"], hook["action"]["command"]


def kiro(repo: Repo, tool: str, tool_input: dict) -> bytes:
    # aws/amazon-q-developer-cli docs/hooks.md (Kiro CLI keeps it): hook_event_name, cwd, tool_name, tool_input;
    # fs_write {command, path, file_text}, execute_bash {command}
    return json.dumps({"hook_event_name": "preToolUse", "cwd": str(repo.path), "tool_name": tool,
                       "tool_input": tool_input}).encode()  # fmt: skip


def absolute(repo: Repo, path: str) -> str:
    return str(repo.path / path)


# --- the tests ------------------------------------------------------------------------------------------------


def test_claude(project: Repo) -> None:
    install(project, "claude")
    command, env = claude_command(project), {"CLAUDE_PROJECT_DIR": str(project.path)}
    write = claude(project, "Write", {"file_path": absolute(project, LANE), "content": ""})
    assert run(project, command, write, env) == (0, "", "")
    write = claude(project, "Write", {"file_path": absolute(project, OTHER), "content": ""})
    assert run(project, command, write, env) == (0, claude_deny(AS_AGENT), "")
    assert run(project, command, claude(project, "Bash", {"command": SHELL}), env) == (0, claude_deny(AS_AGENT), "")
    powershell = claude(project, "PowerShell", {"command": f"Set-Content -Path {OTHER} -Value 'x'"})
    assert run(project, command, powershell, env) == (0, claude_deny(AS_AGENT), "")
    monitor = claude(project, "Monitor", {"command": f"tail -f log | tee {OTHER}", "timeout_ms": 1000})
    assert run(project, command, monitor, env) == (0, claude_deny(AS_AGENT), "")
    mcp = claude(project, "mcp__filesystem__write_file", {"path": absolute(project, OTHER), "content": "x"})
    assert run(project, command, mcp, env) == (0, claude_deny(AS_AGENT), "")
    malformed = claude(project, "Write", {"content": "no path"})
    assert run(project, command, malformed, env) == (
        2, "", "ownership: hook input: Write without a string 'tool_input.file_path'\n"
    )  # fmt: skip


def test_codex(project: Repo) -> None:
    install(project, "codex")
    command = codex_command(project)
    assert run(project, command, codex(project, "apply_patch", add_file(LANE))) == (0, "", "")
    denied = (0, claude_deny(AS_AGENT), "")
    assert run(project, command, codex(project, "apply_patch", add_file(OTHER))) == denied
    assert run(project, command, codex(project, "Bash", SHELL)) == denied
    # the root session names no agent: the coordinator's lane
    assert run(project, command, codex(project, "Bash", SHELL, agent=None)) == (0, claude_deny(AS_MAIN), "")
    malformed = codex(project, "apply_patch", f"*** Add File: {OTHER}\n+x\n")
    assert run(project, command, malformed) == (
        2, "", "ownership: apply_patch: the patch does not start with '*** Begin Patch'\n"
    )  # fmt: skip


def test_gemini(project: Repo) -> None:
    install(project, "gemini")
    command, env = gemini_command(project), {"GEMINI_PROJECT_DIR": str(project.path)}
    write = gemini(project, "write_file", {"file_path": absolute(project, LANE), "content": ""})
    assert run(project, command, write, env) == (0, "", "")
    denied = (0, json.dumps({"decision": "deny", "reason": AS_MAIN}) + "\n", "")
    replace = gemini(project, "replace", {"file_path": OTHER, "old_string": "a", "new_string": "b", "instruction": "x"})
    assert run(project, command, replace, env) == denied
    assert run(project, command, gemini(project, "run_shell_command", {"command": SHELL}), env) == denied
    malformed = gemini(project, "write_file", {"content": "x"})
    assert run(project, command, malformed, env) == (
        2, "", "ownership: hook input: 'tool_input.file_path' must be a non-empty string\n"
    )  # fmt: skip


def test_cursor(project: Repo) -> None:
    install(project, "cursor")
    tool_command, shell_command = cursor_commands(project)
    write = cursor(project, "preToolUse", tool_name="Write", tool_input={"file_path": absolute(project, LANE)})
    assert run(project, tool_command, write) == (0, cursor_says("allow"), "")
    write = cursor(project, "preToolUse", tool_name="StrReplace", tool_input={"file_path": absolute(project, OTHER)})
    assert run(project, tool_command, write) == (0, cursor_says("deny", AS_MAIN), "")
    shell = cursor(project, "beforeShellExecution", command=SHELL, cwd="")  # an empty cwd: workspace_roots[0]
    assert run(project, shell_command, shell) == (0, cursor_says("deny", AS_MAIN), "")
    malformed = cursor(project, "preToolUse", tool_input={"file_path": absolute(project, LANE)})  # no tool_name
    reason = "ownership: hook input: 'tool_name' must be a non-empty string"
    assert run(project, tool_command, malformed) == (0, cursor_says("deny", reason), "")


def test_copilot(project: Repo) -> None:
    install(project, "copilot")
    command = copilot_command(project)
    assert run(project, command, copilot(project, "create", {"path": LANE, "file_text": ""})) == (0, "", "")
    denied = (0, copilot_deny(AS_MAIN), "")
    assert run(project, command, copilot(project, "edit", {"path": OTHER, "old_str": "a", "new_str": "b"})) == denied
    assert run(project, command, copilot(project, "bash", {"command": SHELL})) == denied
    powershell = copilot(project, "powershell", {"command": f"Add-Content {OTHER} 'x'"})
    assert run(project, command, powershell) == denied
    reason = (
        "ownership: hook input: 'toolArgs' is a string but not JSON: Expecting property name enclosed in double quotes"
    )
    assert run(project, command, copilot(project, "create", "{path: oops")) == (0, copilot_deny(reason), "")


def test_windsurf(project: Repo) -> None:
    install(project, "windsurf")
    command = windsurf_command(project)
    edits = [{"old_string": "", "new_string": "x = 1\n"}]
    assert run(project, command, windsurf("pre_write_code", {"file_path": absolute(project, LANE), "edits": edits})) == (
        0, "", ""
    )  # fmt: skip
    write = windsurf("pre_write_code", {"file_path": absolute(project, OTHER), "edits": edits})
    assert run(project, command, write) == (2, "", AS_MAIN + "\n")
    shell = windsurf("pre_run_command", {"command_line": SHELL, "cwd": str(project.path)})
    assert run(project, command, shell) == (2, "", AS_MAIN + "\n")
    malformed = windsurf("pre_run_command", {"command_line": SHELL})
    assert run(project, command, malformed) == (
        2,
        "",
        "ownership: hook input: no absolute working folder ('tool_info.cwd')\n",
    )


def test_cline(project: Repo) -> None:
    install(project, "cline")
    command = cline_command(project)
    write = cline(project, "editor", {"path": absolute(project, LANE), "new_text": "x"})
    assert run(project, command, write) == (0, cline_says(False), "")
    write = cline(project, "write_to_file", {"path": absolute(project, OTHER), "content": "x"})
    assert run(project, command, write) == (0, cline_says(True, AS_MAIN), "")
    shell = cline(project, "run_commands", {"commands": json.dumps(["ls", SHELL])})
    assert run(project, command, shell) == (0, cline_says(True, AS_MAIN), "")
    patch = cline(project, "apply_patch", {"input": f"*** Begin Patch\n*** Delete File: {OTHER}\n*** End Patch"})
    assert run(project, command, patch) == (0, cline_says(True, AS_MAIN), "")
    malformed = cline(project, "editor", {"new_text": "x"})
    reason = "ownership: hook input: 'preToolUse.parameters.path' must be a non-empty string"
    assert run(project, command, malformed) == (0, cline_says(True, reason), "")


def test_opencode(project: Repo) -> None:
    install(project, "opencode")
    command = opencode_command(project)
    assert run(project, command, opencode(project, "write", {"filePath": absolute(project, LANE), "content": ""})) == (
        0, "", ""
    )  # fmt: skip
    edit = opencode(project, "edit", {"filePath": absolute(project, OTHER), "oldString": "a", "newString": "b"})
    assert run(project, command, edit) == (2, "", AS_MAIN + "\n")
    assert run(project, command, opencode(project, "bash", {"command": SHELL, "description": "x"})) == (
        2, "", AS_MAIN + "\n"
    )  # fmt: skip
    patch = opencode(project, "apply_patch", {"patchText": "*** Begin Patch\n*** Update File: a.py\n"})
    assert run(project, command, patch) == (
        2,
        "",
        "ownership: apply_patch: the patch does not end with '*** End Patch'\n",
    )


def test_kiro(project: Repo) -> None:
    (project.path / ".kiro/agents").mkdir(parents=True)
    (project.path / ".kiro/agents/api.json").write_text(json.dumps({"name": "api", "tools": ["*"]}))
    install(project, "kiro")
    agent_command, workspace_command = kiro_commands(project)
    assert agent_command.startswith(f"{EXE} guard --host kiro --agent api ||")
    write = kiro(project, "fs_write", {"command": "create", "path": absolute(project, LANE), "file_text": ""})
    assert run(project, agent_command, write) == (0, "", "")
    write = kiro(project, "fs_write", {"command": "create", "path": absolute(project, OTHER), "file_text": ""})
    assert run(project, agent_command, write) == (2, "", AS_AGENT + "\n")
    assert run(project, workspace_command, write) == (2, "", AS_MAIN + "\n")
    assert run(project, agent_command, kiro(project, "execute_bash", {"command": SHELL})) == (2, "", AS_AGENT + "\n")
    malformed = kiro(project, "fs_write", {"command": "create", "path": 7})
    assert run(project, agent_command, malformed) == (
        2, "", "ownership: hook input: 'tool_input.path' must be a non-empty string\n"
    )  # fmt: skip


# A stand-in for Bun's `$` (Bun's shell is not installed here): runs `sh -c COMMAND < Response` as the plugin asks.
FAKE_BUN = """
import { spawnSync } from "node:child_process"
const plugin = await import(process.argv[2])
const $ = (parts, command, stdin) => {
  let folder = "."
  const run = async () => {
    const input = await stdin.text()
    const done = spawnSync("sh", ["-c", command], { input, cwd: folder })
    return { exitCode: done.status, stderr: done.stderr }
  }
  const chain = { cwd(f) { folder = f; return chain }, nothrow() { return chain }, quiet() { return run() } }
  return chain
}
const hooks = await plugin.OwnershipGuard({ $, directory: process.argv[3] })
try {
  await hooks["tool.execute.before"]({ tool: process.argv[4], sessionID: "s", callID: "c" }, { args: JSON.parse(process.argv[5]) })
  console.log("ran")
} catch (error) {
  console.log("threw: " + error.message)
}
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="node runs the OpenCode plugin file")
def test_the_opencode_plugin_throws_on_a_deny_and_when_the_guard_cannot_start(project: Repo, tmp_path: Path) -> None:
    install(project, "opencode")
    harness = tmp_path / "harness.mjs"
    harness.write_text(FAKE_BUN)
    plugin = str(project.path / ".opencode/plugins/ownership.js")

    def call(tool: str, args: dict) -> str:
        argv = ["node", str(harness), plugin, str(project.path), tool, json.dumps(args)]
        return subprocess.run(argv, capture_output=True, text=True, check=True).stdout

    assert call("write", {"filePath": absolute(project, LANE), "content": ""}) == "ran\n"
    assert call("write", {"filePath": absolute(project, OTHER), "content": ""}) == f"threw: {AS_MAIN}\n"
    broken = (project.path / ".opencode/plugins/ownership.js").read_text().replace(EXE, "no-such-ownership")
    (project.path / ".opencode/plugins/ownership.js").write_text(broken)
    assert call("write", {"filePath": absolute(project, LANE), "content": ""}).startswith(
        "threw: sh: 1: no-such-ownership"
    )
