"""Revisions benchmark (issue 15): build N synthetic revisions of the seed, time `wcokg diff` of
two revisions and the named queries on the current view, report peak memory; append the result to
BENCHMARKS.md.

    .venv/bin/python benchmarks/revisions.py [--revisions 20] [--runs 5] [--no-record]

The revisions are made as the tests make them (tests/revision_edits.py), each from the seed: a new
document code, new progress text for three activities, a priority changed, every fifth one a row
struck out (later rows renumbered) and every seventh one a row inserted; consecutive revisions
therefore differ by two such sets of edits.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the one generator of synthetic revisions

from revision_edits import parse, revise, single_line  # noqa: E402

from wcokg.build import build_graph, bundled_sources  # noqa: E402
from wcokg.history import diff_store  # noqa: E402
from wcokg.namespaces import Minter  # noqa: E402
from wcokg.registry import registry  # noqa: E402
from wcokg.store import EmbeddedStore  # noqa: E402
from wcokg.store.convert import oxigraph_copy  # noqa: E402

NEW_ROW = [
    "B", "Y", "Develop guidance on a topic added by revision {n}", "SP1", "Development",
    "PTC, Council", "One officer of the Facilitation Sub-Directorate", "Guidance endorsed",
    "June 2025 (PTC)", "Not started.", "",
]  # fmt: skip


def synthetic_revisions(folder: Path, count: int) -> list[Path]:
    """The seed and `count - 1` later revisions, each a different set of edits of the seed."""
    seed = next(p for p in bundled_sources() if p.suffix == ".md")
    paths = [seed]
    text = seed.read_text(encoding="utf-8")
    programme = parse(text)
    for n in range(1, count):
        rows = single_line(programme, "I") + single_line(programme, "II")
        edits = {
            rows[(n * 7 + k) % len(rows)].id: {"progress": f"In progress. Step {n}.{k} done."}
            for k in range(3)
        }
        target = rows[(n * 11) % len(rows)]
        edits.setdefault(target.id, {})["priority"] = "A" if target.priority != "A" else "B"
        strike = (rows[(n * 13) % len(rows)].id,) if n % 5 == 0 else ()
        insert = (
            {rows[(n * 3) % len(rows)].id: [c.format(n=n) for c in NEW_ROW]} if n % 7 == 0 else {}
        )
        later = revise(text, f"PC{756 + n:04d}", cells=edits, strike=strike, insert_after=insert)
        path = folder / f"revision-{n:02d}.md"
        path.write_text(later.text, encoding="utf-8")
        paths.append(path)
    return paths


def timed(func: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return times


def query_times(store: EmbeddedStore, runs: int) -> dict[str, float]:
    """Median seconds of every named query (example parameters) on the current view."""
    result = {}
    for name, named in registry().items():
        values = named.example_values()
        result[name] = statistics.median(timed(lambda n=named, v=values: n.run(store, v), runs))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--revisions", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = synthetic_revisions(folder, args.revisions)
        seed_store = EmbeddedStore(folder / "seed")
        seed_report = build_graph(paths[:1], Minter())
        seed_store.replace(seed_report.graph, named_graphs=seed_report.named_graphs)

        start, cpu = time.perf_counter(), time.process_time()
        report = build_graph(paths, Minter())
        built, built_cpu = time.perf_counter() - start, time.process_time() - cpu
        store = EmbeddedStore(folder / "store")
        start = time.perf_counter()
        # As `wcokg build` does: the default graph added to the build's pyoxigraph copy.
        copy = oxigraph_copy(report.graph, into=report.copy)
        store.replace(report.graph, copy, report.named_graphs)
        stored = time.perf_counter() - start
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        quads = len(copy)

        env = {**os.environ, "WCOKG_STORE": str(folder / "cli")}
        cli = [sys.executable, "-m", "wcokg.cli"]
        start, children = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([*cli, "build", "-q", *map(str, paths)], env=env, check=True,
                       capture_output=True)  # fmt: skip
        cli_build = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cli_cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime

        diff_store(store)  # first call parses the named queries
        diffs = timed(lambda: diff_store(store), args.runs)
        changes = len(diff_store(store))
        start = time.perf_counter()
        subprocess.run([*cli, "diff", "--format", "csv"], env=env, check=True, capture_output=True)
        cli_diff = time.perf_counter() - start

        on_seed = query_times(seed_store, args.runs)
        on_revisions = query_times(store, args.runs)

    lines = [
        "",
        f"## Revisions (`benchmarks/revisions.py`, issue 15) — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Machine: {os.cpu_count()} cores ({platform.machine()}), Python {platform.python_version()}; "
        f"load average {os.getloadavg()[0]:.2f} at the end of the run (above the core count: "
        "the times are upper bounds).",
        "",
        "| measure | result | target |",
        "|---|---|---|",
        f"| build {args.revisions} revisions of the seed (in-process: read, match, RDF, history) | "
        f"{built:.1f} s wall, {built_cpu:.1f} s CPU (+ {stored:.1f} s to store {quads} quads) "
        "| < 30 s |",
        f"| `wcokg build` of the {args.revisions} revisions (whole process, with validation and store) | "
        f"{cli_build:.1f} s wall, {cli_cpu:.1f} s CPU | < 30 s |",
        f"| diff of the last two revisions (`wcokg.history.diff_store`, median of {args.runs}; "
        f"{changes} changes) | {statistics.median(diffs) * 1000:.0f} ms | < 300 ms |",
        f"| `wcokg diff --format csv` (whole process, start-up included) | {cli_diff * 1000:.0f} ms | – |",
        f"| peak memory of the benchmark process (build and store of {args.revisions} revisions) | "
        f"{peak_mb:.0f} MB | reported |",
        "",
        "Named queries on the current view (median of "
        f"{args.runs}, example parameters, embedded store on disk, uncached):",
        "",
        f"| query | seed only | seed + {args.revisions - 1} later revisions |",
        "|---|---|---|",
    ]
    for name in on_seed:
        lines.append(
            f"| `{name}` | {on_seed[name] * 1000:.1f} ms | {on_revisions[name] * 1000:.1f} ms |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_record:
        with (ROOT / "BENCHMARKS.md").open("a", encoding="utf-8") as out:
            out.write(text)


if __name__ == "__main__":
    main()
