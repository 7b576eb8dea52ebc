"""The benchmark runs end to end at its smallest size, so it cannot rot. Timings are not asserted."""

from __future__ import annotations

import sys
from pathlib import Path

TOP = Path(__file__).resolve().parents[1]


def test_benchmark_runs_at_its_smallest_size(tmp_path, capsys) -> None:
    sys.path.insert(0, str(TOP / "bench"))
    try:
        import bench
    finally:
        sys.path.remove(str(TOP / "bench"))
    output = tmp_path / "RESULTS.md"
    ownership = str(Path(sys.executable).with_name("ownership"))
    code = bench.main(["--sizes", "1000", "--runs", "1", "--heavy-runs", "1", "--work", str(tmp_path / "work"),
                       "--ownership", ownership, "--output", str(output)])  # fmt: skip
    assert code == 0
    printed = capsys.readouterr().out
    assert "decisions agree with the naive pathspec peer on 1002 paths" in printed
    report = output.read_text()
    assert report.startswith("# Benchmark results\n\nMachine: ")
    assert "Targets, on the 1000-file repository:" in report
    for row in (
        "| floor: python -c 'import click' | 1000 |",
        "| check --staged (one staged file) | 1000 | 4 |",
        "| check --staged (one staged file) | 1000 | 30 |",
        "| guard (one Write payload) | 1000 | 30 |",
        "| lint | 1000 | 30 |",
        "| explain --stdin -z (all paths, all agents) | 1000 | 30 |",
        "| peer: pathspec GitIgnoreSpec loop | 1000 | 30 |",
        "| peer: codeowners library | 1000 | 30 |",
        "| check --range (one commit, 1000 files) | 1000 | 30 |",
    ):
        assert row in report, row
