"""The benchmark command (issue 14) starts: `python -m benchmarks --help` says how to run it, and an unknown
contender to leave out is refused before anything starts. What it measures is never asserted (benchmarks/)."""

import subprocess
import sys

from conftest import PROJECT


def benchmarks(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "benchmarks", *arguments], cwd=PROJECT, capture_output=True,
                          text=True, timeout=60)


def test_the_benchmark_command_says_how_to_run_it():
    done = benchmarks("--help")
    assert done.returncode == 0, done.stderr
    for option in ("--practices", "--rounds", "--duration", "--graph-dir", "--build-dir", "--out"):
        assert option in done.stdout


def test_an_unknown_contender_is_refused_before_anything_starts():
    done = benchmarks("--skip", "virtuoso", "--build-dir", "/nonexistent")
    assert done.returncode == 2
    assert "--skip" in done.stderr and "virtuoso" in done.stderr
