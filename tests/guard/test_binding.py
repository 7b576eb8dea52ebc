"""Binding at commit time: an agent that tries each trick to commit as someone else, through `ownership guard`.

Every payload is Claude Code's PreToolUse shape for a Bash call by the subagent `api` (agent_type), sent to
the installed command in a scratch repository (the example: agents api and db, the contract in contract/).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.guard.test_identity import guard, hook
from tests.support import Repo

API = {"agent_id": "a-1", "agent_type": "api"}
HEREDOC = "git commit -m \"$(cat <<'EOF'\nadd users\n\nAgent: api\nEOF\n)\""


def bash(repo: Repo, command: str, **identity: str) -> tuple[int, str, str]:
    return guard(repo.path, hook(repo.path, "Bash", {"command": command}, **(identity or API)))


@pytest.fixture
def mapped(example: Repo) -> Repo:
    """The example with identity.authors mapping db's e-mail, committed by a person."""
    path = example.path / "contract/ownership.yaml"
    path.write_text(path.read_text() + "identity:\n  authors:\n    db@example.com: db\n")
    example.commit("map db's e-mail")
    return example


TRAILER = "the trailer 'Agent:' names db, but api is acting; a change made here carries api's identity"
VARIABLE = "$OWNERSHIP_AGENT names db, but api is acting; a change made here carries api's identity"


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        ("git commit -m 'users\n\nAgent: db'", f"ownership: api may not run `git commit -m`: {TRAILER}"),
        ("git commit --trailer 'Agent: db' -m users", f"ownership: api may not run `git commit --trailer`: {TRAILER}"),
        ("git commit --trailer=Agent=db -m users", f"ownership: api may not run `git commit --trailer`: {TRAILER}"),
        ("OWNERSHIP_AGENT=db git commit -m users",
         f"ownership: api may not run `an assignment OWNERSHIP_AGENT`: {VARIABLE}"),
        ("env -i OWNERSHIP_AGENT=db git commit -m users", f"ownership: api may not run `env OWNERSHIP_AGENT`: {VARIABLE}"),
        ("export OWNERSHIP_AGENT=db", f"ownership: api may not run `export OWNERSHIP_AGENT`: {VARIABLE}"),
        ("OWNERSHIP_AGENT=$(cat who) git commit -m users",  # the grammar keeps the assignment a word of its own
         "ownership: api may not run `an assignment OWNERSHIP_AGENT`: $OWNERSHIP_AGENT names whoever a value known "
         "only when the command runs names, but api is acting; a change made here carries api's identity"),
        ("OWNERSHIP_AGENT=$(cat who); git commit -m users",
         "ownership: api may not run `OWNERSHIP_AGENT`: it sets OWNERSHIP_AGENT to a value known only when the "
         "command runs"),
        ("OWNERSHIP_AGENT=$(cat who)",
         "ownership: api may not run `OWNERSHIP_AGENT`: it sets OWNERSHIP_AGENT to a value known only when the "
         "command runs"),
        ("$(printf gi)t commit -m users",
         "ownership: api may not run `git`: a word known only when the command runs stands before git, so the "
         "guard cannot read it"),
        ("$(echo git) commit -m users",
         "ownership: api may not run `git`: a word known only when the command runs stands before git, so the "
         "guard cannot read it"),
        ('export OWNERSHIP_AGENT="$WHO"',
         "ownership: api may not run `export OWNERSHIP_AGENT`: $OWNERSHIP_AGENT names whoever a value known "
         "only when the command runs names, but api is acting; a change made here carries api's identity"),
        ("cd svc && export OWNERSHIP_AGENT=db", f"ownership: api may not run `export OWNERSHIP_AGENT`: {VARIABLE}"),
        ("unset OWNERSHIP_AGENT",
         "ownership: api may not run `unset OWNERSHIP_AGENT`: $OWNERSHIP_AGENT names nobody, but api is acting; "
         "a change made here carries api's identity"),
        ("git config ownership.agent db",
         "ownership: api may not run `git config ownership.agent`: ownership.agent names db, but api is acting; "
         "a change made here carries api's identity"),
        ("git config --worktree ownership.agent db",
         "ownership: api may not run `git config ownership.agent`: ownership.agent names db, but api is acting; "
         "a change made here carries api's identity"),
        ("git config --unset ownership.agent",
         "ownership: api may not run `git config --unset ownership.agent`: unsetting ownership.agent names nobody, "
         "but api is acting; a change made here carries api's identity"),
        ("git -c ownership.agent=db commit -m users",
         "ownership: api may not run `git -c`: ownership.agent names db, but api is acting; "
         "a change made here carries api's identity"),
        ("git -c core.hooksPath=/dev/null commit -m users",
         "ownership: api may not run `git -c`: core.hooksPath decides which git hooks run; only a person changes it"),
        ("git commit --no-verify -m users",
         "ownership: api may not run `git commit --no-verify`: skips the git hooks that check the commit"),
        ("git commit -anm users",
         "ownership: api may not run `git commit -n`: skips the git hooks that check the commit"),
        ("GIT_INDEX_FILE=/tmp/other git commit -m users",
         "ownership: api may not run `an assignment GIT_INDEX_FILE`: "
         "$GIT_INDEX_FILE points git past the index and config the checks read"),
        ("git --git-dir=.git --work-tree=/tmp/x commit -m users",
         "ownership: api may not run `git --git-dir`: points git past the index the checks read\n"
         "ownership: api may not run `git --work-tree`: points git past the index the checks read"),
        ("git commit-tree -m x 4b825dc642cb6eb9a060e54bf8d69288fbee4904",
         "ownership: api may not run `git commit-tree`: writes a commit no hook or check sees; only a person runs it"),
        ("git read-tree HEAD~1",
         "ownership: api may not run `git read-tree`: replaces the index wholesale; only a person runs it"),
        ("git update-ref refs/heads/main HEAD~1",
         "ownership: api may not run `git update-ref`: points a ref at any commit; only a person runs it"),
        ("git replace HEAD HEAD~1",
         "ownership: api may not run `git replace`: makes git show one object in place of another; "
         "only a person runs it"),
        ("git notes add -m 'Agent: db' HEAD",
         "ownership: api may not run `git notes`: writes notes no check reads; only a person runs it"),
        ("git update-index --index-info < entries",
         "ownership: api may not run `git update-index`: reads the index entries from stdin, which the guard "
         "cannot see"),
        ("git checkout -b agent/db/takeover",
         "ownership: api may not run `git checkout`: the branch agent/db/takeover names db, but api is acting; "
         "a change made here carries api's identity"),
        ("git switch -c agent/db/takeover",
         "ownership: api may not run `git switch`: the branch agent/db/takeover names db, but api is acting; "
         "a change made here carries api's identity"),
        ("git worktree add -b agent/db/x ../x",
         "ownership: api may not run `git worktree add`: the branch agent/db/x names db, but api is acting; "
         "a change made here carries api's identity"),
        ("git commit -m 'users' ; eval \"$(printf 'git commit')\" (",
         "ownership: api may not run this command: eval: the command it runs is known only when it runs "
         "($(printf 'git commit')); the guard denies a write it cannot place (write the path out, or split the "
         "command)\n"
         "ownership: api may not run this command: the guard cannot read part of the command ('('), and it holds "
         "the write command 'git'; the guard denies a write it cannot place (write the path out, or split the "
         "command)\n"
         "ownership: api may not run `the command`: the guard cannot read this command, and it may run git"),
    ],
)  # fmt: skip
def test_each_trick_to_claim_another_identity_is_refused(example: Repo, command: str, reason: str) -> None:
    assert bash(example, command) == (0, reason, "")


