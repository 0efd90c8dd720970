"""The W3C SPARQL 1.1 Protocol and Service Description test cases, read from the official
manifests in `../shared/standards/w3c-sparql11/` and run against the app over both stores.

Adaptation: the cases' data (`data1.nt`… loaded as named graphs) sits next to the project's
own graph (the default graph), so dataset selection (`default-graph-uri`, `named-graph-uri`)
is tested on the real store; `/sparql/` becomes `/sparql`. Run: every query case and every
`bad_*` case (bad updates are refused with a 4xx whether or not updates are enabled). Not run:
the positive `update_*` cases, which need updates on (off by design here) and
`using-graph-uri`, which this endpoint does not implement.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from rdflib import RDF, Dataset, Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from wcokg.api.app import create_app
from wcokg.build import BuildReport
from wcokg.settings import Settings
from wcokg.store import EmbeddedStore, GraphStore
from wcokg.store.formats import BOOLEAN_FORMATS, GRAPH_FORMATS, SOLUTION_FORMATS

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
HERE = Path(__file__).resolve()
SHARED = Path(__import__("os").environ.get("WCOKG_SHARED", HERE.parents[2] / "shared"))
PROTOCOL = SHARED / "standards" / "w3c-sparql11" / "protocol" / "manifest.ttl"
SERVICE = SHARED / "standards" / "w3c-sparql11" / "service-description" / "manifest.ttl"


def entries(path: Path) -> list[tuple[str, URIRef, Graph]]:
    """(local name, node, manifest graph) of every entry, in the manifest's order."""
    if not path.is_file():
        return []
    graph = Graph().parse(path)
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    found = []
    for entry in Collection(graph, graph.value(manifest, MF.entries)):
        assert isinstance(entry, URIRef)
        found.append((str(entry).rsplit("#", 1)[-1], entry, graph))
    return found


def is_run(name: str) -> bool:
    return name.startswith(("query_", "bad_"))


PROTOCOL_CASES = [e for e in entries(PROTOCOL) if is_run(e[0])]
SERVICE_CASES = entries(SERVICE)


@pytest.fixture(scope="module")
def dataset(seed_report: BuildReport) -> Dataset:
    if not PROTOCOL.is_file():
        pytest.skip(f"W3C manifests not found under {SHARED} (set WCOKG_SHARED)")
    data = Dataset()
    data.default_graph += seed_report.graph
    manifest = Graph().parse(PROTOCOL)
    for graph_data in set(manifest.objects(None, UT.graphData)):
        name = manifest.value(graph_data, RDFS_LABEL)
        source = manifest.value(graph_data, UT.graph)
        local = PROTOCOL.parent / str(source).rsplit("/", 1)[-1]
        data.graph(URIRef(str(name))).parse(local, format="nt")
    return data


