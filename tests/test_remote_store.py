"""The remote store on real engines (Oxigraph server and Virtuoso, each test on both): data in
versioned named graphs behind a pointer graph, written through the Graph Store Protocol or in
bounded INSERT DATA batches, errors as one short line, and the `wcokg` command run unchanged
against each engine; plus the VALUES binding both stores use."""

from __future__ import annotations

import csv
import http.server
import io
import subprocess
import threading
from pathlib import Path
from typing import ClassVar

import pyoxigraph as ox
import pytest
from clirunner import run_wcokg
from conftest import RemoteFactory
from engines import free_port
from rdflib import BNode, Dataset, Graph, Literal, URIRef

from wcokg.errors import QueryError, StoreError
from wcokg.store import EmbeddedStore, RemoteStore
from wcokg.store.base import SelectResult
from wcokg.store.batches import ntriples_batches
from wcokg.store.bindings import bind_values, declares_dataset, query_form
from wcokg.store.protocol import MESSAGE_CHARS, engine_message


def test_a_hostile_literal_stays_one_literal() -> None:
    text = bind_values("SELECT ?id WHERE { ?s ?p ?id }", {"id": Literal('x" } ; DROP ALL ; #')})
    assert '"x\\" } ; DROP ALL ; #"' in text
    assert text.endswith("?s ?p ?id }")


def test_values_go_to_the_where_group_not_the_construct_template() -> None:
    text = bind_values("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", {"s": URIRef("urn:x")})
    assert text.startswith("CONSTRUCT { ?s ?p ?o } WHERE { VALUES (?s) { (<urn:x>) }")


def test_nested_groups_that_mention_the_variable_get_it_too() -> None:
    text = bind_values(
        "SELECT * { { ?s ?p ?o FILTER(?s = ?iri) } UNION { ?s ?p ?o } } VALUES ?z { 1 }",
        {"iri": URIRef("urn:x")},
    )
    assert text.count("VALUES (?iri)") == 2  # the WHERE group and the branch with the FILTER
    assert text.endswith("VALUES ?z { 1 }")


def test_blank_nodes_and_invalid_iris_cannot_be_bound() -> None:
    with pytest.raises(QueryError):
        bind_values("SELECT * { ?s ?p ?o }", {"s": BNode()})
    with pytest.raises(QueryError):
        bind_values("SELECT * { ?s ?p ?o }", {"s": URIRef("urn:x> } ; DROP ALL ; <urn:y")})
    with pytest.raises(QueryError):
        bind_values("DESCRIBE <urn:x>", {"s": URIRef("urn:x")})


def test_query_form_ignores_comments_and_strings() -> None:
    assert query_form("#+ summary: what the loader could not read\nSELECT * {}") == "SELECT"
    assert query_form("PREFIX a: <urn:select#>\nASK { ?s ?p 'CONSTRUCT' }") == "ASK"
    assert query_form("INSERT DATA { <urn:a> <urn:b> 'select' }") == ""


def test_declares_dataset_sees_from_outside_strings_and_comments() -> None:
    assert declares_dataset("SELECT * FROM <urn:g> WHERE { ?s ?p ?o }")
    assert declares_dataset("SELECT * FROM NAMED <urn:g> { GRAPH ?g { ?s ?p ?o } }")
    assert not declares_dataset("# FROM here\nSELECT * WHERE { ?s ?p 'FROM' }")


def test_batches_are_bounded_and_keep_blank_node_components_whole() -> None:
    graph = Graph()
    for i in range(7):
        graph.add((URIRef(f"urn:s{i}"), URIRef("urn:p"), Literal(i)))
    first, second = BNode(), BNode()
    graph.add((URIRef("urn:a"), URIRef("urn:p"), first))
    graph.add((first, URIRef("urn:p"), second))
    graph.add((second, URIRef("urn:p"), Literal("deep")))
    batches = list(ntriples_batches(graph, 2))
    back = Graph()
    for batch in batches:
        part = Graph().parse(data=batch.ntriples, format="nt")
        assert len(part) <= 2 or batch.blank  # a component larger than the bound goes alone
        back += part
    blank = [b for b in batches if b.blank]
    assert len(blank) == 1 and len(Graph().parse(data=blank[0].ntriples, format="nt")) == 3
    assert len(back) == len(graph) == 10


