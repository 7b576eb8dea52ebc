"""`ownership export claude|opencode|kiro|claude-plugin`: the contract in the hosts' own permission settings."""

from __future__ import annotations

import json

from tests.support import Repo


def test_export_claude_denies_the_protected_files_and_an_agents_cannot_touch(example: Repo, run) -> None:
    code, out, err = run(example, "export", "claude", "--agent", "api")
    assert (code, err) == (0, "")
    settings = json.loads(out)
    # `protected: [.pre-commit-config.yaml]` has no slash: like gitignore, it matches at any depth
    assert settings["permissions"]["deny"][:2] == [
        "Edit(/**/.pre-commit-config.yaml)",
        "Edit(/contract/ownership.yaml)",
    ]
    assert settings["permissions"]["deny"][-1] == "Edit(/svc/src/db/migrations/**)"
    assert settings["sandbox"] == {"filesystem": {"denyWrite": [
        "./contract/ownership.yaml", "./contract/agents/api.md", "./contract/agents/db.md"]}}  # fmt: skip
    code, out, _ = run(example, "export", "claude")
    assert "Edit(/svc/src/db/migrations/**)" not in json.loads(out)["permissions"]["deny"]
    assert run(example, "export", "claude", "--agent", "web")[::2] == (
        2, "ownership: no agent named 'web' in the contract (agents: api, db)\n"
    )  # fmt: skip


def test_export_opencode_orders_rules_so_the_last_match_is_the_contracts_decision(example: Repo, run) -> None:
    code, out, err = run(example, "export", "opencode")
    assert (code, err) == (0, "")
    edit = json.loads(out)["agent"]["api"]["permission"]["edit"]
    assert list(edit.items())[:6] == [
        ("*", "allow"), ("svc/*", "deny"), ("svc/src/db/*", "deny"), ("svc/src/api/*", "allow"),
        ("svc/main.py", "allow"), ("svc/src/db/migrations/*", "deny"),
    ]  # fmt: skip
    assert edit["contract/ownership.yaml"] == "deny" and list(edit)[-1] == ".claude/agents/*.md"


def test_export_kiro_gives_each_agent_denied_and_allowed_paths(example: Repo, run) -> None:
    code, out, _ = run(example, "export", "kiro")
    fs_write = json.loads(out)["db"]["toolsSettings"]["fs_write"]
    assert fs_write["allowedPaths"] == ["svc/src/db/**"]
    assert fs_write["deniedPaths"][:2] == ["**/.pre-commit-config.yaml", "contract/ownership.yaml"]


def test_a_negated_pattern_is_left_out_and_named(example: Repo, run) -> None:
    path = example.path / "contract/agents/db.md"
    path.write_text(path.read_text().replace("src/db/**\n", "src/db/**\n!src/db/generated.py\n", 1))
    example.commit("negation")
    code, _, err = run(example, "export", "opencode")
    assert (code, err) == (0, "ownership: left out !src/db/generated.py (contract/agents/db.md:12): "
                              "a negated pattern has no equal in this format\n")  # fmt: skip


def test_export_claude_plugin_writes_the_plugin_layout(example: Repo, run) -> None:
    assert run(example, "export", "claude-plugin", "-o", "plugin")[0] == 0
    manifest = json.loads((example.path / "plugin/.claude-plugin/plugin.json").read_text())
    hooks = json.loads((example.path / "plugin/hooks/hooks.json").read_text())["hooks"]
    assert manifest["name"] == "ownership-guard"
    assert hooks["PreToolUse"][0]["matcher"] == "Write|Edit|MultiEdit|NotebookEdit|Bash|PowerShell|Monitor|mcp__.*"
    assert hooks["SubagentStart"][0]["hooks"][0] == {
        "type": "command",
        "command": 'ownership -C "$CLAUDE_PROJECT_DIR" guard'
        ' || { s=$?; [ $s -eq 2 ] || echo "ownership: the guard did not run (exit $s)" >&2; exit 2; }',
        "timeout": 30,
        "onFailure": "block",
    }
