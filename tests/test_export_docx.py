"""`wcokg export docx`: the later revision as Word with the changes from the earlier one as
tracked changes. A small function of the tests applies or rejects the marks in the XML (as Word's
"Accept all" / "Reject all"); the result must be the later / the earlier revision's tables."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from revision_edits import Revised, parse, revise, single_line

from wcokg.build import build_graph, bundled_sources
from wcokg.export.document import TEMPLATE, ProgrammeDocument, cell_values, collect
from wcokg.export.docx import render_docx
from wcokg.history import list_revisions
from wcokg.loaders.programme import build_programme
from wcokg.loaders.readers import read
from wcokg.loaders.reference import load_reference
from wcokg.namespaces import Minter
from wcokg.store.memory import MemoryStore

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SEED = next(p for p in bundled_sources() if p.suffix == ".md")
NEW_ROW = [
    "B", "Y", "Develop guidance on the exchange of revision histories between administrations",
    "SP1", "Development", "PTC, Council", "One officer of the Facilitation Sub-Directorate",
    "Guidance endorsed", "June 2025 (PTC)", "<p>Not started.</p> <p>A first outline is due.</p>", "",
]  # fmt: skip
Tables = list[list[list[list[str]]]]


def resolve(docx: bytes, accept: bool) -> Tables:
    """The document's tables (rows of cells of paragraph texts) after accepting (or rejecting)
    every tracked change: kept marks are unwrapped, dropped ones removed with their content, a
    row marked as dropped goes, a paragraph whose mark is dropped joins the next paragraph."""
    keep, drop = ("ins", "del") if accept else ("del", "ins")
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml"))
    for tr in list(root.iter(f"{W}tr")):
        properties = tr.find(f"{W}trPr")
        if properties is not None and properties.find(f"{W}{drop}") is not None:
            tr.getparent().remove(tr)
    for p in list(root.iter(f"{W}p")):
        mark = p.find(f"{W}pPr/{W}rPr/{W}{drop}")
        while mark is not None:
            mark.getparent().remove(mark)
            following = p.getnext()
            assert following is not None and following.tag == f"{W}p", "a dropped mark ends a cell"
            for child in list(following):
                if child.tag != f"{W}pPr":
                    p.append(child)
            mark = following.find(f"{W}pPr/{W}rPr/{W}{drop}")
            following.getparent().remove(following)
    for element in list(root.iter(f"{W}{drop}")):
        if element.getparent() is not None:
            element.getparent().remove(element)
    for element in list(root.iter(f"{W}{keep}")):
        parent = element.getparent()
        index = parent.index(element)
        for offset, child in enumerate(list(element)):
            parent.insert(index + offset, child)
        parent.remove(element)
    return [
        [
            [["".join(t.text or "" for t in p.iter(f"{W}t", f"{W}delText")) for p in tc.iter(f"{W}p")]
             for tc in tr.iter(f"{W}tc")]
            for tr in tbl.iter(f"{W}tr")
        ]
        for tbl in root.iter(f"{W}tbl")
    ]  # fmt: skip


def expected(document: ProgrammeDocument) -> Tables:
    """The activity rows of each section's table, as the writer should show them."""
    return [
        [
            [cell_values(document, row)[column] for column, *_ in TEMPLATE]
            for row in document.rows.get(key, [])
        ]
        for key, _ in document.sections
    ]


def activity_rows_of(tables: Tables) -> Tables:
    return [table[2:] for table in tables]  # the header and legend rows first


@pytest.fixture(scope="module")
def revised() -> Revised:
    """The seed's later revision PC0800: one progress, a priority and timeline, a title changed;
    a row struck and one inserted (later rows renumbered)."""
    text = SEED.read_text(encoding="utf-8")
    rows = single_line(parse(text), "I")
    return revise(
        text,
        "PC0800",
        cells={
            rows[0].id: {"progress": "Completed. The report was adopted by the Council."},
            rows[8].id: {"priority": "C", "timeline": "June 2026 (PTC)"},
            rows[12].id: {"title": rows[12].title_paragraphs[0] + " (second phase)"},
        },
        strike=(rows[5].id,),
        insert_after={rows[10].id: NEW_ROW},
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, revised: Revised) -> MemoryStore:
    later = revised
    folder = tmp_path_factory.mktemp("docx")
    path = folder / "pc0800.md"
    path.write_text(later.text, encoding="utf-8")
    report = build_graph([SEED, path], Minter())
    store = MemoryStore()
    store.replace(report.graph, named_graphs=report.named_graphs)
    return store


def test_accept_all_gives_the_later_revision_and_reject_all_the_earlier(built: MemoryStore) -> None:
    earlier, later = list_revisions(built)
    data = render_docx(built, "pc0756", "pc0800")
    (new,) = collect(built, later.graphs)
    (old,) = collect(built, earlier.graphs)
    accepted = activity_rows_of(resolve(data, accept=True))
    rejected = activity_rows_of(resolve(data, accept=False))
    assert accepted == expected(new)
    assert rejected == expected(old)
    assert accepted != rejected


