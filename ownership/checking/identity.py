"""Who is acting: the agent a change is attributed to, and how we know."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..core.model import Contract
from ..errors import UsageError, excerpt


@dataclass(frozen=True)
class Actor:
    agent: str | None  # None: a person is acting
    how: str  # what named the agent, for messages ("--agent", "trailer 'Agent:'", ...)


PERSON = Actor(None, "no agent identified")


@dataclass(frozen=True)
class Clues:
    """Everything that may name the agent, strongest first (see README, 'Who is acting')."""

    option: str | None = None  # --agent
    env: str | None = None  # $OWNERSHIP_AGENT
    message: str | None = None  # the commit message, for the trailer
    config: str | None = None  # git config ownership.agent
    branch: str | None = None
    email: str | None = None  # the author's e-mail


def branch_regex(pattern: str) -> re.Pattern:
    """`agent/<name>/*` → a regex with a `name` group; '*' is any text, and a trailing '/*' may be absent."""
    tail = pattern.endswith("/*")
    core = pattern[:-2] if tail else pattern
    parts = [re.escape(p).replace(r"\*", ".*") for p in core.split("<name>")]
    regex = r"(?P<name>[A-Za-z0-9_.-]+)".join(parts) + (r"(?:/.*)?" if tail else "")
    return re.compile(regex)


def identify(contract: Contract, clues: Clues, trailer_of) -> Actor:
    """The first clue that names an agent; an agent unknown to the contract is an error, never a pass."""
    candidates = [
        (clues.option, "--agent"),
        (clues.env, "$OWNERSHIP_AGENT"),
        (trailer_of(clues.message, contract.identity.trailer) if clues.message else None,
         f"the commit trailer '{contract.identity.trailer}:'"),
        (clues.config, "git config ownership.agent"),
    ]  # fmt: skip
    if clues.branch:
        found = branch_regex(contract.identity.branch).fullmatch(clues.branch)
        candidates.append((found.group("name") if found else None, f"the branch name {excerpt(clues.branch)}"))
    if clues.email:
        authors = dict(contract.identity.authors)
        candidates.append((authors.get(clues.email.lower()), f"the author e-mail {clues.email}"))
    for name, how in candidates:
        if name is None or not name.strip():
            continue
        name = name.strip()
        if contract.agent(name) is None:
            raise UsageError(
                f"{how} names '{name}', which is not an agent of the contract "
                f"(agents: {', '.join(contract.names)}); fix the name"
            )
        return Actor(name, how)
    return PERSON