def test_engine_messages_are_one_short_line_without_the_request() -> None:
    query = "SELECT * WHERE { ?s ?p " + "x" * 5000
    virtuoso = f"Virtuoso 37000 Error SP030: SPARQL compiler, line 2: syntax error\n\nSPARQL query:\n{query}"
    message = engine_message(virtuoso.encode(), "text/plain", query)
    assert message == "Virtuoso 37000 Error SP030: SPARQL compiler, line 2: syntax error"
    page = b"<html><head><title>406</title></head><body><h1>Not\nAcceptable</h1>" + b"y" * 900
    cut = engine_message(page, "text/html")
    assert cut.startswith("Not Acceptable yyy") and len(cut) == MESSAGE_CHARS
    assert "\n" not in cut
    echoed = engine_message(f"error near {query}".encode(), "text/plain", query)
    assert echoed == "error near"


def test_remote_holds_the_same_graph(seed_store: EmbeddedStore, remote_store: RemoteStore) -> None:
    assert remote_store.version() is not None
    assert remote_store.triple_count() == seed_store.triple_count()
    remote = ground_triples(remote_store.dump("application/n-triples"))
    embedded = ground_triples(seed_store.dump("application/n-triples"))
    assert remote == embedded


def test_the_data_lives_in_a_versioned_named_graph(remote_store: RemoteStore) -> None:
    layout = remote_store.layout()
    assert layout is not None and layout.default_graph is not None
    assert layout.default_graph == f"{remote_store.graph_base}{layout.version}"
    ask = f"ASK {{ GRAPH <{layout.default_graph}> {{ ?a a <https://w3id.org/wcokg/ontology#Activity> }} }}"
    assert remote_store.query(ask) is False  # queries see it as their default graph, not named
    assert remote_store.execute(ask, named_graphs=[layout.default_graph]).__bool__()


def ground_triples(ntriples: bytes) -> set[str]:
    """The triples without blank nodes (whose labels each store picks), as N-Triples lines."""
    quads = ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
    return {
        str(q.triple)
        for q in quads
        if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)
    }


def test_a_given_dataset_leaves_the_other_side_empty(remote_store: RemoteStore) -> None:
    data = remote_store.data_graph()
    assert data is not None
    only_default = remote_store.execute("ASK { GRAPH ?g { ?s ?p ?o } }", default_graphs=[data])
    assert not bool(only_default)  # no named graphs (Virtuoso alone would show every graph)
    only_named = remote_store.execute("ASK { ?s ?p ?o }", named_graphs=[data])
    assert not bool(only_named)  # an empty default graph


def test_malformed_query_reports_the_servers_message(remote_store: RemoteStore) -> None:
    with pytest.raises(QueryError, match=r"malformed SPARQL query: .*(1:|line \d)") as raised:
        remote_store.query("SELECT ?x WHERE { ?x")
    assert "\n" not in str(raised.value) and "SELECT ?x" not in str(raised.value)


def test_a_refused_huge_update_is_one_short_line(remote_store: RemoteStore) -> None:
    body = "".join(f"<urn:s{i}> <urn:p> 'x{i}' .\n" for i in range(20000))
    with pytest.raises((QueryError, StoreError)) as raised:
        remote_store.update(f"INSERT DATA {{ {body} BROKEN")
    message = str(raised.value)
    assert len(message) <= MESSAGE_CHARS + 100, message
    assert "\n" not in message and "urn:s1" not in message


def test_unreachable_store_is_a_store_error() -> None:
    store = RemoteStore(f"http://127.0.0.1:{free_port()}/query", timeout=2)
    with pytest.raises(StoreError, match="cannot reach the store"):
        store.version()


def _small(value: str) -> Graph:
    graph = Graph()
    graph.add((URIRef("urn:a"), URIRef("urn:p"), Literal(value)))
    return graph


def test_replace_swaps_the_graph_and_the_version(remote_engine: RemoteFactory) -> None:
    store = remote_engine()
    assert store.version() is None
    with pytest.raises(StoreError, match="no graph built yet"):
        store.query("SELECT * WHERE { ?s ?p ?o }")
    first = store.replace(_small("one"))
    first_graph = store.data_graph()
    second = store.replace(_small("two"))
    assert store.version() == second != first
    result = store.query("SELECT ?o WHERE { <urn:a> <urn:p> ?o }")
    assert isinstance(result, SelectResult)
    assert [str(r["o"]) for r in result.rows] == ["two"]
    store.update(f"INSERT DATA {{ GRAPH <{store.data_graph()}> {{ <urn:b> <urn:p> 'three' }} }}")
    assert store.triple_count() == 2
    third = store.replace(_small("three"))
    layout = store.layout()
    assert layout is not None and layout.version == third
    assert len(layout.kept) == store.keep_versions == 2  # the previous version, for readers
    gone = store.execute("ASK { ?s ?p ?o }", default_graphs=[str(first_graph)])
    assert not bool(gone)  # the oldest version was dropped


