"""Side-by-side SPARQL endpoints under wrk: wcokg cached, wcokg uncached (with and without the
bounded-cost lane, on disk and in memory), `oxigraph serve`, rdflib-endpoint, on the same data,
the same queries, interleaved in one run.

    .venv/bin/python benchmarks/sparql_side_by_side.py [--duration 5] [--rounds 3]
        [--connections 16] [--threads 2] [--write]

The seed is built into a temporary store (`wcokg build`); its Turtle export (`wcokg export
ttl`) is loaded into Oxigraph (`oxigraph load`, then `serve-read-only`) and rdflib-endpoint.
The queries are picked from the data, not named: a one-subject lookup (the first activity),
a property path (the working body with the longest `org:reportsTo+` chain) and a named
query's text (`activities-feeding` with its example parameters bound as VALUES). Each round
runs every query on every server in turn (`wrk -t2 -c16 --latency --timeout 30s`, `Accept:
application/sparql-results+json`), so a busy moment of the shared machine hits all servers
alike; the table gives the median of the rounds. Every server's answer is checked to have the
same number of rows first. `--write` puts the table into BENCHMARKS.md.

Needs: `wrk` (Debian), the `oxigraph` CLI (the dev extra), `rdflib-endpoint` (the bench extra).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ACCEPT = "application/sparql-results+json"
BEGIN, END = "<!-- side-by-side:begin -->", "<!-- side-by-side:end -->"


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen[bytes]
    restart: Callable[[], Server]


@dataclass
class Measure:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{url}: the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 (loopback)
                answer.read()
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url}: no answer within {seconds:.0f} s")


WCOKG_PLANS: dict[str, dict[str, str]] = {
    "wcokg cached": {"WCOKG_SPARQL_CACHE": "1"},
    "wcokg uncached": {"WCOKG_SPARQL_CACHE": "0"},
    # The same without the bounded-cost lane: every query crosses to a worker.
    "wcokg uncached, workers only": {
        "WCOKG_SPARQL_CACHE": "0",
        "WCOKG_BOUNDED_SCAN_ROWS": "0",
        "WCOKG_BOUNDED_PATH_EDGES": "0",
    },
    # The store copied into memory at start-up (README: WCOKG_STORE_IN_MEMORY).
    "wcokg uncached, in memory": {"WCOKG_SPARQL_CACHE": "0", "WCOKG_STORE_IN_MEMORY": "1"},
}
"""The wcokg servers measured, by the settings that differ (all: `wcokg serve` on the build)."""

ANSWER_SECONDS = 30
"""A server that cannot answer a query once within this is not measured on it."""


def ask(url: str, query: str) -> dict[str, object]:
    request = urllib.request.Request(  # noqa: S310 (loopback)
        f"{url}?{urllib.parse.urlencode({'query': query})}", headers={"Accept": ACCEPT}
    )
    with urllib.request.urlopen(request, timeout=ANSWER_SECONDS) as answer:  # noqa: S310
        data: dict[str, object] = json.loads(answer.read())
        return data


def rows(data: dict[str, object]) -> list[dict[str, dict[str, str]]]:
    results = data["results"]
    assert isinstance(results, dict)
    found: list[dict[str, dict[str, str]]] = results["bindings"]
    return found


def start(
    name: str, command: list[str], port: int, env: dict[str, str], log: Path, path: str = "/sparql"
) -> Server:
    process = subprocess.Popen(  # noqa: S603 (our own tools)
        command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True
    )
    server = Server(
        name,
        f"http://127.0.0.1:{port}{path}",
        process,
        lambda: start(name, command, port, env, log, path),
    )
    try:
        wait_for(server.url + "?query=" + urllib.parse.quote("ASK {}"), process)
    except SystemExit:
        stop(server)  # not left running when it never answered
        raise
    return server


def stop(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


def wrk(url: str, query: str, args: argparse.Namespace) -> Measure:
    target = f"{url}?{urllib.parse.urlencode({'query': query})}"
    out = subprocess.run(  # noqa: S603
        [
            "wrk",
            f"-t{args.threads}",
            f"-c{args.connections}",
            f"-d{args.duration}s",
            "--latency",
            "--timeout",
            f"{ANSWER_SECONDS}s",  # slow servers are measured, not dropped at wrk's 2 s
            "-H",
            f"Accept: {ACCEPT}",
            target,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    socket_errors = re.search(r"Socket errors: (.*)", out)
    if socket_errors:
        errors += sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1)))
    return Measure(rps, _latency(out, "50%"), _latency(out, "99%"), errors)


def _latency(out: str, which: str) -> float:
    match = re.search(rf"^\s+{re.escape(which)}\s+([\d.]+)(us|ms|s)\b", out, re.M)
    if match is None:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def pick_queries(url: str) -> dict[str, str]:
    """The three query shapes, with terms found in the served data."""
    sys.path.insert(0, str(ROOT))
    from wcokg.registry import registry
    from wcokg.store.bindings import bind_values

    wcokg = "https://w3id.org/wcokg/ontology#"
    first = rows(ask(url, f"SELECT ?a WHERE {{ ?a a <{wcokg}Activity> }} ORDER BY ?a LIMIT 1"))
    activity = first[0]["a"]["value"]
    deepest = rows(
        ask(
            url,
            "SELECT ?s (COUNT(?b) AS ?n) WHERE { ?s <http://www.w3.org/ns/org#reportsTo>+ ?b } "
            "GROUP BY ?s ORDER BY DESC(?n) ?s LIMIT 1",
        )
    )
    body = deepest[0]["s"]["value"]
    named = registry()["activities-feeding"]
    return {
        "lookup": f"SELECT ?p ?o WHERE {{ <{activity}> ?p ?o }}",
        "path": f"SELECT ?b WHERE {{ <{body}> <http://www.w3.org/ns/org#reportsTo>+ ?b }}",
        "activities-feeding": bind_values(named.text, named.bindings(named.example_values())),
    }


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), "
        f"Python {platform.python_version()}; load average at the start "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1/5/15 min)"
    )


def commit() -> str:
    try:
        return subprocess.run(  # noqa: S603
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def report(
    results: dict[tuple[str, str], list[Measure]],
    queries: dict[str, str],
    servers: list[str],
    args: argparse.Namespace,
    header: str,
) -> str:
    lines = [
        BEGIN,
        "## SPARQL side by side (`benchmarks/sparql_side_by_side.py`)",
        "",
        header,
        "",
        f"`wrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency "
        f"--timeout {ANSWER_SECONDS}s`, "
        f"`Accept: {ACCEPT}`, GET; {args.rounds} interleaved rounds (every query on every server "
        "in turn), median req/s and median p50/p99 of the rounds; ratio = req/s over "
        "`oxigraph serve`'s on the same query. Same data everywhere: the seed built by "
        "`wcokg build`, its `wcokg export ttl` loaded into Oxigraph and rdflib-endpoint.",
        "",
        "| query | server | req/s | p50 ms | p99 ms | × oxigraph | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    for query in queries:
        base = statistics.median(m.rps for m in results[(query, "oxigraph serve")])
        for server in servers:
            got = results.get((query, server))
            if not got:
                lines.append(
                    f"| {query} | {server} | – | – | – | – | no answer within {ANSWER_SECONDS} s |"
                )
                continue
            rps = statistics.median(m.rps for m in got)
            lines.append(
                f"| {query} | {server} | {rps:.0f} | "
                f"{statistics.median(m.p50_ms for m in got):.1f} | "
                f"{statistics.median(m.p99_ms for m in got):.1f} | "
                f"{rps / base:.2f} | {sum(m.errors for m in got)} |"
            )
    lines += ["", "Queries:", ""]
    for name, text in queries.items():
        body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
        shown = " ".join(body.split())
        lines.append(f"- {name}: `{shown if len(shown) < 200 else shown[:197] + '…'}`")
    lines.append(END)
    return "\n".join(lines)


def write_benchmarks(section: str) -> None:
    path = ROOT / "BENCHMARKS.md"
    text = path.read_text(encoding="utf-8")
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--write", action="store_true", help="record the table in BENCHMARKS.md")
    args = parser.parse_args()
    for tool in ("wrk",):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} not found (apt-get install {tool})")
    for tool in ("wcokg", "oxigraph", "rdflib-endpoint"):
        if not (BIN / tool).exists():
            raise SystemExit(f"{BIN / tool} not found (pip install -e '.[dev,bench]')")

    header = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {commit()}, {machine()}."
    with tempfile.TemporaryDirectory(prefix="wcokg-side-") as tmp:
        work = Path(tmp)
        env = {**os.environ, "WCOKG_STORE": str(work / "store")}
        subprocess.run([str(BIN / "wcokg"), "build", "--quiet"], env=env, check=True)  # noqa: S603
        turtle = work / "seed.ttl"
        subprocess.run(  # noqa: S603
            [str(BIN / "wcokg"), "export", "ttl", "-o", str(turtle)], env=env, check=True
        )
        subprocess.run(  # noqa: S603
            [str(BIN / "oxigraph"), "load", "--location", str(work / "ox"), "--file", str(turtle)],
            check=True,
            capture_output=True,
        )
        plans = [(name, {**env, **extra}) for name, extra in WCOKG_PLANS.items()]
        servers: list[Server] = []
        try:
            for name, plan_env in plans:
                port = free_port()
                servers.append(
                    start(
                        name,
                        [str(BIN / "wcokg"), "serve", "--port", str(port)],
                        port,
                        plan_env,
                        work / f"{re.sub(r'[^a-z]+', '-', name)}.log",
                    )
                )
            port = free_port()
            servers.append(
                start(
                    "oxigraph serve",
                    [
                        str(BIN / "oxigraph"),
                        "serve-read-only",
                        "--location",
                        str(work / "ox"),
                        "--bind",
                        f"127.0.0.1:{port}",
                    ],
                    port,
                    env,
                    work / "oxigraph.log",
                )
            )
            port = free_port()
            servers.append(
                start(
                    "rdflib-endpoint",
                    [
                        str(BIN / "rdflib-endpoint"),
                        "serve",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(port),
                        str(turtle),
                    ],
                    port,
                    env,
                    work / "rdflib-endpoint.log",
                    "/",  # rdflib-endpoint answers SPARQL at its root
                )
            )
            oxigraph = next(s for s in servers if s.name == "oxigraph serve")
            queries = pick_queries(oxigraph.url)
            skipped: set[tuple[str, str]] = set()
            for query_name, text in queries.items():
                counts: dict[str, int] = {}
                for i, server in enumerate(servers):
                    try:
                        counts[server.name] = len(rows(ask(server.url, text)))
                    except OSError:  # a timeout: not measured on this query
                        skipped.add((query_name, server.name))
                        # It may still be evaluating (rdflib cannot stop): start it afresh.
                        stop(server)
                        servers[i] = server.restart()
                if len(set(counts.values())) != 1:
                    raise SystemExit(f"{query_name}: the servers disagree on the rows: {counts}")
                print(f"{query_name}: {next(iter(counts.values()))} rows on {', '.join(counts)}")
            results: dict[tuple[str, str], list[Measure]] = {}
            for round_number in range(1, args.rounds + 1):
                for query_name, text in queries.items():
                    for server in servers:
                        if (query_name, server.name) in skipped:
                            continue
                        measure = wrk(server.url, text, args)
                        results.setdefault((query_name, server.name), []).append(measure)
                        print(
                            f"round {round_number} {query_name:20} {server.name:16} "
                            f"{measure.rps:8.0f} req/s  p99 {measure.p99_ms:7.1f} ms",
                            flush=True,
                        )
        finally:
            for server in servers:
                stop(server)
    section = report(results, queries, [s.name for s in servers], args, header)
    print(section)
    if args.write:
        write_benchmarks(section)


if __name__ == "__main__":
    main()
