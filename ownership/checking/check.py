"""Changes + who made them → violations.

The contract in force is never the one being changed: staged and work-tree
changes are judged by the contract committed at HEAD, and every commit of a
range by the contract as it stood at the start of the range.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import git
from ..core.bulk import decisions_for
from ..core.engine import Engine
from ..core.model import Contract, Rule
from .identity import Actor, Clues, identify


@dataclass(frozen=True)
class Violation:
    commit: str | None
    agent: str | None  # None: nobody was identified and the contract requires an agent
    path: str | None
    status: str | None
    access: str  # a decision's access, or "unidentified"
    rule: Rule | None
    owners: tuple[str, ...]

    def to_json(self) -> dict:
        return {
            "commit": self.commit,
            "agent": self.agent,
            "path": self.path,
            "status": self.status,
            "access": self.access,
            "rule": self.rule.to_json() if self.rule else None,
            "owners": list(self.owners),
        }


@dataclass(frozen=True)
class Checked:
    """One unit that was checked: the staged changes, or one commit."""

    commit: str | None
    actor: Actor
    paths: int


@dataclass(frozen=True)
class CheckResult:
    violations: tuple[Violation, ...]
    units: tuple[Checked, ...]
    ranged: bool  # commits were checked (a range), rather than uncommitted changes
    contract: str | None = (
        None  # for a range: the revision whose contract judged it ("contract/ownership.yaml at 1a2b3c4")
    )
    before_contract: int = 0  # commits of the range made before any contract existed: nothing to judge them by

    @property
    def commits(self) -> int:
        return len(self.units) if self.ranged else 0

    @property
    def paths(self) -> int:
        return sum(u.paths for u in self.units)

    @property
    def ok(self) -> bool:
        return not self.violations


def check_changes(
    engine: Engine, changes: list[git.Change], actor: Actor, commit: str | None = None
) -> tuple[list[Violation], Checked]:
    """The violations among one agent's changes (none for a person, unless an agent is required)."""
    written = git.written_paths(changes)
    if actor.agent is None:
        if engine.contract.require_agent and written:
            return [Violation(commit, None, None, None, "unidentified", None, ())], Checked(commit, actor, len(written))
        return [], Checked(commit, actor, len(written))
    agent, paths = actor.agent, [path for path, _, _ in written]
    decisions = decisions_for(engine, paths)  # one path at a time, or Bulk for many: the same answers
    allowed = decisions.writable(agent)

    owners_of = decisions.owners_of() if len(allowed) < len(paths) else {}

    def refusal(index: int):
        if index in allowed:
            return None
        decision = decisions.decide(index, agent)
        return decision.access, decision.rule, owners_of.get(index, ())

    violations = []
    for index, (path, status, _) in enumerate(written):
        refused = refusal(index)
        if refused:
            access, rule, owners = refused
            violations.append(Violation(commit, agent, path, status, access, rule, tuple(owners)))
    return violations, Checked(commit, actor, len(written))


def check_commits(
    engine: Engine,
    repo: str,
    commits: list[str],
    clues: Clues,
    signed: dict[str, tuple[str, str]] | None = None,
    judged_by: str | None = None,
    before: int = 0,
) -> CheckResult:
    """Each commit against its first parent (merges: what the merge adds), as its own agent.

    `signed` ({commit: (%G? letter, principal)}, `git.signatures`) when the contract names `identity.signers`:
    a verified signature then names the actor, stronger than every clue but `--agent`.
    """
    violations: list[Violation] = []
    units = []
    contract = engine.contract
    for info, changes in git.read_commits(repo, commits):  # a few git calls for the whole range
        commit_clues = clues.for_commit(info.message, info.author_email)
        letter, principal = signed.get(info.sha, ("N", "")) if signed is not None else ("", "")
        verified = letter == "G" and bool(principal)
        if verified and not clues.option:
            actor = signer(contract, principal)
        else:
            actor = identify(contract, commit_clues, git.trailer)
            if signed is not None and not verified and contract.identity.unsigned == "fail" and not clues.option:
                violations.append(Violation(info.sha, actor.agent, None, letter, "unsigned", None, ()))
        if signed is not None and contract.identity.contract_changes == "signed":
            by_person = verified and contract.agent(principal) is None
            if not by_person:
                own = set(contract.files)
                violations += [
                    Violation(info.sha, actor.agent, path, status, "contract_unsigned", None, ())
                    for path, status, _ in git.written_paths(changes)
                    if path in own
                ]
        found, unit = check_changes(engine, changes, actor, info.sha)
        violations += found
        units.append(unit)
    return CheckResult(tuple(violations), tuple(units), True, judged_by, before)


def signer(contract: Contract, principal: str) -> Actor:
    """The actor a verified signature names: an agent of the contract, or a person."""
    if contract.agent(principal) is not None:
        return Actor(principal, f"the verified signature of {principal}")
    return Actor(None, f"the verified signature of {principal} (a person)")