def test_named_graphs_of_a_dataset_are_written_and_old_ones_dropped(
    remote_engine: RemoteFactory,
) -> None:
    store = remote_engine()
    dataset = Dataset()
    dataset.default_graph.add((URIRef("urn:a"), URIRef("urn:p"), Literal("current")))
    for name in ("urn:x-test:rev1", "urn:x-test:rev2"):
        dataset.graph(URIRef(name)).add((URIRef("urn:a"), URIRef("urn:p"), Literal(name)))
    store.replace(dataset)
    query = "SELECT ?g ?o WHERE { GRAPH ?g { <urn:a> <urn:p> ?o } } ORDER BY ?g"
    result = store.query(query)
    assert isinstance(result, SelectResult)
    assert [(str(r["g"]), str(r["o"])) for r in result.rows] == [
        ("urn:x-test:rev1", "urn:x-test:rev1"),
        ("urn:x-test:rev2", "urn:x-test:rev2"),
    ]
    assert store.query("ASK { <urn:a> <urn:p> 'current' }") is True
    smaller = Dataset()
    smaller.default_graph.add((URIRef("urn:a"), URIRef("urn:p"), Literal("later")))
    smaller.graph(URIRef("urn:x-test:rev2")).add((URIRef("urn:a"), URIRef("urn:p"), Literal("v2")))
    store.replace(smaller)
    result = store.query(query)
    assert isinstance(result, SelectResult)
    assert [(str(r["g"]), str(r["o"])) for r in result.rows] == [("urn:x-test:rev2", "v2")]
    dropped = store.execute("ASK { GRAPH ?g { ?s ?p ?o } }", named_graphs=["urn:x-test:rev1"])
    assert not bool(dropped)


def test_a_failed_build_leaves_the_stored_graph(remote_engine: RemoteFactory) -> None:
    store = remote_engine()
    version = store.replace(_small("kept"))
    broken = RemoteStore(
        store.query_url,
        store.update_url,
        f"{store.query_url}-no-such-graph-store",
        graph_base=store.graph_base,
        meta_graph=store.meta_graph,
    )
    with pytest.raises(StoreError) as raised:
        broken.replace(_small("lost"))
    assert "\n" not in str(raised.value) and len(str(raised.value)) < MESSAGE_CHARS + 200
    assert store.version() == version
    assert store.query("ASK { <urn:a> <urn:p> 'kept' }") is True


def test_without_a_graph_store_url_the_build_is_sent_in_batches(
    remote_engine: RemoteFactory,
) -> None:
    served = remote_engine()
    store = RemoteStore(
        served.query_url,
        served.update_url,
        graph_base=served.graph_base,
        meta_graph=served.meta_graph,
        batch_triples=3,
    )
    graph = Graph()
    graph.add((URIRef("urn:a"), URIRef("urn:p"), Literal('quote " and } brace')))
    for i in range(10):
        graph.add((URIRef(f"urn:s{i}"), URIRef("urn:p"), Literal(i)))
    node = BNode()
    graph.add((URIRef("urn:a"), URIRef("urn:q"), node))
    graph.add((node, URIRef("urn:p"), Literal("under a blank node")))
    version = store.replace(graph)
    assert store.version() == version
    assert store.query("ASK { <urn:a> <urn:p> 'quote \" and } brace' }") is True
    assert store.query("ASK { <urn:a> <urn:q> [ <urn:p> 'under a blank node' ] }") is True
    assert store.triple_count() == len(graph)


# -- the command line, unchanged, against each engine -----------------------------------------


