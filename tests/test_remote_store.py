"""The remote store: an Oxigraph server behind SPARQL 1.1 Query/Update/Graph Store Protocol,
the VALUES binding both stores use, and the `wcokg` command run unchanged against it."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from clirunner import run_wcokg
from rdflib import BNode, Graph, Literal, URIRef

from wcokg.errors import QueryError, StoreError
from wcokg.store import EmbeddedStore, RemoteStore
from wcokg.store.base import SelectResult
from wcokg.store.bindings import bind_values, query_form


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


def test_remote_holds_the_same_graph(seed_store: EmbeddedStore, remote_store: RemoteStore) -> None:
    assert remote_store.version() is not None
    assert remote_store.triple_count() == seed_store.triple_count()
    remote = ground_triples(remote_store.dump("application/n-triples"))
    embedded = ground_triples(seed_store.dump("application/n-triples"))
    assert remote == embedded


def ground_triples(ntriples: bytes) -> set[str]:
    """The triples without blank nodes (whose labels each store picks), as N-Triples lines."""
    quads = ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
    return {
        str(q.triple)
        for q in quads
        if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)
    }


def test_malformed_query_reports_the_servers_message(remote_store: RemoteStore) -> None:
    with pytest.raises(QueryError, match="malformed SPARQL query: .*1:"):
        remote_store.query("SELECT ?x WHERE { ?x")


def test_unreachable_store_is_a_store_error() -> None:
    from tests.conftest import free_port  # type: ignore[import-not-found]

    store = RemoteStore(f"http://127.0.0.1:{free_port()}/query", timeout=2)
    with pytest.raises(StoreError, match="cannot reach the store"):
        store.version()


def test_replace_swaps_the_graph_and_the_version(oxigraph_server: Any) -> None:
    store: RemoteStore = oxigraph_server()
    assert store.version() is None
    graph = Graph()
    graph.add((URIRef("urn:a"), URIRef("urn:p"), Literal("one")))
    first = store.replace(graph)
    graph.set((URIRef("urn:a"), URIRef("urn:p"), Literal("two")))
    second = store.replace(graph)
    assert store.version() == second != first
    result = store.query("SELECT ?o WHERE { <urn:a> <urn:p> ?o }")
    assert isinstance(result, SelectResult)
    assert [str(r["o"]) for r in result.rows] == ["two"]
    store.update("INSERT DATA { <urn:b> <urn:p> 'three' }")
    assert store.triple_count() == 2


def test_without_a_graph_store_url_the_build_is_one_update(oxigraph_server: Any) -> None:
    served: RemoteStore = oxigraph_server()
    store = RemoteStore(served.query_url, served.update_url)
    graph = Graph()
    graph.add((URIRef("urn:a"), URIRef("urn:p"), Literal('quote " and } brace')))
    version = store.replace(graph)
    assert store.version() == version
    assert store.query("ASK { <urn:a> <urn:p> 'quote \" and } brace' }") is True


# -- the command line, unchanged, against an Oxigraph server ---------------------------------


def wcokg(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_wcokg(None, *args, env=env, timeout=120)


@pytest.fixture(scope="module")
def cli_stores(oxigraph_server: Any, seed_store: EmbeddedStore) -> dict[str, dict[str, str]]:
    """`wcokg build` into a fresh Oxigraph server; the session's embedded seed to compare with."""
    served: RemoteStore = oxigraph_server()
    remote = {
        "WCOKG_SPARQL_QUERY_URL": served.query_url,
        "WCOKG_SPARQL_UPDATE_URL": served.update_url,
        "WCOKG_GRAPH_STORE_URL": str(served.graph_store_url),
    }
    built = wcokg(remote, "build")
    assert built.returncode == 0, built.stderr
    assert "section I activities: 42" in built.stdout
    assert f"in {served.query_url}" in built.stdout
    return {"remote": remote, "embedded": {"WCOKG_STORE": str(seed_store.root)}}


@pytest.mark.parametrize(
    "args",
    [
        ("activities", "--format", "csv"),
        ("query", "activity-codes", "--format", "csv"),
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