def test_an_author_mapped_to_another_agent_is_refused(mapped: Repo) -> None:
    claim = "names db, but api is acting; a change made here carries api's identity"
    assert bash(mapped, "git commit --author 'D <DB@example.com>' -m users") == (
        0, f"ownership: api may not run `git commit --author`: the author {claim}", "",
    )  # fmt: skip
    assert bash(mapped, "GIT_AUTHOR_EMAIL=db@example.com git commit -m users") == (
        0, f"ownership: api may not run `an assignment GIT_AUTHOR_EMAIL`: $GIT_AUTHOR_EMAIL {claim}", "",
    )  # fmt: skip
    assert bash(mapped, "git config user.email db@example.com") == (
        0, f"ownership: api may not run `git config user.email`: user.email {claim}", "",
    )  # fmt: skip
    assert bash(mapped, "git commit --author 'Someone <someone@example.com>' -m users") == (0, "", "")


@pytest.mark.parametrize(
    "command",
    [
        "git commit -m 'users\n\nAgent: api'",
        "OWNERSHIP_AGENT=api git commit -m users",
        "git config --worktree ownership.agent api",
        "git checkout -b agent/api/next",
        "git config user.name 'API agent'",
        "git hash-object -w contract/ownership.yaml",
        "git status && git log --oneline -3",
        HEREDOC,
    ],
)
def test_the_agents_own_identity_and_harmless_git_pass(example: Repo, command: str) -> None:
    assert bash(example, command) == (0, "", "")


