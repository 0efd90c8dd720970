"""Bounded load test of `wcokg serve` (issue 9): loopback only, fixed duration and request cap.

Builds the seed into a temporary store, starts `wcokg serve` on a free 127.0.0.1 port with the
default limits, and for `--duration` seconds (default 60, at most `--max-requests` requests)
runs `--clients` threads of ordinary traffic — named queries, SPARQL queries (distinct texts,
so not cached), page views, dereferencing in HTML and Turtle — beside one hostile client that
sends runaway cartesian-product queries (expected: 503 after the time limit), SERVICE queries
(400), oversized bodies (413) and runaway queries it hangs up on after 0.5 s (the server must
stop each: `/health`'s `queries_abandoned` counts them). It then stops the server and itself.

Passes (exit 0) when no ordinary request failed, every hostile request got its expected
refusal, and the server's memory (its process plus the query workers) grew by less than
`--memory-bound-mb` between the end of the warm-up and the end. Writes p50/p99/max latency
per kind, the counts and the memory to BENCHMARKS.md with the machine, date and commit.

    .venv/bin/python benchmarks/load_test.py [--duration 60] [--clients 6]
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import commit, machine, write_block  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
WCO = "https://w3id.org/wcokg/ontology#"
DCT = "http://purl.org/dc/terms/"


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, dict[int, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    count: int = 0

    def record(self, kind: str, seconds: float, status: int, ok: bool, what: str) -> None:
        with self.lock:
            self.count += 1
            self.latencies[kind].append(seconds)
            self.statuses[kind][status] += 1
            if not ok and len(self.errors) < 50:
                self.errors.append(f"{kind} {status} {what}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mb(pid: int) -> float:
    """Resident memory of `pid` and its children (the query workers), in MB."""
    total = 0
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        pids += [int(c) for c in (task / "children").read_text().split()]
    for one in pids:
        try:
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def ordinary_requests(client: httpx.Client) -> list[tuple[str, str, dict[str, str]]]:
    """(kind, path with query, headers) of the ordinary traffic, from the server's own lists."""
    requests: list[tuple[str, str, dict[str, str]]] = []
    for named in client.get("/queries").json():
        requests.append(("named query", named["example_url"], {}))
    ids = [row["id"] for row in client.get("/activities.json").json()]
    for activity_id in ids[:30]:
        path = f"/wp/ptc-2022-2025/activity/{activity_id}"
        requests.append(("dereference", path, {"accept": "text/html"}))
        requests.append(("dereference", path, {"accept": "text/turtle"}))
    for path in ("/body/ptc", "/instrument/safe-fos-2025"):
        requests.append(("dereference", path, {"accept": "text/html"}))
    for path in ("/", "/search?q=SAFE", "/browse/bodies", "/browse/meetings", "/console"):
        requests.append(("page", path, {"accept": "text/html"}))
    requests.append(("page", "/activities?limit=50", {"accept": "application/json"}))
    return requests


def sparql_request(n: int) -> tuple[str, dict[str, str]]:
    """A SPARQL query with a distinct text each time (so never a cache hit)."""
    query = (
        f"SELECT ?id ?title WHERE {{ ?a a <{WCO}Activity> ; <{DCT}identifier> ?id ; "
        f"<{DCT}title> ?title FILTER(CONTAINS(LCASE(?title), 'e')) }} LIMIT {20 + n % 50}"
    )
    return query, {"accept": "application/sparql-results+json"}


def ordinary_client(
    base: str,
    requests: list[tuple[str, str, dict[str, str]]],
    tally: Tally,
    stop: threading.Event,
    seed: int,
) -> None:
    rng = random.Random(seed)
    counter = itertools.count(seed * 100_000)
    with httpx.Client(base_url=base, timeout=30, follow_redirects=True) as client:
        while not stop.is_set():
            if rng.random() < 0.3:
                query, headers = sparql_request(next(counter))
                kind, what = "sparql", "SELECT"
                start = time.perf_counter()
                answer = client.get("/sparql", params={"query": query}, headers=headers)
            else:
                kind, what, headers = rng.choice(requests)
                start = time.perf_counter()
                answer = client.get(what, headers=headers)
            tally.record(
                kind,
                time.perf_counter() - start,
                answer.status_code,
                answer.status_code == 200,
                what,
            )


GONE = 499
"""Recorded for a client that hung up before the answer (the server stops its query)."""


def impatient(client: httpx.Client) -> httpx.Response:
    """A runaway query whose client hangs up after half a second: the server should stop the
    query and free the worker at once (counted by `/health` as `queries_abandoned`)."""
    try:
        return client.get("/sparql", params={"query": CARTESIAN}, timeout=0.5)
    except httpx.TimeoutException:
        return httpx.Response(GONE)


