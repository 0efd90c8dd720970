"""CSV + CSVW metadata export: the metadata parses, describes every column, and the values fit;
the `csvw` package (a CSVW consumer) validates it and converts it to JSON as the graph says,
cell by cell; every CSV the project writes is RFC 4180 (CRLF)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from csvw import CSVW
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from rdflib import URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD
from uritemplate import expand

from wcokg.export.common import store_graph
from wcokg.export.csvw import activities_csv, activities_xlsx, csvw_metadata_json
from wcokg.loaders.turtle import bundled_graph
from wcokg.namespaces import WCOKG
from wcokg.output import render
from wcokg.store import EmbeddedStore
from wcokg.table import COLUMNS

CSVW_DATATYPES = {"string", "integer", "decimal", "boolean", "anyURI", "date"}
XSD_OF = {"string": XSD.string, "integer": XSD.integer, "decimal": XSD.decimal,
          "boolean": XSD.boolean}  # fmt: skip


def base(column: dict[str, Any]) -> str:
    datatype = column["datatype"]
    return str(datatype["base"] if isinstance(datatype, dict) else datatype)


def check_value(datatype: str, value: str) -> None:
    if datatype == "integer":
        int(value)
    elif datatype == "decimal":
        Decimal(value)
    elif datatype == "boolean":
        assert value in ("true", "false")
    elif datatype == "anyURI":
        assert value.startswith("https://")


def test_metadata_describes_every_column_of_the_csv(seed_store: EmbeddedStore) -> None:
    metadata = json.loads(csvw_metadata_json(seed_store, "activities.csv"))
    assert metadata["@context"][0] == "http://www.w3.org/ns/csvw"
    assert metadata["url"] == "activities.csv"
    schema = metadata["tableSchema"]
    assert schema["aboutUrl"] == "{+iri}"
    columns = schema["columns"]
    reader = csv.reader(io.StringIO(activities_csv(seed_store)))
    header = next(reader)
    assert [c["name"] for c in columns] == header == list(COLUMNS)
    for column in columns:
        assert column["titles"] and column["titles"][0] == column["name"]
        datatype = column["datatype"]
        assert (datatype["base"] if isinstance(datatype, dict) else datatype) in CSVW_DATATYPES
        assert column.get("propertyUrl", "https://").startswith(("http://", "https://"))
    by_name = {c["name"]: c for c in columns}
    assert by_name["lead_body"]["valueUrl"] == "https://w3id.org/wcokg/body/{lead_body}"
    assert by_name["responsible_bodies"]["separator"] == "; "
    assert metadata["dialect"]["lineTerminators"] == ["\r\n"]
    rows = list(reader)
    assert len(rows) == 94
    for row in rows:
        for column, value in zip(columns, row, strict=True):
            if value == "":
                assert not column["required"], column["name"]
                continue
            for item in value.split(column["separator"]) if "separator" in column else [value]:
                check_value(base(column), item)


def test_cli_writes_the_metadata_beside_the_csv(seed_store: EmbeddedStore, tmp_path: Path) -> None:
    target = tmp_path / "activities.csv"
    result = subprocess.run(
        [sys.executable, "-m", "wcokg.cli", "export", "csv", "-o", str(target)],
        capture_output=True,
        text=True,
        env={**os.environ, "WCOKG_STORE": str(seed_store.root)},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    metadata = json.loads((tmp_path / "activities.csv-metadata.json").read_text())
    assert metadata["url"] == "activities.csv"
    header = target.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == [c["name"] for c in metadata["tableSchema"]["columns"]]


def test_xlsx_holds_the_table_and_the_column_descriptions(seed_store: EmbeddedStore) -> None:
    book = load_workbook(io.BytesIO(activities_xlsx(seed_store)), read_only=True)
    sheet = book["activities"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(COLUMNS)
    assert len(rows) == 95
    number = rows[0].index("number")
    assert all(isinstance(r[number], int) for r in rows[1:])
    described = [r[0] for r in list(book["columns"].iter_rows(values_only=True))[1:]]
    assert described == list(COLUMNS)


def write_csvw(store: EmbeddedStore, folder: Path) -> Path:
    (folder / "activities.csv").write_bytes(activities_csv(store).encode("utf-8"))
    metadata = folder / "activities.csv-metadata.json"
    metadata.write_text(csvw_metadata_json(store, "activities.csv"), encoding="utf-8")
    return metadata


def json_key(column: dict[str, Any]) -> str:
    """The key the CSVW minimal JSON gives a column (dc: is how csvw compacts Dublin Core)."""
    prop = str(column.get("propertyUrl", column["name"]))
    return prop.replace("http://purl.org/dc/terms/", "dc:")


def test_csvw_package_validates_and_converts_every_cell(
    seed_store: EmbeddedStore, tmp_path: Path
) -> None:
    metadata_path = write_csvw(seed_store, tmp_path)
    consumer = CSVW(str(metadata_path), validate=True)
    assert consumer.is_valid
    converted = consumer.to_json(minimal=True)
    metadata = json.loads(metadata_path.read_text())
    columns = metadata["tableSchema"]["columns"]
    rows = list(csv.reader(io.StringIO(activities_csv(seed_store), newline="")))[1:]
    graph = store_graph(seed_store)
    assert len(converted) == len(rows) == 94
    multi_valued = 0
    for row, record in zip(rows, converted, strict=True):
        cells = dict(zip([c["name"] for c in columns], row, strict=True))
        assert record["@id"] == cells["iri"]
        for column in columns:
            if column.get("suppressOutput"):
                continue
            cell, key = cells[column["name"]], json_key(column)
            if cell == "":
                assert key not in record, (column["name"], record.get(key))
                continue
            values = cell.split(column["separator"]) if "separator" in column else [cell]
            multi_valued += len(values) > 1
            expected: list[Any] = [typed(base(column), v) for v in values]
            if "valueUrl" in column:
                expected = [expand(column["valueUrl"], {column["name"]: v}) for v in values]
                for iri in expected:  # the IRI the graph has for this activity
                    assert (
                        URIRef(cells["iri"]),
                        URIRef(column["propertyUrl"]),
                        URIRef(iri),
                    ) in graph
            got = record[key] if isinstance(record[key], list) else [record[key]]
            assert got == expected, (cells["id"], column["name"])
    assert multi_valued > 0  # lists were there to convert value by value


def typed(datatype: str, value: str) -> Any:
    if datatype == "integer":
        return int(value)
    if datatype == "decimal":
        return float(value)
    if datatype == "boolean":
        return value == "true"
    return value


def test_wcokg_properties_say_what_the_graph_says(seed_store: EmbeddedStore) -> None:
    """Object properties only with a valueUrl, datatype properties of activities with their range."""
    metadata = json.loads(csvw_metadata_json(seed_store))
    ontology = bundled_graph("wcokg.ttl")
    for column in metadata["tableSchema"]["columns"]:
        prop = URIRef(column.get("propertyUrl", ""))
        if not str(prop).startswith(str(WCOKG)):
            continue
        assert "separator" not in column or "valueUrl" not in column, column["name"]
        if (prop, RDF.type, OWL.ObjectProperty) in ontology:
            assert "valueUrl" in column, column["name"]
            continue
        assert (prop, RDF.type, OWL.DatatypeProperty) in ontology, column["name"]
        assert ontology.value(prop, RDFS.domain) in (None, WCOKG.Activity), column["name"]
        assert ontology.value(prop, RDFS.range) == XSD_OF[base(column)], column["name"]


def test_the_csvw_package_rejects_a_value_of_the_wrong_type(
    seed_store: EmbeddedStore, tmp_path: Path
) -> None:
    metadata_path = write_csvw(seed_store, tmp_path)
    table = tmp_path / "activities.csv"
    rows = list(csv.reader(io.StringIO(table.read_text(encoding="utf-8"), newline="")))
    rows[1][rows[0].index("number")] = "not-a-number"
    with table.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out, lineterminator="\r\n").writerows(rows)
    try:
        valid = CSVW(str(metadata_path), validate=True).is_valid
    except ValueError as error:  # the package raises on some invalid cells
        valid = "number" not in str(error)
    assert not valid


def crlf_records(text: str) -> None:
    """RFC 4180: every record ends in CRLF; a bare LF occurs only inside a quoted cell."""
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    rebuilt = io.StringIO()
    csv.writer(rebuilt, lineterminator="\r\n").writerows(rows)
    assert rebuilt.getvalue() == text
    outside_quotes = "".join(text.split('"')[0::2])
    assert "\n" not in outside_quotes.replace("\r\n", "")


def test_every_csv_the_project_writes_ends_records_in_crlf(
    seed_store: EmbeddedStore, tmp_path: Path
) -> None:
    crlf_records(render(["a", "b"], [{"a": "x", "b": "two\nlines"}, {"a": 1, "b": None}], "csv"))
    with pytest.raises(AssertionError):
        crlf_records("a,b\nx,y\n")
    crlf_records(activities_csv(seed_store))
    from wcokg.api.app import create_app

    with TestClient(create_app(store=seed_store)) as client:
        crlf_records(client.get("/export/csv").text)
        named = client.get("/queries", headers={"Accept": "application/json"}).json()
        for query in named:
            answer = client.get(query["example_url"], headers={"Accept": "text/csv"})
            assert answer.status_code == 200, query["name"]
            crlf_records(answer.text)
        sparql = client.get(
            "/sparql",
            params={"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"},
            headers={"Accept": "text/csv"},
        )
        crlf_records(sparql.text)
    bare = next(q["name"] for q in named if not q["parameters"])
    for args in (["activities", "--format", "csv"], ["query", bare, "--format", "csv"]):
        done = subprocess.run(
            [sys.executable, "-m", "wcokg.cli", *args],
            capture_output=True,
            env={**os.environ, "WCOKG_STORE": str(seed_store.root)},
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        crlf_records(done.stdout.decode("utf-8"))
