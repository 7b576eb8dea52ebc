"""`ownership install HOST|--all` and `doctor` for every host; a guard that cannot start; the hook files protected."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.guard.test_hosts import (
    AS_MAIN,
    EXE,
    OTHER,
    absolute,
    claude,
    claude_deny,
    codex,
    copilot,
    cursor,
    read,
    run,
)
from tests.support import Repo

CONFIGS = {
    "codex": (".codex/hooks.json", {"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "./audit.sh"}]}], "Stop": []}, "model": "o4"}),
    "gemini": (".gemini/settings.json", {"theme": "dark", "hooks": {"BeforeTool": [{"matcher": "write_file", "hooks": [{"type": "command", "command": "fmt"}]}]}}),
    "cursor": (".cursor/hooks.json", {"version": 1, "hooks": {"beforeShellExecution": [{"command": "./audit.sh"}], "afterFileEdit": [{"command": "fmt"}]}}),
    "copilot": (".github/hooks/ownership.json", {"version": 1, "hooks": {"preToolUse": [{"type": "command", "bash": "./audit.sh"}]}}),
    "windsurf": (".windsurf/hooks.json", {"hooks": {"pre_run_command": [{"command": "./audit.sh", "show_output": False}]}}),
}  # fmt: skip


def ownership(repo: Repo, *args: str) -> tuple[int, str, str]:
    proc = subprocess.run([EXE, *args], cwd=repo.path, capture_output=True, text=True)
    return proc.returncode, proc.stdout, proc.stderr


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@pytest.mark.parametrize("host", sorted(CONFIGS))
def test_install_merges_keeps_other_hooks_and_twice_changes_nothing(example: Repo, host: str) -> None:
    name, original = CONFIGS[host]
    path = example.path / name
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(original))
    assert ownership(example, "install", host, "--command", "ownership")[0] == 0
    first = path.read_text()
    merged = json.loads(first)
    kept = [s for s in _strings(original) if s not in _strings(merged)]
    assert kept == []  # every string of the original (other hooks, keys) is still there
    assert sum("guard --host " + host in s for s in _strings(merged)) >= 1
    code, out, _ = ownership(example, "install", host, "--command", "ownership")
    assert (code, path.read_text()) == (0, first)
    assert out.endswith("; nothing changed\n")


def test_install_replaces_an_older_guard_entry_instead_of_adding_one(example: Repo) -> None:
    path = example.path / ".cursor/hooks.json"
    path.parent.mkdir()
    path.write_text(
        json.dumps({"version": 1, "hooks": {"preToolUse": [{"command": "/old/ownership guard --host cursor"}]}})
    )
    ownership(example, "install", "cursor", "--command", "ownership")
    entries = json.loads(path.read_text())["hooks"]["preToolUse"]
    assert [e["command"].split(" ||")[0] for e in entries] == ["ownership guard --host cursor"]


def test_install_refuses_a_config_that_is_not_json_and_a_foreign_cline_script(example: Repo) -> None:
    (example.path / ".gemini").mkdir()
    (example.path / ".gemini/settings.json").write_text("{hooks: 1}")
    assert ownership(example, "install", "gemini", "--command", "ownership") == (
        2, "", "ownership: .gemini/settings.json:1: not JSON (Expecting property name enclosed in double quotes); "
        "fix it, then run this again\n",
    )  # fmt: skip
    script = example.path / ".clinerules/hooks/PreToolUse"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\n./my-check\n")
    code, out, err = ownership(example, "install", "cline", "--command", "ownership")
    assert (code, out) == (2, "")
    assert err.startswith("ownership: .clinerules/hooks/PreToolUse exists and is not the ownership guard; add `")
    assert script.read_text() == "#!/bin/sh\n./my-check\n"


def test_install_all_takes_the_hosts_whose_folders_exist(example: Repo) -> None:
    for folder in (".codex", ".cursor", ".opencode"):
        (example.path / folder).mkdir()
    code, out, err = ownership(example, "install", "--all", "--command", "ownership")
    assert (code, err) == (0, "")
    assert re.findall(r"^installed the ownership guard for (\w+)", out, re.M) == ["Codex", "Cursor", "OpenCode"]
    assert not (example.path / ".claude").exists() and not (example.path / ".gemini").exists()


def test_install_needs_one_host_or_all(example: Repo) -> None:
    assert ownership(example, "install") == (
        2, "", "ownership: name one host (claude, codex, gemini, cursor, copilot, windsurf, cline, opencode, kiro) or pass --all\n"
    )  # fmt: skip
    assert ownership(example, "install", "vim") == (
        2, "", "ownership: unknown host 'vim'; hosts: claude, codex, gemini, cursor, copilot, windsurf, cline, opencode, kiro\n"
    )  # fmt: skip
    assert ownership(example, "guard", "--host", "vim")[::2] == (
        2, "ownership: unknown host 'vim'; hosts: claude, codex, gemini, cursor, copilot, windsurf, cline, opencode, kiro\n"
    )  # fmt: skip


# --- a guard that cannot start is a refusal, in each host's words ----------------------------------------------


def test_a_guard_that_cannot_start_refuses_the_call_on_every_host(example: Repo) -> None:
    for host in ("codex", "gemini", "cursor", "copilot", "windsurf", "kiro"):
        assert ownership(example, "install", host, "--command", "no-such-ownership")[0] == 0
    read = lambda name: json.loads((example.path / name).read_text())  # noqa: E731
    exit_two = "ownership: the guard did not run (exit 127)\n"
    for command in (
        read(".codex/hooks.json")["hooks"]["PreToolUse"][0]["hooks"][0]["command"],
        read(".gemini/settings.json")["hooks"]["BeforeTool"][0]["hooks"][0]["command"],
        read(".windsurf/hooks.json")["hooks"]["pre_write_code"][0]["command"],
        read(".kiro/hooks/ownership.json")["hooks"][0]["action"]["command"],
    ):
        code, out, err = run(example, command, b"{}")
        assert (code, out) == (2, "") and err.endswith(exit_two), command
    command = read(".cursor/hooks.json")["hooks"]["preToolUse"][0]["command"]
    said = '{"permission": "deny", "agent_message": "ownership: the guard did not run"}\n'
    assert run(example, command, b"{}")[:2] == (2, said)
    command = read(".github/hooks/ownership.json")["hooks"]["preToolUse"][0]["bash"]
    said = '{"permissionDecision": "deny", "permissionDecisionReason": "ownership: the guard did not run"}\n'
    assert run(example, command, b"{}")[:2] == (2, said)


HOSTS = ("claude", "codex", "gemini", "cursor", "copilot", "windsurf", "cline", "opencode", "kiro")
# How each host's installed command says "blocked" when ownership itself fails: exit 2 and a line on stderr
# (exit-code hosts), or exit 2 with the host's own deny JSON (hosts that read JSON), or any exit but 0
# (OpenCode's plugin throws, which refuses the call).
JSON_DENY = {
    "cursor": '{"permission": "deny", "agent_message": "ownership: the guard did not run"}\n',
    "copilot": '{"permissionDecision": "deny", "permissionDecisionReason": "ownership: the guard did not run"}\n',
    "cline": '{"cancel": true, "errorMessage": "ownership: the guard did not run"}\n',
}


def installed_command(repo: Repo, host: str) -> str:
    """The command `ownership install HOST` (ownership from PATH) left in the host's configuration."""
    from types import SimpleNamespace

    from ownership.guard.adapters import get

    assert ownership(repo, "install", host, "--command", "ownership")[0] == 0
    return get(host).installed(SimpleNamespace(repo=str(repo.path)))


