"""A newcomer adopts ownership in a repository with history, following the README word for word.

The commands are read from the README's "Use it in your repository" block and
run in order with bash in a scratch copy of a multi-agent repository (merges,
an existing pre-commit config), with a fresh virtual environment installed
from this checkout. Then a first push to a bare remote must pass, and an
out-of-lane commit must be refused at commit and at push.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.support import TOP, Repo


def readme_commands() -> list[str]:
    text = (TOP / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- adoption:.*?-->\n```sh\n(.*?)```\n<!-- /adoption -->", text, re.S)
    assert block, "the README's adoption block is missing"
    return [line for line in block.group(1).splitlines() if line.strip()]


def team_repository(path: Path) -> Repo:
    """Two agents whose files do not say their lanes yet, history with a merge, a pre-commit config of its own."""
    path.mkdir()
    repo = Repo(path)
    repo.git("checkout", "-q", "-b", "main")
    repo.write({
        ".claude/agents/backend.md": "---\nname: backend\n---\n# Backend\nYou build the API.\n",
        ".claude/agents/frontend.md": "---\nname: frontend\n---\n# Frontend\nYou build the page.\n",
        ".claude/agents/README.md": "# Our agents\n\nOne file an agent.\n",
        ".pre-commit-config.yaml": "repos: []\n",
        "backend/app.py": "app = 1\n",
        "frontend/app.ts": "let a = 1\n",
    })  # fmt: skip
    repo.commit("start")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write({"backend/app.py": "app = 2\n"})
    repo.commit("backend work")
    repo.git("checkout", "-q", "main")
    repo.write({"frontend/app.ts": "let a = 2\n"})
    repo.commit("frontend work")
    repo.git("merge", "-q", "--no-edit", "feature")
    return repo


@pytest.mark.skipif(os.environ.get("OWNERSHIP_SKIP_INSTALL_TEST") == "1", reason="OWNERSHIP_SKIP_INSTALL_TEST=1")
def test_adopting_by_the_readme_word_for_word(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text("[user]\n\tname = Newcomer\n\temail = new@example.com\n")
    repo = team_repository(tmp_path / "team")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "VIRTUAL_ENV", "PRE_COMMIT"))}
    env.update(HOME=str(home), GIT_CONFIG_NOSYSTEM="1", PATH=os.defpath + ":/usr/local/bin:" + env.get("PATH", ""))
    env.pop("PYTHONPATH", None)

    def bash(command: str, check: bool = True) -> subprocess.CompletedProcess:
        proc = subprocess.run(["bash", "-c", command], cwd=repo.path, env=env, capture_output=True, text=True)
        if check:
            assert proc.returncode == 0, f"{command}\n{proc.stdout}\n{proc.stderr}"
        return proc

    # The newcomer writes each agent's lane into its file (the README's "Agent files" section), then follows the README.
    repo.write({
        ".claude/agents/backend.md": "---\nname: backend\n---\n# Backend\nYou build the API.\n## Owns\n- `backend/**`\n"
                                     "## Do not touch\n- `frontend/**` — the frontend agent's\n",
        ".claude/agents/frontend.md": "---\nname: frontend\n---\n# Frontend\nYou build the page.\n"
                                      "**Write:** `frontend/**`\n",
    })  # fmt: skip
    commands = readme_commands()
    assert len(commands) <= 5
    prefix = ""  # the install line exports PATH: later lines run after it, as in one shell
    for command in commands:
        command = command.replace("/path/to/ownership", str(TOP))
        proc = bash(prefix + command)
        if command.startswith("python3 -m venv"):
            prefix = f'export PATH="{home}/.ownership/bin:$PATH"; '
        if command.startswith("ownership init"):
            assert "contract: wrote ownership.yaml (agent files: backend, frontend)" in proc.stdout
        if command.startswith("ownership check --range"):
            last = proc.stdout.splitlines()[-1]
            assert last.startswith("check passed: ") and "; judged by ownership.yaml at " in last, last
            assert "earlier commit(s) made before the contract existed, not judged" in last

    # The first push to a bare remote passes the pre-push hook.
    bash(f"git init -q --bare {tmp_path / 'remote.git'} && git remote add origin {tmp_path / 'remote.git'}")
    bash(prefix + "git push -q origin main")

    # An out-of-lane commit is refused at commit time, naming the rule and who owns the path...
    bash("echo 'let a = 3' > frontend/app.ts && git add frontend/app.ts")
    refused = bash(prefix + "OWNERSHIP_AGENT=backend git commit -q -m 'reach over'", check=False)
    assert refused.returncode != 0
    assert (
        "backend may not write frontend/app.ts (M): cannot_touch: frontend/** (.claude/agents/backend.md:9); "
        "owners: frontend"
    ) in refused.stdout + refused.stderr
    # ...and, made without the hook, at push time, naming the contract revision that judged it.
    bash(prefix + "git commit -q --no-verify -m 'reach over' -m 'Agent: backend'")
    pushed = bash(prefix + "git push -q origin main", check=False)
    assert pushed.returncode != 0
    head = bash("git rev-parse --short HEAD~1").stdout.strip()  # the adoption commit
    assert f"judged by ownership.yaml at {head}" in pushed.stdout + pushed.stderr
