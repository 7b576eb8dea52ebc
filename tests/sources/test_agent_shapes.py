"""Whole agent files in the shapes of issue 12, through the installed `ownership` command.

For each shape: `lanes --json` shows exactly the rules a careful reader would
list, or `lint` names the file:line it could not read and `--strict` fails.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import Repo

OWNERSHIP = str(Path(sys.executable).with_name("ownership"))  # the installed console script


def ownership(repo: Repo, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([OWNERSHIP, *args], cwd=repo.path, capture_output=True, text=True, check=False)


def lanes(repo: Repo) -> dict[str, dict[str, list[tuple[str, int]]]]:
    proc = ownership(repo, "lanes", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    return {
        a["agent"]: {s: [(r["pattern"], r["line"]) for r in a[s]] for s in ("owns", "reads", "cannot_touch")}
        for a in data["agents"]
    }


def lint_lines(repo: Repo) -> tuple[int, list[str]]:
    proc = ownership(repo, "lint", "--strict")
    return proc.returncode, proc.stdout.splitlines()


@pytest.fixture
def team(repo: Repo) -> Repo:
    repo.write({"ownership.yaml": "agent_files: ['agents/**/*.md', '!agents/drafts/**']\n"})
    return repo


def test_agents_md_files_without_front_matter_are_named_by_their_folder(team: Repo) -> None:
    team.write({
        "agents/api/AGENTS.md": "# API charter\n\n## Scope\n- `src/api/**` — routes\n\n## Off limits\n- `src/db/**`\n",
        "agents/web.md": "## ✅ Allowed\n- web/**\n",
        "agents/drafts/ghost.md": "## Owns\n- `everything/**`\n",  # excluded with '!'
        "agents/README.md": "# Our agents\n\nOne file an agent.\n",  # documentation, not an agent
        "src/api/x.py": "", "web/i.html": "", "src/db/m.py": "",
    })  # fmt: skip
    team.commit()
    assert lanes(team) == {
        "api": {"owns": [("src/api/**", 4)], "reads": [], "cannot_touch": [("src/db/**", 7)]},
        "web": {"owns": [("web/**", 2)], "reads": [], "cannot_touch": []},
    }
    code, lines = lint_lines(team)
    assert lines[-1].startswith("lint failed: 0 error(s), 1 warning(s)")  # src/db/m.py has no owner
    assert code == 1


def test_front_matter_keys_that_carry_lanes_and_keys_that_do_not(team: Repo) -> None:
    team.write({
        "agents/api.md": "---\nname: api\nallowed_paths: [src/api/**]\ndeniedPaths:\n  - src/db/**\n---\n",
        "agents/oc.md": (
            "---\nname: oc\npermission:\n  edit:\n    'web/**': allow\n    'web/vendor/**': deny\n    'docs/**': ask\n---\n"
        ),
        "agents/kiro.md": "---\nname: kiro\ntoolsSettings:\n  fs_write:\n    allowedPaths: [infra/**]\n---\n",
        "agents/style.md": "---\napplyTo: '**/*.ts'\n---\nUse two spaces.\n",
        "src/api/x.py": "", "web/i.html": "", "infra/main.tf": "",
    })  # fmt: skip
    team.commit()
    assert lanes(team) == {
        "api": {"owns": [("src/api/**", 3)], "reads": [], "cannot_touch": [("src/db/**", 5)]},
        "oc": {"owns": [("web/**", 5)], "reads": [], "cannot_touch": [("web/vendor/**", 6), ("docs/**", 7)]},
        "kiro": {"owns": [("infra/**", 5)], "reads": [], "cannot_touch": []},
        "style": {"owns": [], "reads": [], "cannot_touch": []},
    }
    code, lines = lint_lines(team)
    assert code == 1
    assert (
        "agents/style.md:1: warning: agent 'style' has no lane: its applyTo key scopes instructions, not writes; "
        "every write it makes will be refused (add an OWNS section with its paths) [no-lane]"
    ) in lines
    assert any(line.startswith("agents/oc.md:7: warning: 'docs/**': ask is read as cannot touch") for line in lines)


def test_tree_drawings_qualifiers_and_garbled_paths_grant_nothing(team: Repo) -> None:
    team.write({
        "agents/api.md": (
            "---\nname: api\n---\n## Owns\n```\nsrc/\n├── api/\n└── shared/   (read-only)\n```\n"
            "- `lib/**` (only if asked)\n- src\\api\\x.py\n- `src/api/**`\n"
        ),
        "src/api/x.py": "", "lib/a.py": "", "src/shared/s.py": "",
    })  # fmt: skip
    team.commit()
    proc = ownership(team, "lanes", "--json")
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "ownership: agents/api.md:7: a tree drawing under OWNS cannot be read as globs (its top line would take the "
        "whole folder, marks and all); list the paths one a line, e.g. src/api/**",
        "ownership: agents/api.md:10: 'lib/**' under OWNS says 'only if asked': a condition we cannot enforce would "
        "widen the lane; remove the condition, or move the path to READS or CANNOT TOUCH",
        "ownership: agents/api.md:11: 'src\\\\api\\\\x.py': looks like a Windows path; write it with '/' "
        "(e.g. src/api/x.py)",
        "ownership: the contract has 3 error(s); fix them and run again",
    ]
    # The guard refuses every write while the contract does not load (fail closed).
    payload = json.dumps({"hook_event_name": "PreToolUse", "tool_name": "Write", "cwd": str(team.path),
                          "tool_input": {"file_path": str(team.path / "src/api/x.py"), "content": ""}})  # fmt: skip
    guard = subprocess.run([OWNERSHIP, "guard"], cwd=team.path, input=payload, capture_output=True, text=True)
    assert guard.returncode == 2
    assert "agents/api.md:7: a tree drawing under OWNS" in guard.stderr


def test_brace_lists_expand_and_lanes_says_so(team: Repo) -> None:
    team.write({"agents/web.md": "---\nname: web\n---\n## Owns\n- `web/**/*.{ts,tsx}`\n", "web/a.ts": ""})
    team.commit()
    assert lanes(team)["web"]["owns"] == [("web/**/*.ts", 5), ("web/**/*.tsx", 5)]
    text = ownership(team, "lanes").stdout
    assert "web/**/*.ts   agents/web.md:5  (one of web/**/*.{ts,tsx})" in text
    assert ownership(team, "can-write", "--agent", "web", "web/x/y.tsx").returncode == 0


def test_a_contract_vocabulary_adds_words(repo: Repo) -> None:
    repo.write({
        "ownership.yaml": "agent_files: [agents/*.md]\nvocabulary:\n  owns: [Mein Bereich]\n  cannot_touch: [Finger weg]\n",
        "agents/a.md": "---\nname: a\n---\n## Mein Bereich\n- `src/**`\n## Finger weg\n- `src/secret/**`\n",
        "src/x.py": "",
    })  # fmt: skip
    repo.commit()
    assert lanes(repo) == {"a": {"owns": [("src/**", 5)], "reads": [], "cannot_touch": [("src/secret/**", 7)]}}


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (
            "## Owns\nYou own the `src/api/` folder.\n",
            "agents/a.md:5: warning: this line under OWNS names paths in prose",
        ),
        (
            "## Owns\nWhatever the lead says.\n",
            "agents/a.md:4: warning: '## Owns' reads as OWNS but no path follows it",
        ),
        (
            "## Files this agent may edit\n- `src/**`\n",
            "agents/a.md:4: warning: heading '## Files this agent may edit'",
        ),
    ],
)
def test_what_is_not_read_is_named_and_fails_strict(team: Repo, body: str, problem: str) -> None:
    team.write({"agents/a.md": "---\nname: a\n---\n" + body, "src/x.py": ""})
    team.commit()
    code, lines = lint_lines(team)
    assert code == 1
    assert any(line.startswith(problem) for line in lines), lines


def test_a_starting_subagent_is_told_what_of_its_file_was_not_read(team: Repo) -> None:
    team.write({"agents/api.md": "---\nname: api\n---\n## Owns\n- `src/**`\n\nYou also look after `docs/`.\n"})
    team.commit()
    payload = json.dumps({"hook_event_name": "SubagentStart", "agent_type": "api", "cwd": str(team.path)})
    proc = subprocess.run([OWNERSHIP, "guard"], cwd=team.path, input=payload, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    context = json.loads(proc.stdout)["hookSpecificOutput"]["additionalContext"]
    assert "Parts of your agent file were not read as lanes (1); ask for them to be fixed:" in context
    assert "  agents/api.md:7: this line under OWNS names paths in prose" in context
