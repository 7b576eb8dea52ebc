"""The benchmark runs end to end at its smallest size, so it cannot rot. Timings are not asserted."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.support import TOP


def load_bench():
    sys.path.insert(0, str(TOP / "bench"))
    try:
        import bench
    finally:
        sys.path.remove(str(TOP / "bench"))
    return bench


def test_benchmark_runs_at_its_smallest_size(tmp_path, capsys) -> None:
    bench = load_bench()
    output = tmp_path / "RESULTS.md"
    ownership = str(Path(sys.executable).with_name("ownership"))
    code = bench.main(["--sizes", "1000", "--runs", "1", "--heavy-runs", "1", "--work", str(tmp_path / "work"),
                       "--ownership", ownership, "--output", str(output), "--only", "core,explain,range"])  # fmt: skip
    assert code == 0
    printed = capsys.readouterr().out
    assert "decisions agree with the naive pathspec peer on 1002 paths" in printed
    report = output.read_text()
    assert report.startswith("# Benchmark results\n\nMachine: ")
    assert "Targets (on the 1000-file repository where a repository is involved):" in report
    for row in (
        "| floor: python -c 'import click' | 1000 |",
        "| check --staged (one staged file) | 1000 | 4 |",
        "| check --staged (one staged file) | 1000 | 30 |",
        "| guard (one Write payload) | 1000 | 30 |",
        "| lint | 1000 | 30 |",
        "| explain --stdin -z (all paths, all agents) | 1000 | 30 |",
        "| explain --format text (piped, counted) | 1000 | 30 |",
        "| explain --format json (piped, counted) | 1000 | 30 |",
        "| explain --format jsonl (piped, counted) | 1000 | 30 |",
        "| peer: pathspec GitIgnoreSpec loop | 1000 | 30 |",
        "| peer: codeowners library | 1000 | 30 |",
        "| check --range (1000 small commits) | 1000 | 30 |",
        "| check --range (one commit, 1000 files) | 1000 | 30 |",
    ):
        assert row in report, row
    for target in ("- explain --format json: ", "- explain --format jsonl: ", "- check --range over 1000 small commits: ",
                   "- check --range of a 1000-file commit out of lane: "):  # fmt: skip
        assert target in report, target


def test_pathological_cases_are_killed_at_the_timeout_and_reported(tmp_path, capsys) -> None:
    """Worst-case globs and the billion-laughs contract run alone; a run past --timeout is reported, never awaited."""
    bench = load_bench()
    ownership = str(Path(sys.executable).with_name("ownership"))
    code = bench.main(["--heavy-runs", "1", "--work", str(tmp_path / "work"), "--ownership", ownership,
                       "--only", "worst-case,billion-laughs", "--timeout", "1"])  # fmt: skip
    assert code == 0
    printed = capsys.readouterr().out
    assert "repository of" not in printed  # no generated repository: these cases need none
    for pattern, _ in bench.WORST_CASES:
        assert f"| can-write, cannot_touch {pattern} | 1 | 1 | " in printed
    assert "| lint, billion-laughs ownership.yaml | 0 | 1 | " in printed
    assert "- worst-case glob (can-write, 300-character path): worst " in printed
    assert "- lint of the billion-laughs contract: " in printed


def test_the_guard_call_benchmark_runs_and_its_own_calls_pass_the_guard(tmp_path, capsys) -> None:
    """bench/guard_call.py at its smallest: it stops if the guard denies, mis-wraps or reports its in-lane calls."""
    sys.path.insert(0, str(TOP / "bench"))
    try:
        import guard_call
    finally:
        sys.path.remove(str(TOP / "bench"))
    assert guard_call.main(["--runs", "1", "--sizes", "300", "--work", str(tmp_path), "--markdown"]) == 0
    rows = [line.split(" | ")[0] for line in capsys.readouterr().out.splitlines() if line.startswith("| ")]
    assert rows[1:] == [
        *([f"| Bash, Landlock ABI {guard_call.landlock()} + reading + audit"] if guard_call.landlock() else []),
        "| Bash, reading + audit",
        "| Write",
    ]