def fake_ownership(folder, body: str) -> str:
    """A folder holding an `ownership` that runs `body` instead: what PATH finds first."""
    folder.mkdir(exist_ok=True)
    script = folder / "ownership"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    return f"{folder}:/usr/bin:/bin"


@pytest.mark.parametrize("host", HOSTS)
@pytest.mark.parametrize(
    ("failure", "body", "status"),
    [("absent", None, 127), ("crashing", "cat > /dev/null; exit 1", 1), ("killed", "kill -9 $$", 137)],
)
def test_the_installed_command_blocks_when_ownership_is_absent_crashes_or_is_killed(
    example: Repo, tmp_path, host: str, failure: str, body: str | None, status: int
) -> None:
    command = installed_command(example, host)
    path = "/usr/bin:/bin" if body is None else fake_ownership(tmp_path / "bin", body)
    env = {"PATH": path, "CLAUDE_PROJECT_DIR": str(example.path), "GEMINI_PROJECT_DIR": str(example.path)}
    code, out, err = run(example, command, claude(example, "Write", {"file_path": absolute(example, OTHER)}), env)
    if host == "opencode":
        assert code == status  # the plugin throws on any exit but 0: OpenCode refuses the call
    elif host in JSON_DENY:
        assert (code, out) == (2, JSON_DENY[host])
    else:
        assert (code, out) == (2, "") and err.endswith(f"ownership: the guard did not run (exit {status})\n")


