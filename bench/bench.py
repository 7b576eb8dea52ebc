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
from generate import file_paths, make_bulk_commit, make_many_commits, make_repo  # noqa: E402

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
    printed: int | None = None  # bytes on stdout, when counted
    timed_out: bool = False  # the run was killed at the timeout: `times` holds the timeout

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    def shown(self) -> str:
        return f"timeout (killed at {self.times[0]:.0f} s)" if self.timed_out else f"{self.median * 1000:.1f} ms"


@dataclass
class Run:
    seconds: float
    rss_mb: float
    exit: int
    printed: int
    timed_out: bool


def run_once(cmd: list[str], cwd: Path, data: bytes | None, env: dict, timeout: float = 0, count: bool = False) -> Run:
    """One run, measured by bench/launch.py around the command alone (see there)."""
    result = cwd.parent / f".launch-{os.getpid()}"
    subprocess.run(
        [sys.executable, str(HERE / "launch.py"), str(result), str(timeout), str(int(count)), *cmd], cwd=cwd, env=env,
        input=data, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
    )  # fmt: skip
    elapsed, rss_kb, code, printed, timed_out = result.read_text().split()
    result.unlink()
    return Run(float(elapsed), int(rss_kb) / 1024, int(code), int(printed), timed_out == "1")


def measure(name, size, agents, cmd, cwd, runs, data=None, env=None, timeout=0, count=False) -> Timing:
    """Median of `runs` runs after a warm-up; a warm-up that times out is the only run, reported as such."""
    env = env or os.environ.copy()
    warm = run_once(cmd, cwd, data, env, timeout, count)  # warm-up: page cache, .pyc, the contract cache
    results = [warm] if warm.timed_out else [run_once(cmd, cwd, data, env, timeout, count) for _ in range(runs)]
    timed_out = any(r.timed_out for r in results)
    times = [timeout] if timed_out else [r.seconds for r in results]
    timing = Timing(name, size, agents, times, max(r.rss_mb for r in results), results[-1].exit,
                    results[-1].printed if count else None, timed_out)  # fmt: skip
    printed = f"  out {timing.printed / 1e6:8.1f} MB" if count else ""
    print(f"  {name:<44} {size:>7} files {agents or '-':>3} agents  {timing.shown():>12}  "
          f"rss {timing.rss_mb:6.1f} MB  exit {timing.exit}{printed}", flush=True)  # fmt: skip
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


CASES = ("core", "explain", "range", "worst-case", "billion-laughs")

# Backtracking-prone patterns, each with a 300-character path chosen to make a naive matcher try every split.
WORST_CASES = [
    ("*_*_*_*_*.lock", "_" * 300),
    ("**/*a*a*a*a*a*b", "a" * 300),
    ("a/**/**/**/**/b*c", "a/" + "b/" * 148 + "bb"),
]

# A contract of eleven lines whose aliases expand to 9**6 (531,441) strings where a setting should be.
BILLION_LAUGHS = """version: 1
l0: &l0 "lollollollollollollollollollollollollollollollollollollollollollollollollollollollollollol"
l1: &l1 [*l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0]
l2: &l2 [*l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1]
l3: &l3 [*l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2]
l4: &l4 [*l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3]
l5: &l5 [*l4, *l4, *l4, *l4, *l4, *l4, *l4, *l4, *l4]
l6: &l6 [*l5, *l5, *l5, *l5, *l5, *l5, *l5, *l5, *l5]
unlisted: *l6
root: *l6
agents: {laughs: {owns: ['**']}}
"""


def bench(
    sizes: list[int], runs: int, heavy_runs: int, work: Path, given: str | None, only: set[str], timeout: float
) -> list[Timing]:
    python, ownership = toolchain(work, given)
    rows: list[Timing] = []
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if only & {"core", "explain", "range"}:
        for size in sizes:
            print(f"repository of {size} files", flush=True)
            repo = make_repo(work, size)
            paths = subprocess.run(["git", "ls-files", "-z"], cwd=repo, capture_output=True, check=True).stdout
            if "core" in only:
                rows += core(repo, size, size == min(sizes), paths, python, ownership, runs, heavy_runs, env)
            if "explain" in only and size == max(sizes):
                rows += explain_formats(repo, size, paths, ownership, heavy_runs, env)
            if "range" in only:
                rows += ranges(repo, size, ownership, heavy_runs, env)
    if "worst-case" in only:
        rows += worst_case(work, ownership, heavy_runs, env, timeout)
    if "billion-laughs" in only:
        rows += billion_laughs(work, ownership, heavy_runs, env, timeout)
    return rows