def hostile_client(base: str, tally: Tally, stop: threading.Event) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    target = f"http://127.0.0.1:{listener.getsockname()[1]}/"
    cases = [
        ("hostile: runaway", lambda c: c.get("/sparql", params={"query": CARTESIAN}), 503),
        ("hostile: impatient", impatient, GONE),
        (
            "hostile: SERVICE",
            lambda c: c.get(
                "/sparql", params={"query": f"ASK {{ SERVICE <{target}> {{ ?s ?p ?o }} }}"}
            ),
            400,
        ),
        (
            "hostile: 2 MB body",
            lambda c: c.post(
                "/sparql",
                content=b"ASK {} #" + b"x" * 2_000_000,
                headers={"content-type": "application/sparql-query"},
            ),
            413,
        ),
    ]
    with httpx.Client(base_url=base, timeout=60) as client:
        for kind, send, expected in itertools.cycle(cases):
            if stop.is_set():
                break
            start = time.perf_counter()
            answer = send(client)
            tally.record(
                kind,
                time.perf_counter() - start,
                answer.status_code,
                answer.status_code == expected,
                kind,
            )
    listener.settimeout(0.2)
    try:
        listener.accept()
        tally.errors.append("hostile: SERVICE target received a connection")
    except OSError:
        pass
    listener.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (default 60)")
    parser.add_argument("--clients", type=int, default=6, help="ordinary client threads")
    parser.add_argument("--max-requests", type=int, default=200_000, help="stop after this many")
    parser.add_argument("--memory-bound-mb", type=float, default=150.0)
    parser.add_argument("--no-write", action="store_true", help="do not update BENCHMARKS.md")
    parser.add_argument(
        "--server-log", type=Path, help="write the server's log (warnings, errors) to this file"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("WCOKG_")},
            "WCOKG_STORE": str(Path(folder) / "store"),
        }
        subprocess.run(
            [sys.executable, "-m", "wcokg.cli", "build", "--quiet"],
            env=env,
            cwd=folder,
            check=True,
            capture_output=True,
        )
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "wcokg.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            env=env,
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=args.server_log.open("wb") if args.server_log else subprocess.DEVNULL,
        )
        try:
            return run(base, server, args)
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()


def run(base: str, server: subprocess.Popen[bytes], args: argparse.Namespace) -> int:
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            print("the server did not start", file=sys.stderr)
            return 1
        time.sleep(0.1)
    with httpx.Client(base_url=base, timeout=60) as client:
        requests = ordinary_requests(client)
        for _, path, headers in requests:  # warm-up: every page once (snapshot, caches)
            client.get(path, headers=headers)
    memory_start = rss_mb(server.pid)
    memory_peak = memory_start
    tally, stop = Tally(), threading.Event()
    threads = [
        threading.Thread(target=ordinary_client, args=(base, requests, tally, stop, i), daemon=True)
        for i in range(args.clients)
    ] + [threading.Thread(target=hostile_client, args=(base, tally, stop), daemon=True)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    while time.monotonic() - started < args.duration and tally.count < args.max_requests:
        time.sleep(1)
        memory_peak = max(memory_peak, rss_mb(server.pid))
    stop.set()
    for thread in threads:
        thread.join(timeout=70)
    elapsed = time.monotonic() - started
    memory_end = rss_mb(server.pid)
    time.sleep(1)  # the last hung-up query is noticed within the listening delay
    health = httpx.get(f"{base}/health", timeout=10).json()
    hung_up = tally.statuses.get("hostile: impatient", {}).get(GONE, 0)
    abandoned = int(health.get("queries_abandoned", 0))
    if abandoned < hung_up:
        tally.errors.append(
            f"{hung_up} clients hung up but the server stopped only {abandoned} queries"
        )
    growth = memory_end - memory_start

    rows = []
    all_ordinary: list[float] = []
    for kind in sorted(tally.latencies):
        values = tally.latencies[kind]
        if not kind.startswith("hostile"):
            all_ordinary += values
        statuses = ", ".join(f"{s}×{n}" for s, n in sorted(tally.statuses[kind].items()))
        rows.append(
            f"| {kind} | {len(values)} | {statistics.median(values) * 1000:.1f} | "
            f"{percentile(values, 0.99) * 1000:.1f} | {max(values) * 1000:.0f} | {statuses} |"
        )
    ok = not tally.errors and growth < args.memory_bound_mb
    summary = (
        f"{tally.count} requests in {elapsed:.0f} s ({tally.count / elapsed:.0f} req/s), "
        f"{args.clients} ordinary clients + 1 hostile; clients that hung up {hung_up}, queries "
        f"the server stopped for them {abandoned} (`/health` queries_abandoned), stopped by the "
        f"time limit {health.get('queries_timed_out', 0)}; ordinary p99 "
        f"{percentile(all_ordinary, 0.99) * 1000:.1f} ms; errors: {len(tally.errors)}; memory "
        f"(server + query workers) {memory_start:.0f} MB after warm-up, peak {memory_peak:.0f} MB, "
        f"end {memory_end:.0f} MB: growth {growth:+.0f} MB (bound {args.memory_bound_mb:.0f} MB) — "
        f"{'PASS' if ok else 'FAIL'}"
    )
    section = "\n".join(
        [
            "## Load test (`benchmarks/load_test.py`)",
            "",
            f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {commit()}, {machine()}.",
            f"`wcokg serve` with the default limits (10 s time limit, 3 query workers), loopback, "
            f"{args.duration:.0f} s. Hostile: runaway cartesian products (503 expected), SERVICE "
            "to a loopback listener (400, no connection), 2 MB bodies (413), impatient clients "
            "hanging up on a runaway query after 0.5 s (499 here: their query must be stopped).",
            "",
            "| kind | requests | p50 ms | p99 ms | max ms | statuses |",
            "|---|---|---|---|---|---|",
            *rows,
            "",
            summary,
        ]
    )
    print(section)
    for error in tally.errors[:20]:
        print("error:", error, file=sys.stderr)
    if not args.no_write:
        write_block("load-test", section)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
