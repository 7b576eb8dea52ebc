"""make bench: time `ownership` as whole processes against floors and peers.

Every number is measured in this run, on repositories generated here: medians
of several runs after a warm-up, with min, max and peak memory (max RSS of the
process). Results go to stdout and, with the machine's description, to
bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import file_paths, make_bulk_commit, make_repo  # noqa: E402

HERE = Path(__file__).resolve().parent
TOP = HERE.parent


@dataclass
class Timing:
    name: str
    size: int
    agents: int | None
    times: list[float]
    rss_mb: float
    exit: int

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def run_once(cmd: list[str], cwd: Path, data: bytes | None, env: dict) -> tuple[float, float, int]:
    """(seconds, peak MB, exit code) of one run, measured by bench/launch.py around the command alone."""
    result = cwd.parent / f".launch-{os.getpid()}"
    subprocess.run(
        [sys.executable, str(HERE / "launch.py"), str(result), *cmd], cwd=cwd, env=env, input=data,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
    )  # fmt: skip
    elapsed, rss_kb, code = result.read_text().split()
    result.unlink()
    return float(elapsed), int(rss_kb) / 1024, int(code)


def measure(name, size, agents, cmd, cwd, runs, data=None, env=None) -> Timing:
    env = env or os.environ.copy()
    run_once(cmd, cwd, data, env)  # warm-up: page cache, .pyc, the contract cache
    results = [run_once(cmd, cwd, data, env) for _ in range(runs)]
    timing = Timing(name, size, agents, [r[0] for r in results], max(r[1] for r in results), results[-1][2])
    print(f"  {name:<44} {size:>7} files {agents or '-':>3} agents  median {timing.median * 1000:9.1f} ms  "
          f"rss {timing.rss_mb:6.1f} MB  exit {timing.exit}", flush=True)  # fmt: skip
    return timing


def toolchain(work: Path, given: str | None) -> tuple[str, str]:
    """(python, ownership) of a regular (non-editable) install, as users and pre-commit get it."""
    if given:
        return sys.executable, given
    venv = work / "venv"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    stamp = venv / "installed"
    source_time = max(p.stat().st_mtime for p in (TOP / "ownership").glob("*.py"))
    if not stamp.exists() or stamp.stat().st_mtime < source_time:
        subprocess.run([str(python), "-m", "pip", "install", "-q", "--upgrade", str(TOP), "codeowners"], check=True)
        stamp.write_text("")
    return str(python), str(venv / "bin" / "ownership")


def guard_available(ownership: str) -> bool:
    return subprocess.run([ownership, "guard", "--help"], capture_output=True).returncode == 0


def compare_decisions(repo: Path, python: str, ownership: str, paths: bytes) -> int:
    """Our decisions and the naive peer's must be the same, path by path and agent by agent."""
    ours = json.loads(subprocess.run(
        [ownership, "--contract", "contract30.yaml", "explain", "--json", "--stdin", "-z"],
        cwd=repo, input=paths, capture_output=True, check=True).stdout)  # fmt: skip
    peer = subprocess.run([python, str(HERE / "peer_pathspec.py"), "contract30.yaml"], cwd=repo, input=paths,
                          capture_output=True, check=True).stdout.decode()  # fmt: skip
    theirs = {}
    for line in peer.splitlines():
        path, _, decisions = line.partition("\t")
        theirs[path] = dict(d.split("=") for d in decisions.split())
    # The contract files themselves are protected by ownership; the peer knows nothing of that.
    compared = [e for e in ours if not any(a["access"] == "protected" for a in e["agents"])]
    differ = [e["path"] for e in compared if {a["agent"]: a["access"] for a in e["agents"]} != theirs.get(e["path"])]
    if differ:
        raise SystemExit(f"the naive peer decides differently for {len(differ)} paths, e.g. {differ[:3]}")
    return len(compared)


