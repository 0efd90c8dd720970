"""Shared fixtures: the seed built once per test session into a temporary embedded store."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from engines import OxigraphServer, VirtuosoServer, free_port, wait_until_answers

from wcokg.build import BuildReport, build_graph, bundled_sources
from wcokg.namespaces import Minter
from wcokg.store import EmbeddedStore, GraphStore, RemoteStore

SHARED = Path(os.environ.get("WCOKG_SHARED", Path(__file__).resolve().parents[2] / "shared"))

# -- system programs (Debian packages of scripts/system-packages) -----------------------------

REQUIRE_SYSTEM_TOOLS = os.environ.get("WCOKG_REQUIRE_SYSTEM_TOOLS") == "1"
"""CI sets it after installing the packages: a missing program then fails its tests."""

_MISSING: dict[str, str] = {}
"""Debian package -> what was skipped without it, for the summary at the end of the run."""


def require_program(program: str, package: str, purpose: str) -> str:
    """The path of a system program; skips the calling test when it is missing (fails in CI)."""
    found = shutil.which(program)
    if found is not None:
        return found
    reason = f"`{program}` is not installed (Debian package {package}): {purpose}"
    if REQUIRE_SYSTEM_TOOLS:
        pytest.fail(f"{reason}; WCOKG_REQUIRE_SYSTEM_TOOLS=1 requires it")
    _MISSING[package] = purpose
    pytest.skip(reason)


@pytest.fixture
def graphviz() -> str:
    """Graphviz `dot`, which draws the SVG pictures."""
    return require_program("dot", "graphviz", "SVG pictures")


@pytest.fixture
def libreoffice() -> str:
    """LibreOffice's `soffice`: a second producer of Word and PDF files, and the check that a
    written Word file opens without repair."""
    return require_program("soffice", "libreoffice-writer-nogui", "LibreOffice round trips")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Says what was skipped for want of a system program or the standards files, and how to
    get them, so a skip on a developer's machine is never silent."""
    lines = [
        f"{package}: {purpose} tests skipped; install with `sudo apt-get install {package}`"
        f" (or `make test` as root)"
        for package, purpose in sorted(_MISSING.items())
    ]
    if not SHARED.is_dir():
        lines.append(
            f"standards files not found at {SHARED}: DCAT-AP, IATI and W3C tests skipped;"
            " set WCOKG_SHARED to the folder holding standards/"
        )
    if lines:
        terminalreporter.section("skipped for want of the machine's programs or files")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def seed_report() -> BuildReport:
    return build_graph(bundled_sources(), Minter())


@pytest.fixture(scope="session")
def seed_store(seed_report: BuildReport, tmp_path_factory: pytest.TempPathFactory) -> EmbeddedStore:
    store = EmbeddedStore(tmp_path_factory.mktemp("store"))
    store.replace(seed_report.graph, named_graphs=seed_report.named_graphs)
    return store


@pytest.fixture
def shared_dir() -> Path:
    """The workplace's shared folder (standards, seeds); tests needing it skip when absent."""
    if not SHARED.is_dir():
        pytest.skip(f"shared folder not found at {SHARED} (set WCOKG_SHARED to point at it)")
    return SHARED


# -- servers: real SPARQL engines (remote store) and the app on a loopback port -----------------

RemoteFactory = Callable[[], RemoteStore]
"""Each call gives a RemoteStore on a real engine holding nothing yet."""
ENGINES = ["oxigraph", "virtuoso"]


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RemoteFactory]:
    """Starts `oxigraph serve` processes on free loopback ports; each call gives an empty store."""
    servers: list[OxigraphServer] = []

    def start() -> RemoteStore:
        try:
            servers.append(OxigraphServer(tmp_path_factory.mktemp("oxigraph")))
        except RuntimeError as error:
            pytest.fail(str(error))
        return servers[-1].store()

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RemoteFactory]:
    """One `virtuoso-t` on a temporary database, started on first use and stopped at the end;
    each call gives a store with graphs of its own (its own pointer graph and graph base)."""
    servers: list[VirtuosoServer] = []
    calls = iter(range(1, 1_000_000))

    def start() -> RemoteStore:
        require_program("virtuoso-t", "virtuoso-opensource", "remote-store tests on Virtuoso")
        if not servers:
            try:
                servers.append(VirtuosoServer(tmp_path_factory.mktemp("virtuoso")))
            except (RuntimeError, subprocess.CalledProcessError) as error:
                pytest.fail(f"Virtuoso did not start: {error}")
        return servers[0].store(f"t{next(calls)}")

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session", params=ENGINES)
def remote_engine(request: pytest.FixtureRequest) -> RemoteFactory:
    """Each engine in turn: tests using it (or `remote_store`) run on Oxigraph and Virtuoso."""
    factory: RemoteFactory = request.getfixturevalue(f"{request.param}_server")
    return factory


@pytest.fixture(scope="session")
def remote_store(remote_engine: RemoteFactory, seed_report: BuildReport) -> RemoteStore:
    """The seed graph written into a real engine (Graph Store Protocol), on each engine in turn."""
    store = remote_engine()
    store.replace(seed_report.graph, named_graphs=seed_report.named_graphs)
    return store


@pytest.fixture(scope="session", params=["embedded", "remote"])
def any_store(request: pytest.FixtureRequest) -> GraphStore:
    """The seed in each backend in turn (the remote one on each engine): tests run on all."""
    name = "seed_store" if request.param == "embedded" else "remote_store"
    store: GraphStore = request.getfixturevalue(name)
    return store


class AppServer:
    """A wcokg app served by uvicorn in a thread on a free loopback port."""

    def __init__(self, app: object) -> None:
        import uvicorn

        from wcokg.api.server import config

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(config(app, "127.0.0.1", self.port))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> AppServer:
        self.thread.start()
        wait_until_answers(f"{self.url}/health")
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def app_servers(
    seed_store: EmbeddedStore, remote_store: RemoteStore, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str]]:
    """Base URLs of the app over the embedded store and over the Oxigraph-server store."""
    from wcokg.api.app import create_app
    from wcokg.settings import Settings

    settings = Settings(store=tmp_path_factory.mktemp("unused"))
    with (
        AppServer(create_app(settings, seed_store)) as embedded,
        AppServer(create_app(settings, remote_store)) as remote,
    ):
        yield {"embedded": embedded.url, "remote": remote.url}
