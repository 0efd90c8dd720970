"""Benchmark: `wcokg build` on the bundled seed, end to end as a user runs it.

Runs the command N times in fresh processes (each into its own temporary store), prints
min/median/max wall time and writes them, with the machine, date and commit, to BENCHMARKS.md
between the `build-seed` markers. Target (issue 2): under 5 s on this machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from report import commit, machine, write_block

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 5.0


def run_once() -> float:
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "WCOKG_STORE": str(Path(folder) / "store")}
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "wcokg.cli", "build", "--quiet"],
            env=env,
            check=True,
            capture_output=True,
        )
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    times = [run_once() for _ in range(args.runs)]
    low, median, high = min(times), statistics.median(times), max(times)
    verdict = "met" if median < TARGET_SECONDS else "NOT met"
    section = (
        "## Seed build (`wcokg build`, whole process: start-up, load, link, store)\n\n"
        f"- {args.runs} runs: min {low:.2f} s, median {median:.2f} s, max {high:.2f} s "
        f"(target < {TARGET_SECONDS:.0f} s: {verdict})\n"
        f"- machine: {machine()}\n"
        f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}, commit {commit()}\n"
        "- command: `.venv/bin/python benchmarks/build_seed.py`"
    )
    print(section)
    write_block("build-seed", section)


if __name__ == "__main__":
    main()
