"""Installing the guard into an agent tool's settings: Claude Code's .claude/settings.json, and the
JSON helpers every host's installer (guard/adapters/) merges with.

`merge_claude_settings` adds the guard's PreToolUse and SubagentStart hooks and
keeps every other key and hook as it was; `guard_command` is the shell command
those hooks run, and `program` how it names ownership (never a path that only
exists on this machine: the settings are shared). `ownership install claude`, `ownership init` and `ownership
doctor` all go through these. `merge_groups` (Claude-shaped `{matcher, hooks}`
groups: Claude Code, Codex, Gemini CLI) and `merge_entries` (flat lists: Cursor,
Copilot, Windsurf, Kiro) place one guard entry and keep every other hook.
"""

from __future__ import annotations

import os
import sys

from ..errors import UsageError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing on the hook's path
if TYPE_CHECKING:
    from ..workspace import Workspace

SETTINGS = ".claude/settings.json"
PRE_TOOL_MATCHER = "Write|Edit|MultiEdit|NotebookEdit|Bash|PowerShell|Monitor|mcp__.*"
# After the same tools: the audit of a shell call (guard/audit.py), and the end of a file tool's write in its
# journal. Claude Code fires PostToolUseFailure instead of PostToolUse when a Bash command exits non-zero.
POST_EVENTS = ("PostToolUse", "PostToolUseFailure")
GUARDED = tuple(PRE_TOOL_MATCHER.split("|"))
# Seconds a host waits for the hook: well above the guard's own budget, so that a slow start is not cut short.
# Claude Code lets a timed-out hook's call through unless the entry says `"onFailure": "block"` (v2.1.295 and
# later, code.claude.com/docs/en/hooks, "Block the action when a hook fails"); that key is written too.
HOOK_TIMEOUT = 30


def install_claude(ws: Workspace, command: str | None) -> tuple[bool, str]:
    """Merge the guard's hooks into .claude/settings.json: (whether the file changed, the hook's command)."""
    hook_command = guard_command(ws, command)
    _, changed = write_merged(ws.repo, SETTINGS, lambda settings: merge_claude_settings(settings, hook_command))
    return changed, hook_command


def program(ws: Workspace, program: str | None = None, project_var: str | None = "CLAUDE_PROJECT_DIR") -> str:
    """How a hook runs ownership, the same in every clone: this installation when it lies inside the project
    (via `project_var`, else the work tree's top), else `ownership` from PATH. Never a path outside the
    project, which would run on this machine only: UsageError naming the fix instead."""
    import shlex
    import shutil

    if program is not None:
        return program
    mine = os.path.join(os.path.realpath(os.path.dirname(sys.executable)), "ownership")  # this console script
    inside = os.path.relpath(mine, os.path.realpath(ws.repo)).replace(os.sep, "/")
    if os.path.exists(mine) and not inside.startswith("../"):
        top = f'"${project_var}"' if project_var else '"$(git rev-parse --show-toplevel)"'
        return f"{top}/{shlex.quote(inside)}"  # a project venv: the same in every clone that makes it
    if shutil.which("ownership"):
        return "ownership"
    raise UsageError(
        f"`ownership` is not on PATH and this one ({mine}) lies outside the project: a hook naming it would run "
        'on this machine only; install it on PATH (pipx install "/path/to/ownership[hooks]") or into the '
        "project's .venv, then run this again, or name the command with --command"
    )