def bench(sizes: list[int], runs: int, heavy_runs: int, work: Path, given: str | None) -> list[Timing]:
    python, ownership = toolchain(work, given)
    has_guard = guard_available(ownership)
    rows: list[Timing] = []
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for size in sizes:
        print(f"repository of {size} files", flush=True)
        repo = make_repo(work, size)
        paths = subprocess.run(["git", "ls-files", "-z"], cwd=repo, capture_output=True, check=True).stdout
        if size == min(sizes):
            print(f"  decisions agree with the naive pathspec peer on {compare_decisions(repo, python, ownership, paths)} paths")
        staged = repo / file_paths(size)[0]
        staged.write_text(staged.read_text() + "staged\n")
        subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
        rows.append(measure("floor: python -c 'import click'", size, None, [python, "-c", "import click"], repo, runs, env=env))
        rows.append(measure("floor: git diff --cached --name-status -z", size, None,
                            ["git", "diff", "--cached", "--name-status", "-z"], repo, runs, env=env))  # fmt: skip
        rows.append(measure("floor: git ls-files -z", size, None, ["git", "ls-files", "-z"], repo, runs, env=env))
        for agents in (4, 30):
            contract = ["--contract", f"contract{agents}.yaml"]
            rows.append(measure("check --staged (one staged file)", size, agents,
                                [ownership, *contract, "check", "--staged", "--agent", "agent0"], repo, runs, env=env))  # fmt: skip
            if has_guard:
                payload = json.dumps({
                    "hook_event_name": "PreToolUse", "cwd": str(repo), "session_id": "bench",
                    "tool_name": "Write", "tool_use_id": "t1", "agent_type": "agent0",
                    "tool_input": {"file_path": str(repo / "services/svc0/src/new.py"), "content": "x"},
                }).encode()  # fmt: skip
                guard_env = dict(env, OWNERSHIP_CONTRACT=f"contract{agents}.yaml")
                rows.append(measure("guard (one Write payload)", size, agents, [ownership, "guard"], repo, runs,
                                    data=payload, env=guard_env))  # fmt: skip
        big = [*["--contract", "contract30.yaml"]]
        rows.append(measure("lint", size, 30, [ownership, *big, "lint"], repo, heavy_runs, env=env))
        rows.append(measure("explain --stdin -z (all paths, all agents)", size, 30,
                            [ownership, *big, "explain", "--stdin", "-z"], repo, heavy_runs, data=paths, env=env))  # fmt: skip
        rows.append(measure("peer: pathspec GitIgnoreSpec loop", size, 30,
                            [python, str(HERE / "peer_pathspec.py"), "contract30.yaml"], repo, heavy_runs, data=paths, env=env))  # fmt: skip
        rows.append(measure("peer: codeowners library", size, 30,
                            [python, str(HERE / "peer_codeowners.py"), "CODEOWNERS"], repo, heavy_runs, data=paths, env=env))  # fmt: skip
        subprocess.run(["git", "reset", "-q"], cwd=repo, check=True)
        subprocess.run(["git", "checkout", "-q", "--", "."], cwd=repo, check=True)
        for changed in sorted({min(10_000, size), size}):
            rng = make_bulk_commit(repo, changed)
            rows.append(measure(f"check --range (one commit, {changed} files)", size, 30,
                                [ownership, *big, "check", "--range", rng], repo, heavy_runs, env=env))  # fmt: skip
    return rows


def find(rows, name, size, agents=None):
    for row in rows:
        if row.name.startswith(name) and row.size == size and (agents is None or row.agents == agents):
            return row
    return None


