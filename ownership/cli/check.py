"""`ownership check`: changes (staged, work tree, named paths, a range, a push) against the lane of the
agent that made them. The hook's path: it imports the check and the reporters it needs, nothing else."""

from __future__ import annotations

import os

import click

from .. import git
from ..errors import UsageError
from ..report.registry import CHECK_REPORTERS
from ..workspace import Workspace
from .options import format_option


def _clues(ws: Workspace, contract, agent: str | None, message: str | None, branch: str | None = None, full=False):
    """What may name the acting agent; git is asked only when nothing stronger answered (unless `full`)."""
    from ..checking.identity import Clues

    env = os.environ.get("OWNERSHIP_AGENT")
    if (agent or env) and not full:
        return Clues(agent, env, message)
    config = ws.config.get("ownership.agent")
    branch = branch or ws.branch
    email = git.author_email(ws.repo) if contract.identity.authors else None
    return Clues(agent, env, message, config, branch, email)


def _signatures(ws: Workspace, contract, base: str | None, commits: list[str]) -> dict[str, tuple[str, str]]:
    """Each commit's signature, verified against the allowed-signers file as the contract at `base` holds it."""
    import tempfile

    path = contract.identity.signers
    text = git.read_blob(ws.repo, base, path) if base else None
    if text is None:
        text = ws.reader.read(path) if not base else None
    if text is None:
        where = f"at {base[:12]}" if base else "in the working tree"
        raise UsageError(f"identity.signers names {path}, which does not exist {where}; commit it with the contract")
    with tempfile.NamedTemporaryFile("wb", prefix="ownership-signers-", delete=False) as handle:
        handle.write(text)
    try:
        return git.signatures(ws.repo, commits, handle.name)
    finally:
        os.unlink(handle.name)


# The branch a CI job checks, where the checkout leaves HEAD detached: GitHub Actions' pull_request
# (GITHUB_HEAD_REF) and push (GITHUB_REF refs/heads/...) events, GitLab's merge request and branch pipelines.
# docs.github.com/en/actions/reference/variables-reference; docs.gitlab.com/ci/variables/predefined_variables
_CI_BRANCH_VARIABLES = ("GITHUB_HEAD_REF", "GITHUB_REF", "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME", "CI_COMMIT_BRANCH")


def _ci_branch() -> str | None:
    for name in _CI_BRANCH_VARIABLES:
        value = os.environ.get(name, "")
        if name == "GITHUB_REF":
            value = value.removeprefix("refs/heads/") if value.startswith("refs/heads/") else ""
        if value:
            return value
    return None


def _range_base(ws: Workspace, rev_range: str) -> str:
    """The revision a range starts at: its contract judges every commit of the range."""
    if "..." in rev_range:
        left, _, right = rev_range.partition("...")
        return git.run(["merge-base", left or "HEAD", right or "HEAD"], ws.repo).decode().strip()
    if ".." not in rev_range:
        raise UsageError(f"--range {rev_range!r}: give a range A..B (for example origin/main..HEAD)")
    return rev_range.partition("..")[0] or "HEAD"


def _judging_contract(ws: Workspace, commits: list[str], at: str | None):
    """(the contract, which revision it is, the commits it judges, how many came before any contract).

    A range is judged by the contract at its start (or at --contract-at). When
    no contract existed there yet (the first push after adopting), the commits
    made before one existed are not judged, and the rest are judged by the
    contract as the first of them committed it: its introduction by a person
    is then no violation, and an agent's is (the contract protects itself).
    """
    if at is None and commits and not git.commit_info(ws.repo, commits[0]).parents:
        at = commits[0]  # the whole history: judged from the commit that brought the contract in
    if at is None:
        contract = ws.contract_in_force()[0]
        return contract, "the working tree" if ws.info.head is None else _label(ws, contract, "HEAD"), commits, 0
    found = _with_lanes(ws.contract_at_or_none(at))
    if found is not None:
        return found, _label(ws, found, at), commits, 0
    for number, sha in enumerate(commits):
        found = _with_lanes(ws.contract_at_or_none(sha))
        if found is not None:
            return found, _label(ws, found, sha), commits[number:], number
    return ws.contract_at(at), at, commits, 0  # none anywhere: the same error as ever (no contract found)


def _with_lanes(contract):
    """A contract, unless no agent of it has a single rule yet (agent files from before adopting)."""
    if contract is None or not any(a.owns or a.reads or a.cannot_touch for a in contract.agents):
        return None
    return contract


def _label(ws: Workspace, contract, rev: str) -> str:
    short = git.run(["rev-parse", "--short", "--end-of-options", rev + "^{commit}"], ws.repo).decode().strip()
    return f"{contract.source or '.claude/agents/*.md'} at {short}"