def core(repo, size, first, paths, python, ownership, runs, heavy_runs, env) -> list[Timing]:
    """The hook path (check --staged, guard) against its floors, and whole-repository commands against peers."""
    rows = []
    if first:
        print(
            f"  decisions agree with the naive pathspec peer on {compare_decisions(repo, python, ownership, paths)} paths"
        )
    has_guard = guard_available(ownership)
    staged = repo / file_paths(size)[0]
    staged.write_text(staged.read_text() + "staged\n")
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    rows.append(
        measure("floor: python -c 'import click'", size, None, [python, "-c", "import click"], repo, runs, env=env)
    )
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
    big = ["--contract", "contract30.yaml"]
    rows.append(measure("lint", size, 30, [ownership, *big, "lint"], repo, heavy_runs, env=env))
    rows.append(measure("explain --stdin -z (all paths, all agents)", size, 30,
                        [ownership, *big, "explain", "--stdin", "-z"], repo, heavy_runs, data=paths, env=env))  # fmt: skip
    rows.append(measure("peer: pathspec GitIgnoreSpec loop", size, 30,
                        [python, str(HERE / "peer_pathspec.py"), "contract30.yaml"], repo, heavy_runs, data=paths, env=env))  # fmt: skip
    rows.append(measure("peer: codeowners library", size, 30,
                        [python, str(HERE / "peer_codeowners.py"), "CODEOWNERS"], repo, heavy_runs, data=paths, env=env))  # fmt: skip
    subprocess.run(["git", "reset", "-q"], cwd=repo, check=True)
    subprocess.run(["git", "checkout", "-q", "--", "."], cwd=repo, check=True)
    return rows


def explain_formats(repo, size, paths, ownership, runs, env) -> list[Timing]:
    """explain over every path for 30 agents in each format, its output read through a pipe and counted."""
    return [
        measure(f"explain --format {fmt} (piped, counted)", size, 30,
                [ownership, "--contract", "contract30.yaml", "explain", "--stdin", "-z", "--format", fmt], repo, runs,
                data=paths, env=env, timeout=120, count=True)
        for fmt in ("text", "json", "jsonl")
    ]  # fmt: skip


def ranges(repo, size, ownership, runs, env) -> list[Timing]:
    """check --range over many small commits, and over one commit that rewrites many files out of lane."""
    big = ["--contract", "contract30.yaml"]
    many = make_many_commits(repo, 1000)
    rows = [measure("check --range (1000 small commits)", size, 30, [ownership, *big, "check", "--range", many], repo,
                    runs, env=env, timeout=120)]  # fmt: skip
    for changed in sorted({min(10_000, size), size}):
        rng = make_bulk_commit(repo, changed)
        rows.append(measure(f"check --range (one commit, {changed} files)", size, 30,
                            [ownership, *big, "check", "--range", rng], repo, runs, env=env, timeout=120))  # fmt: skip
        summary = subprocess.run([ownership, *big, "check", "--range", rng], cwd=repo, capture_output=True, text=True)
        print(f"    {summary.stdout.splitlines()[-1][:100]}")
    return rows


def tiny_repo(work: Path, name: str, contract: str) -> Path:
    """A repository holding only an ownership.yaml, committed."""
    repo = work / name
    if repo.exists():
        subprocess.run(["rm", "-rf", str(repo)], check=True)
    repo.mkdir(parents=True)
    (repo / "ownership.yaml").write_text(contract)
    for args in (
        ["init", "-q", "-b", "main"],
        ["add", "-A"],
        ["-c", "user.name=Bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", "contract"],
    ):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)  # fmt: skip
    return repo


