"""Real SPARQL engines on free loopback ports, for the tests and the benchmarks.

- Oxigraph server: `oxigraph serve --location DIR` (the `oxigraph` pip package's binary).
- Virtuoso 7 (Debian `virtuoso-opensource`): `virtuoso-t` started in the foreground from an
  ini generated here (temporary database, loopback ports, a result-size limit above the graphs
  tested, the query-cost *estimate* check off: with many graphs in the database it estimated
  thousands of seconds for table queries answered in under one), then `isql-vt` grants SPARQL Update to the anonymous `SPARQL` user and write access
  to the Graph Store endpoint (`/sparql-graph-crud`) for `nobody`. Throw-away databases only:
  these grants make the endpoint world-writable.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from wcokg.store import RemoteStore

VIRTUOSO_INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 20
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = .
ThreadsPerQuery = 2
NumberOfBuffers = 40000
MaxDirtyBuffers = 30000

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {db}
MaxClientConnections = 20
ServerThreads = 20
Charset = UTF-8
EnabledGzipContent = 0

[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = 300
MaxQueryCostEstimationTime = 0
"""

VIRTUOSO_GRANTS = (
    "GRANT SPARQL_UPDATE TO \"SPARQL\"; DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_answers(
    url: str, process: subprocess.Popen[bytes] | None = None, timeout: float = 30
) -> None:
    """Poll `url` until it answers 2xx; RuntimeError when the process exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                response.read()
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout:g} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


class OxigraphServer:
    """`oxigraph serve` on a fresh folder; `store()` gives the RemoteStore reaching it."""

    def __init__(self, location: Path) -> None:
        binary = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which(
            "oxigraph"
        )
        if binary is None:
            raise RuntimeError("the `oxigraph` server binary is missing (pip install oxigraph)")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until_answers(f"{self.url}/query?query=ASK%7B%7D", self.process)

    def store(self, graph_store: bool = True, **options: object) -> RemoteStore:
        """A store on this server (`graph_store=False`: built with batched updates)."""
        return RemoteStore(
            f"{self.url}/query",
            f"{self.url}/update",
            f"{self.url}/store" if graph_store else None,
            **options,  # type: ignore[arg-type]
        )

    def stop(self) -> None:
        stop(self.process)


class VirtuosoServer:
    """`virtuoso-t` on a temporary database in `folder`, SPARQL Update granted; `store(n)`
    gives a RemoteStore keeping its graphs apart (pointer and data graphs named after `n`)."""

    def __init__(self, folder: Path, timeout: float = 180) -> None:
        binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
        if binary is None or isql is None:
            raise RuntimeError(
                "Virtuoso is missing (`virtuoso-t`, `isql-vt`: apt-get install virtuoso-opensource)"
            )
        folder.mkdir(parents=True, exist_ok=True)
        self.sql_port, self.http_port = free_port(), free_port()
        ini = folder / "virtuoso.ini"
        ini.write_text(
            VIRTUOSO_INI.format(db=folder, sql_port=self.sql_port, http_port=self.http_port)
        )
        self.url = f"http://127.0.0.1:{self.http_port}"
        self.log = open(folder / "console.log", "wb")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [binary, "-f", "-c", str(ini)], cwd=folder, stdout=self.log, stderr=subprocess.STDOUT
        )
        try:
            wait_until_answers(f"{self.url}/sparql?query=ASK%7B%7D", self.process, timeout)
            subprocess.run(
                [isql, f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={VIRTUOSO_GRANTS}"],
                check=True,
                capture_output=True,
                timeout=60,
            )
        except BaseException:
            self.stop()
            raise

    def store(
        self, namespace: str | None = None, graph_store: bool = True, **options: object
    ) -> RemoteStore:
        """A store on this server; with a `namespace`, its own pointer graph and graph base."""
        if namespace is not None:
            options.setdefault("meta_graph", f"urn:x-wcokg:meta:{namespace}")
            options.setdefault("graph_base", f"https://w3id.org/wcokg/graph/{namespace}/")
        return RemoteStore(
            f"{self.url}/sparql",
            f"{self.url}/sparql",
            f"{self.url}/sparql-graph-crud" if graph_store else None,
            **options,  # type: ignore[arg-type]
        )

    def stop(self) -> None:
        stop(self.process)
        self.log.close()
