"""The agent tool hooks: `ownership guard` (a Claude Code hook), `ownership install claude`, `ownership doctor`.

cli.py imports this module for every command, so it imports only click at the
top; each command imports what it needs when it runs. `guard` runs on every
tool call an agent makes: its import path stays light.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from .workspace import Workspace

SETTINGS = ".claude/settings.json"
PRE_TOOL_MATCHER = "Write|Edit|MultiEdit|NotebookEdit|Bash"
GUARDED = tuple(PRE_TOOL_MATCHER.split("|"))


@click.command()
@click.pass_obj
def guard(ws: Workspace) -> int:
    """Claude Code hook: judge the tool call on stdin against the contract committed at HEAD.

    PreToolUse of Write, Edit, MultiEdit, NotebookEdit or Bash: allowed, exit 0
    and print nothing; outside the agent's lane, exit 0 and print the JSON that
    denies it, with the rule and the owners. SubagentStart: print the agent's
    lane as additional context. Input or a contract that cannot be read: exit 2,
    and Claude Code blocks the call.
    """
    import json

    from .guard import Guard, audit_records, parse_input

    hook = parse_input(sys.stdin.buffer.read())
    judge = Guard(ws)
    verdict = judge.decide(hook)
    answer = verdict.output()
    if answer is not None:
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
    log = judge.audit_log()
    if log and verdict.checks:
        _append_audit(log, audit_records(hook, verdict, _now()))
    return 0


def _now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _append_audit(path: str, records: list[dict]) -> None:
    """Append the records; a log that cannot be written is reported on stderr, never a reason to fail."""
    import json

    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "a", encoding="utf-8") as handle:
            handle.write("".join(json.dumps(r) + "\n" for r in records))
    except OSError as exc:
        click.echo(f"ownership: cannot append to the audit log {path}: {exc.strerror}; the decision stands", err=True)


# --- install ------------------------------------------------------------------


@click.group()
def install() -> None:
    """Install the agent guard into an agent tool's settings."""


@install.command("claude")
@click.option(
    "--command", "command", metavar="CMD",
    help="How the hook runs ownership (default: `ownership` when it is on PATH, else this installation's path).",
)  # fmt: skip
@click.pass_obj
def install_claude(ws: Workspace, command: str | None) -> int:
    """Merge the guard's hooks into .claude/settings.json (PreToolUse and SubagentStart); nothing else changes."""
    path = os.path.join(ws.repo, SETTINGS)
    settings = _read_settings(path)
    hook_command = guard_command(ws, command)
    merged = merge_claude_settings(settings if settings is not None else {}, hook_command)
    if merged == settings:
        click.echo(f"the ownership guard is already installed in {SETTINGS}; nothing changed")
        return 0
    import json

    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(merged, indent=2, ensure_ascii=False) + "\n")
    click.echo(f"installed the ownership guard in {SETTINGS}: PreToolUse ({PRE_TOOL_MATCHER}) and SubagentStart run")
    click.echo(f"  {hook_command}")
    return 0


def guard_command(ws: Workspace, program: str | None = None) -> str:
    """The hook's shell command. `|| exit 2` blocks the call even when the command itself cannot start."""
    import shlex
    import shutil

    if program is None:
        mine = os.path.join(os.path.dirname(sys.executable), "ownership")  # this installation's console script
        on_path = shutil.which("ownership")
        inside = os.path.relpath(mine, os.path.realpath(ws.repo)).replace(os.sep, "/")
        if not os.path.exists(mine) or (on_path and os.path.samefile(on_path, mine)):
            program = "ownership"
        elif not inside.startswith("../"):
            program = '"$CLAUDE_PROJECT_DIR"/' + shlex.quote(inside)  # a project venv: the same in every clone
        else:
            program = shlex.quote(mine)
    parts = [program, "-C", '"$CLAUDE_PROJECT_DIR"']
    if ws.contract_option:
        parts += ["--contract", shlex.quote(ws.contract_path)]
    return " ".join([*parts, "guard"]) + " || exit 2"


def _is_guard(hook) -> bool:
    command = hook.get("command") if isinstance(hook, dict) else None
    return isinstance(command, str) and "ownership" in command and " guard" in command


def merge_claude_settings(settings: dict, command: str) -> dict:
    """Settings with the guard's two hook entries in place; every other key and hook kept as it was."""
    import copy

    merged = copy.deepcopy(settings)
    hooks = merged.setdefault("hooks", {})
    if not isinstance(hooks, dict):
        from .errors import UsageError

        raise UsageError(f"{SETTINGS}: 'hooks' must be an object; fix it by hand, then run this again")
    for event, matcher in (("PreToolUse", PRE_TOOL_MATCHER), ("SubagentStart", None)):
        groups = hooks.setdefault(event, [])
        if not isinstance(groups, list):
            from .errors import UsageError

            raise UsageError(f"{SETTINGS}: 'hooks.{event}' must be a list; fix it by hand, then run this again")
        entry = {"type": "command", "command": command}
        wanted = {"matcher": matcher, "hooks": [entry]} if matcher else {"hooks": [entry]}
        placed = False
        for group in groups:
            if not isinstance(group, dict) or not isinstance(group.get("hooks"), list):
                continue
            ours = [h for h in group["hooks"] if _is_guard(h)]
            if not ours:
                continue
            if not placed and (len(group["hooks"]) == 1 or group.get("matcher") == matcher):
                if len(group["hooks"]) == 1:
                    group.clear()
                    group.update(wanted)
                else:
                    group["hooks"][group["hooks"].index(ours[0])] = entry
                placed = True
            else:  # a copy elsewhere (another matcher, a duplicate): leave one entry only
                group["hooks"] = [h for h in group["hooks"] if not _is_guard(h)]
        groups[:] = [g for g in groups if not (isinstance(g, dict) and g.get("hooks") == [])]
        if not placed:
            groups.append(wanted)
    return merged


