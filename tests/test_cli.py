"""The query commands through the CLI: exact output, exact exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ownership.cli import main
from tests.conftest import Repo, agent_file

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
    got = [(a["agent"], a["access"], a["can_write"], a["rule"]["pattern"] if a["rule"] else None) for a in entry["agents"]]
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
    proc = script(example, "explain", "--json", "--agent", "api", "--stdin", "-z", input=b"svc/src/api/a\nb.py\0svc/caf\xe9.py\0")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert [r["path"] for r in rows] == ["svc/src/api/a\nb.py", "svc/caf\udce9.py"]
    assert [r["agents"][0]["access"] for r in rows] == ["owns", "unlisted"]


def test_explain_stdin_lines(example) -> None:
    proc = script(example, "explain", "--stdin", "--agent", "db", input=b"svc/main.py\nsvc/src/db/x.py\n")
    assert proc.returncode == 0
    assert proc.stdout.decode().splitlines() == [
        "svc/main.py",
        "  db  unlisted      cannot write  no rule names it",
        "svc/src/db/x.py",
        f"  db  owns          can write     src/db/** ({DB_MD}:11)",
    ]


def test_can_write_yes_and_no(example, run) -> None:
    code, out, _ = run(example, "can-write", "--agent", "api", "svc/src/api/users.py")
    assert code == 0
    assert out == f"svc/src/api/users.py: yes, api may write it (owns: src/api/** ({API_MD}:11))\n"
    code, out, _ = run(example, "can-write", "--agent", "api", "svc/src/api/users.py", "svc/src/db/migrations/0002.py")
    assert code == 1
    assert out.splitlines()[1] == (
        f"svc/src/db/migrations/0002.py: no, cannot_touch for api by src/db/migrations/** ({API_MD}:22); owners: db"
    )


def test_can_write_json_names_owners(example, run) -> None:
    code, out, _ = run(example, "can-write", "--agent", "db", "--json", "svc/main.py", ".pre-commit-config.yaml")
    assert code == 1
    rows = json.loads(out)
    assert rows[0] == {
        "path": "svc/main.py",
        "can_write": False,
        "access": "unlisted",
        "rule": None,
        "owners": ["api"],
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
    assert out == "lint passed: 0 error(s), 0 warning(s); 2 agents, 7 rules, 4 tracked files governed (strict: warnings fail)\n"


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
        f"{API_MD}:18: warning: 'api' both owns (main.py at {API_MD}:12) and reads (src/api/v1/**) 1 file(s): "
        "svc/src/api/v1/main.py; owning implies reading, drop or narrow the READS rule [owns-and-reads]",
        f"{API_MD}:19: warning: reads pattern 'docs/**' matches no tracked file; fix or remove it [matches-nothing]",
        "contract/agents/web.md:7: warning: table row 'Anything secret' under cannot_touch is not a backticked path; "
        "write it as `path/glob` or move it out of the table [unreadable-row]",
        "contract/ownership.yaml: warning: 1 tracked file(s) under svc/ have no owner: svc/tools/run.sh; "
        "add them to an agent's OWNS [unowned]",
        "lint failed: 1 error(s), 5 warning(s); 3 agents, 8 rules, 6 tracked files governed",
    ]


def test_lint_strict_fails_on_warnings_and_json_says_so(example, run) -> None:
    example.write({"svc/tools/run.sh": "x\n"}).git("add", "-A")
    assert run(example, "lint")[0] == 0
    code, out, _ = run(example, "lint", "--strict", "--json")
    assert code == 1
    data = json.loads(out)
    assert data["ok"] is False
    assert data["summary"] == {"errors": 0, "warnings": 1, "agents": 2, "rules": 7, "files": 5}
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
    repo.write({"ownership.yaml": "unlisted: allow\nagents:\n  a:\n    owns: [src/**, '!src/vendor/**']\n  b: {reads: [src/**]}\n"})
    _, out, _ = run(repo, "explain", "--json", "src/vendor/lib.py", "src/app.py")
    vendor, app = json.loads(out)
    assert [(x["access"], x["can_write"]) for x in vendor["agents"]] == [("unlisted", True), ("reads", False)]
    assert [(x["access"], x["can_write"]) for x in app["agents"]] == [("owns", True), ("reads", False)]


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
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=dict(os.environ))
    assert proc.stdout.strip() == "[]"
