"""The query commands through the CLI: exact output, exact exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ownership.cli import main
from tests.support import Repo, agent_file

API_MD = "contract/agents/api.md"
DB_MD = "contract/agents/db.md"


def script(repo: Repo, *args: str, input: bytes | None = None) -> subprocess.CompletedProcess:
    """The installed console script, as a user runs it."""
    exe = Path(sys.executable).with_name("ownership")
    return subprocess.run([str(exe), *args], cwd=repo.path, input=input, capture_output=True, check=False)


def test_explain_text_names_access_and_rule(example, run) -> None:
    code, out, err = run(example, "explain", "svc/src/db/migrations/0001_init.py")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "svc/src/db/migrations/0001_init.py",
        f"  api  cannot_touch  cannot write  src/db/migrations/** ({API_MD}:22)",
        f"  db   owns          can write     src/db/** ({DB_MD}:11)",
    ]


@pytest.mark.parametrize(
    ("path", "api", "db"),
    [
        ("svc/main.py", ("owns", True, "/main.py"), ("unlisted", False, None)),
        ("svc/src/api/users.py", ("owns", True, "src/api/**"), ("reads", False, "src/api/**")),
        ("svc/src/db/models.py", ("reads", False, "src/db/**"), ("owns", True, "src/db/**")),
        ("svc/src/new/thing.py", ("unlisted", False, None), ("unlisted", False, None)),
        ("README.md", ("ungoverned", True, None), ("ungoverned", True, None)),
        (".pre-commit-config.yaml", ("protected", False, ".pre-commit-config.yaml"), ("protected", False, ".pre-commit-config.yaml")),
        (API_MD, ("protected", False, "/contract/agents/*.md"), ("protected", False, "/contract/agents/*.md")),
        ("contract/ownership.yaml", ("protected", False, "/contract/ownership.yaml"), ("protected", False, "/contract/ownership.yaml")),
        ("ownership.yaml", ("protected", False, "/ownership.yaml"), ("protected", False, "/ownership.yaml")),
    ],
)  # fmt: skip
def test_explain_json_decisions(example, run, path, api, db) -> None:
    code, out, _ = run(example, "explain", "--json", path)
    assert code == 0
    (entry,) = json.loads(out)
    assert entry["path"] == path
    got = [
        (a["agent"], a["access"], a["can_write"], a["rule"]["pattern"] if a["rule"] else None) for a in entry["agents"]
    ]
    assert got == [("api", *api), ("db", *db)]


def test_explain_json_rule_shape(example, run) -> None:
    _, out, _ = run(example, "explain", "--json", "--agent", "api", "svc/src/api/users.py")
    assert json.loads(out) == [
        {
            "path": "svc/src/api/users.py",
            "agents": [
                {
                    "agent": "api",
                    "access": "owns",
                    "can_write": True,
                    "rule": {"section": "owns", "pattern": "src/api/**", "source": API_MD, "line": 11},
                }
            ],
        }
    ]


def test_explain_jsonl_is_one_compact_object_a_path(example, run) -> None:
    code, out, err = run(example, "explain", "--format", "jsonl", "--agent", "db", "svc/main.py", "svc/src/db/x.py")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        '{"path":"svc/main.py","agents":[{"agent":"db","access":"unlisted","can_write":false,"rule":null}]}',
        '{"path":"svc/src/db/x.py","agents":[{"agent":"db","access":"owns","can_write":true,'
        f'"rule":{{"section":"owns","pattern":"src/db/**","source":"{DB_MD}","line":11}}}}]}}',
    ]


def test_explain_json_is_the_jsonl_objects_in_one_array(example, run) -> None:
    """The document streams one object a line; its entries are exactly the JSON Lines objects."""
    paths = ["svc/main.py", "svc/src/db/", "svc/src/api/users.py", "README.md", "svc/src/db/models.py", "svc/main.py"]
    _, jsonl, _ = run(example, "explain", "--format", "jsonl", *paths)
    code, document, _ = run(example, "explain", "--json", *paths)
    assert code == 0
    assert document.splitlines()[0] == "[" and document.endswith("\n]\n")
    assert json.loads(document) == [json.loads(line) for line in jsonl.splitlines()]
    assert [entry["path"] for entry in json.loads(document)] == paths
    assert run(example, "explain", "--format", "json", *paths)[1] == document


def test_explain_json_and_another_format_is_bad_input(example, run) -> None:
    code, out, err = run(example, "explain", "--json", "--format", "jsonl", "svc/main.py")
    assert (code, out) == (2, "")
    assert err == "ownership: --json means --format json; it cannot go with --format jsonl\n"


def test_paths_are_taken_relative_to_the_working_folder(example, capsys) -> None:
    code = main(["-C", str(example.path / "svc" / "src"), "explain", "--agent", "db", "--json", "db/../db/models.py"])
    assert code == 0
    assert json.loads(capsys.readouterr().out)[0]["path"] == "svc/src/db/models.py"


def test_path_outside_the_repository_is_bad_input(example, run) -> None:
    code, out, err = run(example, "explain", "../elsewhere.py")
    assert (code, out) == (2, "")
    assert err.startswith("ownership: '../elsewhere.py' is outside the repository ")


def test_explain_stdin_nul_separated_keeps_odd_names(example) -> None:
    proc = script(
        example, "explain", "--json", "--agent", "api", "--stdin", "-z", input=b"svc/src/api/a\nb.py\0svc/caf\xe9.py\0"
    )
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert [r["path"] for r in rows] == ["svc/src/api/a\nb.py", "svc/caf\udce9.py"]
    assert [r["agents"][0]["access"] for r in rows] == ["owns", "unlisted"]


def test_explain_stdin_lines(example) -> None:
    proc = script(example, "explain", "--stdin", "--agent", "db", input=b"svc/main.py\nsvc/src/db/x.py\n")
    assert proc.returncode == 0
    assert proc.stdout.decode().splitlines() == [
        "svc/main.py",
        "  db  unlisted      cannot write  no section of its lane names it, and unlisted is deny",
        "svc/src/db/x.py",
        f"  db  owns          can write     src/db/** ({DB_MD}:11)",
    ]


def test_can_write_yes_and_no(example, run) -> None:
    code, out, _ = run(example, "can-write", "--agent", "api", "svc/src/api/users.py")
    assert code == 0
    assert out == f"api may write svc/src/api/users.py: owns: src/api/** ({API_MD}:11)\n"
    code, out, _ = run(example, "can-write", "--agent", "api", "svc/src/api/users.py", "svc/src/db/migrations/0002.py")
    assert code == 1
    assert out.splitlines()[1] == (
        f"api may not write svc/src/db/migrations/0002.py: cannot_touch: src/db/migrations/** ({API_MD}:22); owners: db"
    )


def test_can_write_json_names_owners(example, run) -> None:
    code, out, _ = run(example, "can-write", "--agent", "db", "--json", "svc/main.py", ".pre-commit-config.yaml")
    assert code == 1
    data = json.loads(out)
    rows = data["decisions"]
    assert rows[0] == {
        "path": "svc/main.py",
        "agent": "db",
        "access": "unlisted",
        "can_write": False,
        "rule": None,
        "owners": ["api"],
        "message": "db may not write svc/main.py: unlisted: no section of its lane names it, and unlisted is deny; "
        "owners: api",
    }
    assert data["ok"] is False
    assert data["summary"] == {
        "ok": False,
        "text": "can-write: no: db may not write 2 of 2 path(s)",
        "paths": 2,
        "refused": 2,
    }
    assert rows[1]["access"] == "protected" and rows[1]["owners"] == []


def test_unknown_agent_is_bad_input(example, run) -> None:
    code, out, err = run(example, "can-write", "--agent", "ghost", "svc/main.py")
    assert (code, out) == (2, "")
    assert err == "ownership: unknown agent 'ghost'; the contract's agents are: api, db\n"


def test_lanes_json_and_files(example, run) -> None:
    code, out, _ = run(example, "lanes", "--json", "--files", "--agent", "db")
    assert code == 0
    data = json.loads(out)
    (db,) = data["agents"]
    assert db["owns"] == [{"section": "owns", "pattern": "src/db/**", "source": DB_MD, "line": 11, "comment": ""}]
    assert db["files"]["owns"] == ["svc/src/db/migrations/0001_init.py", "svc/src/db/models.py"]
    assert db["files"]["reads"] == ["svc/src/api/users.py"]
    assert db["files"]["unlisted"] == ["svc/main.py"]


def test_lanes_text(example, run) -> None:
    code, out, _ = run(example, "lanes", "--agent", "api")
    assert code == 0
    lines = out.splitlines()
    assert lines[:5] == [
        "root: svc   unlisted paths: deny",
        "",
        f"api  ({API_MD}:2)",
        "  owns:",
        f"    src/api/**  {API_MD}:11  # routes",
    ]
    assert f"    src/db/migrations/**  {API_MD}:22  # the database agent's" in lines


def test_lint_passes_on_a_clean_contract(example, run) -> None:
    code, out, _ = run(example, "lint", "--strict")
    assert code == 0, out
    assert (
        out
        == "lint passed: 0 error(s), 0 warning(s); 2 agents, 7 rules, 4 tracked files governed (strict: warnings fail)\n"
    )


def test_lint_finds_every_kind_of_problem(example, run) -> None:
    example.write(
        {
            API_MD: agent_file("api", ["src/api/**", "main.py", "src/db/models.py"], ["src/api/v1/**", "docs/**"], []),
            "contract/agents/web.md": """
                ---
                name: web
                ---
                ### Cannot Touch
                | Path | Why |
                |---|---|
                | Anything secret | no |
            """,
            "svc/src/api/v1/main.py": "x\n",
            "svc/tools/run.sh": "x\n",
        }
    )
    example.git("add", "-A")
    code, out, _ = run(example, "lint")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == (
        f"{DB_MD}:11: error: 1 tracked file(s) owned by both 'api' (src/db/models.py at {API_MD}:13) and "
        f"'db' (src/db/** at {DB_MD}:11): svc/src/db/models.py; narrow one rule or add a cannot_touch [two-owners]"
    )
    assert lines[1:] == [
        f"{API_MD}:12: warning: owns pattern 'main.py' matches at 2 depths (main.py, src/api/v1/main.py); "
        "anchor it as '/main.py' if you mean the top one [unanchored]",
        # git: folder src/api/v1 matches src/api/** and takes the file with it; main.py never gets a say.
        f"{API_MD}:18: warning: 'api' both owns (src/api/** at {API_MD}:11) and reads (src/api/v1/**) 1 file(s): "
        "svc/src/api/v1/main.py; owning implies reading, drop or narrow the READS rule [owns-and-reads]",
        f"{API_MD}:19: warning: reads pattern 'docs/**' matches no tracked file; fix or remove it [matches-nothing]",
        "contract/agents/web.md:2: warning: agent 'web' has no lane: its lane sections hold no path we could read "
        "(see the notes above); every write it makes will be refused (add an OWNS section with its paths) [no-lane]",
        "contract/agents/web.md:7: warning: table row 'Anything secret' under CANNOT TOUCH is not a backticked path; "
        "write it as `path/glob` or move it out of the table [unreadable-row]",
        "contract/ownership.yaml: warning: 1 tracked file(s) under svc/ have no owner: svc/tools/run.sh; "
        "add them to an agent's OWNS [unowned]",
        "lint failed: 1 error(s), 6 warning(s); 3 agents, 8 rules, 6 tracked files governed",
    ]


def test_lint_strict_fails_on_warnings_and_json_says_so(example, run) -> None:
    example.write({"svc/tools/run.sh": "x\n"}).git("add", "-A")
    assert run(example, "lint")[0] == 0
    code, out, _ = run(example, "lint", "--strict", "--json")
    assert code == 1
    data = json.loads(out)
    assert data["ok"] is False
    assert data["summary"] == {
        "ok": False,
        "text": "lint failed: 0 error(s), 1 warning(s); 2 agents, 7 rules, 5 tracked files governed "
        "(strict: warnings fail)",
        "errors": 0,
        "warnings": 1,
        "agents": 2,
        "rules": 7,
        "files": 5,
    }
    assert data["problems"][0]["code"] == "unowned"


def test_broken_contract_lists_every_error_and_exits_2(example) -> None:
    example.write({DB_MD: "---\nname: db\n---\n### OWNS\n```\nsrc/db/***\n{{X}}/a\n```\n"})
    proc = script(example, "lint")
    assert proc.returncode == 2
    assert proc.stdout == b""
    assert proc.stderr.decode().splitlines() == [
        f"ownership: {DB_MD}:6: invalid glob 'src/db/***': '***' is not a glob; use '**' for any depth or '*' within one folder",
        f"ownership: {DB_MD}:7: template placeholder in glob '{{{{X}}}}/a'; render the template or remove the line",
        "ownership: the contract has 2 error(s); fix them and run again",
    ]


@pytest.mark.parametrize(
    "text",
    ["version: 1\nagents: {a: [\n", "", "version: 1\n", "\0\0binary"],
)
def test_no_traceback_for_malformed_contracts(repo, text) -> None:
    (repo.path / "ownership.yaml").write_text(text)
    proc = script(repo, "explain", "x")
    assert proc.returncode == 2
    err = proc.stderr.decode()
    assert "Traceback" not in err and err.startswith("ownership: ownership.yaml")


def test_discovery_order_and_environment(repo, run, monkeypatch) -> None:
    repo.write(
        {
            ".claude/agents/a.md": agent_file("claude-agent", ["**"]),
            "contract/ownership.yaml": "agents: {from-contract-dir: {owns: ['**']}}\n",
            "ownership.yaml": "agents: {from-root: {owns: ['**']}}\n",
            "other.yaml": "agents: {from-env: {owns: ['**']}}\n",
        }
    )

    def agents() -> list[str]:
        return [a["agent"] for a in json.loads(run(repo, "explain", "--json", "x.py")[1])[0]["agents"]]

    assert agents() == ["from-root"]
    (repo.path / "ownership.yaml").unlink()
    assert agents() == ["from-contract-dir"]
    monkeypatch.setenv("OWNERSHIP_CONTRACT", "other.yaml")
    assert agents() == ["from-env"]
    monkeypatch.delenv("OWNERSHIP_CONTRACT")
    (repo.path / "contract" / "ownership.yaml").unlink()
    assert agents() == ["claude-agent"]


def test_negation_and_unlisted_allow(repo, run) -> None:
    # The folder idiom: '!src/vendor/' keeps the folder from being taken whole, '!src/vendor/**' takes out its contents.
    owns = "[src/**, '!src/vendor/', '!src/vendor/**']"
    contract = f"unlisted: allow\nagents:\n  a:\n    owns: {owns}\n  b: {{reads: [src/**]}}\n"
    repo.write({"ownership.yaml": contract})
    _, out, _ = run(repo, "explain", "--json", "src/vendor/lib.py", "src/vendor/deep/x.py", "src/app.py")
    vendor, deep, app = json.loads(out)
    assert [(x["access"], x["can_write"]) for x in vendor["agents"]] == [("unlisted", True), ("reads", False)]
    assert [(x["access"], x["can_write"]) for x in deep["agents"]] == [("unlisted", True), ("reads", False)]
    assert [(x["access"], x["can_write"]) for x in app["agents"]] == [("owns", True), ("reads", False)]


def test_a_negation_cannot_take_a_path_out_of_a_folder_taken_whole(repo, run) -> None:
    """As git: folder src/vendor matches src/**, so it is in, whole; the later '!src/vendor/**' changes nothing."""
    repo.write({"ownership.yaml": "agents:\n  a:\n    owns: [src/**, '!src/vendor/**']\n"})
    code, out, _ = run(repo, "explain", "src/vendor/lib.py")
    assert (code, out) == (0, "src/vendor/lib.py\n  a  owns          can write     src/** (ownership.yaml:3)\n")


@pytest.mark.parametrize(("ignorecase", "access"), [("false", "unlisted"), ("true", "cannot_touch")])
def test_case_follows_core_ignorecase(repo, run, ignorecase, access) -> None:
    repo.git("config", "core.ignorecase", ignorecase)
    repo.write({"ownership.yaml": "root: Svc\nagents:\n  a:\n    owns: ['**']\n    cannot_touch: [Secrets/]\n"})
    _, out, _ = run(repo, "explain", "--json", "SVC/secrets/key.pem")
    expected = access if ignorecase == "true" else "ungoverned"
    assert json.loads(out)[0]["agents"][0]["access"] == expected


def test_version_and_help_exit_0(repo) -> None:
    assert script(repo, "--version").returncode == 0
    assert b"explain" in script(repo, "--help").stdout


def test_usage_errors_exit_2(example) -> None:
    proc = script(example, "explain")
    assert proc.returncode == 2 and b"name at least one PATH" in proc.stderr
    proc = script(example, "can-write", "svc/main.py")
    assert proc.returncode == 2 and b"Missing option '--agent'" in proc.stderr


def test_command_imports_stay_light(repo) -> None:
    """The hook's import path: no FastAPI, SQLAlchemy or GitPython."""
    code = "import sys, ownership.cli; print(sorted(m for m in ('fastapi','sqlalchemy','git','pydantic') if m in sys.modules))"
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=dict(os.environ)
    )
    assert proc.stdout.strip() == "[]"


# --- hostile contracts: one line at file:line, exit 2, quickly -----------------

LAUGHS = (
    "".join(
        f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['lol'] * 9)}]\n"
        for prev, name in zip([None, *"abcdefg"], "abcdefgh")
    )
    + "agents: {x: {owns: [x]}}\nunlisted: *h\n"
)  # expanded: 9**8 strings, 300 MB once printed

ALIASES = "YAML aliases and anchors are not allowed in a contract; write the value out"


@pytest.mark.parametrize(
    ("files", "error"),
    [
        ({"ownership.yaml": LAUGHS}, f"ownership.yaml:1: {ALIASES}"),
        ({"ownership.yaml": "agents: {x: {owns: &o [x]}}\n"}, f"ownership.yaml:1: {ALIASES}"),
        ({".claude/agents/a.md": "---\nname: a\ntools: &t [Read]\n---\n"}, f".claude/agents/a.md:3: {ALIASES}"),
        (
            {"ownership.yaml": "agents: {x: {owns: [x]}}\nunlisted: !!python/object/apply:os.system [touch pwned]\n"},
            "ownership.yaml:2: YAML tag '!!python/object/apply:os.system' is not allowed in a contract; write a plain value",
        ),
        (
            {"ownership.yaml": "agents: {x: {owns: [x]}}\nunlisted: " + "[" * 100_000 + "]" * 100_000 + "\n"},
            "ownership.yaml:2: YAML nested more than 32 levels deep; a contract needs a few levels, flatten it",
        ),
        (
            {"ownership.yaml": "agents: {x: {owns: [x]}}\nunlisted: " + "[" * 33 + "]" * 33 + "\n"},
            "ownership.yaml:2: YAML nested more than 32 levels deep; a contract needs a few levels, flatten it",
        ),
        (
            {"ownership.yaml": "agents: {x: {owns: [x]}}\nunlisted: " + "lol" * 400_000 + "\n"},
            "ownership.yaml: larger than 1 MiB, the limit for a contract or agent file; shorten it or split it",
        ),
        (
            {"ownership.yaml": "agents: {x: {owns: [x]}}\nunlisted: " + "a" * 100_000 + "\n"},
            "ownership.yaml:2: unlisted must be deny or allow, not '" + "a" * 60 + "'...",
        ),
        (
            {"ownership.yaml": "agents:\n\tx: {owns: [x]}\n"},
            "ownership.yaml:2: malformed YAML: found character that cannot start any token; "
            "YAML indents with spaces, not tabs: replace the tab",
        ),
        (
            {"ownership.yaml": "agents: {x: {owns: [x]}}\nunlisted: de\x07ny\n"},
            "ownership.yaml:2: unacceptable character #x0007: control characters are not allowed; remove it",
        ),
        (
            {"ownership.yaml": "agents: {x: {owns: [x]}}\nversion: " + "1" * 5000 + "\n"},
            "ownership.yaml:2: '" + "1" * 60 + "'... is not a valid YAML number or date; quote it",
        ),
        (
            {"ownership.yaml": "agents: {x: {owns: [x]}}\nversion: 2001-13-45\n"},
            "ownership.yaml:2: '2001-13-45' is not a valid YAML number or date; quote it",
        ),
        (
            {"ownership.yaml": "agents: {x: {owns: [x]}}\ncoordinator: {x: y}\n"},
            "ownership.yaml:2: coordinator must be 'allow' or an agent of the contract, not {'x': 'y'}",
        ),
        (
            {"ownership.yaml": "agents: {x: {owns: [x], codeowner: [a]}}\nidentity: {authors: {a@b.c: [x]}}\n"},
            [
                "ownership.yaml:1: 'x.codeowner' must be text, not a list or mapping",
                "ownership.yaml:2: identity.authors maps 'a@b.c' to a list or mapping, which is not an agent",
            ],
        ),
    ],
)
def test_hostile_contract_is_one_line_and_exit_2(repo, run, files, error) -> None:
    repo.write(files)
    code, out, err = run(repo, "lint")
    assert (code, out) == (2, "")
    errors = [error] if isinstance(error, str) else error
    assert err.splitlines() == [f"ownership: {e}" for e in errors] + [
        f"ownership: the contract has {len(errors)} error(s); fix them and run again"
    ]


def test_a_non_utf8_agent_file_and_a_bom(repo, run) -> None:
    (repo.path / ".claude" / "agents").mkdir(parents=True)
    (repo.path / ".claude" / "agents" / "a.md").write_bytes(
        "\ufeff".encode() + agent_file("a", ["x/**"]).lstrip().encode()
    )
    assert run(repo, "lanes")[0] == 0  # a leading byte order mark is read past
    (repo.path / ".claude" / "agents" / "b.md").write_bytes(b"---\nname: b\ndescription: caf\xe9\n---\n")
    assert run(repo, "lint") == (
        2,
        "",
        "ownership: .claude/agents/b.md:3: not UTF-8 text; save the file as UTF-8\n"
        "ownership: the contract has 1 error(s); fix them and run again\n",
    )


def test_billion_laughs_through_the_console_script(repo) -> None:
    """Regression: this file made `lint` run 7-22 s and print 312 MB, expanding the aliases into a message."""
    repo.write({"ownership.yaml": LAUGHS})
    proc = subprocess.run(
        [str(Path(sys.executable).with_name("ownership")), "lint"],
        cwd=repo.path, capture_output=True, check=False, timeout=20,  # a hang guard, not a timing
    )  # fmt: skip
    assert (proc.returncode, proc.stdout) == (2, b"")
    assert proc.stderr.decode() == (
        f"ownership: ownership.yaml:1: {ALIASES}\nownership: the contract has 1 error(s); fix them and run again\n"
    )


def test_a_message_quotes_at_most_60_characters_of_a_value(example, run) -> None:
    code, out, err = run(example, "explain", "../" + "y" * 5000)
    assert (code, out) == (2, "")
    assert err.startswith(f"ownership: '../{'y' * 57}'... is outside the repository ")
    assert "y" * 58 not in err


@pytest.mark.parametrize(
    ("value", "quoted"),
    [
        ("deny", "'deny'"),
        ("é" * 60, repr("é" * 60)),
        ("é" * 61, repr("é" * 60) + "..."),
        (["lol"] * 9**4, "['lol', 'lol', 'lol', 'lol', 'lol', 'lol', ...]"),
        (7, "7"),
        (None, "None"),
    ],
)
def test_excerpt(value, quoted) -> None:
    from ownership.errors import excerpt

    assert excerpt(value) == quoted
