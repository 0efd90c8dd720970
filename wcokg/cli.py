"""The `wcokg` command. Errors are mapped once here: one line on stderr and an exit code."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import typer

from wcokg.cli_draft import draft_app
from wcokg.cli_users import users_app
from wcokg.errors import QueryError, WcokgError
from wcokg.output import FORMATS, render, select_records
from wcokg.settings import get_settings
from wcokg.store import EmbeddedStore, GraphStore, open_store
from wcokg.store.base import SelectResult

app = typer.Typer(
    help="Build, query and export the WCO work-programme knowledge graph.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(users_app, name="users")
app.add_typer(draft_app, name="draft")

P = ParamSpec("P")
R = TypeVar("R")

EXPORT_FORMATS = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}


def _fail(message: str, code: int) -> None:
    typer.echo(f"wcokg: error: {message}", err=True)
    raise typer.Exit(code)


def reports_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Map domain errors to one line on stderr and their exit code, never a traceback."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except WcokgError as error:
            _fail(str(error), error.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        raise AssertionError("unreachable")

    return wrapper


def _check_format(fmt: str, allowed: tuple[str, ...] | list[str]) -> None:
    if fmt not in allowed:
        raise QueryError(f"unknown format {fmt!r}; expected one of {', '.join(allowed)}")


@app.command()
@reports_errors
def build(
    sources: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Work-programme documents (.md, .docx or .pdf) and news items (.txt); "
            "default: the bundled sources."
        ),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress lines (shown on a terminal).")
    ] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Refuse to store a graph with SHACL violations.")
    ] = False,
) -> None:
    """Build the graph from the sources and store it; the previous graph stays if anything fails."""
    from wcokg.build import build_graph, bundled_sources
    from wcokg.namespaces import Minter
    from wcokg.store.convert import oxigraph_copy
    from wcokg.validate import ensure_no_violations, validate_graph

    settings = get_settings()

    def progress(message: str) -> None:
        if not quiet and sys.stderr.isatty():
            typer.echo(f"… {message}", err=True)

    report = build_graph(list(sources or bundled_sources()), Minter(settings.base), progress)
    progress("validating against shapes/*.ttl")
    # Validation's SPARQL checks and the store both use it (with the revisions' named graphs).
    copy = oxigraph_copy(report.graph, into=report.copy)
    checked = validate_graph(report.graph, copy=copy)
    counts = checked.counts()
    typer.echo(
        f"validation: {counts['violation']} violations, {counts['warning']} warnings, "
        f"{counts['info']} info (`wcokg validate` for the report)"
    )
    if strict:
        ensure_no_violations(checked)  # exit 1 before anything is stored
    store = open_store()
    progress(f"storing {len(report.graph)} triples in {store.location}")
    report.version = store.replace(report.graph, copy, report.named_graphs)
    for programme in report.programmes:
        typer.echo(f"{programme.id}: {programme.title}")
    for key, value in sorted(report.counts.items()):
        typer.echo(f"  {key}: {value}")
    typer.echo(f"stored version {report.version} in {store.location}")
    _replay_edits(store)


def _replay_edits(store: GraphStore) -> None:
    """Replay the edit log on the graph just built (README: Editing); silent without edits."""
    from wcokg.edits.service import EditService

    replayed = EditService(store, get_settings()).sync()
    if replayed.replayed:
        conflicts = ", ".join(map(str, replayed.conflicts)) or "none"
        typer.echo(
            f"draft: {replayed.applied} edits replayed, conflicts: {conflicts}; "
            f"stored version {replayed.version}"
        )


@app.command()
@reports_errors
def validate(
    fmt: Annotated[str, typer.Option("--format", "-f", help="text, json or ttl")] = "text",
    severity: Annotated[
        str,
        typer.Option(
            "--severity",
            "-s",
            help="Show findings at least this serious: violation, warning, info.",
        ),
    ] = "info",
) -> None:
    """Validate the stored graph against the SHACL shapes; exit 1 if it has violations."""
    from wcokg.validate import REPORT_FORMATS, Severity, validate_store

    _check_format(fmt, REPORT_FORMATS)
    threshold = Severity.parse(severity)
    report = validate_store(open_store())
    sys.stdout.write(report.filtered(threshold).render(fmt))
    if not report.conforms:
        raise typer.Exit(1)


@app.command()
@reports_errors
def activities(
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv or json")] = "table",
    include_deleted: Annotated[
        bool, typer.Option("--include-deleted", help="Also list rows struck out by the revision.")
    ] = False,
) -> None:
    """List the activities with the documented columns (see README: activities table)."""
    from wcokg.table import COLUMNS, PREVIOUS, activity_rows

    _check_format(fmt, FORMATS)
    rows = [r.as_dict() for r in activity_rows(open_store(), include_deleted)]
    columns = {
        "table": ("id", "priority", "task_type", "lead_body", "status", "title"),
        "json": (*COLUMNS, PREVIOUS),
    }.get(fmt, COLUMNS)
    sys.stdout.write(render(columns, rows, fmt))


@app.command()
@reports_errors
def revisions(
    programme: Annotated[
        str | None, typer.Argument(help="Programme id, e.g. ptc-2022-2025 (default: all).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv or json")] = "table",
) -> None:
    """List the revisions of each programme in order; `current` marks the current view."""
    from wcokg.history import REVISION_COLUMNS, list_revisions

    _check_format(fmt, FORMATS)
    rows = [r.row() for r in list_revisions(open_store(), programme)]
    sys.stdout.write(render(REVISION_COLUMNS, rows, fmt))


@app.command()
@reports_errors
def diff(
    programme: Annotated[
        str | None, typer.Option("--programme", "-p", help="Programme id (default: all).")
    ] = None,
    start: Annotated[
        str | None, typer.Option("--from", help="Earlier revision (id or document code).")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="Later revision (default: the current one).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv or json")] = "table",
) -> None:
    """What changed between two revisions (default: the last two of each programme)."""
    from wcokg.history import CHANGE_COLUMNS, diff_store

    _check_format(fmt, FORMATS)
    rows = [c.as_dict() for c in diff_store(open_store(), programme, start, end)]
    sys.stdout.write(render(CHANGE_COLUMNS, rows, fmt))


@app.command()
@reports_errors
def sparql(
    query: Annotated[
        str, typer.Argument(help="SPARQL query text, or @FILE to read it from a file.")
    ],
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="table, csv or json (SELECT)")
    ] = "table",
) -> None:
    """Run a SPARQL query against the stored graph."""
    _check_format(fmt, FORMATS)
    if query.startswith("@"):
        path = Path(query[1:])
        if not path.is_file():
            raise QueryError(f"{path}: query file not found")
        query = path.read_text(encoding="utf-8")
    result = open_store().query(query)
    if isinstance(result, SelectResult):
        columns, rows = select_records(result)
        sys.stdout.write(render(columns, rows, fmt))
    elif isinstance(result, bool):
        typer.echo("true" if result else "false")
    else:
        sys.stdout.write(result.serialize(format="turtle"))


@app.command()
@reports_errors
def query(
    name: Annotated[str, typer.Argument(help="Named query (see `wcokg queries`).")],
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="KEY=VALUE, repeatable.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv or json")] = "table",
) -> None:
    """Run a named query from queries/ with bound parameters."""
    from wcokg.registry import get_query, parse_params

    _check_format(fmt, FORMATS)
    result = get_query(name).run(open_store(), parse_params(param or []))
    columns, rows = select_records(result)
    sys.stdout.write(render(columns, rows, fmt))


@app.command()
@reports_errors
def queries() -> None:
    """List the named queries with their parameters."""
    from wcokg.registry import registry

    for named in registry().values():
        params = " ".join(f"{p.name}={p.type}" + ("" if p.required else "?") for p in named.params)
        typer.echo(f"{named.name:24} {named.summary}" + (f"  [{params}]" if params else ""))


@app.command()
@reports_errors
def export(
    fmt: Annotated[
        str,
        typer.Argument(
            help="ttl, jsonld, nt, rdfxml (whole graph); dcat, schemaorg, iati, csv, csvw, xlsx, "
            "markdown, html, docx"
        ),
    ],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write.")] = None,
    start: Annotated[
        str | None,
        typer.Option("--from", help="docx: earlier revision whose differences are tracked."),
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="docx: the revision written (default: current).")
    ] = None,
) -> None:
    """Export the graph (refused when it has SHACL violations). See README: Exports."""
    from wcokg.export import export as render_export
    from wcokg.export import get_format

    get_format(fmt)
    store = open_store()
    data = render_export(store, fmt, start, end)
    if output is None:
        sys.stdout.buffer.write(data)
        return
    _write(output, data)
    if fmt == "csv":  # the CSVW metadata beside it, found by the CSVW naming convention
        from wcokg.export.csvw import csvw_metadata_json

        metadata = output.with_name(output.name + "-metadata.json")
        _write(metadata, csvw_metadata_json(store, output.name).encode("utf-8"))


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as error:
        raise WcokgError(f"{path}: cannot write ({error.strerror})") from None
    typer.echo(f"wrote {len(data)} bytes to {path}", err=True)


@app.command()
@reports_errors
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
) -> None:
    """Serve the stored graph over HTTP (run `wcokg build` first)."""
    from wcokg.api.app import create_app
    from wcokg.api.server import serve as serve_app

    store = open_store()
    if store.version() is None:
        raise WcokgError(f"{store.location}: no graph built yet (run `wcokg build` first)")
    if isinstance(store, EmbeddedStore) and store.in_memory:
        store.triple_count()  # load the in-memory copy now, not on the first request
    typer.echo(f"serving graph version {store.version()} on http://{host}:{port}/", err=True)
    api = create_app(store=store)
    pool = getattr(api.state.store, "pool", None)
    if pool is not None:
        pool.warm()  # query workers ready before the first request (wcokg.store.guarded)
    # No `Server:` header; unparseable requests answered as problem+json (wcokg.api.server).
    serve_app(api, host, port)


if __name__ == "__main__":  # pragma: no cover
    app()
