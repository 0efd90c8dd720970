"""Edits under load (issue 16): editors saving edits while readers browse, on loopback.

Builds the seed into a temporary store, creates `--editors` editor accounts (editor k edits
the k-th current activity, as an editor of its lead body) and an admin, starts `wcokg serve`
on a free 127.0.0.1 port, waits for its start-up warm-up, logs the editors in, then for
`--duration` seconds runs the editors (threads: GET the activity for its ETag, PATCH a new
progress text, wait `--think` seconds on average, again; each starts at a random moment of its
first pause) beside `--readers` connections of `wrk` browsing pages and the REST API, each
waiting `--reader-pause` ms after an answer (0: back to back). Afterwards it checks, through `GET /edits` and
`GET /activities/{id}`, that every edit answered 200 is in the log and that each activity shows
its editor's last acknowledged text (no lost edit).

Passes (exit 0) with no editor error, no reader error and nothing lost; writes the counts,
edit latency and read latency (p50/p99 from wrk) to BENCHMARKS.md with the machine and commit.

    .venv/bin/python benchmarks/edit_load.py [--duration 60] [--editors 20] [--readers 16]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import commit, machine, write_block, wrk_percentile_ms  # noqa: E402

PASSWORD = "benchmark password of the editors"  # noqa: S105 (throw-away accounts)
READ_PATHS = (
    "/",
    "/activities?limit=20",
    "/activities/I-5",
    "/wp/ptc-2022-2025/activity/I-7",
    "/search?q=data",
    "/activities/II-3",
    "/browse/bodies",
    "/activities?status=completed",
)


@dataclass
class Editor:
    name: str
    activity: str
    acknowledged: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def log_in(url: str, name: str) -> dict[str, str]:
    """A bearer token's header (before the measure: Argon2 hashing is made to be costly)."""
    answer = httpx.post(f"{url}/auth/token", data={"username": name, "password": PASSWORD})
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def run_editor(
    url: str, editor: Editor, headers: dict[str, str], stop: threading.Event, think: float
) -> None:
    with httpx.Client(base_url=url, timeout=300) as client:
        n = 0
        if think > 0:  # editors start at random moments, not all in the same millisecond
            stop.wait(random.uniform(0, think))  # noqa: S311 (pacing)
        while not stop.is_set():
            n += 1
            text = f"Progress update {n} by {editor.name}."
            started = time.perf_counter()
            etag = client.get(f"/activities/{editor.activity}").headers["etag"]
            done = client.patch(
                f"/activities/{editor.activity}",
                json={"progress": text},
                headers={**headers, "If-Match": etag},
            )
            editor.latencies.append(time.perf_counter() - started)
            if done.status_code == 200:
                editor.acknowledged.append(text)
            else:
                editor.errors.append(f"{done.status_code} {done.text[:120]}")
            if think > 0:  # reading and typing before the next save
                stop.wait(random.uniform(0.5 * think, 1.5 * think))  # noqa: S311 (pacing)


