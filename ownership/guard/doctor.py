"""`ownership doctor`: is each host's hook installed, and does it run?

For Claude Code it sends one call the guard must deny and one it must allow
through the installed command, as Claude Code would; for every other host that
is installed (or whose folder exists), a payload that is not JSON (refused), an
allowed write and, when the host's caller has a lane, a denied one, in that
host's shape and through /bin/sh as the host runs it, each with its time.
Under each problem, one `fix:` line says the command to run or the file to
change.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from ..errors import OwnershipError, UsageError
from ..workspace import Workspace
from .decide import Guard
from .installers import POST_EVENTS, PRE_TOOL_MATCHER, SETTINGS, guard_command, installed_commands, read_settings

PRE_COMMIT = ".pre-commit-config.yaml"
ON_PATH = 'put ownership on PATH (pipx install "/path/to/ownership[hooks]") or into the project\'s .venv'


def fix(echo: Callable[[str], None], text: str) -> None:
    """The line under a problem that says how to mend it."""
    echo(f"  fix: {text}")


def _not_found(code: int, err: str) -> bool:
    """The hook's shell could not find or start the program (sh: 127 not found, 126 not executable)."""
    return code in (126, 127) or "not found" in err or "No such file" in err


def doctor(ws: Workspace, echo: Callable[[str], None]) -> int:
    """Is each host's hook installed, and does it run? Sends denied and allowed calls through each."""
    problems = _claude(ws, echo)
    if problems < 0:
        return 1
    from .sandbox import sandbox_lines

    for line in sandbox_lines():
        echo(line)
    problems += _unprotected(ws, echo)
    problems += _other_hosts(ws, echo)
    echo("doctor: the guard is installed and works" if not problems else f"doctor: {problems} problem(s)")
    return 0 if not problems else 1


def _claude(ws: Workspace, echo: Callable[[str], None]) -> int:
    """The Claude Code section: its problems, or -1 when the contract cannot be read (the report then ends)."""
    problems = 0
    settings = read_settings(os.path.join(ws.repo, SETTINGS)) or {}
    installed = installed_commands(settings)
    command = installed.get("PreToolUse")
    events = ("PreToolUse", *POST_EVENTS, "SubagentStart")
    if all(installed.get(e) for e in events):
        echo(
            f"hook installed: {SETTINGS} runs it on PreToolUse, PostToolUse and PostToolUseFailure "
            f"({PRE_TOOL_MATCHER}) and SubagentStart:"
        )
    else:
        problems += 1
        missing = ", ".join(e for e in events if not installed.get(e))
        why = " (the audit after each command)" if installed.get("PreToolUse") else ""
        echo(f"hook not installed: {SETTINGS} has no guard on {missing}{why}")
        if command is None:
            try:
                command = guard_command(ws)
            except UsageError as exc:  # no command that would run the same in every clone
                echo(f"  and cannot be yet: {exc}")
                fix(echo, f"{ON_PATH}, then run `ownership install claude`")
        if command is not None:
            fix(echo, "ownership install claude")
            echo(f"trying {'its PreToolUse command' if installed.get('PreToolUse') else 'the command install writes'}:")
    if command is not None:
        echo(f"  {command}")
    try:
        main = Guard(ws).main()
    except OwnershipError as exc:
        echo(f"contract: cannot be read: {str(exc).splitlines()[0]}")
        fix(echo, "ownership lint (it lists every error with its file and line; correct them, then commit)")
        echo(f"doctor: {problems + 1} problem(s); the guard blocks every write until the contract reads")
        return -1
    contract = main.contract
    echo(f"contract in force: {main.where} ({len(contract.agents)} agents)")
    agent, allowed_path = _sample(main)
    denied_path = contract.files[0]
    probes = [("deny", f"{agent} writes {denied_path}", _payload(ws, agent, "Write", {"file_path": denied_path}))]
    if allowed_path:
        allowed = _payload(ws, agent, "Write", {"file_path": allowed_path})
        probes.append(("allow", f"{agent} writes {allowed_path}", allowed))
    else:
        probes.append(("allow", f"{agent} runs `true`", _payload(ws, agent, "Bash", {"command": "true"})))
    if command is not None:
        for expected, what, payload in probes:
            problems += _probe(ws, command, expected, what, payload, echo)
    for line in acting_lines(ws, main):
        echo(line)
    return problems


