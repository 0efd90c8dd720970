"""Benchmark: reading the seed as Markdown, .docx and .pdf (the reader alone, `read(path)`).

The .docx and .pdf are made from the bundled Markdown by the test fixture builders
(tests/docbuilders.py; the PDF printed by headless Chromium). Each reader runs N times in this
process; min/median/max go to BENCHMARKS.md between the `read-formats` markers.
Target (issue 14): under 2 s each for .docx and .pdf.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from report import commit, machine, write_block

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from docbuilders import from_markdown, print_pdf, to_html, write_docx  # noqa: E402

from wcokg.loaders.readers import read  # noqa: E402

SEED = ROOT / "data" / "sources" / "ptc-work-programme-2022-2025.md"
TARGET_SECONDS = 2.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    lines = []
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder:
        description = from_markdown(SEED.read_text(encoding="utf-8"))
        files = {
            "Markdown": SEED,
            ".docx": write_docx(description, Path(folder) / "seed.docx"),
            ".pdf": print_pdf(to_html(description), Path(folder) / "seed.pdf"),
        }
        for name, path in files.items():
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                document = read(path)
                times.append(time.perf_counter() - start)
            low, median, high = min(times), statistics.median(times), max(times)
            verdict = (
                ""
                if name == "Markdown"
                else (
                    f" (target < {TARGET_SECONDS:.0f} s: {'met' if median < TARGET_SECONDS else 'NOT met'})"
                )
            )
            lines.append(
                f"- {name} ({path.stat().st_size // 1024} KiB, {len(document.rows)} rows): "
                f"min {low:.2f} s, median {median:.2f} s, max {high:.2f} s{verdict}"
            )
    section = (
        "## Reading the seed per format (`read(path)`, reader only)\n\n"
        + "\n".join(lines)
        + f"\n- machine: {machine()}, shared with other engineers' jobs while measured "
        f"(load average {load:.1f} at the start)\n"
        f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}, commit {commit()}\n"
        "- command: `.venv/bin/python benchmarks/read_formats.py`"
    )
    print(section)
    write_block("read-formats", section)


if __name__ == "__main__":
    main()