def _stage(repo: Repo, files: dict[str, str]) -> None:
    repo.write(files)
    repo.git("add", *files)


def test_a_commit_whose_staged_changes_leave_the_lane_is_refused_before_it_happens(example: Repo) -> None:
    _stage(example, {"svc/src/api/users.py": "users = [1]\n", "svc/src/db/models.py": "models = [1]\n"})
    assert bash(example, HEREDOC) == (
        0,
        "ownership: api may not run `git commit`: its staged changes leave api's lane: svc/src/db/models.py "
        "(reads: src/db/** (contract/agents/api.md:17); owners: db)",
        "",
    )
    example.git("restore", "--staged", "svc/src/db/models.py")
    assert bash(example, HEREDOC) == (0, "", "")


def test_the_hash_object_and_update_index_trick_cannot_stage_or_commit_the_contract(example: Repo) -> None:
    """The issue's trick: write a widened contract as an object, point the index at it, commit as 'a person'."""
    widened = example.path / "widened.yaml"
    widened.write_text("version: 1\nroot: svc\nagent_files: [agents/*.md]\nunlisted: allow\n")
    sha = example.git("hash-object", "-w", str(widened)).strip()
    assert bash(example, f"git hash-object -w {widened}") == (0, "", "")
    protected = (
        "protected: /contract/ownership.yaml (contract/ownership.yaml, automatic); "
        "owners: no agent (a person must change it)"
    )
    refused = f"ownership: api may not run `git update-index` on contract/ownership.yaml: {protected}"
    assert bash(example, f"git update-index --cacheinfo 100644,{sha},contract/ownership.yaml") == (0, refused, "")
    assert bash(example, f"git update-index --cacheinfo 100644 {sha} contract/ownership.yaml") == (0, refused, "")
    # Staged by a way the guard never saw: the commit itself is refused.
    example.git("update-index", "--cacheinfo", f"100644,{sha},contract/ownership.yaml")
    assert bash(example, "git commit -m 'tidy'") == (
        0, f"ownership: api may not run `git commit`: its staged changes leave api's lane: contract/ownership.yaml "
        f"({protected})", "",
    )  # fmt: skip


