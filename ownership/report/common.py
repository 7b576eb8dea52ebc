"""What every format shares: the one sentence a decision reads as, a path printed safely on one line, a rule's
text, JSON dumped alike.

Every door says a decision the same way (check, can-write, explain, the guard's deny reason, SARIF):

    <agent> may write <path>: <access>: <detail>
    <agent> may not write <path>: <access>: <detail>; owners: <owners>

`DETAILS` is the one table of what follows `<access>: `; docs/commands.md, "One decision, one sentence", shows it.
This module stays light: the guard imports it on every tool call.
"""

from __future__ import annotations

from ..core.model import Rule

SECTION_TITLES = {"owns": "owns", "reads": "reads", "cannot_touch": "cannot touch"}

NO_OWNER = "no agent (a person must change it)"

# access → the words after "<access>: ". {rule} is `pattern (source:line)`; the other fields are named facts.
DETAILS = {
    "protected": "{rule}",
    "cannot_touch": "{rule}",
    "owns": "{rule}",
    "reads": "{rule}",
    "unlisted": "no section of its lane names it, and unlisted is {setting}",
    "ungoverned": "it lies outside the contract's root, so no lane governs it",
    # The guard's own outcomes, and check's.
    "unknown_agent": "{unnamed} (agents: {agents}), and unknown_agent is {setting} ({source})",
    "outside_repo": "it lies outside every governed repository, and outside_repo is {setting} ({source})",
    "scratch": "{what}, and scratch.{key} is true ({source})",
    "unidentified": "no agent identified, and the contract sets require_agent: true; name the agent "
    "with --agent, $OWNERSHIP_AGENT or an 'Agent:' trailer",
}

# The guard's scratch space (`scratch:`): what makes a path scratch, for DETAILS["scratch"]'s {what}.
SCRATCH = {
    "temp": "it lies in the system temp folder ({folder})",
    "ignored": "git ignores it and no rule of the contract names it",
}

# What the guard always protects, whatever the contract says (`protected: <this>`): the files that could
# switch the guard or the commit-time check off.
ALWAYS_PROTECTED = {
    "hooks": "it holds an agent host's hooks, the guard's own configuration (`ownership install`)",
    "git": "it lies in the git folder ({folder}), where git keeps its hooks and settings and ownership its cache; "
    "an agent changes a repository with git commands",
    "commit_hooks": "it configures the git hooks that run `ownership check` at commit",
    "git_config": "it holds git's settings for every repository of this user (core.hooksPath, core.excludesFile)",
}


def show_path(path: str) -> str:
    """A path safe to print on one line: git-style quoted when it holds control or undecodable bytes."""
    if path.isprintable() and not path.startswith('"'):  # undecodable bytes (surrogates) are not printable
        return path
    out = []
    for c in path:
        if "\udc80" <= c <= "\udcff":
            out.append(f"\\{ord(c) - 0xDC00:03o}")
        elif c in '"\\':
            out.append("\\" + c)
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif not c.isprintable():
            out.append(f"\\{ord(c):03o}" if ord(c) < 256 else c.encode("unicode_escape").decode())
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def dumps(data) -> str:
    import json

    return json.dumps(data, indent=2)


def rule_text(rule: Rule | None) -> str:
    if rule is None:
        return "no rule names it"
    return f"{rule.pattern} ({rule.where})"


def detail(access: str, can_write: bool, rule: Rule | None = None, **facts: str) -> str:
    """What follows `<access>: ` in the sentence of a decision (DETAILS)."""
    facts.setdefault("setting", "allow" if can_write else "deny")
    return DETAILS[access].format(rule=rule_text(rule), **facts)


def reason(access: str, can_write: bool, rule: Rule | None = None, **facts: str) -> str:
    """`<access>: <detail>`: why a decision is what it is, the same words in every command."""
    return f"{access}: {detail(access, can_write, rule, **facts)}"


def always_protected(kind: str, **facts: str) -> str:
    """`protected: <why>` for a file the guard protects whatever the contract says (ALWAYS_PROTECTED)."""
    return "protected: " + ALWAYS_PROTECTED[kind].format(**facts)


def scratch(kind: str, source: str, **facts: str) -> str:
    """`scratch: <why>`: a path every agent may write, as scratch space (SCRATCH, DETAILS["scratch"])."""
    return reason("scratch", True, what=SCRATCH[kind].format(**facts), key=kind, source=source)


def sentence(
    agent: str, path: str, can_write: bool, why: str, owners: list[str] | tuple[str, ...] | None = None
) -> str:
    """The one sentence a user sees: `<agent> may [not] write <path>: <reason>[; owners: ...]`.

    `owners` is added to a refusal (whom to hand the work to); None leaves it out.
    """
    if can_write:
        return f"{agent} may write {path}: {why}"
    hand_to = "" if owners is None else "; owners: " + (", ".join(owners) or NO_OWNER)
    return f"{agent} may not write {path}: {why}{hand_to}"
