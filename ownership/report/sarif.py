"""Results → SARIF 2.1.0, for GitHub code scanning (`check --format sarif`, `lint --format sarif`).

Loaded only when SARIF is asked for (see registry.py).
"""

from __future__ import annotations

import json

from .json import check_summary_json
from .text import violation_text

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
VERSION = "2.1.0"

# ruleId → (name, short description, help). One entry per access `check` can refuse.
CHECK_RULES = {
    "cannot_touch": (
        "WriteCannotTouch",
        "An agent changed a path its CANNOT TOUCH section names.",
        "The path belongs to another lane. Revert the change and hand the work to one of the owners the "
        "message names, or change the contract in a commit of its own.",
    ),
    "protected": (
        "WriteProtected",
        "An agent changed a protected path (the contract's own files, or `protected:`).",
        "No agent may write protected paths. A person changes them, in a commit of their own.",
    ),
    "reads": (
        "WriteReadOnly",
        "An agent changed a path it may only read.",
        "READS is context, not a licence to write. Hand the change to one of the owners the message names.",
    ),
    "unlisted": (
        "WriteUnlisted",
        "An agent changed a path none of its sections lists.",
        "With `unlisted: deny`, an agent writes only what it OWNS. Hand the change to an owner, or add the "
        "path to an agent's OWNS.",
    ),
    "unidentified": (
        "NoAgentIdentified",
        "Changes were made and no agent was identified, while the contract sets `require_agent: true`.",
        "Name the acting agent with --agent, $OWNERSHIP_AGENT, an `Agent:` commit trailer, "
        "`git config ownership.agent` or a branch named agent/<name>/...",
    ),
    "unsigned": (
        "UnsignedCommit",
        "A commit carries no signature verified against identity.signers, and the contract sets "
        "`identity.unsigned: fail`.",
        "Sign the commit (git commit -S) with a key the allowed-signers file lists.",
    ),
    "contract_unsigned": (
        "ContractChangeUnsigned",
        "A file of the contract changed in a commit no person listed in identity.signers signed "
        "(`identity.contract_changes: signed`).",
        "A person changes the contract in a commit of their own, signed with a key the allowed-signers file lists.",
    ),
}

LINT_RULES = {
    "contract": (
        "BrokenContract",
        "The contract cannot be read.",
        "Fix the file and line named; `ownership lint` reports every error at once.",
    ),
    "two-owners": (
        "TwoOwners",
        "A tracked file is owned by two agents.",
        "Narrow one OWNS rule or add a CANNOT TOUCH rule, so that each file has one owner.",
    ),
    "unowned": ("Unowned", "Tracked files under the root have no owner.", "Add the files to an agent's OWNS."),
    "matches-nothing": ("MatchesNothing", "A pattern matches no tracked file.", "Fix the pattern or remove it."),
    "unanchored": (
        "Unanchored",
        "An unanchored literal pattern matches at several depths.",
        "Start the pattern with '/' if you mean the top one.",
    ),
    "owns-and-reads": (
        "OwnsAndReads",
        "An agent both owns and reads the same files.",
        "Owning implies reading: drop or narrow the READS rule.",
    ),
    "unreadable-row": (
        "UnreadableRow",
        "A table row under an ownership heading is not a backticked path.",
        "Write the path as `path/glob`, or move the row out of the table.",
    ),
    "stale-export": (
        "StaleExport",
        "A file generated from the contract (CODEOWNERS, CONTRACT.md) is out of date.",
        "Run the command the message names, and commit the result.",
    ),
}


def _uri(path: str) -> str:
    """A repository-relative path as a relative URI reference (percent-encoded UTF-8, '/' kept)."""
    raw = path.encode("utf-8", "surrogateescape")
    safe = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/"
    return "".join(chr(b) if b in safe else f"%{b:02X}" for b in raw)


def _location(path: str, line: int | None) -> dict:
    physical: dict = {"artifactLocation": {"uri": _uri(path), "uriBaseId": "%SRCROOT%"}}
    physical["region"] = {"startLine": line or 1}
    return {"physicalLocation": physical}


def _rules(table: dict, used: list[str]) -> tuple[list[dict], dict[str, int]]:
    ids = [r for r in table if r in used] + sorted(r for r in set(used) if r not in table)
    rules, index = [], {}
    for rule_id in ids:
        name, short, help_text = table.get(rule_id, (rule_id, rule_id, ""))
        index[rule_id] = len(rules)
        rules.append(
            {
                "id": rule_id,
                "name": name,
                "shortDescription": {"text": short},
                "help": {"text": help_text},
            }
        )
    return rules, index


def _log(rules: list[dict], results: list[dict], summary: dict) -> str:
    """The SARIF log; `properties.summary` is the summary object every JSON report carries (report/json.py)."""
    from .. import __version__

    run = {
        "tool": {
            "driver": {
                "name": "ownership",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": rules,
            }
        },
        "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The repository's top folder."}}},
        "results": results,
        "properties": {"summary": summary},
    }
    return json.dumps({"$schema": SCHEMA, "version": VERSION, "runs": [run]}, indent=2)


def check_sarif(result, what: str) -> str:
    """`check` violations: one result a violating path, located at the path; the deciding rule as related."""
    rules, index = _rules(CHECK_RULES, [v.access for v in result.violations])
    results = []
    for v in result.violations:
        entry = {
            "ruleId": v.access,
            "ruleIndex": index[v.access],
            "level": "error",
            "message": {"text": violation_text(v)},
        }
        if v.path:
            entry["locations"] = [_location(v.path, None)]
        if v.rule and v.rule.line:
            related = _location(v.rule.source, v.rule.line)
            related["id"] = 1
            related["message"] = {"text": f"{v.rule.section}: {v.rule.pattern}"}  # the rule, as lanes shows it
            entry["relatedLocations"] = [related]
        if v.commit:
            entry["properties"] = {"commit": v.commit, "agent": v.agent}
        results.append(entry)
    return _log(rules, results, check_summary_json(result, what))


def lint_sarif(problems: list[dict], summary: dict, default_source: str) -> str:
    """`lint` problems (as their JSON dicts): located at the contract file and line."""
    rules, index = _rules(LINT_RULES, [p["code"] for p in problems])
    results = [
        {
            "ruleId": p["code"],
            "ruleIndex": index[p["code"]],
            "level": "error" if p["severity"] == "error" else "warning",
            "message": {"text": p["message"]},
            "locations": [_location(p["source"] or default_source, p["line"])],
        }
        for p in problems
    ]
    return _log(rules, results, summary)
