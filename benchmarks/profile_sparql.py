"""Where an uncached `/sparql` request spends its time in the serving process (pyinstrument).

    WCOKG_STORE=var/store .venv/bin/python benchmarks/profile_sparql.py [--seconds 6]
        [--query 'SELECT …'] [-o var/profile-sparql.txt]

Serves the built store (`wcokg build` first) in this process with the `/sparql` cache off, puts
`wrk -t2 -c16` on one query for `--seconds`, and writes pyinstrument's flat profile of the
serving thread (the event loop: HTTP, middleware, routing, the hand-over to the query worker)
to the output file. The query workers are separate processes: their share is the CPU time they
used (printed, from /proc) against the requests answered.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import threading
import time
import urllib.parse
from pathlib import Path

DEFAULT_QUERY = (
    "SELECT ?p ?o WHERE { ?a a <https://w3id.org/wcokg/ontology#Activity> ; ?p ?o } LIMIT 50"
)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=6)
    parser.add_argument("--query", default=DEFAULT_QUERY)
    parser.add_argument("-o", "--output", type=Path, default=Path("var/profile-sparql.txt"))
    parser.add_argument("--port", type=int, default=18199)
    args = parser.parse_args()
    os.environ["WCOKG_SPARQL_CACHE"] = "0"
    os.environ["WCOKG_WARM_UP"] = "0"

    import uvicorn
    from pyinstrument import Profiler

    from wcokg.api.app import create_app
    from wcokg.api.server import config
    from wcokg.store import open_store

    app = create_app(store=open_store())
    pool = app.state.store.pool
    pool.warm()
    server = uvicorn.Server(config(app, "127.0.0.1", args.port))
    url = f"http://127.0.0.1:{args.port}/sparql?{urllib.parse.urlencode({'query': args.query})}"
    report: dict[str, str] = {}

    def load() -> None:
        time.sleep(2)
        before = sum(cpu_seconds(pid) for pid in pool.pids())
        report["wrk"] = subprocess.run(  # noqa: S603
            ["wrk", "-t2", "-c16", f"-d{args.seconds}s", "--latency", url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        report["workers"] = f"{sum(cpu_seconds(pid) for pid in pool.pids()) - before:.2f}"
        server.should_exit = True

    threading.Thread(target=load, daemon=True).start()
    profiler = Profiler(async_mode="disabled")
    profiler.start()
    server.run()
    profiler.stop()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(profiler.output_text(unicode=False, color=False, flat=True))
    print(report.get("wrk", "wrk did not run"))
    print(f"query workers: {report.get('workers', '?')} CPU seconds; profile in {args.output}")


if __name__ == "__main__":
    main()
