"""Benchmark: SHACL validation (`wcokg.validate.validate_graph`) on the seed and on a graph N times larger.

The larger graph replicates the seed's programme graph N times (default 100) with rebased IRIs
(`wp/ptc-2022-2025` -> `wp/ptc-2022-2025-r7`, likewise its source document), next to one copy of
the ontology, codelists and reference data - the shape of a store holding many programmes.
Prints min/median/max over the runs for the seed and the time of the large graph, with the
per-triple ratio, and writes them, with the machine, date and commit, to BENCHMARKS.md between
the `validate` markers. Targets (issue 4): seed under 3 s; cost no worse than linear in size.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph, URIRef

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import commit, machine, write_block  # noqa: E402

from wcokg.build import build_graph, bundled_sources  # noqa: E402
from wcokg.loaders.rdf import static_graph  # noqa: E402
from wcokg.namespaces import Minter  # noqa: E402
from wcokg.validate import validate_graph  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 3.0


def replicated(seed: Graph, static: Graph, copies: int) -> Graph:
    """`copies` rebased copies of the seed's programme triples plus one static part."""
    base = Minter().base
    roots = (base + "wp/", base + "source/")
    programme = seed - static
    big = Graph()
    big += static
    for copy in range(copies):

        def rebase(term: object, copy: int = copy) -> object:
            if isinstance(term, URIRef) and str(term).startswith(roots):
                text = str(term)
                prefix = next(r for r in roots if text.startswith(r))
                name, slash, tail = text[len(prefix) :].partition("/")
                return URIRef(f"{prefix}{name}-r{copy}{slash}{tail}")
            return term

        for s, p, o in programme:
            big.add((rebase(s), p, rebase(o)))  # type: ignore[arg-type]
    return big


def timed(graph: Graph) -> tuple[float, dict[str, int], dict[str, float]]:
    gc.collect()
    start = time.perf_counter()
    report = validate_graph(graph)
    return time.perf_counter() - start, report.counts(), report.phases


def phases_text(phases: dict[str, float]) -> str:
    return ", ".join(f"{name} {seconds:.1f} s" for name, seconds in phases.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="runs on the seed")
    parser.add_argument("--scale", type=int, default=100, help="copies in the large graph")
    parser.add_argument("--middle", type=int, default=10, help="copies in an intermediate graph")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()

    seed = build_graph(bundled_sources(), Minter()).graph
    static = static_graph(Minter())
    timed(seed)  # warm-up: imports, shapes parsing
    seed_times, seed_counts, seed_phases = [], {}, {}
    for _ in range(args.runs):
        seconds, seed_counts, seed_phases = timed(seed)
        seed_times.append(seconds)
    low, median, high = min(seed_times), statistics.median(seed_times), max(seed_times)
    verdict = "met" if median < TARGET_SECONDS else "NOT met"
    lines = [
        "## SHACL validation (`wcokg.validate.validate_graph`, shapes/*.ttl)\n",
        f"- seed ({len(seed)} triples), {args.runs} runs: min {low:.2f} s, median {median:.2f} s, "
        f"max {high:.2f} s (target < {TARGET_SECONDS:.0f} s: {verdict}); findings {seed_counts}; "
        f"last run: {phases_text(seed_phases)}",
    ]
    for scale in sorted({args.middle, args.scale} - {0}):
        big = replicated(seed, static, scale)
        big_seconds, big_counts, big_phases = timed(big)
        size_ratio = len(big) / len(seed)
        time_ratio = big_seconds / median
        growth = time_ratio / size_ratio
        linear = "linear or better" if growth <= 1.2 else "WORSE than linear"
        lines.append(
            f"- {scale}x seed ({len(big)} triples, {size_ratio:.1f}x the triples), 1 run: "
            f"{big_seconds:.1f} s = {time_ratio:.1f}x the seed median; cost per triple "
            f"{growth:.2f}x the seed's ({linear}); findings {big_counts}; "
            f"{phases_text(big_phases)}"
        )
        del big
    lines += [
        f"- machine: {machine()}",
        f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}, commit {commit()}",
        "- command: `.venv/bin/python benchmarks/validate.py` (other sessions shared the 2 cores "
        "while it ran: treat single runs as noisy)",
    ]
    section = "\n".join(lines)
    print(section)
    if not args.no_write:
        write_block("validate", section)


if __name__ == "__main__":
    main()
