"""Who is acting: one resolver for every door (the guard, `check`, the git hooks, `doctor`).

The clues, strongest first (docs/identity.md, 'Who is acting'); the first that names an agent wins:

1. the caller's word: `--agent` for `check`; for the guard, the harness's own
   `agent_type` (a `plugin-name:` prefix stripped);
2. `$OWNERSHIP_AGENT`, as the process that judges sees it (the hook's, `check`'s);
3. the commit message trailer (`identity.trailer`, default `Agent:`), for commits;
4. `git config ownership.agent` (per worktree with `git config --worktree`);
5. the branch, by `identity.branch` (default `agent/<name>/*`);
6. the author e-mail, by `identity.authors`.

When none names an agent: a payload that carried `agent_id` (a subagent or a
teammate the harness did not name) is an *unnamed agent*, judged by the
contract's `unknown_agent`; anything else is the main session or a person
(`coordinator` in the guard, `require_agent` in `check`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..core.model import Contract
from ..errors import UsageError, excerpt


@dataclass(frozen=True)
class Actor:
    agent: str | None  # None: a person (or the main session) is acting, or an unnamed agent
    how: str  # what named the agent, for messages ("--agent", "trailer 'Agent:'", ...)
    unknown: bool = False  # an agent the contract does not know, or one no clue named

    @property
    def kind(self) -> str:
        """'agent' (an agent of the contract), 'unknown' (unknown_agent rules) or 'person' (the main session)."""
        if self.unknown:
            return "unknown"
        return "agent" if self.agent else "person"


PERSON = Actor(None, "no agent identified")


@dataclass(frozen=True)
class Clues:
    """Everything that may name the agent, strongest first (see the module's docstring)."""

    option: str | None = None  # --agent, or the harness's agent_type (prefix stripped)
    env: str | None = None  # $OWNERSHIP_AGENT
    message: str | None = None  # the commit message, for the trailer
    config: str | None = None  # git config ownership.agent
    branch: str | None = None
    email: str | None = None  # the author's e-mail
    option_label: str = "--agent"  # how the first clue is named in messages
    subagent: bool = False  # the harness said an agent acts (agent_id) without naming it

    def for_commit(self, message: str | None, email: str | None) -> Clues:
        return replace(self, message=message, email=email)


def harness_clues(agent_type: str | None, agent_id: str | None, **weaker) -> Clues:
    """The guard's clues: the payload's `agent_type` (prefix stripped), `agent_id`, then the session's."""
    name = agent_type.rsplit(":", 1)[-1] if agent_type else None
    return Clues(option=name or None, option_label="the harness's agent_type", subagent=agent_id is not None, **weaker)


def branch_regex(pattern: str) -> re.Pattern:
    """`agent/<name>/*` → a regex with a `name` group; '*' is any text, and a trailing '/*' may be absent."""
    tail = pattern.endswith("/*")
    core = pattern[:-2] if tail else pattern
    parts = [re.escape(p).replace(r"\*", ".*") for p in core.split("<name>")]
    regex = r"(?P<name>[A-Za-z0-9_.-]+)".join(parts) + (r"(?:/.*)?" if tail else "")
    return re.compile(regex)


def branch_agent(contract: Contract, branch: str) -> str | None:
    """The name a branch gives by `identity.branch`, or None."""
    found = branch_regex(contract.identity.branch).fullmatch(branch)
    return found.group("name") if found else None


def candidates(contract: Contract, clues: Clues, trailer_of) -> list[tuple[str | None, str]]:
    """(name or None, how) for every clue, strongest first."""
    found = [
        (clues.option, clues.option_label),
        (clues.env, "$OWNERSHIP_AGENT"),
        (trailer_of(clues.message, contract.identity.trailer) if clues.message else None,
         f"the commit trailer '{contract.identity.trailer}:'"),
        (clues.config, "git config ownership.agent"),
    ]  # fmt: skip
    if clues.branch:
        found.append((branch_agent(contract, clues.branch), f"the branch name {excerpt(clues.branch)}"))
    if clues.email:
        authors = dict(contract.identity.authors)
        found.append((authors.get(clues.email.lower()), f"the author e-mail {clues.email}"))
    return found


def resolve(contract: Contract, clues: Clues, trailer_of=None) -> Actor:
    """The first clue that names an agent; a name the contract does not know is an unknown agent."""
    for name, how in candidates(contract, clues, trailer_of or _no_trailer):
        if name is None or not name.strip():
            continue
        name = name.strip()
        return Actor(name, how, unknown=contract.agent(name) is None)
    if clues.subagent:
        return Actor(None, "the payload has an agent_id but no agent_type", unknown=True)
    return PERSON


def identify(contract: Contract, clues: Clues, trailer_of) -> Actor:
    """`resolve` for `check`: an agent unknown to the contract is an error (exit 2), never a pass."""
    actor = resolve(contract, clues, trailer_of)
    if actor.unknown and actor.agent is not None:
        raise UsageError(
            f"{actor.how} names '{actor.agent}', which is not an agent of the contract "
            f"(agents: {', '.join(contract.names)}); fix the name"
        )
    return actor


def trailer_conflict(contract: Contract, clues: Clues, trailer_of) -> str | None:
    """A commit message whose trailer names another agent than the session's other clues do, as one line.

    For the commit-msg door, where the other clues (--agent, $OWNERSHIP_AGENT,
    the worktree's ownership.agent, its branch) describe the session that
    commits: a trailer may repeat them, never overrule them.
    """
    if not clues.message:
        return None
    named = trailer_of(clues.message, contract.identity.trailer)
    if not named or not named.strip():
        return None
    session = resolve(contract, replace(clues, message=None, email=None), trailer_of)
    if session.agent is None or session.agent == named.strip():
        return None
    return (
        f"the commit trailer '{contract.identity.trailer}: {named.strip()}' names another agent than "
        f"{session.how}, which names {session.agent}; a commit made here is {session.agent}'s"
    )


def _no_trailer(message: str, key: str) -> None:
    return None
