"""Build and named-query latency on each external engine (Oxigraph server, Virtuoso) beside the
embedded store, at seed size and 10x, in one run; results into BENCHMARKS.md (block `engines`).

    .venv/bin/python benchmarks/engines.py                  # 1x and 10x, 5 repetitions
    .venv/bin/python benchmarks/engines.py --scales 1 --reps 3

Engines are started as the tests start them (`tests/engines.py`: `oxigraph serve` on a temporary
folder; `virtuoso-t` from a generated ini on a temporary database). For each scale the graph is
written into each store with `replace` (the path `wcokg build` takes): through the Graph Store
Protocol, and (external engines) again with batched `INSERT DATA` updates; then every named
query runs with its example parameters, once to warm up and `--reps` times timed (median and
worst, milliseconds, through `RemoteStore`: pointer query + query + parsing). Raw numbers go to
`var/bench/engines.json`.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))

import generate  # noqa: E402
from engines import OxigraphServer, VirtuosoServer  # noqa: E402
from rdflib import Graph  # noqa: E402
from report import commit, machine, write_block  # noqa: E402

from wcokg.registry import registry  # noqa: E402
from wcokg.store import EmbeddedStore, GraphStore, RemoteStore  # noqa: E402

RESULTS = ROOT / "var" / "bench" / "engines.json"
STORES = ("embedded", "oxigraph", "virtuoso")


def seconds(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def graph_at(scale: int, seed: generate.Seed) -> Graph:
    """The seed (1x) or a synthetic graph of `scale` times its triples (benchmarks/generate.py)."""
    n = generate.programmes_for_scale(scale, seed)
    return Graph().parse(data=generate.generate(n, seed), format="nt")


def bench_store(store: GraphStore, graph: Graph, batched: RemoteStore | None, reps: int) -> dict:
    result: dict = {"build_s": seconds(lambda: store.replace(graph))}
    if batched is not None:
        result["build_batched_s"] = seconds(lambda: batched.replace(graph))
    result["triples"] = store.triple_count()
    queries: dict[str, dict[str, float]] = {}
    for name, named in sorted(registry().items()):
        values = named.example_values()
        try:
            call = functools.partial(named.run, store, values)
            call()
            times = [seconds(call) * 1000 for _ in range(reps)]
        except Exception as error:  # recorded, the run goes on
            queries[name] = {"error": " ".join(str(error).split())[:120]}  # type: ignore[dict-item]
            continue
        queries[name] = {"median_ms": statistics.median(times), "max_ms": max(times)}
    result["queries"] = queries
    return result


def run(scales: list[int], reps: int, work: Path) -> dict:
    seed = generate.seed()
    oxigraph = OxigraphServer(work / "oxigraph")
    virtuoso = VirtuosoServer(work / "virtuoso")
    results: dict = {"scales": {}, "load": list(os.getloadavg())}
    try:
        for scale in scales:
            graph = graph_at(scale, seed)
            print(f"{scale}x: {len(graph)} triples", flush=True)
            space = {"meta_graph": f"urn:x-wcokg:meta:x{scale}"}
            base = f"https://w3id.org/wcokg/graph/x{scale}/"
            stores: dict[str, tuple[GraphStore, RemoteStore | None]] = {
                "embedded": (EmbeddedStore(work / f"embedded-x{scale}"), None),
                "oxigraph": (
                    oxigraph.store(graph_base=base, **space),
                    oxigraph.store(False, graph_base=base + "b/", **space),
                ),
                "virtuoso": (
                    virtuoso.store(graph_base=base, **space),
                    virtuoso.store(None, False, graph_base=base + "b/", **space),
                ),
            }
            per_store = {}
            for name, (store, batched) in stores.items():
                per_store[name] = bench_store(store, graph, batched, reps)
                print(f"  {name}: build {per_store[name]['build_s']:.2f} s", flush=True)
            results["scales"][str(scale)] = {"triples": len(graph), "stores": per_store}
    finally:
        oxigraph.stop()
        virtuoso.stop()
    results["load"] += list(os.getloadavg())
    return results


def _cell(entry: dict) -> str:
    if "error" in entry:
        return "error"
    return f"{entry['median_ms']:.1f} ({entry['max_ms']:.0f})"


def report(results: dict, reps: int) -> str:
    scales = list(results["scales"])
    loads = results.get("load", [])
    load = " and ".join(f"{loads[i]:.1f}" for i in (0, 3) if i < len(loads)) or "unknown"
    header = " | ".join(f"{s} {scale}x" for scale in scales for s in STORES)
    lines = [
        "## External engines: build and named queries (`benchmarks/engines.py`)",
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {commit()}, {machine()}. "
        f"**The machine was shared** with other work (1-minute load average {load} on "
        f"{os.cpu_count()} cores at start and end), so absolute figures are inflated; compare "
        "columns within one run. Engines: Oxigraph server 0.5.13, Virtuoso Open Source 7.2.5 "
        "(Debian), started by `tests/engines.py`.",
        "",
        "Build = `replace` of the whole graph (what `wcokg build` does after loading), seconds: "
        "Graph Store Protocol PUT, and batched `INSERT DATA` (1000 triples per request) on the "
        "external engines.",
        "",
        "| | "
        + " | ".join(
            f"{scale}x ({results['scales'][scale]['triples']} triples)" for scale in scales
        )
        + " |",
        "|---|" + "---|" * len(scales),
    ]
    for store in STORES:
        cells = []
        for scale in scales:
            entry = results["scales"][scale]["stores"][store]
            cell = f"{entry['build_s']:.2f}"
            if "build_batched_s" in entry:
                cell += f" / batched {entry['build_batched_s']:.2f}"
            cells.append(cell)
        lines.append(f"| {store} | " + " | ".join(cells) + " |")
    lines += [
        "",
        f"Named queries with their example parameters: median (worst) of {reps} runs in ms, "
        "after one warm-up; through the store interface (a remote query is a pointer query, the "
        "query, and parsing the answer).",
        "",
        f"| query | {header} |",
        "|---|" + "---|" * (len(scales) * len(STORES)),
    ]
    names = sorted(results["scales"][scales[0]]["stores"]["embedded"]["queries"])
    for name in names:
        cells = [
            _cell(results["scales"][scale]["stores"][store]["queries"][name])
            for scale in scales
            for store in STORES
        ]
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--report-only", action="store_true", help="rewrite from the raw numbers")
    args = parser.parse_args(argv)
    if args.report_only:
        results = json.loads(RESULTS.read_text())
    else:
        with tempfile.TemporaryDirectory(prefix="wcokg-engines-") as work:
            results = run(args.scales, args.reps, Path(work))
        results["reps"] = args.reps
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=1))
    write_block("engines", report(results, results.get("reps", args.reps)))
    print(f"wrote {RESULTS} and BENCHMARKS.md (engines)")


if __name__ == "__main__":
    main()
