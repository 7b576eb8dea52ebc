"""The guard's audit per Bash call: the snapshot at PreToolUse and the comparison at PostToolUse, next to the floor.

Run: .venv/bin/python bench/guard_audit.py [--runs N]

On repositories of 1k and 10k committed files with 100 of them modified, prints
medians (ms) of:
  floor        `bash -c true` (a process), `git status` as the audit runs it
  in-process   the snapshot (take + save; with restore: true, the dirty files hashed into git too) and the
               audit (load, status again, judge each change) without Python's start-up
  whole hook   `ownership guard` with a Bash PreToolUse payload (decision + snapshot) and its PostToolUse
               (the audit), as Claude Code runs them: one process each
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TOP = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TOP))
EXE = str(Path(sys.executable).with_name("ownership"))
CONTRACT = "version: 1\nagents:\n  alice: {owns: [alice/**]}\n  bob: {owns: [bob/**]}\n"


def make(folder: Path, files: int, dirty: int = 100) -> Path:
    env = dict(
        os.environ, GIT_AUTHOR_NAME="b", GIT_AUTHOR_EMAIL="b@x", GIT_COMMITTER_NAME="b", GIT_COMMITTER_EMAIL="b@x"
    )
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    (folder / "ownership.yaml").write_text(CONTRACT)
    for i in range(files):
        path = folder / ("alice" if i % 2 else "bob") / f"d{i % 50}" / f"f{i}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{i}\n")
    subprocess.run(["git", "add", "-A"], cwd=folder, check=True)
    subprocess.run(["git", "commit", "-qm", "start"], cwd=folder, check=True, env=env)
    for i in range(dirty):
        (folder / "bob" / f"d{i * 2 % 50}" / f"f{i * 2}.txt").write_text("changed\n")
    return folder


def median_ms(action, runs: int) -> float:
    action()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def payload(repo: Path, event: str, call: str) -> bytes:
    return json.dumps({
        "session_id": "bench", "cwd": str(repo), "hook_event_name": event, "tool_name": "Bash",
        "tool_input": {"command": "make test"}, "tool_use_id": call, "agent_id": "a1", "agent_type": "alice",
    }).encode()  # fmt: skip


def measure(repo: Path, runs: int) -> dict[str, float]:
    from ownership.guard import audit
    from ownership.guard.decide import Guard
    from ownership.guard.protocol import HookInput
    from ownership.workspace import Workspace

    git_dir = str(repo / ".git")
    hook = HookInput("PostToolUse", str(repo), "bench", "Bash", {"command": "make test"}, "in-process", "a1", "alice")
    row = {
        "bash -c true": median_ms(lambda: subprocess.run(["bash", "-c", "true"], check=True), runs),
        "git status": median_ms(lambda: audit.status(str(repo)), runs),
        "snapshot": median_ms(lambda: audit.save(git_dir, audit.take(str(repo), git_dir, "k", False)), runs),
        "snapshot, restore on": median_ms(lambda: audit.save(git_dir, audit.take(str(repo), git_dir, "k", True)), runs),
    }

    def audit_once() -> None:
        audit.save(git_dir, audit.take(str(repo), git_dir, "id:in-process", False))
        audit.after(Guard(Workspace(str(repo))), hook)

    row["snapshot + audit"] = median_ms(audit_once, runs)
    env = dict(os.environ, CLAUDE_PROJECT_DIR=str(repo))
    counter = iter(range(10**6))

    def whole(event: str) -> None:
        call = f"c{next(counter)}"
        for name in ("PreToolUse", event) if event != "PreToolUse" else (event,):
            subprocess.run([EXE, "-C", str(repo), "guard"], input=payload(repo, name, call), env=env,
                           capture_output=True, check=True)  # fmt: skip

    row["hook: PreToolUse"] = median_ms(lambda: whole("PreToolUse"), runs)
    row["hook: Pre + PostToolUse"] = median_ms(lambda: whole("PostToolUse"), runs)
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        rows = {n: measure(make(Path(tmp) / f"r{n}", n), args.runs) for n in (1000, 10000)}
    names = list(next(iter(rows.values())))
    print(f"{'median ms (100 dirty files)':<28}" + "".join(f"{f'{n} files':>12}" for n in rows))
    for name in names:
        print(f"{name:<28}" + "".join(f"{rows[n][name]:>12.1f}" for n in rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
