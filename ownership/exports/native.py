"""The contract written into hosts' own permission settings: a second line behind the guard's hooks.

- Claude Code (`claude`): `permissions.deny` `Edit(...)` rules ("Edit rules apply to all built-in
  tools that edit files"; `/path` is relative to the project, code.claude.com/docs/en/permissions)
  and `sandbox.filesystem.denyWrite` (the OS sandbox around Bash) for the contract's own files.
  With an agent, its CANNOT TOUCH too: only what beats OWNS in the contract is denied, so the
  native rule never refuses a write the guard allows.
- OpenCode (`opencode`): per-agent `agent.NAME.permission.edit`, whose last matching rule wins
  (packages/web/src/content/docs/permissions.mdx): unlisted, READS, OWNS, CANNOT TOUCH,
  protected, in the contract's order of precedence.
- Kiro (`kiro`): per-agent `toolsSettings.fs_write.deniedPaths` (checked before allowedPaths)
  and `allowedPaths` (docs/built-in-tools.md of aws/amazon-q-developer-cli).

Each is a JSON fragment to merge into the host's file. A negated pattern (`!x`) has no equal in
these formats: it is left out and named in `skipped`, never silently.
"""

from __future__ import annotations

import json

from ..core.model import Contract, Rule


def _path(contract: Contract, rule: Rule, wildcard: str = "**") -> str:
    """A contract glob (gitignore, relative to the contract's root) → a repository-relative path glob."""
    pattern = rule.pattern
    root = contract.root + "/" if contract.root else ""
    if rule.section == "protected":  # protected patterns are the repository's, anchored or not
        root = ""
    anchored = pattern.startswith("/") or "/" in pattern.rstrip("/")
    body = pattern.lstrip("/")
    if body.endswith("/"):
        body += wildcard
    if wildcard != "**":
        body = body.replace("**", wildcard)
    return root + body if anchored else root + f"{wildcard}/" + body


def _split(rules) -> tuple[list[Rule], list[str]]:
    kept = [r for r in rules if not r.pattern.startswith("!")]
    return kept, [f"{r.pattern} ({r.where})" for r in rules if r.pattern.startswith("!")]


def claude(contract: Contract, agent: str | None = None) -> tuple[dict, list[str]]:
    rules = list(contract.protected)
    if agent is not None:
        rules += list(_agent(contract, agent).cannot_touch)
    kept, skipped = _split(rules)
    deny = list(dict.fromkeys(f"Edit(/{_path(contract, r)})" for r in kept))
    literal = [f for f in contract.files if not any(c in f for c in "*?[")]
    settings = {"permissions": {"deny": deny}, "sandbox": {"filesystem": {"denyWrite": [f"./{f}" for f in literal]}}}
    return settings, skipped


def opencode(contract: Contract) -> tuple[dict, list[str]]:
    agents, skipped = {}, []
    for agent in contract.agents:
        edit: dict[str, str] = {"*": "allow"}  # outside the contract's root nothing is governed
        if contract.unlisted == "deny":
            edit[f"{contract.root}/*" if contract.root else "*"] = "deny"
        for section, action in (("reads", "deny"), ("owns", "allow"), ("cannot_touch", "deny")):
            kept, lost = _split(agent.rules(section))
            skipped += lost
            for rule in kept:
                edit.pop(_path(contract, rule, "*"), None)  # re-inserted last: the last match wins
                edit[_path(contract, rule, "*")] = action
        kept, lost = _split(contract.protected)
        skipped += lost
        for rule in kept:
            edit.pop(_path(contract, rule, "*"), None)
            edit[_path(contract, rule, "*")] = "deny"
        agents[agent.name] = {"permission": {"edit": edit}}
    return {"agent": agents}, list(dict.fromkeys(skipped))


def kiro(contract: Contract) -> tuple[dict, list[str]]:
    agents, skipped = {}, []
    for agent in contract.agents:
        denied, lost = _split([*contract.protected, *agent.cannot_touch])
        allowed, lost_too = _split(agent.owns)
        skipped += lost + lost_too
        settings = {
            "deniedPaths": list(dict.fromkeys(_path(contract, r) for r in denied)),
            "allowedPaths": list(dict.fromkeys(_path(contract, r) for r in allowed)),
        }
        agents[agent.name] = {"toolsSettings": {"fs_write": settings}}
    return agents, list(dict.fromkeys(skipped))


def _agent(contract: Contract, name: str):
    from ..errors import UsageError

    found = contract.agent(name)
    if found is None:
        raise UsageError(f"no agent named {name!r} in the contract (agents: {', '.join(contract.names)})")
    return found


def render(value: dict) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def claude_plugin(hook: dict, version: str) -> dict[str, str]:
    """A Claude Code plugin (CC plugins/*: .claude-plugin/plugin.json, hooks/hooks.json) whose hooks run the
    `hook` entry ({"type": "command", "command": ...}): file → text."""
    manifest = {
        "name": "ownership-guard",
        "version": version,
        "description": "Keeps each agent inside its file lane: the ownership guard before and after each tool call, "
        "and at SubagentStart.",
        "author": {"name": "ownership"},
    }
    pre = "Write|Edit|MultiEdit|NotebookEdit|Bash|PowerShell|Monitor|mcp__.*"
    entry = [hook]
    hooks = {
        "description": "ownership guard: deny writes outside the acting agent's lane, audit each command after it ran, "
        "announce lanes to subagents",
        "hooks": {
            # The same events and matcher as `ownership install claude` (guard/installers.py).
            **{
                event: [{"matcher": pre, "hooks": entry}]
                for event in ("PreToolUse", "PostToolUse", "PostToolUseFailure")
            },
            "SubagentStart": [{"hooks": entry}],
        },
    }
    return {".claude-plugin/plugin.json": render(manifest), "hooks/hooks.json": render(hooks)}
