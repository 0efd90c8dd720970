"""The news/report reader on short hand-written sentences and on hand-checked fixture items.

tests/fixtures/news/*.txt|html are written for issue 17 in the style of WCO news pages (not real
items). Each one is built with the bundled programme; the expected meetings and outcomes below
were checked by hand against the text.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, SKOS

from tests.clirunner import run_wcokg
from wcokg.build import BuildReport, build_graph, bundled_sources
from wcokg.loaders.decisions import (
    candidate_label,
    decisions,
    instrument_head,
    resolve_object,
    split_objects,
)
from wcokg.loaders.linking import Catalogue, load_catalogue
from wcokg.loaders.meetings import MONTHS, MentionFinder
from wcokg.loaders.news import news_title, read_news
from wcokg.loaders.newsdates import date_spans, meeting_dates
from wcokg.loaders.programme import load_programme
from wcokg.loaders.records import NewsItem, Programme
from wcokg.loaders.reference import Reference, load_reference
from wcokg.namespaces import WCOKG, Minter

FIXTURES = Path(__file__).parent / "fixtures" / "news"
PROGRAMME = next(p for p in bundled_sources() if p.suffix == ".md")


@pytest.fixture(scope="module")
def reference() -> Reference:
    return load_reference()


@pytest.fixture(scope="module")
def catalogue(reference: Reference) -> Catalogue:
    return load_catalogue(reference)


@pytest.fixture(scope="module")
def finder(reference: Reference) -> MentionFinder:
    return MentionFinder(reference)


@pytest.fixture(scope="module")
def programmes(reference: Reference) -> list[Programme]:
    return [load_programme(PROGRAMME, reference)]


# --- dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "start", "end"),
    [
        ("The EC held its 44th Session from 18 to 22 March 2024.", "2024-03-18", "2024-03-22"),
        ("It met from 19 April – 6 May 2021 in writing.", "2021-04-19", "2021-05-06"),
        ("The sessions ran 22-24 April 2025.", "2025-04-22", "2025-04-24"),
        ("The sessions ran 22 – 24 April 2025.", "2025-04-22", "2025-04-24"),
        ("It met from 30 November to 2 December 2022.", "2022-11-30", "2022-12-02"),
        ("It met from 29 December 2024 to 3 January 2025.", "2024-12-29", "2025-01-03"),
        ("It met March 18-22, 2024.", "2024-03-18", "2024-03-22"),
        ("It was held on 5 May 2024 in Brussels.", "2024-05-05", "2024-05-05"),
        (
            "On 24 April 2025 the PTC closed its sessions, which opened online on 22 April 2025.",
            "2025-04-22",
            "2025-04-24",
        ),
    ],
)
def test_meeting_dates(sentence: str, start: str, end: str) -> None:
    found = meeting_dates(date_spans(sentence))
    assert found is not None
    assert (found.start, found.end) == (date.fromisoformat(start), date.fromisoformat(end))


def test_closing_day_alone_is_the_end() -> None:
    found = meeting_dates(date_spans("On 5 May 2024 the Committee closed its 18th Session."))
    assert found is not None and (found.start, found.end) == (None, date(2024, 5, 5))


@given(
    day1=st.integers(1, 28),
    day2=st.integers(1, 28),
    month=st.sampled_from(list(MONTHS)),
    year=st.integers(1990, 2099),
    form=st.sampled_from(["from {a} to {b} {m} {y}", "{a}-{b} {m} {y}", "{a} – {b} {m} {y}"]),
)
def test_any_range_in_one_month(day1: int, day2: int, month: str, year: int, form: str) -> None:
    a, b = sorted((day1, day2))
    found = meeting_dates(date_spans(form.format(a=a, b=b, m=month.title(), y=year)))
    assert found is not None
    assert (found.start, found.end) == (
        date(year, MONTHS[month], a),
        date(year, MONTHS[month], b),
    )


@given(st.text(max_size=200))
def test_dates_never_fail_and_stay_ordered(text: str) -> None:
    found = meeting_dates(date_spans(text))
    if found is not None and found.start and found.end:
        assert found.start <= found.end


@pytest.mark.parametrize(
    "sentence", ["Brussels, 25 March 2024", "The mandate runs until June 2026.", "31 April 2024"]
)
def test_no_meeting_dates(sentence: str) -> None:
    assert meeting_dates(date_spans(sentence)) is None


# --- sessions: body and ordinals ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "body", "ordinals"),
    [
        ("The Enforcement Committee held its 44th Session in March.", "ec", (44,)),
        ("The PTC closed its 247th/248th Sessions.", "ptc", (247, 248)),
        ("The PTC held its 229th and 230th Sessions online.", "ptc", (229, 230)),
        ("The 229th and 230th Sessions of the PTC were held online.", "ptc", (229, 230)),
        ("The 73rd Session of the Harmonized System Committee took place.", "hsc", (73,)),
        ("The HSC 74th Session was held in hybrid format.", "hsc", (74,)),
        ("The Capacity Building Committee's 18th session was held.", "cbc", (18,)),
        ("The SAFE WG held its 30th meeting.", "swg", (30,)),
        ("The RKC/MC met for its 34th Meeting.", "rkc-mc", (34,)),
        ("The Council of the WCO met for its 143rd/144th Sessions.", "council", (143, 144)),
        ("The 89th Session of the Policy Commission took place.", "policy-commission", (89,)),
        ("Delegates to the 247th/248th PTC endorsed it.", "ptc", (247, 248)),
        ("The Enforcement Committee's 44th Session closed.", "ec", (44,)),
        ("The 243rd-244th Sessions of the PTC were held.", "ptc", (243, 244)),
    ],
)
def test_session_ordinals(
    finder: MentionFinder, sentence: str, body: str, ordinals: tuple[int, ...]
) -> None:
    mentions, _flags = finder.find(sentence)
    assert (body, ordinals) in {(m.body_id, m.ordinals) for m in mentions}


def test_non_consecutive_ordinals_stay_two_sessions(finder: MentionFinder) -> None:
    mentions, _flags = finder.find("The HSC held its 72nd and 74th Sessions.")
    assert (72, 74) not in {m.ordinals for m in mentions}


# --- format, venue, participation --------------------------------------------------------------


def _news(
    tmp_path: Path, text: str, finder: MentionFinder, catalogue: Catalogue, name: str = "n"
) -> NewsItem:
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    return read_news(path, finder, catalogue)


@pytest.mark.parametrize(
    ("sentence", "format_", "venue", "participants"),
    [
        (
            "The EC held its 44th Session at WCO Headquarters from 18 to 22 March 2024, with"
            " delegates attending in person and online.",
            "hybrid",
            "WCO Headquarters",
            "delegates attending in person and online",
        ),
        (
            "The SAFE WG held its 30th Meeting virtually from 3 to 5 October 2024, with more"
            " than 150 participants.",
            "online",
            None,
            "more than 150 participants",
        ),
        (
            "The PTC 231st/232nd Sessions were held in a document-based format from 19 April -"
            " 6 May 2021.",
            "document-based",
            None,
            None,
        ),
        (
            "The 73rd Session of the HSC was held from 11 to 20 March 2024 in a hybrid format at"
            " the WCO Headquarters in Brussels, attended by over 300 delegates.",
            "hybrid",
            "WCO Headquarters in Brussels",
            "over 300 delegates",
        ),
        (
            "The 89th Session of the Policy Commission took place in Baku, Azerbaijan from 4 to 6"
            " December 2023.",
            "in-person",
            "Baku, Azerbaijan",
            None,
        ),
    ],
)
def test_format_venue_participation(
    tmp_path: Path,
    finder: MentionFinder,
    catalogue: Catalogue,
    sentence: str,
    format_: str,
    venue: str | None,
    participants: str | None,
) -> None:
    news = _news(tmp_path, sentence, finder, catalogue)
    assert news.format == format_
    assert news.venue == venue
    assert news.participants == participants


def test_session_without_ordinals_takes_its_month(
    tmp_path: Path, finder: MentionFinder, catalogue: Catalogue
) -> None:
    news = _news(
        tmp_path, "PTC meeting\n\nThe PTC met from 7 to 9 October 2025.", finder, catalogue
    )
    assert news.session is not None
    assert (news.session.body_id, news.session.ordinals) == ("ptc", ())
    assert (news.session.year, news.session.month) == (2025, 10)


def test_unknown_body_is_kept_and_flagged(
    tmp_path: Path, finder: MentionFinder, catalogue: Catalogue
) -> None:
    news = _news(
        tmp_path,
        "The Working Party on Widgets held its 3rd Session from 2 to 4 June 2024.",
        finder,
        catalogue,
    )
    assert news.session is None
    (flag,) = [f for f in news.flags if f.code == "unresolved-meeting-body"]
    assert flag.value == "Working Party on Widgets"
    assert "3rd" in flag.message and "2024-06-02" in flag.message


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "Home / Contact / Sitemap\n\nThe 239th/240th sessions of the PTC were held.",
            "The 239th/240th sessions of the PTC were held.",
        ),
        (
            "Enforcement Committee concludes its 44th Session\n\nBrussels, 25 March 2024",
            "Enforcement Committee concludes its 44th Session",
        ),
        (
            "News\n\nThe Council of the WCO met for its 143rd/144th Sessions.",
            "The Council of the WCO met for its 143rd/144th Sessions.",
        ),
    ],
)
def test_news_title(text: str, title: str) -> None:
    assert news_title(text.splitlines(), "stem") == title


# --- decisions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The PTC endorsed the Guide A.", [("endorsed", "the Guide A")]),
        ("The Council approved the Guide A.", [("approved", "the Guide A")]),
        ("The Council adopted the Guide A.", [("adopted", "the Guide A")]),
        ("The HSC took note of the Report A.", [("took-note", "the Report A")]),
        ("Delegates have taken note of the Report A.", [("took-note", "the Report A")]),
        ("The PTC agreed to extend the mandate.", [("agreed", "to extend the mandate")]),
        ("The PTC decided to launch a study.", [("decided", "to launch a study")]),
        ("The PTC examined the Note A.", [("examined", "the Note A")]),
        ("The PTC discussed the Note A.", [("discussed", "the Note A")]),
        (
            "It was agreed to extend the mandate of the WGPM.",
            [("agreed", "to extend the mandate of the WGPM")],
        ),
        (
            "The PTC agreed that the Guide A should be revised.",
            [("agreed", "that the Guide A should be revised")],
        ),
        (
            "The PTC examined and endorsed the Guide A.",
            [("examined", "the Guide A"), ("endorsed", "the Guide A")],
        ),
        (
            "The PTC endorsed the Guide A, and took note of the Report B.",
            [("endorsed", "the Guide A"), ("took-note", "the Report B")],
        ),
    ],
)
def test_decision_verbs(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert [(d.verb, d.phrase) for d in decisions(sentence)] == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "The Guide will be endorsed by the PTC.",
        "The PTC is invited to endorse the Guide.",
        "The Guide is to be adopted in June.",
        "The Guide was endorsed by the PTC.",  # passive: the object is not after the verb
    ],
)
def test_planned_or_passive_steps_are_not_decisions(sentence: str) -> None:
    assert decisions(sentence) == []


@pytest.mark.parametrize(
    ("clause", "parts"),
    [
        ("A, B and C", ["A", "B", "C"]),
        (": A; B; and C", ["A", "B", "C"]),
        ("the Guide A and the Report B", ["the Guide A", "the Report B"]),
        ("the Guide A as well as the Report B", ["the Guide A", "the Report B"]),
        ("Guidelines on Trade and Security", ["Guidelines on Trade and Security"]),
    ],
)
def test_split_objects(clause: str, parts: list[str]) -> None:
    assert split_objects(clause) == parts


def test_no_split_inside_a_known_name(catalogue: Catalogue) -> None:
    clause = (
        "the International Convention on the Simplification and Harmonization of Customs"
        " Procedures and the ICT Guidelines"
    )
    parts = split_objects(clause, catalogue)
    assert len(parts) == 2 and parts[1] == "the ICT Guidelines"


@pytest.mark.parametrize(
    ("phrase", "code"),
    [
        ("the revised Handbook on Customs Controls of Precursor Chemicals", "handbook"),
        ("the Illicit Trade Report 2023", "report"),
        ("the progress report on the Global Travel Assessment System", "report"),
        ("the updated Guidelines on Free Zones", "guidelines"),
        ("the revised Terms of Reference of the SAFE Working Group", "terms-of-reference"),
        ("a Recommendation on the use of the WCO Data Model", "recommendation"),
        ("the Action Plan on Green Customs", "action-plan"),
        ("the Secretariat Note on artificial intelligence", "note"),
        ("the Compendium of Classification Opinions", "compendium"),
        ("the template for the submission of practices", "template"),
        ("a wide range of topics", None),
        ("amendments to the Explanatory Notes", None),
    ],
)
def test_instrument_head(phrase: str, code: str | None) -> None:
    assert instrument_head(phrase) == code


def test_candidate_label_drops_article_status_and_trailer() -> None:
    assert candidate_label("the revised Terms of Reference of X as revised") == (
        "Terms of Reference of X"
    )
    assert candidate_label("the Plan until June 2026") == "Plan"


@pytest.mark.parametrize(
    ("phrase", "kind", "rid"),
    [
        (
            "the 4th edition of the Compendium of Case Studies on E-Commerce",
            "instrument",
            "ecommerce-compendium-4",
        ),
        ("version 4.0.0. of the WCO Data Model", "instrument", "data-model-4.0.0"),
        ("the SAFE Framework of Standards 2021", "instrument", "safe-fos-2021"),
        ("the revised ICT Guidelines", "instrument", "ict-guidelines"),
        ("the PTC Work Programme 2022-2025 as revised", "programme", "ptc-2022-2025"),
        ("to extend the mandate of the Working Group on Performance Measurement", "body", "wgpm"),
        ("the revised Handbook on Precursors", "candidate", "handbook-on-precursors"),
        ("to continue the work on the General Annex of the RKC", "instrument", "rkc-general-annex"),
        ("that the Guide on Widgets should be revised", "candidate", "guide-on-widgets"),
        ("role of Customs in disaster relief", "unresolved", ""),
    ],
)
def test_resolve_object(
    catalogue: Catalogue,
    finder: MentionFinder,
    programmes: list[Programme],
    phrase: str,
    kind: str,
    rid: str,
) -> None:
    (target,) = resolve_object(phrase, catalogue, programmes, finder.bodies)
    assert (target.kind, target.id) == (kind, rid)


def test_other_programme_years_do_not_match(
    catalogue: Catalogue, finder: MentionFinder, programmes: list[Programme]
) -> None:
    (target,) = resolve_object(
        "the PTC Work Programme 2026-2029", catalogue, programmes, finder.bodies
    )
    assert target.kind == "unresolved"


def test_decisions_of_another_body_are_not_the_meetings(
    tmp_path: Path, finder: MentionFinder, catalogue: Catalogue
) -> None:
    news = _news(
        tmp_path,
        "The 89th Session of the Policy Commission took place from 4 to 6 December 2023.\n"
        "The Commission endorsed the Action Plan on X. The SAFE WG had endorsed the Guide Y.",
        finder,
        catalogue,
    )
    assert {phrase for _v, phrase, _s, _l in news.decisions} == {"the Action Plan on X"}
    assert {line for *_rest, line in news.decisions} == {2}


# --- fixture items, built with the bundled programme --------------------------------------------

EXPECTED: dict[str, dict[str, object]] = {
    "ec-44.txt": {
        "meeting": ("ec-44", "2024-03-18", "2024-03-22", "hybrid"),
        "outcomes": {
            ("handbook-on-customs-controls-of-precursor-chemicals", "endorsed"),
            ("illicit-trade-report-2023", "endorsed"),
            ("progress-report-on-the-global-travel-assessment-system", "took-note"),
        },
        "candidates": {
            "handbook-on-customs-controls-of-precursor-chemicals": "handbook",
            "illicit-trade-report-2023": "report",
            "progress-report-on-the-global-travel-assessment-system": "report",
        },
    },
    "ec-44.html": {
        "meeting": ("ec-44", "2024-03-18", "2024-03-22", "hybrid"),
        "outcomes": {
            ("handbook-on-customs-controls-of-precursor-chemicals", "endorsed"),
            ("illicit-trade-report-2023", "took-note"),
        },
    },
    "ptc-247-248.txt": {
        "meeting": ("ptc-247-248", "2025-04-22", "2025-04-24", "hybrid"),
        "outcomes": {
            ("guidelines-on-free-zones", "endorsed"),
            ("terms-of-reference-of-the-safe-working-group", "adopted"),
            ("wgpm", "agreed"),
            ("secretariat-note-on-artificial-intelligence-in-customs-risk-management", "took-note"),
        },
        "candidates": {
            "guidelines-on-free-zones": "guidelines",
            "terms-of-reference-of-the-safe-working-group": "terms-of-reference",
            "secretariat-note-on-artificial-intelligence-in-customs-risk-management": "note",
        },
    },
    "council-143-144.txt": {
        "meeting": ("council-143-144", "2024-06-27", "2024-06-29", None),
        "outcomes": {
            ("ptc-2022-2025", "approved"),
            ("recommendation-on-the-use-of-the-wco-data-model", "adopted"),
        },
        "candidates": {"recommendation-on-the-use-of-the-wco-data-model": "recommendation"},
    },
    "hsc-73.txt": {
        "meeting": ("hsc-73", "2024-03-11", "2024-03-20", "hybrid"),
        "outcomes": {("compendium-of-classification-opinions", "approved")},
        "flags": {"unresolved-outcome-object"},
    },
    "cbc-18.txt": {
        "meeting": ("cbc-18", None, "2024-05-05", "in-person"),
        "outcomes": {
            ("mercator-programme-progress-report", "took-note"),
            ("capacity-building-strategy", "examined"),
        },
    },
    "swg-30.txt": {
        "meeting": ("swg-30", "2024-10-03", "2024-10-05", "online"),
        "outcomes": {
            ("template-for-the-submission-of-members-practices", "endorsed"),
            ("aeo-compendium-2024", "endorsed"),
            ("guidance-on-pillar-iii-of-the-safe-fos", "endorsed"),
        },
    },
    "rkc-mc-34.txt": {
        "meeting": ("rkc-mc-34", "2024-11-12", "2024-11-14", "in-person"),
        "outcomes": {("ict-guidelines", "adopted"), ("rkc-general-annex", "agreed")},
    },
    "pc-89.txt": {
        "meeting": ("policy-commission-89", "2023-12-04", "2023-12-06", "in-person"),
        "outcomes": {
            ("strategic-plan-2025-2028", "discussed"),
            ("action-plan-on-green-customs", "endorsed"),
        },
    },
    "ptc-229-230.txt": {  # before the programme's cycle: ordinals agree with the PTC calendar
        "meeting": ("ptc-229-230", "2020-10-26", "2020-10-30", "online"),
        "outcomes": {("trs-guide", "took-note")},
    },
    "ptc-231-232.txt": {
        "meeting": ("ptc-231-232", "2021-04-19", "2021-05-06", "document-based"),
        "outcomes": {("safe-fos-2021", "endorsed")},
    },
    "ptc-autumn-2025.txt": {  # no ordinals: matched by body and month to the calendar
        "meeting": ("ptc-249-250", "2025-10-07", "2025-10-09", "in-person"),
        "outcomes": {("safe-fos-2025", "endorsed"), ("data-model", "endorsed")},
    },
    "ptc-247-248-safe.txt": {  # activities due at that meeting: I-23 updates the edition
        "meeting": ("ptc-247-248", "2025-04-22", "2025-04-24", None),
        "outcomes": {
            ("safe-fos-2025", "endorsed"),
            ("I-23", "endorsed"),
            ("report-of-the-30th-safe-wg-meeting", "took-note"),
            ("I-24", "took-note"),  # the object phrase is the due activity's title
        },
    },
}


@pytest.fixture(scope="module")
def fixture_builds() -> dict[str, BuildReport]:
    return {name: build_graph([PROGRAMME, FIXTURES / name], Minter()) for name in EXPECTED}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_item(fixture_builds: dict[str, BuildReport], name: str) -> None:
    expected = EXPECTED[name]
    report = fixture_builds[name]
    (news,) = report.news
    meeting = news.meeting
    assert meeting is not None
    assert (meeting.id, meeting.start_date, meeting.end_date, meeting.format) == expected["meeting"]
    assert {(o.subject, o.verb) for o in news.outcomes} == expected["outcomes"]
    for o in news.outcomes:
        assert o.meeting == meeting.id and o.evidence and o.line and o.source == news.id
    candidates = expected.get("candidates")
    if candidates is not None:
        assert {c.id: c.type_code for c in news.candidates.values()} == candidates
    flags = expected.get("flags", set())
    assert isinstance(flags, set)
    assert flags <= {f.code for f in news.flags}


def test_candidate_instrument_in_the_graph(fixture_builds: dict[str, BuildReport]) -> None:
    g = fixture_builds["ec-44.txt"].graph
    node = URIRef("https://w3id.org/wcokg/instrument/illicit-trade-report-2023")
    assert (node, RDF.type, WCOKG.Instrument) in g
    assert g.value(node, SKOS.prefLabel) == Literal("Illicit Trade Report 2023", lang="en")
    assert g.value(node, WCOKG.instrumentType) == URIRef(
        "https://w3id.org/wcokg/vocab/instrument-type/report"
    )
    flag = g.value(node, WCOKG.flag)
    assert g.value(flag, WCOKG.flagCode) == Literal("new-instrument-candidate")
    line = g.value(node, PROV.wasDerivedFrom)
    assert g.value(line, WCOKG.firstLine) == Literal(7)


def test_outcome_provenance_is_the_line(fixture_builds: dict[str, BuildReport]) -> None:
    g = fixture_builds["ptc-247-248.txt"].graph
    outcome = URIRef("https://w3id.org/wcokg/meeting/ptc-247-248/outcome/wgpm-agreed")
    assert g.value(outcome, WCOKG.outcomeOf) == URIRef("https://w3id.org/wcokg/body/wgpm")
    extract = g.value(outcome, PROV.wasDerivedFrom)
    assert g.value(extract, WCOKG.firstLine) == Literal(5)
    assert "agreed to extend the mandate" in str(g.value(outcome, WCOKG.evidence))


def test_unknown_body_item_builds_with_a_flag() -> None:
    report = build_graph([PROGRAMME, FIXTURES / "unknown-body.txt"], Minter())
    (news,) = report.news
    assert news.meeting is None and news.outcomes == []
    assert "unresolved-meeting-body" in {f.code for f in news.flags}


def test_conflicting_dates_are_flagged_not_written(tmp_path: Path) -> None:
    item = tmp_path / "conflict.txt"
    item.write_text(
        "The 239th/240th Sessions of the PTC were held from 3 to 5 October 2023 in Brussels.",
        encoding="utf-8",
    )
    report = build_graph([PROGRAMME, item], Minter())
    meeting = {m.id: m for m in report.meetings}["ptc-239-240"]
    assert (meeting.year, meeting.month) == (2023, 4)  # the programme's anchors win
    assert meeting.start_date is None
    assert {"date-conflict", "calendar-conflict"} <= {f.code for f in meeting.flags}


# --- the done-when commands ---------------------------------------------------------------------


def test_done_when_commands(tmp_path: Path) -> None:
    store = tmp_path / "store"
    built = run_wcokg(store, "build", "--strict", str(PROGRAMME), str(FIXTURES / "ptc-247-248.txt"))
    assert built.returncode == 0, built.stderr
    assert "0 violations" in built.stdout
    answer = run_wcokg(
        store, "query", "session-outcomes", "--param", "session=ptc-247-248", "--format", "csv"
    )
    assert answer.returncode == 0, answer.stderr
    rows = list(csv.DictReader(io.StringIO(answer.stdout)))
    assert {(r["id"], r["kind"], r["verb"]) for r in rows} == {
        ("guidelines-on-free-zones", "candidate", "endorsed"),
        ("terms-of-reference-of-the-safe-working-group", "candidate", "adopted"),
        ("wgpm", "body", "agreed"),
        (
            "secretariat-note-on-artificial-intelligence-in-customs-risk-management",
            "candidate",
            "took-note",
        ),
    }
    council = run_wcokg(
        tmp_path / "council",
        "build",
        "--strict",
        str(PROGRAMME),
        str(FIXTURES / "council-143-144.txt"),
    )
    assert council.returncode == 0, council.stderr
    answer = run_wcokg(
        tmp_path / "council",
        "query",
        "session-outcomes",
        "--param",
        "session=council-143-144",
        "--format",
        "csv",
    )
    assert {
        (r["id"], r["kind"], r["verb"]) for r in csv.DictReader(io.StringIO(answer.stdout))
    } == {
        ("ptc-2022-2025", "programme", "approved"),
        ("recommendation-on-the-use-of-the-wco-data-model", "candidate", "adopted"),
    }
    feeding = run_wcokg(
        store, "query", "activities-feeding", "--param", "target=safe-fos-2025", "--format", "csv"
    )
    ids = {r["id"] for r in csv.DictReader(io.StringIO(feeding.stdout))}
    assert ids == {"I-23", "I-24", "I-25", "I-26", "II-34", "II-35"}