def worst_case(work: Path, ownership: str, runs: int, env: dict, timeout: float) -> list[Timing]:
    """can-write for one 300-character path against each backtracking-prone pattern, killed at the timeout."""
    rows = []
    print(f"worst-case globs (timeout {timeout:g} s)", flush=True)
    for number, (pattern, path) in enumerate(WORST_CASES):
        contract = f"version: 1\nagents:\n  x:\n    owns: ['**']\n    cannot_touch: ['{pattern}']\n"
        repo = tiny_repo(work, f"worst-{number}", contract)
        rows.append(measure(f"can-write, cannot_touch {pattern}", 1, 1, [ownership, "can-write", "--agent", "x", path],
                            repo, runs, env=env, timeout=timeout))  # fmt: skip
    return rows


def billion_laughs(work: Path, ownership: str, runs: int, env: dict, timeout: float) -> list[Timing]:
    """lint of an eleven-line contract whose YAML aliases expand to half a million strings, killed at the timeout."""
    print(f"billion laughs (timeout {timeout:g} s)", flush=True)
    repo = tiny_repo(work, "laughs", BILLION_LAUGHS)
    return [measure("lint, billion-laughs ownership.yaml", 0, 1, [ownership, "lint"], repo, runs, env=env,
                    timeout=timeout, count=True)]  # fmt: skip


def find(rows, name, size=None, agents=None):
    for row in rows:
        if (
            row.name.startswith(name)
            and (size is None or row.size == size)
            and (agents is None or row.agents == agents)
        ):
            return row
    return None


def note(rows: list[Timing], row: Timing) -> str:
    """The last column: a ratio to a floor or a peer, or what the run printed."""
    floor_click = find(rows, "floor: python", row.size)
    floor_diff = find(rows, "floor: git diff", row.size)
    floor_ls = find(rows, "floor: git ls-files", row.size)
    if row.printed is not None:
        return f"printed {row.printed / 1e6:.1f} MB (stdout and stderr)"
    if row.name.startswith(("check --staged", "guard")) and floor_click and floor_diff:
        return f"{row.median / (floor_click.median + floor_diff.median):.2f}× the floor (import click + git diff)"
    if row.name.startswith("peer"):
        ours, explain = find(rows, "lint", row.size, 30), find(rows, "explain --stdin", row.size, 30)
        return f"peer / lint {row.median / ours.median:.1f}×, peer / explain {row.median / explain.median:.1f}×"
    if row.name.startswith(("lint", "explain --stdin")) and floor_ls:
        return f"{row.median / floor_ls.median:.1f}× git ls-files"
    return ""