def _read_settings(path: str) -> dict | None:
    import json

    from .errors import UsageError

    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UsageError(f"{SETTINGS}: cannot read it ({exc.strerror})") from None
    try:
        settings = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError as exc:
        raise UsageError(f"{SETTINGS}:{exc.lineno}: not JSON ({exc.msg}); fix it, then run this again") from None
    if not isinstance(settings, dict):
        raise UsageError(f"{SETTINGS}: must hold a JSON object")
    return settings


# --- doctor -------------------------------------------------------------------


@click.command()
@click.pass_obj
def doctor(ws: Workspace) -> int:
    """Is the Claude Code hook installed, and does it run? Sends one denied and one allowed call through it."""
    from .errors import OwnershipError
    from .guard import Guard

    problems = 0
    settings = _read_settings(os.path.join(ws.repo, SETTINGS)) or {}
    installed = _installed_commands(settings)
    command = installed.get("PreToolUse") or guard_command(ws)
    if installed.get("PreToolUse") and installed.get("SubagentStart"):
        click.echo(f"hook installed: {SETTINGS} runs it on PreToolUse ({PRE_TOOL_MATCHER}) and SubagentStart:")
    else:
        problems += 1
        missing = " and ".join(e for e in ("PreToolUse", "SubagentStart") if not installed.get(e))
        click.echo(f"hook not installed: {SETTINGS} has no guard on {missing}; run `ownership install claude`")
        trying = "its PreToolUse command" if installed.get("PreToolUse") else "the command install writes"
        click.echo(f"trying {trying}:")
    click.echo(f"  {command}")
    try:
        main = Guard(ws).main()
    except OwnershipError as exc:
        click.echo(f"contract: cannot be read: {str(exc).splitlines()[0]}")
        click.echo("doctor: 2 problem(s); the guard blocks every write until the contract reads")
        return 1
    contract = main.contract
    click.echo(f"contract in force: {main.where} ({len(contract.agents)} agents)")
    agent, allowed_path = _sample(main)
    denied_path = contract.files[0]
    probes = [("deny", f"{agent} writes {denied_path}", _payload(ws, agent, "Write", {"file_path": denied_path}))]
    if allowed_path:
        allowed = _payload(ws, agent, "Write", {"file_path": allowed_path})
        probes.append(("allow", f"{agent} writes {allowed_path}", allowed))
    else:
        probes.append(("allow", f"{agent} runs `true`", _payload(ws, agent, "Bash", {"command": "true"})))
    for expected, what, payload in probes:
        problems += _probe(ws, command, expected, what, payload)
    click.echo("doctor: the guard is installed and works" if not problems else f"doctor: {problems} problem(s)")
    return 0 if not problems else 1


def _installed_commands(settings: dict) -> dict[str, str]:
    """Event → the guard's command, where a hook runs it for the tools it must see."""
    found: dict[str, str] = {}
    hooks = settings.get("hooks") if isinstance(settings.get("hooks"), dict) else {}
    for event in ("PreToolUse", "SubagentStart"):
        for group in hooks.get(event) or []:
            if not isinstance(group, dict):
                continue
            matcher = group.get("matcher") or "*"
            covers = matcher == "*" or event == "SubagentStart" or set(GUARDED) <= set(matcher.split("|"))
            for hook in group.get("hooks") or []:
                if _is_guard(hook) and covers and hook.get("type") == "command":
                    found.setdefault(event, hook["command"])
    return found


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


def _probe(ws: Workspace, command: str, expected: str, what: str, payload: bytes) -> int:
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
        click.echo(f"denied as expected: {what} ({took:.0f} ms)")
        click.echo("  " + answer.get("permissionDecisionReason", "").replace("\n", "\n  "))
        return 0
    if proc.returncode == 0 and expected == "allow" and answer is None:
        click.echo(f"allowed as expected: {what} ({took:.0f} ms)")
        return 0
    should = "denied" if expected == "deny" else "allowed"
    click.echo(f"FAILED: {what} should be {should}; the command exited {proc.returncode}")
    for label, text in (("stdout", out), ("stderr", err)):
        if text:
            click.echo(f"  {label}: " + text.replace("\n", f"\n  {label}: "))
    return 1