def table(rows: list[Timing]) -> str:
    lines = [
        "| what | files | agents | median | min | max | max RSS | ratio |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        ratio = ""
        floor_click = find(rows, "floor: python", row.size)
        floor_diff = find(rows, "floor: git diff", row.size)
        if row.name.startswith(("check --staged", "guard")):
            floor = floor_click.median + floor_diff.median
            ratio = f"{row.median / floor:.2f}× the floor (import click + git diff)"
        elif row.name.startswith("peer"):
            ours = find(rows, "lint", row.size, 30)
            explain = find(rows, "explain", row.size, 30)
            ratio = f"peer / lint {row.median / ours.median:.1f}×, peer / explain {row.median / explain.median:.1f}×"
        elif row.name.startswith(("lint", "explain")):
            ratio = f"{row.median / find(rows, 'floor: git ls-files', row.size).median:.1f}× git ls-files"
        lines.append(
            f"| {row.name} | {row.size} | {row.agents or ''} | {row.median * 1000:.1f} ms | {min(row.times) * 1000:.1f} ms | "
            f"{max(row.times) * 1000:.1f} ms | {row.rss_mb:.1f} MB | {ratio} |"
        )
    return "\n".join(lines)


def targets(rows: list[Timing]) -> str:
    """Each target of the performance issue, met or missed, with the measured numbers."""
    size = max(r.size for r in rows)
    lines = [f"Targets, on the {size}-file repository:", ""]

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    floor = find(rows, "floor: python", size).median + find(rows, "floor: git diff", size).median
    click_floor = find(rows, "floor: python", size).median
    for name in ("check --staged", "guard"):
        row = find(rows, name, size, 30)
        if row:
            ratio = row.median / floor
            lines.append(f"- {name}: {row.median * 1000:.1f} ms = {ratio:.2f}× (import click + git diff floor), "
                         f"{row.median / click_floor:.2f}× import click alone; target ≤ 1.5×: {verdict(ratio <= 1.5)}")  # fmt: skip
    naive, codeowners = find(rows, "peer: pathspec", size), find(rows, "peer: codeowners", size)
    for name in ("lint", "explain"):
        row = find(rows, name, size, 30)
        ok = naive.median / row.median >= 10 and codeowners.median / row.median >= 3 and row.median < 1.5
        lines.append(f"- {name}: {row.median * 1000:.0f} ms; naive peer {naive.median / row.median:.1f}× slower "
                     f"(target ≥ 10), codeowners {codeowners.median / row.median:.1f}× slower (target ≥ 3), "
                     f"under 1.5 s: {verdict(ok)}")  # fmt: skip
    big = find(rows, f"check --range (one commit, {size} files)", size)
    if big:
        lines.append(f"- check --range of a {size}-file commit: {big.median * 1000:.0f} ms; target < 2 s: "
                     f"{verdict(big.median < 2)}")  # fmt: skip
    lint = find(rows, "lint", size, 30)
    lines.append(f"- peak memory of lint: {lint.rss_mb:.0f} MB; target < 200 MB: {verdict(lint.rss_mb < 200)}")
    return "\n".join(lines)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    gitv = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip()
    return f"{os.cpu_count()} cores, {cpu}; {platform.system()} {platform.release()}; Python {platform.python_version()}; {gitv}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=15, help="timed runs of the fast commands")
    parser.add_argument("--heavy-runs", type=int, default=5, help="timed runs of the whole-repository commands")
    parser.add_argument("--work", default=str(HERE / ".work"))
    parser.add_argument("--ownership", help="the ownership command to time (default: a fresh regular install)")
    parser.add_argument("--output", help="write the results here (bench/RESULTS.md in make bench)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    rows = bench(sizes, args.runs, args.heavy_runs, work, args.ownership)
    report = table(rows) + "\n\n" + targets(rows)
    print()
    print(report)
    if args.output:
        Path(args.output).write_text(
            "# Benchmark results\n\n"
            f"Machine: {machine()}.\n\nMeasured by `make bench` on {time.strftime('%Y-%m-%d')}: "
            f"medians of {args.runs} runs (fast commands) or {args.heavy_runs} runs (whole-repository commands) "
            "after one warm-up; max RSS is the largest of those runs.\n\n" + report + "\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