def _other_hosts(ws: Workspace, echo: Callable[[str], None]) -> int:
    from .adapters import NAMES, get

    problems, absent = 0, []
    main = Guard(ws).main()
    agent, allowed_path = _sample(main)
    for name in NAMES[1:]:
        host = get(name)
        command = host.installed(ws)
        if command is None:
            if host.used_in(ws.repo):
                problems += 1
                echo(f"{name}: not installed, though {host.folder}/ exists")
                fix(echo, f"ownership install {name}")
            else:
                absent.append(name)
            continue
        echo(f"{name}: installed; {host.title} runs:")
        echo(f"  {command}")
        actor = agent if name == "codex" else None
        lane = agent if actor else (main.contract.coordinator if main.contract.coordinator != "allow" else None)
        probes = [("deny", "a payload that is not JSON", b"{not json")]
        if allowed_path and (lane is None or main.engine.decide(allowed_path, lane).can_write):
            path = os.path.join(ws.repo, allowed_path)
            probes.append(
                ("allow", f"{lane or 'the main session'} writes {allowed_path}", host.probe(ws.repo, path, None, actor))
            )
        else:
            probes.append(
                ("allow", f"{lane or 'the main session'} runs `true`", host.probe(ws.repo, None, "true", actor))
            )
        if lane:
            path = os.path.join(ws.repo, main.contract.files[0])
            probes.append(("deny", f"{lane} writes {main.contract.files[0]}", host.probe(ws.repo, path, None, actor)))
        else:
            echo(f"  note: {host.title} names no agent and coordinator is allow: its main session writes anything")
        for expected, what, payload in probes:
            problems += _host_probe(ws, host, command, expected, what, payload, echo)
    if absent:
        echo(f"not installed (no folder of theirs here): {', '.join(absent)}")
    return problems


def _host_probe(ws: Workspace, host, command: str, expected: str, what: str, payload: bytes, echo) -> int:
    import subprocess
    import time

    env = dict(os.environ, **host.env(ws.repo))
    start = time.perf_counter()
    proc = subprocess.run([*host.shell(), command], input=payload, capture_output=True, cwd=ws.repo, env=env)
    took = (time.perf_counter() - start) * 1000
    out, err = proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")
    said = host.decision(proc.returncode, out, err)
    if said == expected:
        echo(f"  {'denied' if expected == 'deny' else 'allowed'} as expected: {what} ({took:.0f} ms)")
        return 0
    echo(f"  FAILED: {what} should be {'denied' if expected == 'deny' else 'allowed'}; exit {proc.returncode}")
    for label, text in (("stdout", out.strip()), ("stderr", err.strip())):
        if text:
            echo(f"    {label}: " + text.replace("\n", f"\n    {label}: "))
    _fix_run(echo, proc.returncode, err, host.name, "  ")
    return 1


def _fix_run(echo: Callable[[str], None], code: int, err: str, host: str, indent: str = "") -> None:
    """The fix for a hook that did not answer as it should: ownership missing, or a command to write anew."""
    if _not_found(code, err):
        fix(lambda line: echo(indent + line), f"{ON_PATH}, then run `ownership install {host}`")
    else:
        fix(lambda line: echo(indent + line), f"ownership install {host} (writes the guard's command anew)")


def _unprotected(ws: Workspace, echo: Callable[[str], None]) -> int:
    """Hook and settings files the contract leaves writable: an agent's commit could switch the guard off."""
    from .adapters.base import protected_hook_file

    engine = Guard(ws).main().engine
    if not engine.contract.names:
        return 0
    agent = engine.contract.names[0]
    found = [
        p
        for p in sorted(set(ws.tracked_files))
        if (p == PRE_COMMIT or protected_hook_file(p)) and engine.decide(p, agent).access != "protected"
    ]
    for path in found:
        echo(f"not protected: {path} holds hooks, yet the contract lets an agent's commit change it")
        where = engine.contract.source or "ownership.yaml"
        fix(echo, f"add /{path} to the `protected:` list of {where}")
    return len(found)


