"""The work programme rendered back from the graph; the round trip through the loader; the
`export` command and `/export/{format}` (media types, refusal of a graph with violations)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from wcokg.build import build_graph
from wcokg.errors import WcokgError
from wcokg.export import FORMATS, guard
from wcokg.export.document import render_html, render_markdown
from wcokg.namespaces import Minter
from wcokg.store import EmbeddedStore
from wcokg.table import activity_rows

IGNORED = {"revision", "previous_number", "previous", "source_lines", "iri"}  # revision facts


@pytest.fixture(scope="module")
def markdown(seed_store: EmbeddedStore) -> str:
    return render_markdown(seed_store)


def test_round_trip_gives_the_same_activities_table(
    seed_store: EmbeddedStore, markdown: str, tmp_path: Path
) -> None:
    source = tmp_path / "regenerated.md"
    source.write_text(markdown, encoding="utf-8")
    store = EmbeddedStore(tmp_path / "store")
    store.replace(build_graph([source], Minter()).graph)

    def table(s: EmbeddedStore) -> dict[str, dict[str, object]]:
        return {
            r.id: {k: v for k, v in r.as_dict().items() if k not in IGNORED}
            for r in activity_rows(s)
        }

    original, regenerated = table(seed_store), table(store)
    assert list(regenerated) == list(original)
    differences = [
        f"{key}.{column}: {original[key][column]!r} != {regenerated[key][column]!r}"
        for key in original
        for column in original[key]
        if original[key][column] != regenerated[key][column]
    ]
    assert differences == []


def test_document_has_the_template_layout(seed_store: EmbeddedStore, markdown: str) -> None:
    assert markdown.startswith("**DRAFT REVISED PERMANENT TECHNICAL COMMITTEE (PTC)")
    headings = re.findall(r"^\*\*(I{1,3})\. (Activities[^*]*)\*\*$", markdown, re.MULTILINE)
    assert [h[0] for h in headings] == ["I", "II"]
    header = next(line for line in markdown.splitlines() if line.startswith("| No."))
    assert header.count("|") == 13  # twelve columns: No. + the eleven columns of the annex
    assert "Completion status ⁷" in header
    assert re.search(r"^⁷ The completion status is a colour code", markdown, re.MULTILINE)
    # deleted rows are not shown: only the current activities, each once
    rows = [line for line in markdown.splitlines() if re.match(r"^\| \d+\. \|", line)]
    assert len(rows) == len(activity_rows(seed_store)) == 94
    assert "| Green: Completed |" in markdown and "| Blue: In progress |" in markdown


def test_html_has_status_colours_and_no_external_resources(seed_store: EmbeddedStore) -> None:
    page = render_html(seed_store)
    assert "background-color: #2e7d32" in page  # green: Completed (from the colour codelist)
    assert "background-color: #1565c0" in page  # blue: In progress
    assert not re.search(r"<(?:script|link|img)[^>]+(?:src|href)=", page)
    assert '<script type=\'application/ld+json\'>{"@context": "https://schema.org/"' in page
    assert page.count("<tr id=") == 94


def _always_violated(report: object) -> None:
    """A stand-in for ensure_no_violations that finds a violation in any report."""
    raise WcokgError("the graph has 1 SHACL violation(s), e.g. I-1: no title")


def test_cli_refuses_a_graph_with_violations(
    seed_store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wcokg import cli

    monkeypatch.setattr(cli, "open_store", lambda: seed_store)
    monkeypatch.setattr(guard, "ensure_no_violations", _always_violated)
    result = CliRunner().invoke(cli.app, ["export", "iati"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("wcokg: error: export refused:")


def test_cli_rejects_an_unknown_format(seed_store: EmbeddedStore) -> None:
    from wcokg import cli

    result = CliRunner().invoke(cli.app, ["export", "pdf"])
    assert result.exit_code == 2
    assert "unknown format 'pdf'" in result.output


def test_http_exports_with_media_types_and_downloads(
    seed_store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wcokg.api.app import create_app

    with TestClient(create_app(store=seed_store)) as client:
        for name in ("iati", "csv", "markdown", "dcat"):
            response = client.get(f"/export/{name}")
            assert response.status_code == 200, response.text
            assert response.headers["content-type"].startswith(
                FORMATS[name].media_type.split(";")[0]
            )
            assert response.headers["content-disposition"] == (
                f'attachment; filename="ptc-2022-2025.{FORMATS[name].extension}"'
            )
        assert "describedby" in client.get("/export/csv").headers["link"]
        assert client.get("/export/pdf").status_code == 404
        assert client.get("/context.jsonld").json()["@context"]["wcokg"].endswith("ontology#")
        monkeypatch.setattr(guard, "ensure_no_violations", _always_violated)
        refused = client.get("/export/ttl")
        assert refused.status_code == 409
        assert refused.headers["content-type"] == "application/problem+json"
