"""Installing the guard into an agent tool's settings: Claude Code's .claude/settings.json.

`merge_claude_settings` adds the guard's PreToolUse and SubagentStart hooks and
keeps every other key and hook as it was; `guard_command` is the shell command
those hooks run. `ownership install claude`, `ownership init` and `ownership
doctor` all go through these.
"""

from __future__ import annotations

import os
import sys

from ..errors import UsageError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing on the hook's path
if TYPE_CHECKING:
    from ..workspace import Workspace

SETTINGS = ".claude/settings.json"
PRE_TOOL_MATCHER = "Write|Edit|MultiEdit|NotebookEdit|Bash"
GUARDED = tuple(PRE_TOOL_MATCHER.split("|"))


def install_claude(ws: Workspace, command: str | None) -> tuple[bool, str]:
    """Merge the guard's hooks into .claude/settings.json: (whether the file changed, the hook's command)."""
    path = os.path.join(ws.repo, SETTINGS)
    settings = read_settings(path)
    hook_command = guard_command(ws, command)
    merged = merge_claude_settings(settings if settings is not None else {}, hook_command)
    if merged == settings:
        return False, hook_command
    import json

    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(merged, indent=2, ensure_ascii=False) + "\n")
    return True, hook_command


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


def is_guard(hook) -> bool:
    command = hook.get("command") if isinstance(hook, dict) else None
    return isinstance(command, str) and "ownership" in command and " guard" in command


def merge_claude_settings(settings: dict, command: str) -> dict:
    """Settings with the guard's two hook entries in place; every other key and hook kept as it was."""
    import copy

    merged = copy.deepcopy(settings)
    hooks = merged.setdefault("hooks", {})
    if not isinstance(hooks, dict):
        raise UsageError(f"{SETTINGS}: 'hooks' must be an object; fix it by hand, then run this again")
    for event, matcher in (("PreToolUse", PRE_TOOL_MATCHER), ("SubagentStart", None)):
        groups = hooks.setdefault(event, [])
        if not isinstance(groups, list):
            raise UsageError(f"{SETTINGS}: 'hooks.{event}' must be a list; fix it by hand, then run this again")
        entry = {"type": "command", "command": command}
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


def read_settings(path: str) -> dict | None:
    import json

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


def installed_commands(settings: dict) -> dict[str, str]:
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
                if is_guard(hook) and covers and hook.get("type") == "command":
                    found.setdefault(event, hook["command"])
    return found
