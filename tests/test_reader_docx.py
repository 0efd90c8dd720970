"""The Word reader: tracked changes of every kind read into current and previous text."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from docbuilders import HEADER, Description, Row, Table, activity, from_markdown, write_docx
from msoffcrypto.format.ooxml import OOXMLFile

from wcokg.errors import SourceFormatError
from wcokg.loaders.programme import load_programme
from wcokg.loaders.readers import read
from wcokg.loaders.records import Activity

SEED = Path(__file__).resolve().parents[1] / "data" / "sources" / "ptc-work-programme-2022-2025.md"
LEGEND = (
    "³ Strategic Processes (SPs) : **SP1** - Develop; **SP2** - Cooperate; **FA1** - Focus Area 1"
)


def sample(rows: list[Row]) -> Description:
    """A small programme in the template: title, one section, the given rows, the legend."""
    return Description(
        [
            "SAMPLE COMMITTEE (SC) WORK PROGRAMME 2030-2033",
            "I. Activities undertaken within a specific timeframe",
            Table([Row(HEADER), *rows]),
            LEGEND,
        ],
        running_header=["Annex to", "Doc. SC0001"],
    )


REVISED = sample(
    [
        Row(activity("1.", "First activity")),
        Row(activity("2.", "Struck activity"), kind="del"),
        Row(
            activity(
                "<del>3</del><u>2</u>.",
                "<u>Endorse</u> <del>Develop</del> the guidance",
                resources="<del>Three</del> <u>Two</u> officers from the Facilitation Sub-Directorate",
            )
        ),
        Row(activity("3.", "Inserted activity"), kind="ins"),
        Row(activity("4.", "Review <mf>the old </mf>guidance<mt> the old</mt>")),
        Row(
            activity(
                "5.",
                "<uf>Adopt</uf> <strike>Draft</strike> the plan",
                kpi="<dstrike>Plan drafted</dstrike> Plan adopted",
            )
        ),
        Row(activity("6.", "Multi-paragraph", progress="<p>Completed.</p><p>Endorsed.</p>")),
    ]
)


def by_id(path: Path) -> dict[str, Activity]:
    return {a.id: a for a in load_programme(path).activities}


def test_every_revision_kind_in_word(tmp_path: Path) -> None:
    acts = by_id(write_docx(REVISED, tmp_path / "revised.docx"))
    assert list(acts) == ["I-1", "I-2-deleted", "I-2", "I-3", "I-4", "I-5", "I-6"]
    assert acts["I-1"].revision == "unchanged"
    struck = acts["I-2-deleted"]
    assert (struck.revision, struck.title) == ("deleted", "Struck activity")
    renumbered = acts["I-2"]
    assert (renumbered.revision, renumbered.previous_number) == ("renumbered", 3)
    assert renumbered.title == "Endorse the guidance"
    assert renumbered.cells["title"].previous_text == "Develop the guidance"
    resources = renumbered.cells["team_resources"]
    assert (resources.text, resources.previous_text) == (
        "Two officers from the Facilitation Sub-Directorate",
        "Three officers from the Facilitation Sub-Directorate",
    )
    assert (acts["I-3"].revision, acts["I-3"].previous_number) == ("inserted", None)
    moved = acts["I-4"].cells["title"]
    assert (moved.text, moved.previous_text) == (
        "Review guidance the old",
        "Review the old guidance",
    )
    accepted = acts["I-5"]
    assert accepted.title == "Adopt the plan"
    assert accepted.cells["title"].previous_text == "Draft the plan"
    assert (accepted.kpi, accepted.cells["kpi"].previous_text) == (
        "Plan adopted",
        "Plan drafted Plan adopted",
    )
    assert acts["I-6"].progress == ("Completed.", "Endorsed.")


def test_running_header_and_footnotes_are_not_cells(tmp_path: Path) -> None:
    document = read(write_docx(REVISED, tmp_path / "revised.docx"))
    assert document.title == "SAMPLE COMMITTEE (SC) WORK PROGRAMME 2030-2033"
    assert document.doc_reference == "SC0001"
    assert "3" in document.footnotes
    assert all("SC0001" not in v for r in document.rows for v in r.cells.values())
    # source lines of a .docx are blocks: paragraphs and table rows in document order
    assert [r.line_start for r in document.rows][:2] == [4, 5]


def test_seed_with_tracked_changes_in_i10_title(tmp_path: Path) -> None:
    description = from_markdown(SEED.read_text(encoding="utf-8"))
    rows = [r for b in description.blocks if isinstance(b, Table) for r in b.rows]
    row = next(
        r for r in rows if r.cells[3] == "Endorse Develop the WCO Data Model major version 4.0.0"
    )
    row.cells[3] = "<u>Endorse</u> <del>Develop</del> the WCO Data Model major version 4.0.0"
    acts = by_id(write_docx(description, tmp_path / "seed.docx"))
    i10 = acts["I-10"]
    assert i10.title == "Endorse the WCO Data Model major version 4.0.0"
    assert i10.cells["title"].previous_text == "Develop the WCO Data Model major version 4.0.0"


def test_corrupt_docx_is_one_clear_error(tmp_path: Path) -> None:
    not_zip = tmp_path / "notes.docx"
    not_zip.write_text("just text")
    with pytest.raises(SourceFormatError, match=r"notes\.docx: expected a Word \.docx"):
        read(not_zip)
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document")
    with pytest.raises(SourceFormatError, match=r"broken\.docx: expected a Word \.docx work"):
        read(broken)


def test_encrypted_docx_is_refused(tmp_path: Path) -> None:
    plain = write_docx(REVISED, tmp_path / "plain.docx")
    locked = tmp_path / "locked.docx"
    with plain.open("rb") as source, locked.open("wb") as target:
        OOXMLFile(source).encrypt("secret", target)
    with pytest.raises(SourceFormatError, match=r"locked\.docx: .*encrypted"):
        read(locked)


def test_previous_text_in_graph_json_api_and_page(tmp_path: Path) -> None:
    """Build the revised .docx, then read `previous` back from the graph, the CLI table rows,
    the REST API and the activity page."""
    from fastapi.testclient import TestClient
    from rdflib import Literal, Namespace

    from wcokg.api.app import create_app
    from wcokg.build import build_graph
    from wcokg.namespaces import Minter
    from wcokg.settings import Settings
    from wcokg.store import EmbeddedStore
    from wcokg.table import activity_rows

    report = build_graph([write_docx(REVISED, tmp_path / "revised.docx")], Minter())
    wcokg = Namespace("https://w3id.org/wcokg/ontology#")
    revisions = {str(o) for o in report.graph.objects(None, wcokg.cellRevision)}
    assert revisions == {"replaced"}
    assert (None, wcokg.previousText, Literal("Develop the guidance")) in report.graph
    store = EmbeddedStore(tmp_path / "store")
    store.replace(report.graph)
    rows = {r.id: r for r in activity_rows(store, include_deleted=True)}
    assert rows["I-2"].previous == {
        "number": "3",
        "team_resources": "Three officers from the Facilitation Sub-Directorate",
        "title": "Develop the guidance",
    }
    assert rows["I-1"].previous == {} and rows["I-3"].previous == {}
    assert rows["I-2-deleted"].previous == {}
    app = create_app(Settings(store=store.root), store)
    with TestClient(app) as client:
        body = client.get("/activities/I-2").json()
        assert body["previous"]["title"] == "Develop the guidance"
        page = client.get(body["url"], headers={"Accept": "text/html"}).text
    assert "<del>Develop the guidance</del> <ins>Endorse the guidance</ins>" in page


def test_markdown_fills_previous_only_where_it_marks() -> None:
    acts = by_id(SEED)
    resources = acts["I-23"].cells["team_resources"]
    assert resources.text == "Three two officers from the Facilitation Sub-Directorate"
    assert resources.previous_text == "Three officers from the Facilitation Sub-Directorate"
    # no marks, no previous: the run-together title keeps its text both ways
    title = acts["I-10"].cells["title"]
    assert (
        title.previous_text
        == title.text
        == "Endorse Develop the WCO Data Model major version 4.0.0"
    )


def test_word_footnotes_field_codes_and_superscript_marks(tmp_path: Path) -> None:
    header = [*HEADER]
    header[3] = "Activities<fn>2</fn>"
    rows = [Row(activity("1.", "Compile the <field>PAGE \\* MERGEFORMAT</field> report"))]
    description = Description(
        [
            "SAMPLE COMMITTEE (SC) WORK PROGRAMME 2030-2033",
            "I. Activities undertaken within a specific timeframe",
            Table([Row(header), *rows]),
        ],
        footnotes={"2": "All activities listed will be funded.", "3": LEGEND[2:]},
    )
    document = read(write_docx(description, tmp_path / "notes.docx"))
    assert document.footnotes["2"].text == "All activities listed will be funded."
    assert document.header_marks["I"]["title"] == ("2",)
    assert document.rows[0].cells["title"] == "Compile the 1 report"  # the result, not the code
    programme = load_programme(tmp_path / "notes.docx")
    assert "no-legend" not in [f.code for f in programme.flags]  # the legend is a Word footnote


def test_format_is_sniffed_when_the_suffix_says_nothing(tmp_path: Path) -> None:
    word = write_docx(REVISED, tmp_path / "revised.docx")
    unnamed = tmp_path / "programme"
    unnamed.write_bytes(word.read_bytes())
    assert len(read(unnamed).rows) == len(read(word).rows) == 7
