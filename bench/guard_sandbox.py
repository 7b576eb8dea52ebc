"""What the OS sandbox costs per Bash call: the floor, `ownership sandbox ... -- bash -c true`, and the guard.

Usage: .venv/bin/python bench/guard_sandbox.py [--runs N] [--files N]

Builds a two-agent repository (alice owns alice/**, bob owns bob/**, a shared
folder of mixed owners, FILES files in all) in a scratch folder outside the
system temp folder (the sandbox carves a project inside it differently), then
prints the median wall time of N runs of each:

- floor: `bash -c true`
- `ownership sandbox --agent alice -- bash -c true` (reading the contract, drawing the lane, Landlock, exec)
- the guard's decision for alice's Bash payload `python3 -c pass` (read, allowed, wrapped)
- both, as Claude Code pays them for one call
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from guard_call import make_repo  # noqa: E402  (one generator of the two-agent repository)


def median_ms(command: list[str], cwd: Path, runs: int, data: bytes | None = None) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(command, cwd=cwd, input=data, capture_output=True)
        times.append((time.perf_counter() - start) * 1000)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed: {proc.stderr.decode(errors='replace').strip()}")
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--work", default=str(Path(__file__).resolve().parent / ".work" / "sandbox"))
    options = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from ownership.guard.sandbox import landlock_abi

    abi, why = landlock_abi()
    if not abi:
        print(f"no OS sandbox here ({why}): nothing to measure")
        return 0
    ownership = str(Path(sys.executable).with_name("ownership"))
    repo = make_repo(Path(options.work), options.files, dirty=0)
    payload = json.dumps({
        "session_id": "bench", "cwd": str(repo), "hook_event_name": "PreToolUse", "tool_name": "Bash",
        "tool_input": {"command": "python3 -c pass"}, "tool_use_id": "t", "agent_id": "a", "agent_type": "alice",
    }).encode()  # fmt: skip
    floor = median_ms(["bash", "-c", "true"], repo, options.runs)
    sandbox = median_ms([ownership, "sandbox", "--agent", "alice", "-C", str(repo), "--", "bash", "-c", "true"],
                        repo, options.runs)  # fmt: skip
    guard = median_ms([ownership, "-C", str(repo), "guard"], repo, options.runs, payload)
    print(f"Per Bash call, Landlock ABI {abi}, {options.files} files, median of {options.runs}:")
    print(f"  floor: bash -c true                                  {floor:7.1f} ms")
    print(
        f"  ownership sandbox --agent alice -- bash -c true      {sandbox:7.1f} ms  ({sandbox / floor:.1f}x the floor)"
    )
    print(f"  guard decision for alice's Bash call (wrapped)       {guard:7.1f} ms")
    print(f"  guard + sandbox, what one call pays                  {guard + sandbox:7.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