def acting_lines(ws: Workspace, main) -> list[str]:
    """Who the guard takes to act in this session and worktree when the payload names no agent, and why."""
    from .protocol import HookInput

    guard = Guard(ws)
    session = HookInput("PreToolUse")
    kind, name, who = guard.actor(main.contract, session)
    clues = guard.session_clues(session)
    unnamed = guard.actor(main.contract, HookInput("PreToolUse", agent_id=""))[2]
    shown = {
        "$OWNERSHIP_AGENT": clues.env or "unset",
        "git config ownership.agent": clues.config or "unset",
        "branch": clues.branch or "none (HEAD detached)",
    }
    where = ", ".join(f"{k}: {v}" for k, v in shown.items())
    return [
        f"acting here when the payload has no agent_type: {who}",
        f"  with an agent_id but no agent_type: {unnamed}",
        f"  clues after the payload's agent_type, strongest first: {where}",
    ]


def _sample(main) -> tuple[str, str | None]:
    """An agent, and a path it owns (None when no owns pattern spells one out plainly)."""
    contract, engine = main.contract, main.engine
    for agent in contract.agents:
        for rule in agent.owns:
            pattern = rule.pattern.lstrip("/")
            if rule.pattern.startswith("!") or "[" in pattern or "\\" in pattern:
                continue
            path = pattern.replace("**/", "").replace("**", "*").replace("?", "x")
            path = (path + "*" if path.endswith("/") else path).replace("*", "ownership-doctor.txt")
            path = f"{contract.root}/{path}" if contract.root else path
            if engine.decide(path, agent.name).can_write:
                return agent.name, path
    return contract.agents[0].name, None


def _payload(ws: Workspace, agent: str, tool: str, tool_input: dict) -> bytes:
    """A PreToolUse call as Claude Code sends it; a file_path is made absolute."""
    import json

    if "file_path" in tool_input:
        tool_input = {"file_path": os.path.join(ws.repo, tool_input["file_path"]), "content": ""}
    return json.dumps({
        "session_id": "ownership-doctor", "cwd": ws.repo, "hook_event_name": "PreToolUse", "tool_name": tool,
        "tool_input": tool_input, "tool_use_id": "ownership-doctor", "agent_id": "ownership-doctor",
        "agent_type": agent,
    }).encode()  # fmt: skip


def _probe(ws: Workspace, command: str, expected: str, what: str, payload: bytes, echo: Callable[[str], None]) -> int:
    """Run the hook command through a shell as Claude Code does; 0 when it answered as expected, else 1."""
    import json
    import subprocess
    import time

    env = dict(os.environ, CLAUDE_PROJECT_DIR=ws.repo)
    start = time.perf_counter()
    proc = subprocess.run(["/bin/sh", "-c", command], input=payload, capture_output=True, cwd=ws.repo, env=env)
    took = (time.perf_counter() - start) * 1000
    out, err = proc.stdout.decode("utf-8", "replace").strip(), proc.stderr.decode("utf-8", "replace").strip()
    try:
        answer = json.loads(out)["hookSpecificOutput"] if out else None
    except (ValueError, KeyError, TypeError):
        answer = {}
    if proc.returncode == 0 and expected == "deny" and answer and answer.get("permissionDecision") == "deny":
        echo(f"denied as expected: {what} ({took:.0f} ms)")
        echo("  " + answer.get("permissionDecisionReason", "").replace("\n", "\n  "))
        return 0
    if proc.returncode == 0 and expected == "allow" and answer is None:
        echo(f"allowed as expected: {what} ({took:.0f} ms)")
        return 0
    if proc.returncode == 0 and expected == "allow" and answer and set(answer) == {"hookEventName", "updatedInput"}:
        echo(f"allowed as expected, inside the OS sandbox: {what} ({took:.0f} ms)")
        return 0
    should = "denied" if expected == "deny" else "allowed"
    echo(f"FAILED: {what} should be {should}; the command exited {proc.returncode}")
    for label, text in (("stdout", out), ("stderr", err)):
        if text:
            echo(f"  {label}: " + text.replace("\n", f"\n  {label}: "))
    _fix_run(echo, proc.returncode, err, "claude")
    return 1