def _pushed_commits(ws: Workspace) -> tuple[list[str], str | None, str | None]:
    """The commits a push sends (pre-commit's PRE_COMMIT_FROM_REF/TO_REF, else those on no remote) and the base."""
    from_ref, to_ref = os.environ.get("PRE_COMMIT_FROM_REF"), os.environ.get("PRE_COMMIT_TO_REF")
    branch = os.environ.get("PRE_COMMIT_LOCAL_BRANCH", "").removeprefix("refs/heads/") or None
    if from_ref and to_ref:
        return git.range_commits(ws.repo, f"{from_ref}..{to_ref}"), from_ref, branch
    commits = git.unpushed_commits(ws.repo, os.environ.get("PRE_COMMIT_LOCAL_BRANCH") or "HEAD")
    if not commits:
        return [], None, branch
    parents = git.commit_info(ws.repo, commits[0]).parents
    return commits, parents[0] if parents else commits[0], branch


@click.command()
@click.option("--staged", "mode", flag_value="staged", help="The staged changes (the default).")
@click.option("--worktree", "mode", flag_value="worktree", help="Staged, unstaged and untracked changes.")
@click.option(
    "--range", "rev_range", metavar="A..B",
    help="Each commit of a range, as the agent that made it (one revision: its whole history).",
)  # fmt: skip
@click.option("--pre-push", is_flag=True, help="The commits being pushed (for the pre-push hook).")
@click.option("--message-file", metavar="FILE", help="The commit message, for its agent trailer (commit-msg hook).")
@click.option("--agent", metavar="NAME", help="The acting agent (overrides every other clue).")
@click.option(
    "--contract-at", "contract_at", metavar="REV",
    help="With --range or --pre-push: judge every commit by the contract at REV (default: the range's start).",
)  # fmt: skip
@click.option(
    "--branch", metavar="NAME",
    help="The branch the commits are on, for identity.branch (default: HEAD's; when detached, the CI's variables).",
)  # fmt: skip
@format_option(CHECK_REPORTERS)
@click.argument("paths", nargs=-1)
@click.pass_obj
def check(
    ws: Workspace, mode: str | None, rev_range: str | None, pre_push: bool, message_file: str | None,
    agent: str | None, contract_at: str | None, branch: str | None, fmt: str, paths: tuple[str, ...],
) -> int:  # fmt: skip
    """Check changes against the lane of the agent that made them. Exit 1 on any violation."""
    from ..checking.check import CheckResult, check_changes, check_commits
    from ..checking.identity import identify

    chosen = [m for m in (mode, rev_range and "--range", pre_push and "--pre-push", paths and "PATH") if m]
    if len(chosen) > 1:
        raise click.UsageError(f"choose one of --staged, --worktree, --range, --pre-push or PATHs, not {chosen}")
    if not ws.in_git:
        raise UsageError(f"{ws.cwd} is not inside a git repository; check reads changes from git")
    if contract_at and not (rev_range or pre_push):
        raise click.UsageError("--contract-at goes with --range or --pre-push")
    if rev_range or pre_push:
        if rev_range and ".." not in rev_range:  # one revision: its whole history, from the first commit
            commits, base, pushed = git.range_commits(ws.repo, rev_range), None, None
        elif rev_range:
            commits, base, pushed = git.range_commits(ws.repo, rev_range), _range_base(ws, rev_range), None
        else:
            commits, base, pushed = _pushed_commits(ws)
        branch = branch or pushed or ws.branch or _ci_branch()
        if contract_at:  # judged by the contract at REV, whatever the range's start holds
            contract = ws.contract_at(contract_at)
            judged, before = _label(ws, contract, contract_at), 0
        else:
            contract, judged, commits, before = _judging_contract(ws, commits, base)
        engine = ws.engine_for(contract)
        signed = _signatures(ws, contract, base, commits) if contract.identity.signers and commits else None
        clues = _clues(ws, contract, agent, None, branch)
        result = check_commits(engine, ws.repo, commits, clues, signed, judged, before)
        what = "the range"
    else:
        started = None
        if not paths and mode != "worktree":  # the staged changes and the settings, read while the contract loads
            started = git.start_staged_changes(ws.repo)
        ws.prefetch_config()
        contract = ws.contract_in_force()[0]
        engine = ws.engine_for(contract)
        if paths:
            changes = [git.Change(ws.path(p).rstrip("/"), "M") for p in paths]
            what = "the named paths"
        elif mode == "worktree":
            changes, what = git.worktree_changes(ws.repo, ws.info.merging), "the working tree"
        else:
            changes, what = git.staged_changes(ws.repo, ws.info.merging, started), "the staged changes"
        message = _read_message(message_file) if message_file else None
        clues = _clues(ws, contract, agent, message, branch)
        if message is not None:
            from ..checking.identity import trailer_conflict

            conflict = trailer_conflict(contract, _clues(ws, contract, agent, message, branch, full=True), git.trailer)
            if conflict:
                raise UsageError(conflict)
        actor = identify(contract, clues, git.trailer)
        violations, unit = check_changes(engine, changes, actor)
        result = CheckResult(tuple(violations), (unit,), False)
    click.echo(CHECK_REPORTERS[fmt](result, what))
    return 0 if result.ok else 1


def _read_message(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            return handle.read().decode("utf-8", "replace")
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the commit message ({exc.strerror})") from None