def test_tracked_changes_are_word_level_rows_and_numbers(built: MemoryStore) -> None:
    data = render_docx(built, "pc0756")
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    root = etree.fromstring(xml.encode("utf-8"))
    assert len(root.findall(f".//{W}trPr/{W}del")) == 1  # the struck row
    assert len(root.findall(f".//{W}trPr/{W}ins")) == 1  # the inserted row
    deleted = ["".join(d.itertext()) for d in root.iter(f"{W}del")]
    inserted = ["".join(i.itertext()) for i in root.iter(f"{W}ins")]
    assert "(second phase)" in [i.strip() for i in inserted]  # a word-level insertion
    assert "7." in deleted and "6." in inserted  # a renumbered number, old and new
    assert len(root.findall(f".//{W}tblHeader")) == 2  # the header row repeats, both sections
    assert all(e.get(f"{W}author") == "wcokg" for e in root.iter(f"{W}ins", f"{W}del"))
    ids = [e.get(f"{W}id") for e in root.iter(f"{W}ins", f"{W}del")]
    assert len(ids) == len(set(ids))
    header = zipfile.ZipFile(io.BytesIO(data)).read("word/header1.xml").decode("utf-8")
    assert "Doc. PC0800" in header


def test_default_is_the_newest_revision_against_the_one_before(built: MemoryStore) -> None:
    def body(data: bytes) -> bytes:
        return zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")

    assert body(render_docx(built)) == body(render_docx(built, "pc0756", "pc0800"))


def test_single_revision_exports_clean(built: MemoryStore) -> None:
    data = render_docx(built, None, "pc0800")  # a revision given alone
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    assert root.find(f".//{W}ins") is None and root.find(f".//{W}del") is None
    (current,) = collect(built)
    assert activity_rows_of(resolve(data, accept=True)) == expected(current)


def test_word_file_reads_back_as_the_later_revision_with_the_earlier_as_previous(
    built: MemoryStore, revised: Revised, tmp_path: Path
) -> None:
    """Issue 15: the Word file, read by the project's own Word reader, is the later revision;
    each cell's `previous` text is the earlier revision's; the struck row reads as deleted."""
    path = tmp_path / "pc0800.docx"
    path.write_bytes(render_docx(built, "pc0756", "pc0800"))
    document = read(path)
    assert document.doc_reference == "PC0800"
    back = {a.id: a for a in build_programme(document, load_reference()).activities}
    later = {a.id: a for a in parse(revised.text).activities}
    earlier = {a.id: a for a in parse(SEED.read_text(encoding="utf-8")).activities}
    current = {k: a for k, a in back.items() if a.revision != "deleted"}
    assert list(current) == list(later)
    fields = ("title", "priority", "kpi", "timeline", "team_resources", "progress", "status")
    for key, activity in later.items():
        assert [getattr(current[key], f) for f in fields] == [getattr(activity, f) for f in fields]
    struck = [a for a in back.values() if a.revision == "deleted"]
    assert [a.title for a in struck] == [
        a.title for k, a in earlier.items() if k not in revised.ids and a.revision != "deleted"
    ]  # rows struck out already in the earlier revision are dropped from the later one
    assert {a.id for a in current.values() if a.revision == "inserted"} == set(revised.inserted)
    # the earlier text as the same writer and reader give it (a clean file of the earlier revision)
    clean = tmp_path / "pc0756.docx"
    clean.write_bytes(render_docx(built, None, "pc0756"))
    earlier_read = {a.id: a for a in build_programme(read(clean), load_reference()).activities}
    changed = 0
    for old_id, new_id in revised.ids.items():
        cells = current[new_id].cells
        for column, cell in earlier_read[old_id].cells.items():
            was = cells[column].previous_text
            assert (cells[column].text if was is None else was) == cell.text, (new_id, column)
            changed += was is not None and was != cells[column].text
        number = current[new_id].previous_number
        assert number in (None, earlier[old_id].number)
    assert changed >= 5  # progress, status, priority, timeline, title and the renumbered rows


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_it(built: MemoryStore, tmp_path: Path) -> None:
    path = tmp_path / "programme.docx"
    path.write_bytes(render_docx(built, "pc0756"))
    profile = tmp_path / "profile"
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(path)],
        capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    pdf = tmp_path / "programme.pdf"
    assert result.returncode == 0, result.stderr
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000


def test_cli_export_docx(tmp_path: Path) -> None:
    from clirunner import run_wcokg

    text = SEED.read_text(encoding="utf-8")
    target = single_line(parse(text), "I")[2]
    path = tmp_path / "pc0800.md"
    path.write_text(revise(text, "PC0800", cells={target.id: {"priority": "C"}}).text, "utf-8")
    store = tmp_path / "store"
    assert run_wcokg(store, "build", "-q", str(SEED), str(path)).returncode == 0
    out = tmp_path / "out.docx"
    done = run_wcokg(store, "export", "docx", "--from", "PC0756", "-o", str(out))
    assert done.returncode == 0, done.stderr
    accepted = resolve(out.read_bytes(), accept=True)
    rejected = resolve(out.read_bytes(), accept=False)
    changed = [
        (a[1], r[1])
        for ta, tr in zip(accepted, rejected, strict=True)
        for a, r in zip(ta, tr, strict=True)
        if a != r
    ]
    assert changed == [(["C"], [target.priority])]
    refused = run_wcokg(store, "export", "csv", "--from", "PC0756")
    assert refused.returncode == 2 and "docx export only" in refused.stderr
