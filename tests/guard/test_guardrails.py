"""The guard's guardrails: no switch-off (guard/guarded.py), committed contracts only, the time budget
(guard/budget.py) and the scratch space (`scratch:`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ownership.guard.budget import message
from ownership.guard.decide import Guard
from ownership.guard.protocol import Check, parse_payload
from ownership.guard.sandbox import landlock_abi
from ownership.workspace import Workspace
from tests.guard.test_guard import deny_json, payload
from tests.guard.test_hosts import EXE, claude, copilot, copilot_deny, run
from tests.support import TOP, Repo, sandboxed_as_allowed

NO_OWNER = "owners: no agent (a person must change it)"
HOOKS = "protected: it holds an agent host's hooks, the guard's own configuration (`ownership install`)"
GIT = (
    "protected: it lies in the git folder ({folder}), where git keeps its hooks and settings and ownership its cache; "
    "an agent changes a repository with git commands"
)
COMMIT_HOOKS = "protected: it configures the git hooks that run `ownership check` at commit"


def checks(repo: Repo, path: str, agent: str | None = "api", tool: str = "Write") -> tuple[Check, ...]:
    """The guard's checks of one call (a Write of `path`, or a Bash command), as `ownership guard` judges it."""
    tool_input = {"file_path": path, "content": ""} if tool == "Write" else {"command": path}
    hook = parse_payload(json.loads(payload(repo, tool, tool_input, agent)))
    return Guard(Workspace(str(repo.path))).decide(hook).checks


def add_to_contract(repo: Repo, text: str) -> None:
    contract = repo.path / "contract/ownership.yaml"
    contract.write_text(contract.read_text() + text)
    repo.commit("contract")


def guard_command(repo: Repo, data: bytes, env: dict[str, str] | None = None, host: str = "") -> tuple[int, str, str]:
    """The installed console script, as Claude Code runs the hook (a subprocess, JSON on stdin)."""
    return run(repo, f"{EXE} -C {repo.path} guard{host}", data, env)


# --- no switch-off ------------------------------------------------------------------------------------------------


@pytest.fixture
def bundled(repo: Repo) -> Repo:
    """The bundled contract (contract/, root sample_service) in a repository of its own, with the hooks installed."""
    shutil.copytree(TOP / "contract", repo.path / "contract")
    repo.write({"sample_service/src/api/routes.py": "x = 1\n", ".pre-commit-config.yaml": "repos: []\n"})
    repo.write({".claude/settings.json": "{}\n"}).commit("start")
    return repo


def test_the_bundled_example_denies_every_agent_the_files_that_switch_the_guard_off(bundled: Repo) -> None:
    """Outside `root:` and whatever outside_repo says: hook settings, the git folder, the pre-commit config."""
    add_to_contract(bundled, "outside_repo: allow\n")
    top = os.path.realpath(bundled.path)
    for agent in ("backend-fastapi", "frontend", "general-purpose"):
        cases = {
            ".claude/settings.json": HOOKS,
            ".claude/settings.local.json": HOOKS,
            ".pre-commit-config.yaml": COMMIT_HOOKS,  # allowed to every agent before: outside root
            ".git/config": GIT.format(folder=".git"),  # core.hooksPath; outside_repo: allow let it through
            ".git/hooks/pre-commit": GIT.format(folder=".git"),
            ".git/info/exclude": GIT.format(folder=".git"),
            ".git/info/attributes": GIT.format(folder=".git"),
            ".git/ownership/watch": GIT.format(folder=".git"),  # the contract cache
        }
        for path, why in cases.items():
            (check,) = checks(bundled, f"{top}/{path}", agent)
            said = f"ownership: {agent} may not write {path}: {why}; {NO_OWNER}"
            assert check == Check(path, False, "protected", None, said), (agent, path)


def test_the_main_session_with_free_hands_may_still_change_them(bundled: Repo) -> None:
    top = os.path.realpath(bundled.path)
    for path in (".claude/settings.json", ".pre-commit-config.yaml"):
        assert checks(bundled, f"{top}/{path}", None) == (Check(path, True, "coordinator"),)
    assert checks(bundled, f"{top}/.git/config", None) == (Check(f"{top}/.git/config", True, "coordinator"),)