@pytest.fixture(scope="module", params=["embedded", "remote"])
def client(
    request: pytest.FixtureRequest,
    dataset: Dataset,
    remote_engine: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[TestClient]:
    store: GraphStore = (
        EmbeddedStore(tmp_path_factory.mktemp("w3c"))
        if request.param == "embedded"
        else remote_engine()
    )
    store.replace(dataset)
    with TestClient(create_app(Settings(), store)) as test_client:
        yield test_client


def test_the_manifests_were_found(shared_dir: Path) -> None:
    assert len(PROTOCOL_CASES) >= 20
    assert {name for name, _, _ in SERVICE_CASES} == {
        "has-endpoint-triple",
        "returns-rdf",
        "conforms-to-schema",
    }


@pytest.mark.parametrize(
    ("name", "entry", "manifest"), PROTOCOL_CASES, ids=[c[0] for c in PROTOCOL_CASES]
)
def test_protocol_case(name: str, entry: URIRef, manifest: Graph, client: TestClient) -> None:
    action = manifest.value(entry, MF.action)
    for request in Collection(manifest, manifest.value(action, HT.requests)):
        run_request(client, manifest, request, name)


def run_request(client: TestClient, manifest: Graph, request: Node, name: str) -> None:
    path = str(manifest.value(request, HT.absolutePath)).replace("/sparql/", "/sparql", 1)
    method = str(manifest.value(request, HT.methodName))
    headers = {}
    header_list = manifest.value(request, HT.headers)
    if header_list is not None:
        for header in Collection(manifest, header_list):
            headers[str(manifest.value(header, HT.fieldName))] = str(
                manifest.value(header, HT.fieldValue)
            )
    content = None
    body = manifest.value(request, HT.body)
    if body is not None:
        encoding = str(manifest.value(body, CNT.characterEncoding) or "UTF-8")
        content = str(manifest.value(body, CNT.chars)).encode(encoding.lower())
    answer = client.request(method, path, content=content, headers=headers)
    response = manifest.value(request, HT.resp)
    allowed = {
        str(s).rsplit("StatusCode", 1)[-1][0] for s in manifest.objects(response, MF.expectedStatus)
    }
    assert str(answer.status_code)[0] in allowed, (
        f"{name}: {answer.status_code} {answer.text[:300]}"
    )
    media_type = answer.headers.get("content-type", "").split(";")[0]
    expected_format = manifest.value(response, MF.expectedFormat)
    if expected_format is not None and str(expected_format) == "boolean":
        assert media_type in BOOLEAN_FORMATS, name
        expected = manifest.value(response, MF.expectedBoolean)
        if expected is not None:
            results = ox.parse_query_results(
                answer.content, format=ox.QueryResultsFormat.from_media_type(media_type)
            )
            assert bool(results) is expected.toPython(), name
    elif expected_format is not None and str(expected_format) == "tabular":
        assert media_type in SOLUTION_FORMATS, name
    elif expected_format is not None and str(expected_format) == "RDF":
        assert media_type in GRAPH_FORMATS, name
        Graph().parse(data=answer.content, format=media_type)


# -- service description --------------------------------------------------------------------


def description(client: TestClient) -> tuple[Graph, str]:
    answer = client.get("/sparql")
    assert answer.status_code == 200
    media_type = answer.headers["content-type"].split(";")[0]
    return Graph().parse(data=answer.content, format=media_type), media_type


def returns_rdf(client: TestClient) -> None:
    graph, media_type = description(client)
    assert media_type in GRAPH_FORMATS and len(graph) > 0
    for accept in GRAPH_FORMATS:
        answer = client.get("/sparql", headers={"Accept": accept})
        assert answer.headers["content-type"].split(";")[0] == accept
        assert len(Graph().parse(data=answer.content, format=accept)) == len(graph)


def has_endpoint_triple(client: TestClient) -> None:
    graph, _ = description(client)
    assert (None, SD.endpoint, URIRef("http://testserver/sparql")) in graph


def conforms_to_schema(client: TestClient) -> None:
    """The SD vocabulary's domains and ranges, as the W3C case's validator checks them."""
    graph, _ = description(client)
    services = list(graph.subjects(RDF.type, SD.Service))
    assert len(services) == 1
    service = services[0]
    languages = set(graph.objects(service, SD.supportedLanguage))
    assert languages and languages <= {SD.SPARQL10Query, SD.SPARQL11Query, SD.SPARQL11Update}
    assert all(isinstance(e, URIRef) for e in graph.objects(service, SD.endpoint))
    assert all(isinstance(f, URIRef) for f in graph.objects(service, SD.resultFormat))
    for dataset_node in graph.objects(service, SD.defaultDataset):
        assert (dataset_node, RDF.type, SD.Dataset) in graph
        for default in graph.objects(dataset_node, SD.defaultGraph):
            assert (default, RDF.type, SD.Graph) in graph


SERVICE_CHECKS = {
    "returns-rdf": returns_rdf,
    "has-endpoint-triple": has_endpoint_triple,
    "conforms-to-schema": conforms_to_schema,
}


@pytest.mark.parametrize(
    ("name", "entry", "manifest"), SERVICE_CASES, ids=[c[0] for c in SERVICE_CASES]
)
def test_service_description_case(
    name: str, entry: URIRef, manifest: Graph, client: TestClient
) -> None:
    assert name in SERVICE_CHECKS, f"new service-description case {name}: add its check"
    SERVICE_CHECKS[name](client)