def table(rows: list[Timing]) -> str:
    lines = [
        "| what | files | agents | median | min | max | max RSS | ratio or output |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        low, high = (row.shown(), row.shown()) if row.timed_out else (
            f"{min(row.times) * 1000:.1f} ms", f"{max(row.times) * 1000:.1f} ms")  # fmt: skip
        notes = [n for n in (note(rows, row), f"exit {row.exit}" if row.exit and not row.timed_out else "") if n]
        lines.append(
            f"| {row.name} | {row.size} | {row.agents or ''} | {row.shown()} | {low} | {high} | {row.rss_mb:.1f} MB | "
            f"{'; '.join(notes)} |"
        )
    return "\n".join(lines)


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def targets(rows: list[Timing]) -> str:
    """Each target of the performance issues, met or missed, with the measured numbers."""
    size = max((r.size for r in rows if r.size > 1), default=0)
    lines = [f"Targets (on the {size}-file repository where a repository is involved):" if size else "Targets:", ""]
    click_row, diff_row = find(rows, "floor: python", size), find(rows, "floor: git diff", size)
    for name in ("check --staged", "guard"):
        row = find(rows, name, size, 30)
        if row and click_row and diff_row:
            ratio = row.median / (click_row.median + diff_row.median)
            lines.append(f"- {name}: {row.median * 1000:.1f} ms = {ratio:.2f}× (import click + git diff floor), "
                         f"{row.median / click_row.median:.2f}× import click alone; target ≤ 1.5×: {verdict(ratio <= 1.5)}")  # fmt: skip
    naive, codeowners = find(rows, "peer: pathspec", size), find(rows, "peer: codeowners", size)
    for name in ("lint", "explain --stdin"):
        row = find(rows, name, size, 30)
        if row and naive and codeowners:
            ok = naive.median / row.median >= 10 and codeowners.median / row.median >= 3 and row.median < 1.5
            lines.append(f"- {name}: {row.median * 1000:.0f} ms; naive peer {naive.median / row.median:.1f}× slower "
                         f"(target ≥ 10), codeowners {codeowners.median / row.median:.1f}× slower (target ≥ 3), "
                         f"under 1.5 s: {verdict(ok)}")  # fmt: skip
    lint = find(rows, "lint", size, 30)
    if lint:
        lines.append(f"- peak memory of lint: {lint.rss_mb:.0f} MB; target < 200 MB: {verdict(lint.rss_mb < 200)}")
    text = find(rows, "explain --format text", size)
    for fmt in ("json", "jsonl"):
        row = find(rows, f"explain --format {fmt} ", size)
        if row and text:
            ratio = row.median / text.median
            ok = not row.timed_out and row.exit == text.exit == 0 and ratio <= 3
            lines.append(f"- explain --format {fmt}: {row.shown()}, {row.printed / 1e6:.1f} MB printed; text "
                         f"{text.shown()}, {text.printed / 1e6:.1f} MB; {ratio:.2f}× text, target ≤ 3× (and exit 0): "
                         f"{verdict(ok)}")  # fmt: skip
    many = find(rows, "check --range (1000 small commits)", size)
    if many:
        lines.append(f"- check --range over 1000 small commits: {many.shown()}; target < 3 s: "
                     f"{verdict(not many.timed_out and many.median < 3)}")  # fmt: skip
    big = find(rows, f"check --range (one commit, {size} files)", size)
    if big:
        ok = not big.timed_out and big.median < 2 and big.rss_mb < 200
        lines.append(f"- check --range of a {size}-file commit out of lane: {big.shown()}, peak {big.rss_mb:.0f} MB; "
                     f"target < 2 s and < 200 MB: {verdict(ok)}")  # fmt: skip
    worst = [r for r in rows if r.name.startswith("can-write, cannot_touch")]
    if worst:
        slowest = max(worst, key=lambda r: r.median)
        lines.append(f"- worst-case glob (can-write, 300-character path): worst {slowest.shown()} for "
                     f"`{slowest.name.split()[-1]}`; target < 1 s: {verdict(not slowest.timed_out and slowest.median < 1)}")  # fmt: skip
    laughs = find(rows, "lint, billion-laughs")
    if laughs:
        ok = not laughs.timed_out and laughs.median < 1 and laughs.printed < 1e6
        lines.append(f"- lint of the billion-laughs contract: {laughs.shown()}, {laughs.printed / 1e6:.1f} MB printed, "
                     f"exit {laughs.exit}; target < 1 s, under 1 MB of output: {verdict(ok)}")  # fmt: skip
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
    parser.add_argument("--only", default=",".join(CASES),
                        help=f"comma-separated cases to run, of {', '.join(CASES)} (default: all)")  # fmt: skip
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="seconds after which a worst-case or billion-laughs run is killed and reported as timeout")  # fmt: skip
    args = parser.parse_args(argv)
    only = set(args.only.split(","))
    if not only <= set(CASES):
        parser.error(f"--only: unknown case(s) {', '.join(sorted(only - set(CASES)))}; choose from {', '.join(CASES)}")
    sizes = [int(s) for s in args.sizes.split(",")]
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()[0]
    rows = bench(sizes, args.runs, args.heavy_runs, work, args.ownership, only, args.timeout)
    load = f"load average {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end (other processes count)"
    report = table(rows) + "\n\n" + targets(rows)
    print()
    print(report)
    print(f"\n{load}")
    if args.output:
        Path(args.output).write_text(
            "# Benchmark results\n\n"
            f"Machine: {machine()}.\n\nMeasured by `make bench` on {time.strftime('%Y-%m-%d')}: "
            f"medians of {args.runs} runs (fast commands) or {args.heavy_runs} runs (whole-repository commands) "
            f"after one warm-up; max RSS is the largest of those runs; {load}.\n\n" + report + "\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