def wrk_readers(
    url: str, readers: int, seconds: int, folder: Path, pause_ms: int
) -> dict[str, float]:
    """`readers` wrk connections, each requesting the next path of READ_PATHS `pause_ms` after
    its last answer (wrk's `delay`; 0: back to back, the server saturated)."""
    script = folder / "paths.lua"
    paths = ", ".join(f'"{p}"' for p in READ_PATHS)
    script.write_text(
        f"paths = {{{paths}}}\ni = 0\n"
        "request = function()\n  i = i + 1\n"
        "  return wrk.format('GET', paths[(i % #paths) + 1])\nend\n"
        + (f"delay = function()\n  return {pause_ms}\nend\n" if pause_ms > 0 else "")
    )
    out = subprocess.run(
        ["wrk", "-t2", f"-c{readers}", f"-d{seconds}s", "--latency", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    requests = re.search(r"(\d+) requests in", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "requests": float(requests.group(1)) if requests else 0.0,
        "p50": wrk_percentile_ms(out, "50"),
        "p99": wrk_percentile_ms(out, "99"),
        "non_2xx": float(non_2xx.group(1)) if non_2xx else 0.0,
        "socket_errors": 0.0
        if not errors
        else float(sum(int(n) for n in re.findall(r"\d+", errors.group(1)))),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--editors", type=int, default=20)
    parser.add_argument("--readers", type=int, default=16)
    parser.add_argument(
        "--reader-pause",
        type=int,
        default=100,
        help="ms a reader waits after an answer before the next request; 0: back to back",
    )
    parser.add_argument(
        "--think",
        type=float,
        default=5.0,
        help="mean seconds an editor waits between saves (uniform 0.5-1.5x); 0: back to back",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("edit_load: wrk is needed (apt-get install wrk)", file=sys.stderr)
        return 2
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    folder = Path(tempfile.mkdtemp(prefix="wcokg-edit-load-"))
    env = {
        **os.environ,
        "WCOKG_STORE": str(folder / "store"),
        "WCOKG_PRIVATE_DIR": str(folder / "private"),
        "WCOKG_LOGIN_ATTEMPTS": "1000",
    }
    wcokg = [sys.executable, "-m", "wcokg.cli"]
    subprocess.run([*wcokg, "build", "-q"], env=env, check=True, capture_output=True)
    os.environ.update(env)
    from wcokg.accounts import UserStore
    from wcokg.store import open_store
    from wcokg.table import activity_rows

    rows = [r.as_dict() for r in activity_rows(open_store())]
    chosen = [r for r in rows if r["lead_body"]][: args.editors]
    users = UserStore(folder / "private" / "users.sqlite")
    editors = []
    for k, row in enumerate(chosen):
        name = f"editor-{k}"
        users.add(name, "editor", [str(row["lead_body"])], PASSWORD, 12)
        editors.append(Editor(name, str(row["id"])))
    users.add("admin", "admin", [], PASSWORD, 12)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [*wcokg, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        while httpx.get(f"{url}/health", timeout=60).json().get("warm_up") == "running":
            time.sleep(0.2)  # the start-up warm-up is not part of the measure
        for path in READ_PATHS:  # first views built before timing
            httpx.get(url + path, timeout=60)
        stop = threading.Event()
        tokens = {e.name: log_in(url, e.name) for e in editors}
        threads = [
            threading.Thread(target=run_editor, args=(url, e, tokens[e.name], stop, args.think))
            for e in editors
        ]
        started = time.monotonic()
        for t in threads:
            t.start()
        reads = wrk_readers(url, args.readers, args.duration, folder, args.reader_pause)
        stop.set()
        for t in threads:
            t.join(timeout=600)
        elapsed = time.monotonic() - started
        with httpx.Client(base_url=url, timeout=120) as client:
            token = client.post("/auth/token", data={"username": "admin", "password": PASSWORD})
            log = client.get(
                "/edits", headers={"Authorization": f"Bearer {token.json()['access_token']}"}
            ).json()
            logged = {(e["activity"], e["new"]) for e in log}
            lost = [
                (e.activity, text)
                for e in editors
                for text in e.acknowledged
                if (e.activity, text) not in logged
            ]
            stale = [
                e.activity
                for e in editors
                if e.acknowledged
                and client.get(f"/activities/{e.activity}").json()["progress"] != e.acknowledged[-1]
            ]
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)
    acknowledged = sum(len(e.acknowledged) for e in editors)
    errors = [x for e in editors for x in e.errors]
    latencies = sorted(x for e in editors for x in e.latencies)
    p99_edit = latencies[int(0.99 * (len(latencies) - 1))] * 1000 if latencies else float("nan")
    passed = (
        not errors
        and not lost
        and not stale
        and reads["non_2xx"] == 0
        and reads["socket_errors"] == 0
    )
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    pace = (
        f"each waiting {args.think * 0.5:g}-{args.think * 1.5:g} s, uniformly, between saves"
        if args.think > 0
        else "back to back, no pause between saves"
    )
    reading = (
        f"each waiting {args.reader_pause} ms after an answer"
        if args.reader_pause > 0
        else "back to back: the server saturated"
    )
    section = (
        "## Edits under load (`benchmarks/edit_load.py`)\n\n"
        f"{now}, commit {commit()}, {machine()}; load average at the start {load}.\n"
        f"`wcokg serve` with the default limits, loopback; {len(editors)} editors (one activity each) "
        f"saving progress for {args.duration} s ({pace}) beside {args.readers} wrk connections "
        f"browsing {len(READ_PATHS)} pages and REST answers ({reading}).\n\n"
        "| what | value |\n|---|---|\n"
        f"| edits answered 200 | {acknowledged} ({acknowledged / elapsed:.2f}/s) |\n"
        f"| edit errors | {len(errors)}{' — ' + errors[0] if errors else ''} |\n"
        f"| edit latency (GET ETag + PATCH) p50 / p99 | {statistics.median(latencies) * 1000 if latencies else float('nan'):.0f} / {p99_edit:.0f} ms |\n"
        f"| lost edits (answered 200, not in the log) | {len(lost)} |\n"
        f"| activities not showing their last acknowledged edit | {len(stale)} |\n"
        f"| reads | {reads['requests']:.0f}, non-2xx {reads['non_2xx']:.0f}, socket errors {reads['socket_errors']:.0f} |\n"
        f"| read latency p50 / p99 | {reads['p50']:.1f} / {reads['p99']:.1f} ms (target p99 < 50 ms) |\n\n"
        f"{'PASS' if passed else 'FAIL'} (no error, nothing lost); read p99 target "
        f"{'met' if reads['p99'] < 50 else 'not met'}."
    )
    write_block("edit-load", section)
    print(section)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