def test_claudes_entry_blocks_on_a_timeout_too(example: Repo) -> None:
    """Claude Code lets a timed-out hook's call through unless the entry says onFailure: block (v2.1.295+)."""
    ownership(example, "install", "claude", "--command", "ownership")
    entry = read(example, ".claude/settings.json")["hooks"]["PreToolUse"][0]["hooks"][0]
    assert (entry["timeout"], entry["onFailure"]) == (30, "block")
    plugin = example.path / ".opencode/plugins/ownership.js"
    ownership(example, "install", "opencode", "--command", "ownership")
    assert 'setTimeout(() => reject(new Error("ownership: the guard did not answer within 30 s")), 30000)' in (
        plugin.read_text()
    )


def test_a_crash_inside_a_json_host_is_still_its_deny(example: Repo) -> None:
    """Copilot: anything the guard cannot read answers with the deny JSON, never an exit code it may ignore."""
    data = copilot(example, "create", {"path": 42})
    reason = "ownership: hook input: 'toolArgs.path' must be a non-empty string"
    said = json.dumps({"permissionDecision": "deny", "permissionDecisionReason": reason}) + "\n"
    assert run(example, f"{EXE} guard --host copilot", data) == (0, said, "")


# --- the hook files are protected, on every host ------------------------------------------------------------------


def test_an_agent_may_not_rewrite_any_hosts_hook_configuration(example: Repo) -> None:
    reason = (
        "ownership: api may not write .codex/hooks.json: protected: it holds an agent host's hooks, the guard's own configuration "
        "(`ownership install`); owners: no agent (a person must change it)"
    )
    write = claude(example, "Write", {"file_path": absolute(example, ".codex/hooks.json"), "content": "{}"})
    code, out, _ = run(example, f"{EXE} -C {example.path} guard", write)
    assert code == 0 and json.loads(out)["hookSpecificOutput"]["permissionDecisionReason"].endswith(reason)
    patch = "*** Begin Patch\n*** Delete File: .cursor/hooks.json\n*** End Patch\n"
    code, out, _ = run(example, f"{EXE} guard --host codex", codex(example, "apply_patch", patch))
    assert "may not write .cursor/hooks.json: protected: it holds an agent host's hooks" in out
    shell = claude(example, "Bash", {"command": "rm -rf .clinerules/hooks"})
    code, out, _ = run(example, f"{EXE} -C {example.path} guard", shell)
    assert "may not write .clinerules/hooks: protected: it holds an agent host's hooks" in out
    for command in ("rm -rf .github", "mv .kiro old"):  # a folder that holds them
        code, out, _ = run(example, f"{EXE} -C {example.path} guard", claude(example, "Bash", {"command": command}))
        assert "it holds an agent host's hooks" in out, command


def test_the_main_session_with_free_hands_may_still_edit_them(example: Repo) -> None:
    write = claude(example, "Write", {"file_path": absolute(example, ".claude/settings.json"), "content": "{}"})
    data = json.loads(write)
    del data["agent_id"], data["agent_type"]
    assert run(example, f"{EXE} -C {example.path} guard", json.dumps(data).encode()) == (0, "", "")


def test_claude_refuses_a_powershell_write_it_cannot_read_naming_the_cmdlet(example: Repo) -> None:
    data = claude(example, "PowerShell", {"command": "Set-Content -Path $p -Value 1"})
    assert run(example, f"{EXE} -C {example.path} guard", data) == (
        2, "", "ownership: PowerShell: cannot read the path '$p' Set-Content writes\n"
    )  # fmt: skip
    data = claude(example, "mcp__filesystem__move_file", {"source": absolute(example, "svc/src/api/users.py"),
                                                          "destination": absolute(example, OTHER)})  # fmt: skip
    reason = f"ownership: api may not write {OTHER}: reads: src/db/** (contract/agents/api.md:17); owners: db"
    assert run(example, f"{EXE} -C {example.path} guard", data) == (0, claude_deny(reason), "")
    other_mcp = claude(example, "mcp__github__create_issue", {"title": "x"})
    assert run(example, f"{EXE} -C {example.path} guard", other_mcp) == (0, "", "")


