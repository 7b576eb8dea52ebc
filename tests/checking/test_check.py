"""`ownership check` on real git: staged, work tree, ranges, merges, identity, formats."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from ownership import git
from ownership.cli import main
from tests.support import Repo, agent_file

API_MD = "contract/agents/api.md"
MIGRATION_RULE = f"src/db/migrations/** ({API_MD}:22)"


@pytest.fixture
def check(run):
    def invoke(repo: Repo, *args: str) -> tuple[int, str, str]:
        return run(repo, "check", *args)

    return invoke


def stage(repo: Repo, files: dict[str, str]) -> Repo:
    repo.write(files)
    repo.git("add", "-A")
    return repo


def test_in_lane_staged_change_passes(example, check) -> None:
    stage(example, {"svc/src/api/users.py": "users = [1]\n"})
    assert check(example, "--agent", "api") == (
        0,
        "check passed: 1 path(s) in the staged changes; acting: api (--agent)\n",
        "",
    )


def test_out_of_lane_staged_change_names_rule_and_owner(example, check) -> None:
    stage(example, {"svc/src/api/users.py": "users = [1]\n", "svc/src/db/migrations/0002_more.py": "up = 2\n"})
    code, out, _ = check(example, "--agent", "api")
    assert code == 1
    assert out.splitlines() == [
        f"api may not write svc/src/db/migrations/0002_more.py (A): cannot_touch: {MIGRATION_RULE}; owners: db",
        "check failed: 1 violation(s) among 2 path(s) in the staged changes; acting: api (--agent)",
    ]


def test_a_person_is_allowed_unless_an_agent_is_required(example, check) -> None:
    stage(example, {"svc/src/db/migrations/0002_more.py": "up = 2\n"})
    code, out, _ = check(example)
    assert (code, out) == (
        0,
        "check passed: 1 path(s) in the staged changes; no agent identified: a person is acting\n",
    )
    example.write({"contract/ownership.yaml": "root: svc\nagent_files: [agents/*.md]\nrequire_agent: true\n"})
    example.commit("require an agent")
    stage(example, {"svc/src/db/migrations/0003.py": "up = 3\n"})
    code, out, _ = check(example)
    assert code == 1
    assert out.splitlines()[0] == (
        "unidentified: no agent identified, and the contract sets require_agent: true; "
        "name the agent with --agent, $OWNERSHIP_AGENT or an 'Agent:' trailer"
    )


def test_unknown_agent_is_an_error_not_a_pass(example, check) -> None:
    stage(example, {"svc/src/api/users.py": "users = [1]\n"})
    code, out, err = check(example, "--agent", "ghost")
    assert (code, out) == (2, "")
    assert (
        err
        == "ownership: --agent names 'ghost', which is not an agent of the contract (agents: api, db); fix the name\n"
    )


@pytest.mark.parametrize(
    ("how", "expected"),
    [
        ("env", "$OWNERSHIP_AGENT"),
        ("config", "git config ownership.agent"),
        ("worktree-config", "git config ownership.agent"),
        ("branch", "the branch name 'agent/api/fix-users'"),
        ("author", "the author e-mail api-bot@example.com"),
    ],
)
def test_identity_sources(example, check, monkeypatch, how, expected) -> None:
    if how == "env":
        monkeypatch.setenv("OWNERSHIP_AGENT", "api")
    elif how == "config":
        example.git("config", "ownership.agent", "api")
    elif how == "worktree-config":
        example.git("config", "extensions.worktreeConfig", "true")
        example.git("config", "--worktree", "ownership.agent", "api")
    elif how == "branch":
        example.git("checkout", "-q", "-b", "agent/api/fix-users")
    else:
        example.write({"contract/ownership.yaml": "root: svc\nagent_files: [agents/*.md]\n"
                       "identity: {authors: {API-Bot@example.com: api}}\n"})  # fmt: skip
        example.commit("map the bot")
        monkeypatch.setenv("GIT_AUTHOR_EMAIL", "api-bot@example.com")
    stage(example, {"svc/src/db/models.py": "models = [1]\n"})
    code, out, _ = check(example)
    assert code == 1
    assert (
        out.splitlines()[-1]
        == f"check failed: 1 violation(s) among 1 path(s) in the staged changes; acting: api ({expected})"
    )


def test_agent_option_beats_environment(example, check, monkeypatch) -> None:
    monkeypatch.setenv("OWNERSHIP_AGENT", "api")
    stage(example, {"svc/src/db/models.py": "models = [1]\n"})
    assert check(example, "--agent", "db")[0] == 0


def test_message_file_trailer(example, check, tmp_path) -> None:
    stage(example, {"svc/src/db/models.py": "models = [1]\n"})
    message = tmp_path / "MSG"
    message.write_text("Tidy models\n\nAgent: api\n")
    code, out, _ = check(example, "--message-file", str(message))
    assert code == 1 and out.splitlines()[-1].endswith("acting: api (the commit trailer 'Agent:')")


def test_rename_across_lanes_counts_both_paths(example, check) -> None:
    example.git("mv", "svc/src/db/models.py", "svc/src/api/models.py")
    code, out, _ = check(example, "--agent", "api")
    assert code == 1
    assert out.splitlines()[0] == (
        "api may not write svc/src/db/models.py (R (old path)): reads: src/db/** (contract/agents/api.md:17); owners: db"
    )


@pytest.mark.parametrize(
    "name", [b"svc/src/api/a\nb.py", b"svc/src/api/tab\there.py", b'svc/src/api/"q".py', b"svc/src/api/caf\xe9.py"]
)
def test_hostile_names_hide_nothing(example, check, name) -> None:
    """A strange name placed before an out-of-lane change must not swallow it."""
    path = example.path / os.fsdecode(name)
    path.write_text("x\n")
    stage(example, {"svc/src/db/migrations/0002.py": "up = 2\n"})
    code, out, _ = check(example, "--agent", "api", "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["checked"]["paths"] == 2
    assert [v["path"] for v in data["violations"]] == ["svc/src/db/migrations/0002.py"]


def test_uncommitted_contract_edit_licenses_nothing(example, check) -> None:
    widened = agent_file("api", ["src/**"], [], [])
    stage(example, {API_MD: widened, "svc/src/db/migrations/0002.py": "up = 2\n"})
    code, out, _ = check(example, "--agent", "api")
    assert code == 1
    assert out.splitlines()[:2] == [
        f"api may not write {API_MD} (M): protected: /contract/agents/*.md (contract/ownership.yaml, automatic); owners: no agent (a person must change it)",
        f"api may not write svc/src/db/migrations/0002.py (A): cannot_touch: {MIGRATION_RULE}; owners: db",
    ]


def test_worktree_mode_sees_unstaged_and_untracked(example, check) -> None:
    example.write({"svc/src/db/models.py": "changed\n", "svc/src/db/new.py": "new\n"})
    code, out, _ = check(example, "--worktree", "--agent", "api", "--format", "json")
    assert code == 1
    assert sorted(v["path"] for v in json.loads(out)["violations"]) == ["svc/src/db/models.py", "svc/src/db/new.py"]


def test_explicit_paths(example, check) -> None:
    code, out, _ = check(example, "--agent", "db", "svc/src/db/x.py", "svc/main.py")
    assert code == 1
    assert (
        out.splitlines()[0]
        == "db may not write svc/main.py (M): unlisted: no section of its lane names it, and unlisted is deny; owners: api"
    )


def test_range_attributes_each_commit_to_its_agent(example, check) -> None:
    base = example.git("rev-parse", "HEAD").strip()
    example.write({"svc/src/api/users.py": "1\n"})
    good = example.commit("api work\n\nAgent: api")
    example.write({"svc/src/db/migrations/0002.py": "2\n"})
    bad = example.commit("sneaky\n\nAgent: api")
    example.write({"svc/src/db/migrations/0003.py": "3\n"})
    example.commit("db work\n\nAgent: db")
    code, out, _ = check(example, "--range", f"{base}..HEAD", "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["checked"] == {"commits": 3, "paths": 3, "before_contract": 0}
    assert data["contract"] == "contract/ownership.yaml at " + example.git("rev-parse", "--short", base).strip()
    assert data["violations"] == [
        {
            "commit": bad,
            "agent": "api",
            "path": "svc/src/db/migrations/0002.py",
            "status": "A",
            "access": "cannot_touch",
            "rule": {"section": "cannot_touch", "pattern": "src/db/migrations/**", "source": API_MD, "line": 22},
            "owners": ["db"],
            "message": f"commit {bad[:12]}: api may not write svc/src/db/migrations/0002.py (A): "
            f"cannot_touch: src/db/migrations/** ({API_MD}:22); owners: db",
        }
    ]
    assert data["summary"] == {
        "ok": False,
        "text": "check failed: 1 violation(s) among 3 path(s) in 3 commit(s); acting: api, db; "
        f"judged by contract/ownership.yaml at {data['contract'].rpartition(' at ')[2]}",
        "violations": 1,
        "paths": 3,
        "commits": 3,
    }
    assert good != bad


def test_a_widened_lane_cannot_license_later_commits(example, check) -> None:
    base = example.git("rev-parse", "HEAD").strip()
    example.write({API_MD: agent_file("api", ["src/**"], [], [])})
    widen = example.commit("widen my lane\n\nAgent: api")
    example.write({"svc/src/db/migrations/0002.py": "2\n"})
    use = example.commit("use it\n\nAgent: api")
    code, out, _ = check(example, "--range", f"{base}..HEAD", "--format", "json")
    assert code == 1
    found = [(v["commit"], v["path"], v["access"]) for v in json.loads(out)["violations"]]
    assert found == [(widen, API_MD, "protected"), (use, "svc/src/db/migrations/0002.py", "cannot_touch")]


def test_a_person_changes_the_contract_for_later_ranges(example, check) -> None:
    example.write({API_MD: agent_file("api", ["src/**"], [], [])})
    start = example.commit("person widens api")
    example.write({"svc/src/db/migrations/0002.py": "2\n"})
    example.commit("now allowed\n\nAgent: api")
    assert check(example, "--range", f"{start}..HEAD")[0] == 0
    assert check(example, "--range", f"{start}~1..HEAD")[0] == 1


def test_merge_checks_only_what_the_merge_introduces(example, check) -> None:
    example.git("checkout", "-q", "-b", "side")
    example.write({"svc/src/db/models.py": "side\n"})
    example.commit("db on a side branch\n\nAgent: db")
    example.git("checkout", "-q", "main")
    example.write({"svc/src/api/users.py": "main\n"})
    base = example.commit("api on main\n\nAgent: api")
    example.git("merge", "-q", "--no-ff", "--no-commit", "side")
    example.write({"svc/src/db/migrations/0001_init.py": "evil\n"})  # an edit neither side made
    example.git("add", "-A")
    example.git("commit", "-q", "-m", "merge side\n\nAgent: api")
    merge = example.git("rev-parse", "HEAD").strip()
    code, out, _ = check(example, "--range", f"{base}..HEAD", "--format", "json")
    violations = json.loads(out)["violations"]
    assert code == 1
    # the side commit (db, in lane) passes; the merge is blamed only for its own edit, not for models.py
    assert [(v["commit"], v["agent"], v["path"]) for v in violations] == [
        (merge, "api", "svc/src/db/migrations/0001_init.py")
    ]


def test_bad_range_is_bad_input(example, check) -> None:
    code, _, err = check(example, "--range", "nope..HEAD")
    assert code == 2 and err.startswith("ownership: git rev-list")


def test_github_format(example, check) -> None:
    stage(example, {"svc/src/db/migrations/0002, x.py": "2\n"})
    code, out, _ = check(example, "--agent", "api", "--format", "github")
    assert code == 1
    assert out.splitlines()[0] == (
        "::error file=svc/src/db/migrations/0002%2C x.py,title=ownership%3A cannot_touch::"
        f"api may not write svc/src/db/migrations/0002, x.py (A): cannot_touch: {MIGRATION_RULE}; owners: db"
    )


def test_not_a_repository(tmp_path, check) -> None:
    code = main(["-C", str(tmp_path), "check"])
    assert code == 2


def test_staged_merge_is_judged_by_what_it_adds(example, check) -> None:
    """While a merge is being committed, the other side's committed work is not the merger's change."""
    example.git("checkout", "-q", "-b", "side")
    example.write({"svc/src/db/models.py": "side\n", "svc/src/api/users.py": "side users\n"})
    example.commit("db work on a side branch\n\nAgent: db")
    example.git("checkout", "-q", "main")
    example.write({"svc/src/api/users.py": "main users\n"})
    example.commit("api on main")
    proc = subprocess.run(
        ["git", "merge", "-q", "--no-commit", "side"], cwd=example.path, capture_output=True, check=False
    )
    assert proc.returncode == 1  # users.py conflicts
    stage(example, {"svc/src/api/users.py": "resolved\n"})
    assert check(example, "--agent", "api")[0] == 0  # the resolution is api's own file; models.py came from side
    stage(example, {"svc/src/db/migrations/0001_init.py": "evil\n"})
    code, out, _ = check(example, "--agent", "api")
    assert code == 1
    assert out.splitlines() == [
        f"api may not write svc/src/db/migrations/0001_init.py (M): cannot_touch: {MIGRATION_RULE}; owners: db",
        "check failed: 1 violation(s) among 2 path(s) in the staged changes; acting: api (--agent)",
    ]


def test_the_contract_cache_follows_every_committed_change(example, check) -> None:
    """Runs reuse a cached contract, keyed by the committed files it was read from: a change is a new key."""
    stage(example, {"svc/src/db/migrations/0002.py": "2\n"})
    assert check(example, "--agent", "api")[0] == 1
    cached = list((example.path / ".git" / "ownership").glob("contract-*.marshal"))
    assert len(cached) == 1
    assert check(example, "--agent", "api")[0] == 1  # served from the cache
    example.git("reset", "-q")
    example.write({API_MD: agent_file("api", ["src/**"], [], [])})  # a person widens api's lane
    example.commit("widen api")
    stage(example, {"svc/src/db/migrations/0002.py": "2\n"})
    assert check(example, "--agent", "api")[0] == 0
    example.git("reset", "-q")
    example.write({"contract/agents/web.md": agent_file("web", ["src/db/**"], [], [])})  # a new agent file
    example.commit("add web")
    stage(example, {"svc/src/db/migrations/0002.py": "2\n"})
    code, out, _ = check(example, "--agent", "web")
    assert code == 0, out
    assert len(list((example.path / ".git" / "ownership").glob("contract-*.marshal"))) == 3


def test_a_corrupt_cache_entry_is_read_afresh(example, check) -> None:
    stage(example, {"svc/src/db/migrations/0002.py": "2\n"})
    assert check(example, "--agent", "api")[0] == 1
    for entry in (example.path / ".git" / "ownership").glob("contract-*.marshal"):
        entry.write_bytes(b"not a cache entry")
    code, out, _ = check(example, "--agent", "api")
    assert code == 1 and "cannot_touch" in out


def test_a_large_change_is_decided_in_bulk_with_the_same_answers(example, check) -> None:
    """Past BULK_FROM paths, check decides all paths at once; every violation still names rule and owners."""
    from ownership.core.engine import BULK_FROM

    files = {f"svc/src/db/migrations/{n:04}.py": "x\n" for n in range(BULK_FROM + 50)}
    files.update({f"svc/src/api/{n:04}.py": "x\n" for n in range(20)})
    files["svc/src/db/models.py"] = "changed\n"
    stage(example, files)
    code, out, _ = check(example, "--agent", "api", "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert data["checked"]["paths"] == BULK_FROM + 71
    violations = data["violations"]
    assert len(violations) == BULK_FROM + 51
    migrations = [v for v in violations if "/migrations/" in v["path"]]
    assert len(migrations) == BULK_FROM + 50
    assert all(v["access"] == "cannot_touch" and v["owners"] == ["db"] and v["rule"]["line"] == 22 for v in migrations)
    (models,) = [v for v in violations if v["path"] == "svc/src/db/models.py"]
    assert (models["access"], models["rule"]["pattern"], models["owners"]) == ("reads", "src/db/**", ["db"])


def test_an_uncommitted_contract_named_with_contract_is_refused(example, run) -> None:
    """--staged judges by the committed contract; a file only in the working tree cannot stand in for it."""
    example.write({"mine.yaml": "agents: {api: {owns: ['**']}}\n"})
    stage(example, {"svc/src/db/migrations/0002.py": "2\n"})
    code, out, err = run(example, "--contract", "mine.yaml", "check", "--agent", "api")
    assert (code, out) == (2, "")
    assert err.startswith("ownership: mine.yaml: file not found in the commit ")


def _one_commit_alone(repo: Repo, sha: str) -> tuple[git.CommitInfo, list[git.Change]]:
    """A commit read on its own, as check read ranges before it batched them: `git show` for each commit."""
    head = ["--no-show-signature", "--no-color", "--no-ext-diff", "--ignore-submodules=none", "--no-relative", "-z"]
    full, parents, name, email, message = subprocess.run(
        ["git", "log", "-1", *head, "--format=format:%H%x00%P%x00%an%x00%ae%x00%B", sha],
        cwd=repo.path, capture_output=True, check=True).stdout.decode().split("\0", 4)  # fmt: skip
    info = git.CommitInfo(full, tuple(parents.split()), name, email, message)
    if len(info.parents) > 2:
        out = subprocess.run(["git", "diff-tree", "-r", "-c", "--no-commit-id", *head, "--name-status", sha],
                             cwd=repo.path, capture_output=True, check=True).stdout  # fmt: skip
        fields = out.split(b"\0")
        letters = [(fields[i].decode(), os.fsdecode(fields[i + 1])) for i in range(0, len(fields) - 1, 2)]
        return info, [git.Change(path, s[0] if len(set(s)) == 1 else "M") for s, path in letters]
    out = subprocess.run(["git", "show", *head, "--remerge-diff", "-M", "-C", "--root", "--name-status",
                          "--format=%P", sha], cwd=repo.path, capture_output=True, check=True).stdout  # fmt: skip
    fields = out.partition(b"\0")[2].removeprefix(b"\n").split(b"\0")
    changes, i = [], 0
    while i < len(fields) - 1:
        status = fields[i].decode()[0]
        if status in "RC":
            changes.append(git.Change(os.fsdecode(fields[i + 2]), status, os.fsdecode(fields[i + 1])))
            i += 3
        else:
            changes.append(git.Change(os.fsdecode(fields[i + 1]), status))
            i += 2
    return info, changes


def _long_history(repo: Repo) -> str:
    """About fifty commits on top of `example`: agents in and out of lane, renames, odd names, merges."""
    base = repo.git("rev-parse", "HEAD").strip()
    repo.write({"contract/ownership.yaml": "root: svc\nagent_files: [agents/*.md]\n"
                "identity: {authors: {db-bot@example.com: db}}\n"})  # fmt: skip
    base = repo.commit("map the db bot")
    lines = "".join(f"line {i} of a file long enough to be recognised\n" for i in range(20))
    agents = ["Agent: api", "Agent: db", "", "Agent: api"]
    for n in range(40):
        trailer = agents[(n // 8 + n) % 4]
        kind = n % 8
        if kind == 0:
            repo.write({f"svc/src/api/r{n}.py": lines + str(n)})
        elif kind == 1:
            repo.write({f"svc/src/db/migrations/{n:04}.py": lines})  # out of lane for api
        elif kind == 2:
            moved = f"svc/src/api/moved{n}.py" if n % 16 == 2 else f"svc/src/db/kept{n}.py"
            repo.write({f"svc/src/db/m{n}.py": lines + "moving"})
            repo.commit(f"before a rename {n}\n\n{trailer}")
            repo.git("mv", f"svc/src/db/m{n}.py", moved)  # a rename, across lanes every other time
        elif kind == 3:
            for name in (f"svc/src/api/new\nline{n}.py", f"svc/src/db/tab\t{n}.py", f"svc/src/api/caf\udce9{n}.py"):
                path = os.path.join(os.fsencode(repo.path), os.fsencode(name))
                with open(path, "wb") as handle:
                    handle.write(b"odd\n")
        elif kind == 4:
            repo.git("config", "user.email", "db-bot@example.com")
            repo.write({"svc/main.py": f"app = {n}\n"})  # by the author mapped to db: unlisted for db
            repo.commit(f"as the bot {n}")
            repo.git("config", "user.email", "person@example.com")
            continue
        elif kind == 5:
            repo.git("checkout", "-q", "-b", f"side{n}")
            repo.write({"svc/src/db/models.py": f"side {n}\n", "svc/src/api/users.py": f"side {n}\n"})
            repo.commit(f"side {n}\n\nAgent: db")
            repo.git("checkout", "-q", "main")
            repo.write({"svc/src/api/users.py": f"main {n}\n", f"svc/src/api/x{n}.py": "x\n"})
            repo.commit(f"main {n}\n\nAgent: api")
            subprocess.run(["git", "merge", "-q", "--no-commit", f"side{n}"], cwd=repo.path, capture_output=True)
            evil = {"svc/src/db/migrations/0001_init.py": f"evil {n}\n"} if n % 16 == 5 else {}
            repo.write({"svc/src/api/users.py": f"resolved {n}\n", **evil})
            repo.commit(f"merge side{n}\n\n{trailer}")
            continue
        elif kind == 6 and n % 16 == 6:
            for branch in ("o1", "o2"):
                repo.git("checkout", "-q", "-b", f"{branch}-{n}", "main")
                repo.write({f"svc/src/db/{branch}-{n}.py": "o\n"})
                repo.commit(f"{branch}\n\nAgent: db")
            repo.git("checkout", "-q", "main")
            repo.git("merge", "-q", "--no-commit", f"o1-{n}", f"o2-{n}")
            repo.write({"svc/src/db/models.py": f"octopus evil {n}\n"})
            repo.commit(f"octopus {n}\n\n{trailer}")
            continue
        elif kind == 6:
            repo.git("rm", "-q", "-r", "svc/src/db/migrations")
            repo.commit(f"delete {n}\n\n{trailer}")
            repo.git("revert", "--no-edit", "HEAD")
            continue
        else:
            repo.git("commit", "-q", "--allow-empty", "-m", f"empty {n}\n\n{trailer}")
            continue
        repo.commit(f"change {n}\n\n{trailer}")
    return base


def test_a_long_range_checks_each_commit_exactly_as_alone(example, check) -> None:
    """Reading a range in a few git calls must not mix commits up: the same result as reading each one alone."""
    from ownership.checking.check import check_changes, check_commits
    from ownership.checking.identity import Clues, identify
    from ownership.workspace import Workspace

    base = _long_history(example)
    commits = git.range_commits(example.path, f"{base}..HEAD")
    assert len(commits) >= 50
    ws = Workspace(str(example.path), None)
    engine = ws.engine_for(ws.contract_at(base))
    together = check_commits(engine, str(example.path), commits, Clues())
    violations, units = [], []
    for sha in commits:
        info, changes = _one_commit_alone(example, sha)
        actor = identify(engine.contract, Clues(message=info.message, email=info.author_email), git.trailer)
        found, unit = check_changes(engine, changes, actor, sha)
        violations += found
        units.append(unit)
    assert together.violations == tuple(violations)
    assert together.units == tuple(units)
    kinds = {(v.status, v.agent) for v in violations}
    assert {("A", "api"), ("R", "api"), ("R (old path)", "api"), ("M", "db"), ("D", "api")} <= kinds
    assert len({u.actor for u in units}) == 4  # api and db by trailer, db by e-mail, and a person
    code, out, _ = check(example, "--range", f"{base}..HEAD", "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["checked"] == {"commits": len(commits), "paths": together.paths, "before_contract": 0}
    assert [v["commit"] for v in data["violations"]] == [v.commit for v in violations]
