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
from revision_edits import parse, revise, single_line

from wcokg.build import build_graph, bundled_sources
from wcokg.export.document import TEMPLATE, ProgrammeDocument, cell_values, collect
from wcokg.export.docx import render_docx
from wcokg.history import list_revisions
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
def built(tmp_path_factory: pytest.TempPathFactory) -> MemoryStore:
    text = SEED.read_text(encoding="utf-8")
    rows = single_line(parse(text), "I")
    later = revise(
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


def test_single_revision_exports_clean(built: MemoryStore) -> None:
    data = render_docx(built)
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    assert root.find(f".//{W}ins") is None and root.find(f".//{W}del") is None
    (current,) = collect(built)
    assert activity_rows_of(resolve(data, accept=True)) == expected(current)


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