# --- doctor ---------------------------------------------------------------------------------------------------------


def test_doctor_reports_each_installed_host_with_a_refusal_an_allow_and_a_deny(example: Repo) -> None:
    path = example.path / "contract/ownership.yaml"
    path.write_text(path.read_text() + "coordinator: api\n")
    example.commit("coordinator")
    for host in ("claude", "codex", "cursor", "windsurf"):
        assert ownership(example, "install", host, "--command", EXE)[0] == 0
    (example.path / ".gemini").mkdir()  # a host in use without the guard: a problem
    code, out, err = ownership(example, "doctor")
    lines = re.sub(r"\(\d+ ms\)", "(N ms)", out).splitlines()
    assert (code, err) == (1, "")
    cursor_at = lines.index("cursor: installed; Cursor runs:")
    assert lines[cursor_at + 2 : cursor_at + 5] == [
        "  denied as expected: a payload that is not JSON (N ms)",
        "  allowed as expected: api writes svc/src/api/ownership-doctor.txt (N ms)",
        "  denied as expected: api writes contract/ownership.yaml (N ms)",
    ]
    assert "codex: installed; Codex runs:" in lines and "windsurf: installed; Windsurf runs:" in lines
    gemini = lines.index("gemini: not installed, though .gemini/ exists")
    assert lines[gemini + 1] == "  fix: ownership install gemini"
    assert lines[-2:] == [
        "not installed (no folder of theirs here): copilot, cline, opencode, kiro",
        "doctor: 1 problem(s)",
    ]


def test_doctor_fails_a_host_whose_installed_command_lets_a_write_through(example: Repo) -> None:
    ownership(example, "install", "windsurf", "--command", EXE)
    path = example.path / ".windsurf/hooks.json"
    config = json.loads(path.read_text())
    for entries in config["hooks"].values():
        entries[0]["command"] = "cat > /dev/null; exit 0  # ownership guard --host windsurf (broken)"
    path.write_text(json.dumps(config))
    code, out, _ = ownership(example, "doctor")
    assert code == 1
    assert "  FAILED: a payload that is not JSON should be denied; exit 0" in out.splitlines()


def test_cursor_payload_with_a_byte_order_mark_and_no_cwd_resolves_against_the_workspace(example: Repo) -> None:
    shell = cursor(example, "beforeShellExecution", command=f"touch {OTHER}", cwd="")
    code, out, _ = run(example, f"{EXE} guard --host cursor --agent api", shell)
    assert (code, json.loads(out)["permission"]) == (0, "deny")
    assert AS_MAIN.replace("the main session (coordinator: api)", "api") == json.loads(out)["agent_message"]


# --- MCP file tools: the defaults and ownership.yaml's mcp_file_tools ------------------------------------------


def test_mcp_file_tools_from_the_contract_are_judged_on_every_host(example: Repo) -> None:
    path = example.path / "contract/ownership.yaml"
    path.write_text(path.read_text() + "coordinator: api\nmcp_file_tools:\n  store/save_doc: [target, backup]\n")
    example.commit("mcp")
    args = {"target": absolute(example, "svc/src/api/doc.md"), "backup": absolute(example, OTHER)}
    kiro = json.dumps({"hook_event_name": "preToolUse", "cwd": str(example.path), "tool_name": "@store/save_doc",
                       "tool_input": args}).encode()  # fmt: skip
    assert run(example, f"{EXE} guard --host kiro", kiro) == (2, "", AS_MAIN + "\n")
    gemini = json.dumps({"session_id": "g", "cwd": str(example.path), "hook_event_name": "BeforeTool",
                         "tool_name": "mcp_store_save_doc", "tool_input": args}).encode()  # fmt: skip
    assert run(example, f"{EXE} guard --host gemini", gemini) == (
        0,
        json.dumps({"decision": "deny", "reason": AS_MAIN}) + "\n",
        "",
    )
    claude_call = claude(example, "mcp__store__save_doc", {"target": absolute(example, "svc/src/api/doc.md")})
    code, out, err = run(example, f"{EXE} -C {example.path} guard", claude_call)
    assert (code, out, err) == (2, "", "ownership: hook input: 'store/save_doc backup' must be a non-empty string\n")
    # the defaults still hold beside the contract's own
    claude_call = claude(example, "mcp__filesystem__create_directory", {"path": absolute(example, "svc/src/db/new")})
    assert '"permissionDecision": "deny"' in run(example, f"{EXE} -C {example.path} guard", claude_call)[1]


