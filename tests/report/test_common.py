"""report/common.py: the one vocabulary of a decision (access → sentence), the same in every door."""

from __future__ import annotations

import pytest

from ownership.core.model import ACCESS_ORDER, Rule
from ownership.report.common import DETAILS, reason, sentence

RULE = Rule("cannot_touch", "src/db/**", "contract/agents/api.md", 22)
AUTOMATIC = Rule("protected", "/ownership.yaml", "ownership.yaml", None)


def test_every_access_the_engine_returns_has_its_words() -> None:
    assert set(ACCESS_ORDER) <= set(DETAILS)


@pytest.mark.parametrize(
    ("access", "can_write", "rule", "facts", "expected"),
    [
        ("cannot_touch", False, RULE, {}, "cannot_touch: src/db/** (contract/agents/api.md:22)"),
        ("owns", True, RULE, {}, "owns: src/db/** (contract/agents/api.md:22)"),
        ("reads", False, RULE, {}, "reads: src/db/** (contract/agents/api.md:22)"),
        ("protected", False, AUTOMATIC, {}, "protected: /ownership.yaml (ownership.yaml, automatic)"),
        ("unlisted", False, None, {}, "unlisted: no section of its lane names it, and unlisted is deny"),
        ("unlisted", True, None, {}, "unlisted: no section of its lane names it, and unlisted is allow"),
        ("ungoverned", True, None, {}, "ungoverned: it lies outside the contract's root, so no lane governs it"),
        (
            "unknown_agent",
            False,
            None,
            {"unnamed": "ghost is not an agent of the contract", "agents": "api, db", "source": "ownership.yaml"},
            "unknown_agent: ghost is not an agent of the contract (agents: api, db), "
            "and unknown_agent is deny (ownership.yaml)",
        ),
        (
            "outside_repo",
            False,
            None,
            {"source": "ownership.yaml"},
            "outside_repo: it lies outside every governed repository, and outside_repo is deny (ownership.yaml)",
        ),
        (
            "unidentified",
            False,
            None,
            {},
            "unidentified: no agent identified, and the contract sets require_agent: true; "
            "name the agent with --agent, $OWNERSHIP_AGENT or an 'Agent:' trailer",
        ),
    ],
)
def test_reason_per_access(access, can_write, rule, facts, expected) -> None:
    assert reason(access, can_write, rule, **facts) == expected


def test_a_missing_fact_is_an_error_not_a_blank() -> None:
    with pytest.raises(KeyError):
        reason("unknown_agent", False, None, unnamed="ghost is not an agent of the contract")


def test_sentence_names_owners_only_when_it_refuses() -> None:
    why = reason("cannot_touch", False, RULE)
    assert sentence("api", "a.py", False, why, ["db"]) == f"api may not write a.py: {why}; owners: db"
    assert sentence("api", "a.py", False, why, []) == (
        f"api may not write a.py: {why}; owners: no agent (a person must change it)"
    )
    assert sentence("api", "a.py", False, why) == f"api may not write a.py: {why}"
    assert sentence("db", "a.py", True, "owns: x (y:1)", ["db"]) == "db may write a.py: owns: x (y:1)"


def test_the_guard_loads_only_the_light_report_module() -> None:
    """The guard says its refusals through report/common.py; that must not pull in the JSON or SARIF reporters."""
    import subprocess
    import sys

    code = (
        "import sys, ownership.guard.decide; print(sorted(m for m in sys.modules if m.startswith('ownership.report')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out == "['ownership.report', 'ownership.report.common']\n"
