"""One agent's tool call as Claude Code pays for it: the guard before, the command, the audit after.

Run: .venv/bin/python bench/guard_call.py [--runs N] [--sizes 1000,10000] [--markdown]

On two-agent repositories (alice owns alice/**, bob owns bob/**, a shared
folder of mixed owners) of each size, with 100 files of bob's left modified,
prints the median wall time (ms) of N runs of each step, every step one process
as the host starts it:

  floor      `bash -c true`: the command alone, no guard
  Pre        `ownership guard` on alice's Bash PreToolUse (read, judged, snapshot taken, wrapped)
  command    what runs instead of `bash -c true`: `ownership sandbox ... -- bash -c true` (Landlock);
             with the sandbox off, `bash -c true` itself
  Post       `ownership guard` on the PostToolUse (the audit)
  call       Pre + command + Post

for the OS sandbox on and off (OWNERSHIP_SANDBOX=off: reading and the audit only),
and for a Write of alice's (Pre and Post). Bytecode is compiled first, as an installed
package has it.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

TOP = Path(__file__).resolve().parent.parent
EXE = str(Path(sys.executable).with_name("ownership"))
CONTRACT = 'agents:\n  alice:\n    owns: ["alice/**", "shared/a-*"]\n  bob:\n    owns: ["bob/**", "shared/b-*"]\n'


def make_repo(where: Path, files: int, dirty: int = 100) -> Path:
    repo = where / f"repo-{files}"
    if repo.exists():
        shutil.rmtree(repo)
    repo.mkdir(parents=True)
    (repo / "ownership.yaml").write_text(CONTRACT)
    made: list[Path] = []
    for number in range(files):
        folder = ("alice", "bob", "shared")[number % 3]
        name = f"{folder}/m{number % 40}/f{number}.py" if folder != "shared" else f"shared/{'ab'[number % 2]}-{number}"
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x\n")
        made.append(path)
    env = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@b", "GIT_COMMITTER_NAME": "b",
           "GIT_COMMITTER_EMAIL": "b@b"}  # fmt: skip
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "bench"]):
        subprocess.run(["git", *args], cwd=repo, check=True, env=env)
    for path in [p for p in made if p.parts[-3] == "bob"][:dirty]:  # another agent's work in progress
        path.write_text("bob at work\n")
    return repo


def timed(command: list[str], cwd: Path, data: bytes | None, env: dict) -> tuple[float, bytes]:
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=cwd, input=data, capture_output=True, env=env)
    elapsed = (time.perf_counter() - start) * 1000
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {proc.stderr.decode(errors='replace').strip()}")
    return elapsed, proc.stdout


def payload(repo: Path, event: str, call: str, tool: str, tool_input: dict) -> bytes:
    return json.dumps({
        "session_id": "bench", "cwd": str(repo), "hook_event_name": event, "tool_name": tool,
        "tool_input": tool_input, "tool_use_id": call, "agent_id": "a", "agent_type": "alice",
    }).encode()  # fmt: skip


def bash_call(repo: Path, runs: int, sandbox: bool) -> dict[str, float]:
    env = dict(os.environ, OWNERSHIP_SANDBOX="on" if sandbox else "off")
    steps: dict[str, list[float]] = {"Pre": [], "command": [], "Post": [], "call": []}
    for run in range(runs):
        tool_input = {"command": "bash -c true"}
        pre, out = timed(
            [EXE, "-C", str(repo), "guard"], repo, payload(repo, "PreToolUse", f"t{run}", "Bash", tool_input), env
        )
        said = json.loads(out).get("hookSpecificOutput", {}) if out.strip() else {}
        if said.get("permissionDecision") == "deny":
            raise SystemExit(f"the bench's own call was denied: {said}")
        if sandbox != ("updatedInput" in said):
            raise SystemExit(f"expected the command {'wrapped' if sandbox else 'as it is'}: {said}")
        command = (said.get("updatedInput") or tool_input)["command"]
        ran, _ = timed(["bash", "-c", command], repo, None, env)
        after = payload(repo, "PostToolUse", f"t{run}", "Bash", tool_input)
        post, out = timed([EXE, "-C", str(repo), "guard"], repo, after, env)
        if out.strip():
            raise SystemExit(f"the audit reported the bench's in-lane call: {out.decode()}")
        for name, value in (("Pre", pre), ("command", ran), ("Post", post), ("call", pre + ran + post)):
            steps[name].append(value)
    return {name: statistics.median(values) for name, values in steps.items()}


def write_call(repo: Path, runs: int) -> dict[str, float]:
    env = dict(os.environ)
    pres, posts = [], []
    tool_input = {"file_path": str(repo / "alice/new.py"), "content": "x\n"}
    for run in range(runs):
        pre, out = timed(
            [EXE, "-C", str(repo), "guard"], repo, payload(repo, "PreToolUse", f"w{run}", "Write", tool_input), env
        )
        if out.strip():
            raise SystemExit(f"the bench's Write was not simply allowed: {out.decode()}")
        post, _ = timed(
            [EXE, "-C", str(repo), "guard"], repo, payload(repo, "PostToolUse", f"w{run}", "Write", tool_input), env
        )
        pres.append(pre)
        posts.append(post)
    return {"Pre": statistics.median(pres), "Post": statistics.median(posts)}


def floor(repo: Path, runs: int) -> float:
    return statistics.median(timed(["bash", "-c", "true"], repo, None, dict(os.environ))[0] for _ in range(runs))


def landlock() -> int:
    """The Landlock ABI here (0: no OS sandbox)."""
    sys.path.insert(0, str(TOP))
    from ownership.guard.sandbox import landlock_abi

    return landlock_abi()[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--work", default=str(TOP / "bench" / ".work" / "guard-call"))
    parser.add_argument("--markdown", action="store_true", help="a Markdown section for bench/RESULTS.md")
    options = parser.parse_args(argv)
    compileall.compile_dir(str(TOP / "ownership"), quiet=1)
    sys.path.insert(0, str(TOP))
    from ownership.guard.sandbox import landlock_abi

    abi, why = landlock_abi()
    rows = []
    for size in (int(s) for s in options.sizes.split(",")):
        repo = make_repo(Path(options.work), size)
        base = floor(repo, options.runs)
        modes = [("reading + audit", bash_call(repo, options.runs, False))]
        if abi:
            modes.insert(0, (f"Landlock ABI {abi} + reading + audit", bash_call(repo, options.runs, True)))
        for mode, steps in modes:
            rows.append((f"Bash, {mode}", size, base, steps["Pre"], steps["command"], steps["Post"], steps["call"]))
        steps = write_call(repo, options.runs)
        rows.append(("Write", size, None, steps["Pre"], None, steps["Post"], steps["Pre"] + steps["Post"]))
    header = "| call | files | floor | Pre | command | Post | whole call |\n|---|---:|---:|---:|---:|---:|---:|"
    if options.markdown:
        print("## The guard per tool call\n")
        print(f"Median of {options.runs} runs, ms; `bench/guard_call.py` says what each step is.")
        if not abi:
            print(f"No OS sandbox on this machine ({why}): the sandbox rows are missing.")
        print()
    print(header)
    for name, size, base, pre, ran, post, whole in rows:
        cells = [f"{v:.1f}" if v is not None else "-" for v in (base, pre, ran, post, whole)]
        print(f"| {name} | {size} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