def wcokg(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_wcokg(None, *args, env=env, timeout=300)


def _settings_env(store: RemoteStore) -> dict[str, str]:
    return {
        "WCOKG_SPARQL_QUERY_URL": store.query_url,
        "WCOKG_SPARQL_UPDATE_URL": store.update_url,
        "WCOKG_GRAPH_STORE_URL": str(store.graph_store_url),
    }


@pytest.fixture(scope="module")
def cli_stores(
    remote_engine: RemoteFactory, seed_store: EmbeddedStore
) -> dict[str, dict[str, str]]:
    """`wcokg build` into the engine (its default pointer graph); the session's embedded seed."""
    remote = _settings_env(remote_engine())
    built = wcokg(remote, "build")
    assert built.returncode == 0, built.stderr
    assert "section I activities: 42" in built.stdout
    assert f"in {remote['WCOKG_SPARQL_QUERY_URL']}" in built.stdout
    return {"remote": remote, "embedded": {"WCOKG_STORE": str(seed_store.root)}}


@pytest.mark.parametrize(
    "args",
    [
        ("activities", "--format", "csv"),
        ("activities", "--format", "csv", "--include-deleted"),
        ("query", "activity-codes", "--format", "csv"),
        ("query", "dependencies", "--param", "activity=I-29", "--format", "csv"),
        ("sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "csv"),
    ],
)
def test_cli_gives_the_same_output_on_both_stores(
    cli_stores: dict[str, dict[str, str]], args: tuple[str, ...]
) -> None:
    outputs = [wcokg(cli_stores[k], *args) for k in ("embedded", "remote")]
    for output in outputs:
        assert output.returncode == 0, output.stderr
    assert outputs[0].stdout == outputs[1].stdout


def test_cli_activities_on_the_remote_store(cli_stores: dict[str, dict[str, str]]) -> None:
    current = wcokg(cli_stores["remote"], "activities", "--format", "csv")
    every = wcokg(cli_stores["remote"], "activities", "--format", "csv", "--include-deleted")
    assert len(list(csv.DictReader(io.StringIO(current.stdout)))) == 94
    assert len(list(csv.DictReader(io.StringIO(every.stdout)))) == 97


def test_cli_export_and_errors_on_the_remote_store(
    cli_stores: dict[str, dict[str, str]], seed_store: EmbeddedStore, tmp_path: Path
) -> None:
    remote = cli_stores["remote"]
    target = tmp_path / "graph.nt"
    exported = wcokg(remote, "export", "nt", "-o", str(target))
    assert exported.returncode == 0, exported.stderr
    assert len(Graph().parse(target, format="nt")) == seed_store.triple_count()
    bad = wcokg(remote, "sparql", "SELECT ?x WHERE { ?x")
    assert bad.returncode == 2
    assert bad.stderr.startswith("wcokg: error: malformed SPARQL query")
    assert len(bad.stderr.strip().splitlines()) == 1


def test_cli_build_refused_by_the_store_is_one_short_line(
    cli_stores: dict[str, dict[str, str]],
) -> None:
    remote = cli_stores["remote"]
    before = wcokg(remote, "sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    refusing = {
        **remote,
        "WCOKG_SPARQL_UPDATE_URL": remote["WCOKG_SPARQL_QUERY_URL"] + "-refuses",
        "WCOKG_GRAPH_STORE_URL": "",
    }
    failed = wcokg(refusing, "build")
    assert failed.returncode != 0
    lines = failed.stderr.strip().splitlines()
    assert len(lines) == 1 and len(lines[0]) <= MESSAGE_CHARS + 200, failed.stderr
    assert "INSERT" not in lines[0] and "Traceback" not in failed.stderr
    after = wcokg(remote, "sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert after.stdout == before.stdout


# -- the client's content negotiation, against a minimal server answering in other formats ----


class _Answering(http.server.BaseHTTPRequestHandler):
    """Answers every POST with the next (media type, body) and records the Accept header."""

    answers: ClassVar[list[tuple[str, bytes]]] = []
    accepts: ClassVar[list[str]] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.accepts.append(self.headers.get("accept", ""))
        media_type, body = self.answers.pop(0)
        self.send_response(200)
        self.send_header("content-type", media_type)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        return None


XML_RESULTS = b"""<?xml version="1.0"?>
<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head><variable name="x"/></head>
<results><result><binding name="x"><bnode>nodeID://b10006</bnode></binding></result></results>
</sparql>"""


def test_answers_are_read_by_their_content_type() -> None:
    _Answering.answers[:] = [
        ("application/sparql-results+xml; charset=UTF-8", XML_RESULTS),
        ("text/turtle; charset=UTF-8", b"<urn:a> <urn:p> 'one' ."),
        ("text/html", b"<html>not results</html>"),
    ]
    _Answering.accepts.clear()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answering)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        store = RemoteStore(f"http://127.0.0.1:{server.server_address[1]}/sparql", timeout=5)
        rows = list(store.execute("SELECT ?x WHERE { ?x ?p ?o }", default_graphs=["urn:g"]))
        assert isinstance(rows[0]["x"], ox.BlankNode)  # Virtuoso's label made valid
        triples = list(store.execute("CONSTRUCT WHERE { ?s ?p ?o }", default_graphs=["urn:g"]))  # type: ignore[arg-type]
        assert [str(t.object) for t in triples] == ['"one"']
        with pytest.raises(StoreError, match="answered text/html, not one of the offered"):
            store.execute("ASK { ?s ?p ?o }", default_graphs=["urn:g"])
    finally:
        server.shutdown()
        server.server_close()
    assert _Answering.accepts[0].startswith(
        "application/sparql-results+json, application/sparql-results+xml"
    )
    assert _Answering.accepts[1].startswith("application/n-triples, text/turtle")
