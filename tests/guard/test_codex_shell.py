"""The command `install codex` wrote, run as Codex runs a hook: `$SHELL -lc COMMAND` (/bin/sh when SHELL is
unset), in the session's folder, the JSON on stdin (openai/codex codex-rs/hooks/src/engine/command_runner.rs,
default_shell_command). test_hosts.py runs every host through `/bin/sh -c`; a login shell of the user's own
kind must answer the same.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.guard.test_hosts import AS_AGENT, LANE, OTHER, SHELL, add_file, claude_deny, codex, codex_command, install
from tests.support import Repo

SHELLS = [s for s in ("/bin/sh", "/bin/bash", "/bin/zsh") if shutil.which(s)]


@pytest.mark.parametrize("shell", SHELLS)
def test_codex_runs_the_hook_in_a_login_shell_of_the_users_kind(example: Repo, shell: str) -> None:
    install(example, "codex")
    command = codex_command(example)

    def run(data: bytes) -> tuple[int, str, str]:
        env = dict(os.environ, PATH="/usr/bin:/bin", SHELL=shell)
        proc = subprocess.run([shell, "-lc", command], input=data, capture_output=True, cwd=example.path, env=env)
        return proc.returncode, proc.stdout.decode(), proc.stderr.decode()

    assert run(codex(example, "apply_patch", add_file(LANE))) == (0, "", "")
    assert run(codex(example, "apply_patch", add_file(OTHER))) == (0, claude_deny(AS_AGENT), "")
    assert run(codex(example, "Bash", SHELL)) == (0, claude_deny(AS_AGENT), "")
    assert run(codex(example, "apply_patch", f"*** Add File: {OTHER}\n+x\n")) == (
        2, "", "ownership: apply_patch: the patch does not start with '*** Begin Patch'\n"
    )  # fmt: skip
