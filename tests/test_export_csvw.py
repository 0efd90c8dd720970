"""CSV + CSVW metadata export: the metadata parses, describes every column, and the values fit."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from wcokg.export.csvw import activities_csv, activities_xlsx, csvw_metadata_json
from wcokg.store import EmbeddedStore
from wcokg.table import COLUMNS

CSVW_DATATYPES = {"string", "integer", "decimal", "boolean", "anyURI", "date"}


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
        assert column["datatype"] in CSVW_DATATYPES
        assert column.get("propertyUrl", "https://").startswith(("http://", "https://"))
    by_name = {c["name"]: c for c in columns}
    assert by_name["lead_body"]["valueUrl"] == "https://w3id.org/wcokg/body/{lead_body}"
    assert by_name["responsible_bodies"]["separator"] == "; "
    rows = list(reader)
    assert len(rows) == 94
    for row in rows:
        for column, value in zip(columns, row, strict=True):
            if value == "":
                assert not column["required"], column["name"]
                continue
            for item in value.split(column["separator"]) if "separator" in column else [value]:
                check_value(column["datatype"], item)


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