def unreachable(ws: Workspace, shell: list[str], program: str) -> str | None:
    """Why the host's shell would not find `ownership` by name (its PATH may not be ours: Codex runs a login
    shell), or None. Only a bare `ownership` is tried; a path is the user's to vouch for."""
    import subprocess

    if program != "ownership":
        return None
    try:
        proc = subprocess.run([*shell, "command -v ownership"], cwd=ws.repo, capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"`{' '.join(shell)}` could not be run to look for it ({exc})"
    return None if proc.returncode == 0 else f"`{' '.join(shell)}` finds no `ownership` on its PATH"


def guard_command(ws: Workspace, program_name: str | None = None) -> str:
    """Claude Code's hook command: it blocks the call when ownership cannot start or fails (fail_closed)."""
    import shlex

    parts = [program(ws, program_name), "-C", '"$CLAUDE_PROJECT_DIR"']
    if ws.contract_option:
        parts += ["--contract", shlex.quote(ws.contract_path)]
    return fail_closed(" ".join([*parts, "guard"]))


def fail_closed(invocation: str) -> str:
    """A hook command whose own failure blocks: what follows `||` turns every exit but 0 and 2 (`ownership`
    not found: 127; crashed: 1; killed by a signal: 128+N) into exit 2 with a line on stderr, the only
    refusal an exit-code host obeys (Claude Code and Codex take exit 2 + stderr as a deny)."""
    fallback = 'echo "ownership: the guard did not run (exit $s)" >&2'
    return f"{invocation} || {{ s=$?; [ $s -eq 2 ] || {fallback}; exit 2; }}"


def is_guard(hook) -> bool:
    command = hook.get("command") if isinstance(hook, dict) else None
    return isinstance(command, str) and "ownership" in command and " guard" in command


def claude_entry(command: str) -> dict:
    """Claude Code's hook entry: the command, the host's timeout, and a hook failure that blocks the call."""
    return {"type": "command", "command": command, "timeout": HOOK_TIMEOUT, "onFailure": "block"}


def merge_claude_settings(settings: dict, command: str) -> dict:
    """Settings with the guard's hook entries in place; every other key and hook kept as it was."""
    entry = claude_entry(command)
    events = (("PreToolUse", PRE_TOOL_MATCHER), *((e, PRE_TOOL_MATCHER) for e in POST_EVENTS), ("SubagentStart", None))
    return merge_groups(settings, events, entry, SETTINGS)


def merge_groups(settings: dict, events, entry: dict, shown: str) -> dict:
    """`{"hooks": {event: [{"matcher", "hooks": [entry]}]}}` merged in for each (event, matcher); the rest kept."""
    import copy

    merged = copy.deepcopy(settings)
    hooks = merged.setdefault("hooks", {})
    if not isinstance(hooks, dict):
        raise UsageError(f"{shown}: 'hooks' must be an object; fix it by hand, then run this again")
    for event, matcher in events:
        groups = hooks.setdefault(event, [])
        if not isinstance(groups, list):
            raise UsageError(f"{shown}: 'hooks.{event}' must be a list; fix it by hand, then run this again")
        wanted = {"matcher": matcher, "hooks": [entry]} if matcher else {"hooks": [entry]}
        placed = False
        for group in groups:
            if not isinstance(group, dict) or not isinstance(group.get("hooks"), list):
                continue
            ours = [h for h in group["hooks"] if is_guard(h)]
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
                group["hooks"] = [h for h in group["hooks"] if not is_guard(h)]
        groups[:] = [g for g in groups if not (isinstance(g, dict) and g.get("hooks") == [])]
        if not placed:
            groups.append(wanted)
    return merged


def read_settings(path: str, shown: str = SETTINGS) -> dict | None:
    import json

    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UsageError(f"{shown}: cannot read it ({exc.strerror})") from None
    try:
        settings = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError as exc:
        raise UsageError(f"{shown}:{exc.lineno}: not JSON ({exc.msg}); fix it, then run this again") from None
    if not isinstance(settings, dict):
        raise UsageError(f"{shown}: must hold a JSON object")
    return settings


def write_merged(repo: str, shown: str, merge) -> tuple[str, bool]:
    """Read the JSON file `shown` (repository-relative), merge, write when it changed: (shown, changed)."""
    import json

    path = os.path.join(repo, shown)
    settings = read_settings(path, shown)
    merged = merge(settings if settings is not None else {})
    if merged == settings:
        return shown, False
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(merged, indent=2, ensure_ascii=False) + "\n")
    return shown, True


def merge_entries(config: dict, events, entry: dict, shown: str, top: dict | None = None) -> dict:
    """`{"hooks": {event: [entry, ...]}}` (flat lists) with one guard entry per event; other hooks kept."""
    import copy

    merged = copy.deepcopy(config)
    for key, value in (top or {}).items():
        merged.setdefault(key, value)
    hooks = merged.setdefault("hooks", {})
    if not isinstance(hooks, dict):
        raise UsageError(f"{shown}: 'hooks' must be an object; fix it by hand, then run this again")
    for event in events:
        entries = hooks.setdefault(event, [])
        if not isinstance(entries, list):
            raise UsageError(f"{shown}: 'hooks.{event}' must be a list; fix it by hand, then run this again")
        ours = [i for i, e in enumerate(entries) if is_guard(e) or is_guard_bash(e)]
        if ours:
            entries[ours[0]] = entry
            entries[:] = [e for i, e in enumerate(entries) if i == ours[0] or i not in ours]
        else:
            entries.append(entry)
    return merged


def is_guard_bash(hook) -> bool:
    return isinstance(hook, dict) and is_guard({"command": hook.get("bash")})


def guard_entries(config: dict | None, event: str, key: str = "command") -> list[str]:
    """The guard's commands under hooks.event, flat or in Claude-shaped groups."""
    found: list[str] = []
    hooks = config.get("hooks") if isinstance(config, dict) else None
    for item in (hooks.get(event) if isinstance(hooks, dict) else None) or []:
        if not isinstance(item, dict):
            continue
        for hook in item.get("hooks") if isinstance(item.get("hooks"), list) else [item]:
            if isinstance(hook, dict) and is_guard({"command": hook.get(key)}):
                found.append(hook[key])
    return found


def installed_commands(settings: dict) -> dict[str, str]:
    """Event → the guard's command, where a hook runs it for the tools it must see."""
    found: dict[str, str] = {}
    hooks = settings.get("hooks") if isinstance(settings.get("hooks"), dict) else {}
    for event in ("PreToolUse", *POST_EVENTS, "SubagentStart"):
        for group in hooks.get(event) or []:
            if not isinstance(group, dict):
                continue
            matcher = group.get("matcher") or "*"
            covers = matcher == "*" or event == "SubagentStart" or set(GUARDED) <= set(matcher.split("|"))
            for hook in group.get("hooks") or []:
                if is_guard(hook) and covers and hook.get("type") == "command":
                    found.setdefault(event, hook["command"])
    return found
