"""The GitHub Action's script (hooks/github-action.sh), run here as GitHub runs it: a detached checkout, GitHub's variables."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support import TOP, Repo, agent_file

SCRIPT = TOP / "hooks" / "github-action.sh"


def run_action(repo: Repo, **variables: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "OWNERSHIP_"))}
    env.update(variables, PATH=str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", ""))
    return subprocess.run(["bash", str(SCRIPT)], cwd=repo.path, env=env, capture_output=True, text=True)


def pull_request(repo: Repo) -> str:
    """main with a contract; a feature branch whose second commit leaves its agent's lane; checked out detached."""
    repo.git("checkout", "-q", "-b", "main")
    repo.write({
        "ownership.yaml": "agent_files: [agents/*.md]\n",
        "agents/api.md": agent_file("api", ["src/api/**"]),
        "agents/db.md": agent_file("db", ["src/db/**"]),
        "src/api/a.py": "", "src/db/m.py": "",
    })  # fmt: skip
    repo.commit("start")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write({"src/api/a.py": "x = 1\n"})
    repo.commit("api work\n\nAgent: api")
    repo.write({"src/db/m.py": "y = 1\n"})
    repo.commit("reach over\n\nAgent: api")
    head = repo.git("rev-parse", "HEAD").strip()
    repo.git("checkout", "-q", "--detach", head)  # as actions/checkout leaves it
    return head


def test_a_pull_request_with_an_out_of_lane_commit_fails_with_annotations_and_sarif(repo: Repo) -> None:
    head = pull_request(repo)
    proc = run_action(repo, GITHUB_BASE_REF="main", GITHUB_SHA=head)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == f"ownership: checking main...{head}"
    assert any(
        line.startswith("::error file=src/db/m.py") and "api may not write src/db/m.py" in line for line in lines
    )
    sarif = json.loads((repo.path / "ownership.sarif").read_text())
    (run,) = sarif["runs"]
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]] == ["src/db/m.py"]


def test_a_push_checks_the_commits_since_before(repo: Repo, tmp_path: Path) -> None:
    head = pull_request(repo)
    before = repo.git("rev-parse", "HEAD~1").strip()
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"before": before, "after": head}))
    proc = run_action(repo, GITHUB_EVENT_PATH=str(event), GITHUB_SHA=head)
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[0] == f"ownership: checking {before}..{head}"
    event.write_text(json.dumps({"before": before, "after": before}))
    proc = run_action(repo, GITHUB_EVENT_PATH=str(event), GITHUB_SHA=before)
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.splitlines()[-1].startswith("check passed: 0 path(s) in 0 commit(s)")


def test_a_broken_range_is_an_error_annotation_and_exit_2(repo: Repo) -> None:
    pull_request(repo)
    proc = run_action(repo, OWNERSHIP_RANGE="nosuch..HEAD")
    assert proc.returncode == 2
    assert "::error title=ownership::the check could not run (exit 2); see the lines above" in proc.stdout
