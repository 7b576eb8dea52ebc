"""The data: a contract of agents and rules, and the decisions drawn from it."""

from __future__ import annotations

from dataclasses import dataclass, field

SECTIONS = ("owns", "reads", "cannot_touch")
# Where a contract is discovered at the repository root, in this order; then .claude/agents/*.md.
CONTRACT_CANDIDATES = ("ownership.yaml", ".ownership.yaml", "contract/ownership.yaml")
# Precedence for one agent and one path, strongest first.
ACCESS_ORDER = ("protected", "cannot_touch", "owns", "reads", "unlisted", "ungoverned")


@dataclass(frozen=True)
class Rule:
    """One pattern of one section, with where it was written."""

    section: str  # owns | reads | cannot_touch | protected
    pattern: str
    source: str  # repository-relative file the rule comes from
    line: int | None  # None for the rules the tool adds itself (the contract's own files)
    comment: str = ""
    written: str = ""  # as the author wrote it, when that was a brace list this rule is one alternative of

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}" if self.line else f"{self.source}, automatic"

    def to_json(self) -> dict:
        return {"section": self.section, "pattern": self.pattern, "source": self.source, "line": self.line}


@dataclass(frozen=True)
class Agent:
    name: str
    source: str
    line: int
    owns: tuple[Rule, ...] = ()
    reads: tuple[Rule, ...] = ()
    cannot_touch: tuple[Rule, ...] = ()
    codeowner: str | None = None
    description: str = ""
    color: str | None = None  # "#RRGGBB" from the agent file's `color:` (sources/colours.py), for the map

    def rules(self, section: str) -> tuple[Rule, ...]:
        return getattr(self, section)


@dataclass(frozen=True)
class Problem:
    """A finding of the loader or of lint, located where a person can fix it."""

    severity: str  # error | warning
    code: str
    message: str
    source: str | None = None
    line: int | None = None

    @property
    def location(self) -> str:
        if self.source and self.line:
            return f"{self.source}:{self.line}"
        return self.source or "contract"

    def to_json(self) -> dict:
        return {
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "source": self.source,
            "line": self.line,
        }


@dataclass(frozen=True)
class Identity:
    """How `check` tells which agent made a change (see `ownership check`)."""

    trailer: str = "Agent"
    branch: str = "agent/<name>/*"
    authors: tuple[tuple[str, str], ...] = ()  # (e-mail, agent)
    signers: str | None = None  # repository-relative allowed-signers file (git's gpg.ssh.allowedSignersFile)
    unsigned: str = "person"  # person: an unverified commit is judged by the other clues | fail
    contract_changes: str = "person"  # person | signed: a contract change needs a verified person's signature


@dataclass(frozen=True)
class Contract:
    source: str | None  # the YAML file, or None when read from .claude/agents/*.md alone
    root: str  # folder the agents' globs are relative to; "" is the repository root
    agents: tuple[Agent, ...]
    files: tuple[str, ...]  # every file the contract was read from: all protected
    protected: tuple[Rule, ...] = ()
    unlisted: str = "deny"
    identity: Identity = field(default_factory=Identity)
    require_agent: bool = False
    coordinator: str = "allow"
    unknown_agent: str = "deny"
    outside_repo: str = "deny"
    audit_log: str | None = None
    restore: bool = False  # the guard's audit puts back what a shell call changed outside the agent's lane
    mcp_file_tools: tuple[tuple[str, tuple[str, ...]], ...] = ()  # ("SERVER/TOOL", path argument fields): the guard's
    scratch_temp: bool = True  # `scratch.temp`: the system temp folder is every agent's to write (the guard)
    scratch_ignored: bool = True  # `scratch.ignored`: an unlisted path git ignores is every agent's to write
    warnings: tuple[Problem, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.agents)

    def agent(self, name: str) -> Agent | None:
        for agent in self.agents:
            if agent.name == name:
                return agent
        return None


@dataclass(frozen=True)
class Decision:
    """What one agent may do with one path, and the rule that decided it."""

    path: str
    agent: str
    access: str  # one of ACCESS_ORDER
    can_write: bool
    rule: Rule | None

    def to_json(self) -> dict:
        return {
            "agent": self.agent,
            "access": self.access,
            "can_write": self.can_write,
            "rule": self.rule.to_json() if self.rule else None,
        }
