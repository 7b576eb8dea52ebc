"""Contract sources: agent Markdown and the YAML contract file, and their errors."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from ownership.errors import ContractErrors
from ownership.sources import WorkTreeReader, load
from tests.support import DATA

WILD = DATA / "agents" / "wild"  # agent files in the shapes generators emit (see its README.md)
SEED = DATA / "agents" / "seed" / "backend-fastapi.md"


def write(root: Path, files: dict[str, str]) -> WorkTreeReader:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return WorkTreeReader(root)


def rules(agent, section):
    return [(r.pattern, r.line, r.comment) for r in agent.rules(section)]


def errors_of(reader, path) -> list[str]:
    with pytest.raises(ContractErrors) as info:
        load(reader, path)
    return [str(e) for e in info.value.errors]


AGENT = """
---
name: api
description: |
  Builds things. {{PROJECT_NAME}}
tools: [Read, Write]
---

You work on {{PROJECT_NAME}}.

{{#if CONVENTIONS}}
## Conventions
{{CONVENTIONS}}
{{/if}}

## Patterns

```python
# src/api/users.py
import os
```

## File Ownership

### OWNS (Can fix)
```
src/api/**/*        # Routes
/main.py            # Entry point

!src/api/generated/**
```

### Reads
```text
src/db/**
```

#### CANNOT TOUCH (Without orchestrator approval)
| Path | Reason |
|------|--------|
| `src/db/migrations/**` | Migrations belong to the database agent |
| `tests/**`, `docs/**` | Other lanes |
| Production secrets | Never |

### Examples
```
not/a/glob/**
```
"""


def test_markdown_agent_sections_lines_and_comments(tmp_path: Path) -> None:
    contract = load(write(tmp_path, {"a.md": AGENT}), "a.md")
    (agent,) = contract.agents
    assert (agent.name, agent.source, agent.line) == ("api", "a.md", 2)
    assert rules(agent, "owns") == [
        ("src/api/**/*", 26, "Routes"),
        ("/main.py", 27, "Entry point"),
        ("!src/api/generated/**", 29, ""),
    ]
    assert rules(agent, "reads") == [("src/db/**", 34, "")]
    assert rules(agent, "cannot_touch") == [
        ("src/db/migrations/**", 40, "Migrations belong to the database agent"),
        ("tests/**", 41, "Other lanes"),
        ("docs/**", 41, "Other lanes"),
    ]
    (warning,) = contract.warnings
    assert (warning.code, warning.source, warning.line) == ("unreadable-row", "a.md", 42)
    assert "'Production secrets' under CANNOT TOUCH is not a backticked path" in warning.message


@pytest.mark.parametrize(
    ("heading", "section"),
    [
        ("### OWNS", "owns"),
        ("## owns", "owns"),
        ("#### Can Touch", "owns"),
        ("### Can Write", "owns"),
        ("### **Can Read**", "reads"),
        ("### READS (context only)", "reads"),
        ("### Must Not Touch", "cannot_touch"),
        ("### Cannot Touch: ever", "cannot_touch"),
        ("### Ownership notes", None),
        ("### Owned elsewhere", None),
        ("### Readme", None),
    ],
)
def test_heading_words(tmp_path: Path, heading: str, section: str | None) -> None:
    text = f"---\nname: x\n---\n{heading}\n```\nsrc/**\n```\n"
    (agent,) = load(write(tmp_path, {"x.md": text}), "x.md").agents
    found = [s for s in ("owns", "reads", "cannot_touch") if agent.rules(s)]
    assert found == ([section] if section else [])


YAML = """
version: 1
root: svc
agent_files: [agents/*.md]
agents:
  database:
    owns: [src/db/**]
    reads:
      - src/models/**
    cannot_touch: [frontend/**]
    codeowner: "@org/db"
unlisted: allow
protected: [.pre-commit-config.yaml]
identity:
  trailer: Agent-Name
  authors: {bot@example.com: database}
require_agent: true
"""

API = "---\nname: api\n---\n### OWNS\n```\nsrc/api/**\n```\n"


def test_yaml_contract_merges_agent_files_and_inline_agents(tmp_path: Path) -> None:
    reader = write(tmp_path, {"contract/ownership.yaml": YAML, "contract/agents/api.md": API})
    contract = load(reader, "contract/ownership.yaml")
    assert contract.root == "svc"
    assert contract.names == ("api", "database")
    assert contract.files == ("contract/ownership.yaml", "contract/agents/api.md")
    database = contract.agent("database")
    assert rules(database, "reads") == [("src/models/**", 8, "")]
    assert database.codeowner == "@org/db"
    assert contract.unlisted == "allow" and contract.require_agent is True
    assert contract.identity.trailer == "Agent-Name"
    assert contract.identity.authors == (("bot@example.com", "database"),)
    protected = [(r.pattern, r.line) for r in contract.protected]
    assert protected[0] == (".pre-commit-config.yaml", 12)
    # the contract, the agent_files glob, the files read, and every place a contract is discovered
    assert ("/contract/ownership.yaml", None) in protected
    assert ("/contract/agents/*.md", None) in protected
    assert ("/ownership.yaml", None) in protected
    assert ("/.claude/agents/*.md", None) in protected


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"c.yaml": "version: 1\nagents: [\n"}, ["c.yaml:3: malformed YAML"]),
        ({"c.yaml": ""}, ["c.yaml: empty file"]),
        ({"c.yaml": "version: 1\n"}, ["c.yaml: the contract defines no agents"]),
        ({"c.yaml": "version: 1\nagentz: {}\n"}, ["c.yaml:2: unknown key 'agentz' in contract"]),
        ({"c.yaml": "agents:\n  a:\n    own: [x]\n"}, ["c.yaml:3: unknown key 'own' in agent 'a'"]),
        ({"c.yaml": "agents:\n  a: {owns: ['***']}\n"}, ["c.yaml:2: invalid glob '***'"]),
        ({"c.yaml": "agents:\n  a: {owns: ['src/[ab']}\n"}, ["c.yaml:2: invalid glob 'src/[ab': unclosed '['"]),
        ({"c.yaml": "agents:\n  a: {owns: ['x\\']}\n"}, ["c.yaml:2: invalid glob 'x\\\\': trailing backslash"]),
        ({"c.yaml": "agents:\n  a: {owns: ['{{SRC}}/**']}\n"}, ["c.yaml:2: template placeholder in glob"]),
        ({"c.yaml": "agents:\n  a: {owns: [x]}\n  a: {owns: [y]}\n"}, ["c.yaml:3: 'a' is given twice"]),
        (
            {"c.yaml": "agent_files: [m/*.md]\nagents:\n  api: {owns: [x]}\n", "m/a.md": API},
            ["c.yaml:3: agent 'api' is defined twice (also at m/a.md:2)"],
        ),
        ({"c.yaml": "agent_files: [m/*.md]\n"}, ["c.yaml:1: agent_files: 'm/*.md' matches no file"]),
        ({"c.yaml": "unlisted: maybe\nagents: {a: {owns: [x]}}\n"}, ["c.yaml:1: unlisted must be deny or allow"]),
        ({"c.yaml": "root: ../up\nagents: {a: {owns: [x]}}\n"}, ["c.yaml:1: root '../up' must be a folder inside"]),
        ({"c.yaml": "- a\n- b\n"}, ["c.yaml:1: a contract is a YAML mapping"]),
        ({"c.yaml": "agent_files: [m/*.md]\n", "m/a.md": "---\nname: [\n---\n"}, ["m/a.md:3: malformed YAML"]),
        (
            {"c.yaml": "agent_files: [m/*.md]\n", "m/a.md": "---\nname: Two Words\n---\n"},
            ["m/a.md:2: front matter needs 'name"],
        ),
        (
            {"c.yaml": "agent_files: [m/*.md]\n", "m/a.md": "---\nmodel: {{MODEL}}\n---\n"},
            ["m/a.md:2: template placeholder in front matter ('model: {{MODEL}}')"],
        ),
        (
            {"c.yaml": "agent_files: [AGENTS.md]\n", "AGENTS.md": "## Owns\n- `src/**`\n"},
            ["AGENTS.md:1: cannot tell which agent this file is for"],
        ),
        ({"c.yaml": "agent_files: [m/*.md]\n", "m/a.md": "---\nname: a\n"}, ["m/a.md:1: front matter is not closed"]),
        (
            {"c.yaml": "agent_files: [m/*.md]\n", "m/a.md": "---\nname: a\n---\n### OWNS\n```\n{{DIR}}/**  # x\n```\n"},
            ["m/a.md:6: template placeholder in glob '{{DIR}}/**'"],
        ),
        (
            {"c.yaml": "identity: {authors: {a@b.c: ghost}}\nagents: {a: {owns: [x]}}\n"},
            ["c.yaml:1: identity.authors maps"],
        ),
    ],
)
def test_bad_contracts_name_file_and_line(tmp_path: Path, files: dict[str, str], expected: list[str]) -> None:
    found = errors_of(write(tmp_path, files), "c.yaml")
    assert len(found) == len(expected), found
    for line, prefix in zip(found, expected):
        assert line.startswith(prefix), line


def test_every_error_is_collected_before_failing(tmp_path: Path) -> None:
    reader = write(tmp_path, {"c.yaml": "agents:\n  a: {owns: ['***', '[x']}\n  b: {reads: ['{{X}}']}\nmystery: 1\n"})
    found = errors_of(reader, "c.yaml")
    assert [e.split(":")[1] for e in found] == ["4", "2", "2", "3"]


def test_binary_and_non_utf8_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "bin.yaml").write_bytes(b"version: 1\0\1\2")
    (tmp_path / "latin.yaml").write_bytes(b"version: 1\nroot: caf\xe9\n")
    assert errors_of(WorkTreeReader(tmp_path), "bin.yaml") == [
        "bin.yaml: binary file, not a contract; name a Markdown or YAML text file"
    ]
    assert errors_of(WorkTreeReader(tmp_path), "latin.yaml") == ["latin.yaml:2: not UTF-8 text; save the file as UTF-8"]
    assert errors_of(WorkTreeReader(tmp_path), "missing.yaml")[0].startswith("missing.yaml: file not found")


def test_discovered_claude_agents(tmp_path: Path) -> None:
    reader = write(tmp_path, {".claude/agents/api.md": API, ".claude/agents/notes.txt": "x"})
    contract = load(reader, None)
    assert contract.source is None and contract.names == ("api",)
    assert contract.files == (".claude/agents/api.md",)


def test_nothing_to_discover(tmp_path: Path) -> None:
    assert errors_of(WorkTreeReader(tmp_path), None)[0].startswith(".: no contract found")


# --- shapes found in the wild (tests/data/agents) ----------------------------


def test_seed_agent(tmp_path: Path) -> None:
    (agent,) = load(WorkTreeReader(SEED.parent), SEED.name).agents
    assert agent.name == "backend-fastapi"
    assert [r.pattern for r in agent.owns] == [
        "src/api/**/*", "src/core/**/*", "src/models/**/*", "src/services/**/*",
        "src/middleware/**/*", "src/utils/**/*", "main.py",
    ]  # fmt: skip
    assert [r.pattern for r in agent.reads] == ["src/db/**/*", ".claude/CONTRACT.md", "requirements.txt"]
    assert [r.pattern for r in agent.cannot_touch] == ["src/db/migrations/**/*", "tests/**/*", "frontend/**/*"]
    assert agent.cannot_touch[0].comment == "Migrations (database agent)"


@pytest.mark.parametrize(
    ("name", "agent", "owns", "reads", "cannot", "warnings"),
    [
        ("troubleshooter.md", "troubleshooter", ["src/**/*", "tests/**/*"],
         ["logs/", ".claude/STATUS.md", ".claude/CONTRACT.md"], [".claude/settings.json", ".github/workflows/*"], 0),
        ("ux-vue.md", "ux-vue", ["docs/ux/**/*", "docs/wireframes/**/*", "src/styles/layout/**/*"],
         ["src/components/**/*", "src/views/**/*", "src/stores/**/*", "package.json", ".claude/CONTRACT.md"],
         ["src/components/**/*.vue", "src/views/**/*.vue", "src/api/**/*", "tests/**/*"], 0),
        ("section-tables.md", "behaviour-builder", ["app/experience/behaviour/**", "app/experience/registry.ts"], [],
         ["app/experience/driver/*", "app/experience/trigger/*", "app/content/**", "site/*"], 1),
        # the unreadable row, and: it owns nothing
        ("read-only.md", "section-reviewer", [], ["app/content/sections/**", "docs/guidelines.md"], [], 2),
    ],
)  # fmt: skip
def test_wild_shapes(name, agent, owns, reads, cannot, warnings) -> None:
    contract = load(WorkTreeReader(WILD), name)
    (found,) = contract.agents
    assert found.name == agent
    assert [r.pattern for r in found.owns] == owns
    assert [r.pattern for r in found.reads] == reads
    assert [r.pattern for r in found.cannot_touch] == cannot
    assert len(contract.warnings) == warnings


def test_the_size_cap_is_1_mib_exactly(tmp_path: Path) -> None:
    from ownership.sources import MAX_FILE_BYTES

    head = "agents: {a: {owns: [x]}}\n#"
    (tmp_path / "c.yaml").write_text(head + "x" * (MAX_FILE_BYTES - len(head) - 1) + "\n", encoding="utf-8")
    assert load(WorkTreeReader(tmp_path), "c.yaml").names == ("a",)  # 1 MiB to the byte is read
    with (tmp_path / "c.yaml").open("a") as handle:
        handle.write("\n")
    assert errors_of(WorkTreeReader(tmp_path), "c.yaml") == [
        "c.yaml: larger than 1 MiB, the limit for a contract or agent file; shorten it or split it"
    ]


# --- scratch: the guard's scratch space -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "temp", "ignored"),
    [
        ("agents: {a: {owns: [x]}}\n", True, True),  # both open by default
        ("scratch: {temp: false}\nagents: {a: {owns: [x]}}\n", False, True),
        ("scratch:\n  ignored: false\n  temp: true\nagents: {a: {owns: [x]}}\n", True, False),
        ("scratch: {}\nagents: {a: {owns: [x]}}\n", True, True),
    ],
)
def test_scratch_keys(tmp_path: Path, text: str, temp: bool, ignored: bool) -> None:
    (tmp_path / "c.yaml").write_text(text, encoding="utf-8")
    contract = load(WorkTreeReader(tmp_path), "c.yaml")
    assert (contract.scratch_temp, contract.scratch_ignored) == (temp, ignored)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "agents: {a: {owns: [x]}}\nscratch:\n  temp: maybe\n",
            ["c.yaml:3: scratch.temp must be true or false, not 'maybe'"],
        ),
        (
            "agents: {a: {owns: [x]}}\nscratch:\n  ignored: 1\n",
            ["c.yaml:3: scratch.ignored must be true or false, not 1"],
        ),
        (
            "agents: {a: {owns: [x]}}\nscratch:\n  tmp: true\n",
            ["c.yaml:3: unknown key 'tmp' in scratch; expected one of ignored, temp"],
        ),
        ("agents: {a: {owns: [x]}}\nscratch: true\n", ["c.yaml:2: scratch must be a mapping"]),
        (
            "agents: {a: {owns: [x]}}\nscratch: {temp: false, temp: true}\n",
            ["c.yaml:2: 'temp' is given twice in scratch (first on line 2); keep one"],
        ),
    ],
)
def test_bad_scratch_keys_name_the_line(tmp_path: Path, text: str, expected: list[str]) -> None:
    assert errors_of(write(tmp_path, {"c.yaml": text}), "c.yaml") == expected