def test_git_add_in_the_same_call_is_judged_with_the_work_tree(example: Repo) -> None:
    example.write({"svc/src/db/models.py": "models = ['mine']\n"})
    reason = (
        "ownership: api may not run `git add`: the changes it may commit leave api's lane: svc/src/db/models.py "
        "(reads: src/db/** (contract/agents/api.md:17); owners: db)"
    )
    assert bash(example, "git add -A && git commit -m users") == (
        0, reason + "\n" + reason.replace("`git add`", "`git commit`"), "",
    )  # fmt: skip
    assert bash(example, "git add svc/src/db/models.py")[1] == (
        "ownership: api may not run `git add` on svc/src/db/models.py: reads: src/db/** "
        "(contract/agents/api.md:17); owners: db"
    )
    assert bash(example, "git -C svc add src/api/users.py") == (0, "", "")


def test_the_main_session_is_a_person_and_is_not_bound(example: Repo) -> None:
    assert bash(example, "git commit -m 'x\n\nAgent: db'", session_id="s") == (0, "", "")


def test_an_agent_nobody_named_may_not_commit(example: Repo) -> None:
    assert bash(example, "git commit -m users", agent_id="") == (
        0,
        "ownership: an agent the harness did not name (agent_id without agent_type) may not run `git commit`: "
        "no agent of the contract is acting (unknown_agent: deny), so it may change nothing in git",
        "",
    )


def test_a_worktree_per_agent_session_cannot_claim_another_agent(example: Repo, tmp_path: Path) -> None:
    path = tmp_path / "wt-api"
    example.git("worktree", "add", "-q", "-b", "agent/api/feature", str(path))
    data = hook(path, "Bash", {"command": "OWNERSHIP_AGENT=db git commit -m users"})
    assert guard(path, data) == (
        0,
        "ownership: api (named by the branch name 'agent/api/feature') may not run `an assignment OWNERSHIP_AGENT`: "
        "$OWNERSHIP_AGENT names db, but api is acting; a change made here carries api's identity",
        "",
    )
    subprocess.run(["git", "checkout", "-q", "HEAD"], cwd=path, check=True)


def test_judge_takes_an_already_split_argv_so_any_shell_reader_can_feed_it(example: Repo) -> None:
    from ownership.core.model import Contract
    from ownership.guard.git_commands import CommitCheck, IndexWrite, Refusal, judge

    contract = Contract(None, "", (), ())
    assert judge(["sudo", "-u", "me", "git", "commit", "-am", "x\n\nAgent: db"], "/r", "api", contract) == [
        Refusal("git commit -m", "the trailer 'Agent:' names db, but api is acting; "
                "a change made here carries api's identity"),
        CommitCheck("git commit", "/r", "all", None),
    ]  # fmt: skip
    assert judge(["git", "-C", "sub", "add", "--", "a.py"], "/r", "api", contract) == [
        IndexWrite("git add", "/r/sub", ("a.py",), False)
    ]
    assert judge(["ls", "-l"], "/r", "api", contract) == []


def test_a_commit_of_named_paths_is_judged_by_those_paths_alone(example: Repo) -> None:
    """`git commit -- PATHS` commits only those paths (git's --only): db's unstaged work elsewhere is not blamed."""
    _stage(example, {"svc/src/api/users.py": "users = [1]\n"})
    example.write({"svc/src/db/models.py": "models = ['db at work']\n"})  # db's uncommitted change
    assert bash(example, "git commit -m users -- svc/src/api/users.py") == (0, "", "")
    assert bash(example, "git -C svc commit -m users src/api/") == (0, "", "")
    refused = (
        "ownership: api may not run `git commit`: the changes it may commit leave api's lane: svc/src/db/models.py "
        "(reads: src/db/** (contract/agents/api.md:17); owners: db)"
    )
    assert bash(example, "git commit -m users -- svc/src/db/models.py") == (0, refused, "")
    assert bash(example, "git commit -m users -- 'svc/src/*.py'") == (0, refused, "")  # git's pathspec glob
    assert bash(example, "git commit -m users -i svc/src/api/users.py") == (0, refused, "")  # --include: all
    # Pathspecs git cannot read are judged as every change, never as none.
    assert bash(example, "git commit -m users -- ':(nomagic)svc/src/api/users.py'") == (0, refused, "")