def test_a_malformed_mcp_file_tools_is_a_contract_error(example: Repo) -> None:
    path = example.path / "contract/ownership.yaml"
    path.write_text(path.read_text() + "mcp_file_tools:\n  write_file: path\n")
    code, _, err = ownership(example, "lint")
    assert code == 2
    assert (
        "ownership: contract/ownership.yaml:5: mcp_file_tools maps SERVER/TOOL to a list of argument names, "
        "like {filesystem/write_file: [path]}\n"
    ) in err


def test_a_patch_that_moves_an_owned_file_out_of_the_lane_is_denied(example: Repo) -> None:
    """Adversarial: the update is in the lane, the `*** Move to:` destination is not."""
    patch = (
        "*** Begin Patch\n*** Update File: svc/src/api/users.py\n*** Move to: svc/src/db/users.py\n"
        "@@\n-users = []\n+users = [1]\n*** End Patch\n"
    )
    code, out, _ = run(example, f"{EXE} guard --host codex", codex(example, "apply_patch", patch))
    reason = json.loads(out)["hookSpecificOutput"]["permissionDecisionReason"]
    assert (code, reason) == (
        0, "ownership: api may not write svc/src/db/users.py: reads: src/db/** (contract/agents/api.md:17); owners: db"
    )  # fmt: skip
    traversal = "*** Begin Patch\n*** Add File: svc/src/api/../db/evil.py\n+x\n*** End Patch\n"
    code, out, _ = run(example, f"{EXE} guard --host codex", codex(example, "Write", traversal))  # the Write alias
    assert (
        "may not write svc/src/db/evil.py: reads" in json.loads(out)["hookSpecificOutput"]["permissionDecisionReason"]
    )


def test_a_kiro_agent_file_names_its_agent_by_its_name_field(example: Repo) -> None:
    (example.path / ".kiro/agents").mkdir(parents=True)
    (example.path / ".kiro/agents/backend.json").write_text(
        json.dumps({"name": "db", "hooks": {"stop": [{"command": "x"}]}})
    )
    ownership(example, "install", "kiro", "--command", "ownership")
    config = json.loads((example.path / ".kiro/agents/backend.json").read_text())
    assert config["hooks"]["stop"] == [{"command": "x"}]
    assert config["hooks"]["preToolUse"][0]["command"].startswith("ownership guard --host kiro --agent db ||")


def test_install_warns_when_the_hosts_shell_would_not_find_ownership(
    example: Repo, tmp_path: Path, monkeypatch
) -> None:
    """Codex runs a hook as `$SHELL -lc`: a login shell whose PATH may lack ownership. Installed, and said loudly."""
    bin_folder = str(Path(sys.executable).parent)
    login = tmp_path / "login-shell"
    login.write_text('#!/bin/sh\nexec env PATH=/usr/bin:/bin /bin/sh "$@"\n')  # a login profile that resets PATH
    login.chmod(0o755)
    env = dict(os.environ, PATH=bin_folder + os.pathsep + "/usr/bin:/bin", SHELL=str(login))
    proc = subprocess.run([EXE, "install", "codex"], cwd=example.path, env=env, capture_output=True, text=True)
    assert proc.returncode == 0
    assert proc.stderr == (
        f"warning: Codex runs its hooks through a shell, and `{login} -lc` finds no `ownership` on its PATH: every "
        "call will be refused until it does; put ownership on that shell's PATH, or name it with --command "
        "(`ownership doctor` checks)\n"
    )
    assert proc.stdout.startswith("installed the ownership guard for Codex: ")
    env["SHELL"] = "/bin/sh"  # a shell that keeps PATH: no warning
    proc = subprocess.run([EXE, "install", "gemini"], cwd=example.path, env=env, capture_output=True, text=True)
    assert (proc.returncode, proc.stderr) == (0, "")