def test_no_way_around_by_a_symlink_a_folder_or_the_home_folder(example: Repo) -> None:
    add_to_contract(example, "outside_repo: allow\n")
    top = os.path.realpath(example.path)
    os.symlink(".git/config", example.path / "settings.ini")
    (link, leads) = checks(example, f"{top}/settings.ini")
    assert (link.path, link.allowed, link.access) == ("settings.ini", True, "ungoverned")  # outside root
    assert leads == Check(
        ".git/config", False, "protected", None,
        f"ownership: api may not write .git/config (where the symlink {top}/settings.ini leads): "
        f"{GIT.format(folder='.git')}; {NO_OWNER}",
    )  # fmt: skip
    (folder,) = checks(example, "rm -rf .git/hooks", tool="Bash")
    assert (folder.path, folder.allowed, folder.access) == (".git/hooks/", False, "protected")
    home = os.path.realpath(os.path.expanduser("~"))
    for path, why in {
        ".claude/settings.json": HOOKS,  # a user's settings can disable every hook
        ".gitconfig": "protected: it holds git's settings for every repository of this user "
        "(core.hooksPath, core.excludesFile)",
    }.items():
        (check,) = checks(example, f"{home}/{path}")
        assert check == Check(f"{home}/{path}", False, "protected", None,
                              f"ownership: api may not write {home}/{path}: {why}; {NO_OWNER}")  # fmt: skip


def test_a_nested_repository_git_folder_is_protected_too(example: Repo) -> None:
    add_to_contract(example, "outside_repo: allow\n")
    (example.path / "svc/src/api/sub").mkdir()
    Repo(example.path / "svc/src/api/sub")
    top = os.path.realpath(example.path)
    (check,) = checks(example, f"{top}/svc/src/api/sub/.git/hooks/post-checkout")
    assert check == Check(
        "svc/src/api/sub/.git/hooks/post-checkout", False, "protected", None,
        "ownership: api may not write svc/src/api/sub/.git/hooks/post-checkout: "
        f"{GIT.format(folder='svc/src/api/sub/.git')}; {NO_OWNER}",
    )  # fmt: skip


def test_through_the_real_command_the_pre_commit_config_is_denied(bundled: Repo) -> None:
    data = claude(bundled, "Write", {"file_path": str(bundled.path / ".pre-commit-config.yaml"), "content": ""})
    data = data.replace(b'"agent_type": "api"', b'"agent_type": "frontend"')
    said = f"ownership: frontend may not write .pre-commit-config.yaml: {COMMIT_HOOKS}; {NO_OWNER}"
    assert guard_command(bundled, data) == (0, deny_json(said), "")


# --- only committed contracts govern -------------------------------------------------------------------------------

EVERYTHING = "version: 1\nagents:\n  api:\n    owns: ['**']\n"
API_READS_DB = "reads: src/db/** (contract/agents/api.md:17); owners: db"


def test_an_uncommitted_contract_in_a_new_nested_repository_governs_nothing(example: Repo) -> None:
    """`git init` + an uncommitted ownership.yaml granting everything: the enclosing contract still decides."""
    bob = example.path / "svc/src/db/bob"
    bob.mkdir()
    nested = Repo(bob)
    nested.write({"ownership.yaml": EVERYTHING})
    (check,) = checks(example, str(bob / "x.py"))
    said = f"ownership: api may not write svc/src/db/bob/x.py: {API_READS_DB}"
    assert (check.path, check.allowed, check.reason) == ("svc/src/db/bob/x.py", False, said)
    nested.write({"README.md": "x\n"})
    nested.git("add", "README.md")
    nested.git("commit", "-q", "-m", "readme only")  # a commit, still no contract committed
    (check,) = checks(example, str(bob / "x.py"))
    assert (check.path, check.allowed) == ("svc/src/db/bob/x.py", False)
    nested.commit("the contract")  # committed: now it governs its repository
    (check,) = checks(example, str(bob / "x.py"))
    assert (check.path, check.allowed, check.access) == (f"{os.path.realpath(bob)}/x.py", True, "owns")


def test_through_the_real_command_an_uncommitted_nested_contract_is_not_honoured(example: Repo) -> None:
    bob = example.path / "svc/src/db/bob"
    bob.mkdir()
    Repo(bob).write({"ownership.yaml": EVERYTHING})
    data = claude(example, "Bash", {"command": "echo x > svc/src/db/bob/x.py"})
    said = f"ownership: api may not write svc/src/db/bob/x.py: {API_READS_DB}"
    assert guard_command(example, data) == (0, deny_json(said), "")


