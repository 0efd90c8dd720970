"""RDF for links, meetings, outcomes and news items (loaders/rdf.py keeps the programme itself).

Each function writes into the build's graph. Every link is written twice: the direct triple (``activity wcokg:updates instrument``) for queries,
and a wcokg:LinkAssertion saying how it was made (method, rule, evidence, cited number, flags)
with PROV-O provenance to the lines it was read from.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from wcokg.loaders.rdf import add_flag
from wcokg.loaders.records import CandidateInstrument, Flag, Link, Meeting, NewsItem, Outcome
from wcokg.namespaces import WCOKG, Minter, slug


def _target(link: Link, minter: Minter) -> URIRef:
    if link.object_kind == "activity":
        return minter.activity(link.programme, link.obj)
    return minter.instrument(link.obj)


def add_links(g: Graph, links: Sequence[Link], minter: Minter) -> None:
    """Direct triples and one LinkAssertion per link."""
    flag_counts: dict[URIRef, int] = {}
    for link in links:
        subject = minter.activity(link.programme, link.subject)
        if not link.obj:  # unresolved: only the flag, on the activity
            for flag in link.flags:
                _flag(g, subject, flag, flag_counts, "link-flag")
            continue
        target = _target(link, minter)
        prop = WCOKG[link.prop]
        g.add((subject, prop, target))
        node = URIRef(f"{subject}/link/{link.method}-{slug(link.prop)}-{slug(link.obj)}")
        g.add((node, RDF.type, WCOKG.LinkAssertion))
        g.add((node, WCOKG.linkSubject, subject))
        g.add((node, WCOKG.linkProperty, prop))
        g.add((node, WCOKG.linkObject, target))
        g.add((node, WCOKG.method, minter.concept("link-method", link.method)))
        g.add((node, WCOKG.rule, Literal(link.rule)))
        g.add((node, WCOKG.evidence, Literal(link.evidence, lang="en")))
        g.add((node, RDFS.label, Literal(f"{link.subject} {link.prop} {link.obj}")))
        if link.cited_number is not None:
            g.add((node, WCOKG.citedNumber, Literal(link.cited_number)))
        if link.method == "rule":
            g.add((node, PROV.wasDerivedFrom, URIRef(f"{subject}/source")))
        for flag in link.flags:
            _flag(g, node, flag, flag_counts, "flag")


def _flag(g: Graph, node: URIRef, flag: Flag, counts: dict[URIRef, int], segment: str) -> None:
    counts[node] = counts.get(node, 0) + 1
    add_flag(g, node, URIRef(f"{node}/{segment}/{counts[node]}"), flag)


def add_activity_flags(g: Graph, flags: Sequence[tuple[str, str, Flag]], minter: Minter) -> None:
    """Flags raised while reading meetings, on the activity whose text raised them."""
    counts: dict[URIRef, int] = {}
    for programme, activity, flag in flags:
        _flag(g, minter.activity(programme, activity), flag, counts, "meeting-flag")


def add_calendar_flags(g: Graph, node: URIRef, flags: Sequence[Flag]) -> None:
    """Session-calendar findings no meeting or activity owns (two sources anchoring a body's
    calendar differently), on the programme whose calendar they concern."""
    counts: dict[URIRef, int] = {}
    for flag in flags:
        _flag(g, node, flag, counts, "calendar-flag")


def add_meetings(g: Graph, meetings: Sequence[Meeting], minter: Minter) -> None:
    for m in meetings:
        node = minter.meeting(m.id)
        g.add((node, RDF.type, WCOKG.Meeting))
        g.add((node, DCTERMS.identifier, Literal(m.id)))
        for alias in sorted(m.aliases):
            g.add((node, SKOS.notation, Literal(alias)))
        g.add((node, WCOKG.body, minter.body(m.body_id)))
        for ordinal in m.ordinals:
            g.add((node, WCOKG.sessionNumber, Literal(ordinal)))
        if m.year and m.month:
            g.add(
                (node, WCOKG.month, Literal(f"{m.year:04d}-{m.month:02d}", datatype=XSD.gYearMonth))
            )
        if m.start_date:
            g.add((node, WCOKG.startDate, Literal(m.start_date, datatype=XSD.date)))
        if m.end_date:
            g.add((node, WCOKG.endDate, Literal(m.end_date, datatype=XSD.date)))
        if m.venue:
            g.add((node, WCOKG.venue, Literal(m.venue)))
        if m.participants:
            g.add((node, WCOKG.participants, Literal(m.participants)))
        if m.format:
            g.add((node, WCOKG.meetingFormat, minter.concept("meeting-format", m.format)))
        if m.derived:
            g.add((node, SKOS.note, Literal(m.derived, lang="en")))
        when = f"{m.year:04d}-{m.month:02d}" if m.year and m.month else ""
        numbers = "/".join(str(n) for n in m.ordinals)
        label = " ".join(
            x for x in (m.body_id.upper(), f"session {numbers}" if numbers else "", when) if x
        )
        g.add((node, RDFS.label, Literal(label)))
        counts: dict[URIRef, int] = {}
        for flag in m.flags:
            _flag(g, node, flag, counts, "flag")


def add_outcomes(
    g: Graph, outcomes: Sequence[Outcome], minter: Minter, sources: dict[str, URIRef]
) -> None:
    """Outcomes: meeting, what it concerns (activity, instrument, programme or body), verb,
    evidence, method (rule) and provenance (the news item's line, else the activity's source).
    `sources` maps news item ids to their source documents."""
    for o in outcomes:
        meeting = minter.meeting(o.meeting)
        if o.subject_kind == "activity" and o.programme:
            subject = minter.activity(o.programme, o.subject)
        elif o.subject_kind == "programme":
            subject = minter.programme(o.subject)
        elif o.subject_kind == "body":
            subject = minter.body(o.subject)
        else:
            subject = minter.instrument(o.subject)
        source = sources.get(o.source or "")
        derived: URIRef = URIRef(f"{subject}/source") if o.subject_kind == "activity" else meeting
        if source is not None:
            derived = _line(g, source, o.line) if o.line is not None else source
        node = URIRef(f"{meeting}/outcome/{slug(o.subject)}-{o.verb}")
        g.add((node, RDF.type, WCOKG.Outcome))
        g.add((node, WCOKG.meeting, meeting))
        g.add((node, WCOKG.outcomeOf, subject))
        g.add((node, WCOKG.verb, minter.concept("outcome-verb", o.verb)))
        g.add((node, WCOKG.evidence, Literal(o.evidence, lang="en")))
        g.add((node, WCOKG.method, minter.concept("link-method", "rule")))
        g.add((node, RDFS.label, Literal(f"{o.meeting}: {o.verb} {o.subject}")))
        g.add((node, PROV.wasDerivedFrom, derived))


def add_candidates(
    g: Graph, candidates: Iterable[CandidateInstrument], minter: Minter, source: URIRef
) -> None:
    """Candidate instruments: an Instrument with the phrase as label, the type of its head noun,
    the line it was read from and the flag ``new-instrument-candidate``."""
    for c in candidates:
        node = minter.instrument(c.id)
        g.add((node, RDF.type, WCOKG.Instrument))
        g.add((node, DCTERMS.identifier, Literal(c.id)))
        g.add((node, SKOS.prefLabel, Literal(c.label, lang="en")))
        g.add((node, RDFS.label, Literal(c.label, lang="en")))
        g.add((node, WCOKG.instrumentType, minter.concept("instrument-type", c.type_code)))
        g.add((node, PROV.wasDerivedFrom, _line(g, source, c.line)))
        flag = Flag(
            "new-instrument-candidate",
            f"A meeting decided on {c.phrase!r}, which no instrument of the reference data"
            " names: confirm it (ontology/reference/instruments.ttl) or correct the reading",
            c.phrase,
        )
        _flag(g, node, flag, {}, "flag")


def _line(g: Graph, source: URIRef, line: int) -> URIRef:
    extract = URIRef(f"{source}/line/{line}")
    g.add((extract, RDF.type, WCOKG.SourceExtract))
    g.add((extract, PROV.wasQuotedFrom, source))
    g.add((extract, WCOKG.firstLine, Literal(line)))
    g.add((extract, WCOKG.lastLine, Literal(line)))
    g.add((extract, RDFS.label, Literal(f"Line {line}")))
    return extract


def add_news(g: Graph, news: NewsItem, minter: Minter) -> URIRef:
    """The news item as a source document, its mentions (with the line each is on); returns
    the source document's IRI."""
    source = minter.source(slug(Path(news.source_path).stem))
    g.add((source, RDF.type, WCOKG.SourceDocument))
    g.add((source, DCTERMS.title, Literal(news.title, lang="en")))
    g.add((source, DCTERMS.source, Literal(Path(news.source_path).name)))
    g.add((source, WCOKG.sha256, Literal(news.source_sha256)))
    g.add((source, WCOKG.lineCount, Literal(news.source_lines)))
    g.add((source, RDFS.label, Literal(f"News item {Path(news.source_path).name}")))
    if news.meeting is not None:
        meeting = minter.meeting(news.meeting.id)
        g.add((source, WCOKG.mentions, meeting))
        if news.date_line:
            g.add((meeting, PROV.wasDerivedFrom, _line(g, source, news.date_line)))
    counts: dict[URIRef, int] = {}
    for flag in news.flags:
        _flag(g, source, flag, counts, "flag")
    for index, (kind, rid, line, text) in enumerate(dict.fromkeys(news.mentions), start=1):
        if kind == "instrument":
            target = minter.instrument(rid)
        elif kind == "body":
            target = minter.body(rid)
        else:
            programme, activity = rid.split("/", 1)
            target = minter.activity(programme, activity)
        g.add((source, WCOKG.mentions, target))
        node = URIRef(f"{source}/mention/{index}")
        g.add((node, RDF.type, WCOKG.LinkAssertion))
        g.add((node, WCOKG.linkSubject, source))
        g.add((node, WCOKG.linkProperty, WCOKG.mentions))
        g.add((node, WCOKG.linkObject, target))
        g.add((node, WCOKG.method, minter.concept("link-method", "rule")))
        g.add((node, WCOKG.rule, Literal(f"news-mention-{kind}")))
        g.add((node, WCOKG.evidence, Literal(text.strip(), lang="en")))
        g.add((node, PROV.wasDerivedFrom, _line(g, source, line)))
    return source
