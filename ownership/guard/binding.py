"""Binding at commit time: a Bash call's git commands judged as the agent that is really acting.

guard/git_commands.py reads each simple command; this module turns its
findings into the guard's Checks: a refusal as it is; a `git commit` by the
staged check (`checking.check.check_changes`) run as the acting agent in the
repository the commit happens in, before it happens; paths put in the index
as writes of that agent. The main session with free hands (`coordinator:
allow`) is a person and is not bound.
"""

from __future__ import annotations

import os
from dataclasses import replace

from .. import git
from ..errors import OwnershipError
from ..workspace import Workspace
from .git_commands import CommitCheck, IndexWrite, Refusal, hidden_variable, judge, relevant
from .protocol import Check


def binding_checks(guard, hook, commands, understood: bool, main) -> list[Check]:
    """Checks for the git commands of one Bash call; `commands` as guard/shell.py's Writes.commands."""
    kind, name, who = guard.actor(main.contract, hook)
    if kind == "allow":
        return []
    acting = name if kind == "agent" else None
    if not understood:
        text = hook.shell_text
        if "git" in text or "OWNERSHIP_AGENT" in text:
            return [_refused("the command", who, "the guard cannot read this command, and it may run git")]
        return []
    checks: list[Check] = []
    if hidden_variable(hook.shell_text, commands):
        why = "it sets OWNERSHIP_AGENT to a value known only when the command runs"
        checks.append(_refused("OWNERSHIP_AGENT", who, why))
    for argv, cwd in commands:
        for finding in judge(argv, cwd, acting, main.contract):
            if isinstance(finding, Refusal):
                checks.append(_refused(finding.command, who, finding.why))
            elif acting is None and main.contract.unknown_agent == "deny":
                why = "no agent of the contract is acting (unknown_agent: deny), so it may change nothing in git"
                checks.append(_refused(finding.command, who, why))
            elif acting is None:
                continue
            elif isinstance(finding, CommitCheck):
                if finding.scope == "staged" and any(relevant(other) for other, _ in commands if other != argv):
                    finding = replace(finding, scope="all")  # another git command of the same call may stage more
                checks += _commit(guard, finding, acting, who)
            elif isinstance(finding, IndexWrite):
                checks += _index(guard, finding, hook, acting, who, main)
    return checks


def _refused(command: str, who: str, why: str) -> Check:
    return Check(f"`{command}`", False, "identity", None, f"ownership: {who} may not run `{command}`: {why}")


def _changes(ws: Workspace, finding: CommitCheck) -> list[git.Change]:
    if finding.scope == "paths":  # the tracked files the pathspecs name, as the agent's git reads them
        cwd = finding.cwd or ws.repo
        args = ["--no-literal-pathspecs", "ls-files", "-z", "--full-name", "--", *finding.paths]
        rc, out, _ = git.call(args, cwd, ok=(0, 1, 128))
        changes = git.worktree_changes(ws.repo, ws.info.merging)
        if rc != 0:  # pathspecs git cannot read: judged as every change, never as none
            return changes
        named = set(os.fsdecode(p) for p in out.split(b"\0") if p)
        return [c for c in changes if c.path in named or c.old_path in named]
    if finding.scope == "all":
        return git.worktree_changes(ws.repo, ws.info.merging)
    return git.staged_changes(ws.repo, ws.info.merging)


def _commit(guard, finding: CommitCheck, acting: str, who: str) -> list[Check]:
    from ..checking.check import check_changes
    from ..checking.identity import Actor
    from .git_commands import _Claims

    ws = Workspace(finding.cwd or guard.main().top)
    if not ws.in_git:
        return []
    try:
        governed = guard.governed(os.path.realpath(ws.repo))
    except OwnershipError as exc:
        return [_refused(finding.command, who, f"its repository's contract cannot be read: {exc}")]
    if governed is None:
        return []
    contract = governed.contract
    checks = []
    if finding.reuse:
        rc, out, _ = git.call(["log", "-1", "--format=%B", finding.reuse, "--"], ws.repo, ok=(0, 128))
        for refusal in _Claims(acting, contract).message(finding.command + " -C", out.decode("utf-8", "replace")):
            checks.append(_refused(refusal.command, who, refusal.why))
    changes = _changes(ws, finding)
    violations, _ = check_changes(governed.engine, changes, Actor(acting, "the guard"))
    if violations:
        what = "its staged changes" if finding.scope == "staged" else "the changes it may commit"
        listed = "; ".join(_violation(v) for v in violations[:5]) + ("; ..." if len(violations) > 5 else "")
        checks.append(_refused(finding.command, who, f"{what} leave {acting}'s lane: {listed}"))
    return checks


def _violation(v) -> str:
    from ..report.common import NO_OWNER, reason

    why = reason(v.access, False, v.rule, setting="deny") if v.access in _WORDED else v.access
    return f"{v.path} ({why}; owners: {', '.join(v.owners) or NO_OWNER})"


_WORDED = {"protected", "cannot_touch", "reads", "unlisted", "ungoverned"}


def _index(guard, finding: IndexWrite, hook, acting: str, who: str, main) -> list[Check]:
    """Paths put in the index are writes of the acting agent; `git add -A` is every change of the work tree."""
    if finding.everything:
        return _commit(guard, CommitCheck(finding.command, finding.cwd, "all"), acting, who)
    base = finding.cwd or hook.cwd
    checks = []
    for path in finding.paths:
        full = os.path.normpath(os.path.join(base, path))
        for check in guard.check(full, hook, main):
            if not check.allowed:
                reason = check.reason.replace(" may not write ", f" may not run `{finding.command}` on ", 1)
                checks.append(Check(check.path, False, check.access, check.rule, reason))
    return checks
