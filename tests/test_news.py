"""The news item as a second source: meeting, outcomes, mentions with provenance."""

from __future__ import annotations

from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import PROV, RDF

from wcokg.build import BuildReport, build_graph, bundled_sources
from wcokg.loaders.linking import load_catalogue
from wcokg.loaders.meetings import MentionFinder
from wcokg.loaders.news import read_news
from wcokg.loaders.reference import load_reference
from wcokg.namespaces import WCOKG, Minter

NEWS = """Home / Contact

The 12th/13th sessions of the Permanent Technical Committee (PTC) were held from 3 to 5 October 2030 at the WCO Headquarters in Brussels with large online participation of over 9 participants.

The PTC examined and endorsed the 4th edition of the Compendium of Case Studies on E-Commerce. The PTC also discussed and endorsed version 4.0.0. of the WCO Data Model.
"""


def test_read_news(tmp_path: Path) -> None:
    path = tmp_path / "news.txt"
    path.write_text(NEWS, encoding="utf-8")
    reference = load_reference()
    news = read_news(path, MentionFinder(reference), load_catalogue(reference))
    assert news.session is not None and news.session.ordinals == (12, 13)
    assert (news.start_date, news.end_date) == ("2030-10-03", "2030-10-05")
    assert news.venue == "WCO Headquarters in Brussels"
    assert news.participants and "9 participants" in news.participants
    reported = {(verb, instrument) for verb, instrument, _s, _l in news.reported}
    assert reported == {
        ("examined", "ecommerce-compendium-4"),
        ("endorsed", "ecommerce-compendium-4"),
        ("discussed", "data-model-4.0.0"),
        ("endorsed", "data-model-4.0.0"),
    }
    lines = {line for _v, _i, _s, line in news.reported}
    assert lines == {5}


def test_seed_news(seed_report: BuildReport) -> None:
    (news,) = seed_report.news
    assert news.meeting is not None and news.meeting.id == "ptc-239-240"
    outcomes = {(o.subject, o.verb) for o in news.outcomes}
    assert ("ecommerce-compendium-4", "endorsed") in outcomes
    assert ("data-model-4.0.0", "endorsed") in outcomes
    activities = {rid for kind, rid, _l, _t in news.mentions if kind == "activity"}
    assert {"ptc-2022-2025/I-1", "ptc-2022-2025/I-10"} <= activities


def test_bundled_item_does_not_regress(seed_report: BuildReport) -> None:
    """Everything the reader found in the bundled item before issue 17 is still found."""
    (news,) = seed_report.news
    meeting = news.meeting
    assert meeting is not None
    assert (meeting.start_date, meeting.end_date) == ("2023-04-25", "2023-04-27")
    assert meeting.venue == "WCO Headquarters in Brussels" and meeting.format == "hybrid"
    before = {
        ("I-1", "endorsed"),
        ("I-1", "presented"),
        ("I-10", "endorsed"),
        ("I-15", "endorsed"),
        ("I-2", "endorsed"),
        ("I-22", "endorsed"),
        ("I-29", "endorsed"),
        ("II-28", "endorsed"),
        ("II-32", "endorsed"),
        ("II-33", "endorsed"),
        ("II-36", "submitted"),
        ("II-37", "took-note"),
        ("II-49", "submitted"),
        ("II-50", "took-note"),
        ("data-model-4.0.0", "endorsed"),
        ("ecommerce-business-models", "endorsed"),
        ("ecommerce-compendium-4", "endorsed"),
        ("ecommerce-stakeholders", "endorsed"),
        ("ecommerce-technical-specifications", "endorsed"),
    }
    now = {(o.subject, o.verb) for o in seed_report.outcomes if o.meeting == "ptc-239-240"}
    assert before <= now
    assert now - before == {
        ("I-1", "examined"),
        ("I-2", "examined"),
        ("I-3", "endorsed"),
        ("I-3", "examined"),
        ("I-10", "discussed"),
        ("data-model-4.0.0", "discussed"),
        ("ecommerce-business-models", "examined"),
        ("ecommerce-compendium-4", "examined"),
        ("ecommerce-stakeholders", "examined"),
        ("ecommerce-technical-specifications", "examined"),
    }
    activities = {rid for kind, rid, _l, _t in news.mentions if kind == "activity"}
    assert activities == {f"ptc-2022-2025/{a}" for a in ("I-1", "I-10", "I-19", "I-2", "I-3")}


def test_news_mentions_carry_provenance(seed_report: BuildReport) -> None:
    g = seed_report.graph
    source = URIRef("https://w3id.org/wcokg/source/news-ptc-239-240")
    assert (source, RDF.type, WCOKG.SourceDocument) in g
    nodes = [n for n in g.subjects(WCOKG.linkSubject, source)]
    assert nodes
    for node in nodes:
        extract = g.value(node, PROV.wasDerivedFrom)
        assert extract is not None and g.value(extract, WCOKG.firstLine) is not None
        assert g.value(extract, PROV.wasQuotedFrom) == source


def test_programme_only_build_still_works() -> None:
    programme = [p for p in bundled_sources() if p.suffix == ".md"]
    report = build_graph(programme, Minter())
    assert report.news == []
    ids = {m.id for m in report.meetings}
    # the programme's own anchor (237th/238th ... October 2022) dates the PTC sessions
    assert "ptc-239-240" in ids