def test_the_main_repository_keeps_its_first_adoption(repo: Repo) -> None:
    """In the repository the guard runs in, the contract being added governs until one is committed."""
    repo.write({"README.md": "x\n"}).commit()
    repo.write({"ownership.yaml": "version: 1\nagents:\n  api:\n    owns: [src/**]\n"})
    top = os.path.realpath(repo.path)
    assert [(c.path, c.allowed, c.access) for c in checks(repo, f"{top}/src/a.py")] == [("src/a.py", True, "owns")]
    assert [(c.path, c.allowed) for c in checks(repo, f"{top}/docs/a.md")] == [("docs/a.md", False)]


# --- the time budget -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stall", "phase"),
    [
        ("python:judging the paths", "judging the paths"),  # a loop in Python: the watchdog thread answers
        ("git:reading the contract", "reading the contract"),  # a git call that never ends: killed at the deadline
    ],
)
def test_a_decision_that_does_not_end_is_refused_within_the_budget(example: Repo, stall: str, phase: str) -> None:
    env = {"OWNERSHIP_GUARD_BUDGET": "0.5", "OWNERSHIP_GUARD_TEST_STALL": stall}
    data = claude(example, "Write", {"file_path": str(example.path / "svc/src/api/a.py"), "content": ""})
    said = f"ownership: the guard could not decide within 0.5 s ({phase} took too long); the call is refused\n"
    assert guard_command(example, data, env) == (2, "", said)  # Claude Code: exit 2 blocks, stderr is the reason


def test_the_refusal_is_in_the_hosts_own_form(example: Repo) -> None:
    env = {"OWNERSHIP_GUARD_BUDGET": "0.5", "OWNERSHIP_GUARD_TEST_STALL": "python:judging the paths"}
    data = copilot(example, "edit", {"path": str(example.path / "svc/src/api/a.py")})
    said = message(0.5, "judging the paths")
    assert guard_command(example, data, env, " --host copilot") == (0, copilot_deny(said), "")


def test_c_code_holding_the_interpreter_lock_is_ended_and_the_installed_command_blocks(example: Repo) -> None:
    """No Python thread runs then: faulthandler ends the process (exit 1), and `|| exit 2` turns that into a block."""
    env = {"OWNERSHIP_GUARD_BUDGET": "0.2", "OWNERSHIP_GUARD_TEST_STALL": "c:judging the paths"}
    data = claude(example, "Write", {"file_path": str(example.path / "svc/src/api/a.py"), "content": ""})
    code, out, err = run(example, f'{EXE} -C "{example.path}" guard || exit 2', data, env)
    assert (code, out, err.splitlines()[0]) == (2, "", "Timeout (0:00:01.450000)!")


def test_the_brace_bomb_is_answered_within_the_budget(example: Repo) -> None:
    """About 130 bytes of dead code that expand to 4 million names: refused in time, whatever the parser does."""
    command = "true || tee a/" + "{a,b}" * 22
    code, out, err = guard_command(
        example, claude(example, "Bash", {"command": command}), {"OWNERSHIP_GUARD_BUDGET": "1"}
    )
    if code == 0:  # the parser bounds the expansion itself: then it must refuse or allow by reading, not hang
        assert out == "" or "permissionDecision" in out
    else:
        assert (code, out, err) == (2, "", message(1, "reading the command") + "\n")


@pytest.mark.parametrize(
    ("value", "budget"), [("", 2.0), ("5", 5.0), ("0", 0.1), ("1e9", 30.0), ("nan", 2.0), ("x", 2.0)]
)
def test_the_budget_setting(monkeypatch, value: str, budget: float) -> None:
    from ownership.guard import budget as module

    monkeypatch.setenv("OWNERSHIP_GUARD_BUDGET", value)
    assert module.seconds() == budget


# --- scratch space -----------------------------------------------------------------------------------------------


def test_the_temp_folder_is_scratch_space_by_default(example: Repo, tmp_path: Path) -> None:
    target = os.path.realpath(tmp_path) + "/elsewhere/out.txt"
    said = (
        f"ownership: api may write {target}: scratch: it lies in the system temp folder ({os.path.realpath('/tmp')}), "
        "and scratch.temp is true (contract/ownership.yaml)"
    )
    assert checks(example, target) == (Check(target, True, "scratch", None, said),)
    add_to_contract(example, "scratch:\n  temp: false\n")
    (check,) = checks(example, target)
    assert (check.allowed, check.access) == (False, "outside_repo")


def test_an_unlisted_path_git_ignores_is_scratch_space(example: Repo) -> None:
    example.write({".gitignore": "node_modules/\n*.tmp\n"}).commit("ignore")
    top = os.path.realpath(example.path)
    said = (
        "ownership: api may write svc/node_modules/x.js: scratch: git ignores it and no rule of the contract names it, "
        "and scratch.ignored is true (contract/ownership.yaml)"
    )
    assert checks(example, f"{top}/svc/node_modules/x.js") == (
        Check("svc/node_modules/x.js", True, "scratch", None, said),
    )
    # another agent's rule still wins: db owns src/db/**, api reads it
    (check,) = checks(example, f"{top}/svc/src/db/cache.tmp")
    assert check.reason == f"ownership: api may not write svc/src/db/cache.tmp: {API_READS_DB}"
    # a folder is judged by every file in it
    (example.path / "svc/node_modules/pkg").mkdir(parents=True)
    for name in ("a.js", "b.js"):
        (example.path / "svc/node_modules/pkg" / name).write_text("x\n")
    (check,) = checks(example, "rm -rf svc/node_modules", tool="Bash")
    assert (check.path, check.allowed, check.access) == ("svc/node_modules/", True, "scratch")
    # not ignored: unlisted is unlisted
    (check,) = checks(example, f"{top}/svc/notes.txt")
    assert (check.allowed, check.access) == (False, "unlisted")
    add_to_contract(example, "scratch: {ignored: false}\n")
    (check,) = checks(example, f"{top}/svc/node_modules/x.js")
    assert (check.allowed, check.access) == (False, "unlisted")


def test_the_users_global_excludes_file_does_not_make_scratch(example: Repo) -> None:
    """An agent may be able to write ~/.config/git/ignore: only the repository's own ignore rules count."""
    excludes = Path(os.path.expanduser("~")) / "global-ignore"
    excludes.write_text("*.log\n")
    example.git("config", "core.excludesFile", str(excludes))
    (check,) = checks(example, os.path.realpath(example.path) + "/svc/run.log")
    assert (check.allowed, check.access) == (False, "unlisted")


def test_through_the_real_command_an_ignored_build_output_is_written(example: Repo) -> None:
    example.write({".gitignore": "dist/\n"}).commit("ignore")
    command = "mkdir -p svc/dist && echo x > svc/dist/app.js"
    data = claude(example, "Bash", {"command": command})
    assert guard_command(example, data, {"OWNERSHIP_SANDBOX": "off"}) == (0, "", "")
    # In the OS sandbox: allowed, wrapped; an ignored folder that exists is granted whole. (A new one inside a
    # folder the agent owns only in part cannot be made there: directory granularity, docs/guard.md.)
    (example.path / "svc/dist").mkdir()
    code, out, err = guard_command(example, data)
    assert (code, sandboxed_as_allowed(out, data), err) == (0, "", "")
    assert bool(out) == bool(landlock_abi()[0])  # wrapped exactly where the OS sandbox works
    if out:
        proc = subprocess.run(["bash", "-c", json.loads(out)["hookSpecificOutput"]["updatedInput"]["command"]],
                              cwd=example.path, capture_output=True, text=True)  # fmt: skip
        assert (proc.returncode, proc.stderr) == (0, "")
    else:
        subprocess.run(["bash", "-c", command], cwd=example.path, check=True)
    assert (example.path / "svc/dist/app.js").read_text() == "x\n"


def test_lanes_show_the_scratch_settings(example: Repo, run) -> None:
    code, out, _ = run(example, "lanes", "--format", "json")
    assert (code, json.loads(out)["scratch"]) == (0, {"temp": True, "ignored": True})
    add_to_contract(example, "scratch: {temp: false}\n")
    code, out, _ = run(example, "lanes", "--agent", "api")
    assert out.splitlines()[0] == "root: svc   unlisted paths: deny   scratch off: temp"
