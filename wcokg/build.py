"""The build: bundled or given sources -> programmes -> one RDF graph -> the store (atomically)."""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from wcokg.errors import SourceFormatError
from wcokg.loaders.link_rdf import (
    add_activity_flags,
    add_calendar_flags,
    add_candidates,
    add_links,
    add_meetings,
    add_news,
    add_outcomes,
)
from wcokg.loaders.linking import curated_links, link_programme, load_catalogue
from wcokg.loaders.meetings import (
    MeetingIndex,
    MentionFinder,
    bundled_cadences,
    milestone_flags,
    milestone_mentions,
    programme_mentions,
    programme_outcomes,
)
from wcokg.loaders.news import (
    NEWS_SUFFIXES,
    attach,
    mention_activities,
    news_outcomes,
    read_news,
)
from wcokg.loaders.programme import load_programme
from wcokg.loaders.rdf import Triple, Triples, add_programme, static_graph
from wcokg.loaders.records import Flag, Link, Meeting, NewsItem, Outcome, Programme
from wcokg.loaders.reference import Reference, load_reference
from wcokg.loaders.revision_rdf import add_changes, add_revisions
from wcokg.loaders.revisions import Revision, current_revisions, plan_revisions
from wcokg.namespaces import Minter
from wcokg.store.convert import oxigraph_dataset

WORK_PROGRAMME_SUFFIXES = (".md", ".markdown")


class NamedGraphs(Mapping[str, Graph]):
    """The build's named graphs by IRI: kept as lists of triples, each made an rdflib Graph only
    when read (the embedded store loads them from the pyoxigraph copy and never reads them)."""

    def __init__(self, triples: Mapping[str, Iterable[Triple]]) -> None:
        self._triples = triples
        self._graphs: dict[str, Graph] = {}

    def __getitem__(self, name: str) -> Graph:
        if name not in self._graphs:
            graph = Graph()
            for triple in self._triples[name]:
                graph.add(triple)
            self._graphs[name] = graph
        return self._graphs[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._triples)

    def __len__(self) -> int:
        return len(self._triples)


@dataclass
class BuildReport:
    """What a build produced, for the command line and tests."""

    programmes: list[Programme]
    """The current revision of each programme (the one the default graph shows)."""
    graph: Graph
    """The default graph: the current view (latest revisions, reference data, links, history)."""
    version: str | None = None
    revisions: list[Revision] = field(default_factory=list)
    named_graphs: Mapping[str, Graph] = field(default_factory=dict)
    """A named graph per revision and the reference graph, by graph IRI."""
    copy: ox.Store | None = None
    """The named graphs as an in-memory pyoxigraph store (converted once: the history reads it,
    `convert.oxigraph_copy(graph, into=copy)` adds the default graph, the store loads it)."""
    counts: dict[str, int] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    news: list[NewsItem] = field(default_factory=list)
    flags: list[tuple[str, str, Flag]] = field(default_factory=list)
    """Flags raised while linking: (programme, activity, flag)."""


def bundled_sources() -> list[Path]:
    """The sources shipped with the package: work programmes (data/sources/*.md) and the news
    items about their meetings (data/sources/*.txt)."""
    folder = files("wcokg.data") / "sources"
    return sorted(
        Path(str(p))
        for p in folder.iterdir()
        if p.name.endswith(WORK_PROGRAMME_SUFFIXES + NEWS_SUFFIXES)
    )


def build_graph(
    sources: list[Path], minter: Minter, progress: Callable[[str], None] = lambda _: None
) -> BuildReport:
    """Load every source and return the graph; raises SourceFormatError on bad input."""
    # Nearly everything a build allocates lives on in the graph, so the cyclic garbage collector
    # finds nothing to free; paused, it no longer walks the growing graph (~0.1 s on the seed).
    if not gc.isenabled():
        return _build_graph(sources, minter, progress)
    gc.disable()
    try:
        return _build_graph(sources, minter, progress)
    finally:
        gc.enable()


def _build_graph(
    sources: list[Path], minter: Minter, progress: Callable[[str], None]
) -> BuildReport:
    if not sources:
        raise SourceFormatError("(no sources)", "expected at least one work-programme document")
    news_paths = [p for p in sources if p.name.endswith(NEWS_SUFFIXES)]
    programme_paths = [p for p in sources if p not in news_paths]
    if not programme_paths:
        raise SourceFormatError(
            ", ".join(map(str, sources)), "expected at least one work-programme document"
        )
    reference = load_reference()
    graph = static_graph(minter)
    loaded = []
    for path in programme_paths:
        progress(f"reading {path}")
        try:
            loaded.append(load_programme(path, reference, progress))
        except SourceFormatError:
            raise
        except Exception as error:  # a loader bug must still end in one clear line
            raise SourceFormatError(
                str(path),
                f"could not be read as a work programme ({type(error).__name__}: {error})",
            ) from error
    revisions = plan_revisions(loaded)
    current = current_revisions(revisions)
    named: dict[str, Iterable[Triple]] = {str(minter.graph("reference")): static_graph(minter)}
    for revision in revisions:
        programme = revision.programme
        progress(f"{programme.id} revision {revision.id}: {len(programme.activities)} rows -> RDF")
        part = Triples()
        add_programme(part, programme, minter.with_identities(programme.id, revision.identities))
        named[str(minter.revision(programme.id, revision.id))] = part
        if revision in current:
            for triple in part:
                graph.add(triple)
    for revision in current:  # links, meetings and outcomes name activities by their identity
        minter = minter.with_identities(revision.programme.id, revision.identities)
    programmes = [r.programme for r in current]
    add_revisions(graph, revisions, minter, minter.graph("reference"))
    copy = oxigraph_dataset(named)
    add_history(graph, revisions, copy, minter)
    report = BuildReport(
        programmes, graph, revisions=revisions, named_graphs=NamedGraphs(named), copy=copy
    )
    link_sources(report, news_paths, reference, minter, progress)
    report.counts = summarise(programmes, graph)
    report.counts.update(
        {
            "links": len([link for link in report.links if link.obj]),
            "meetings": len(report.meetings),
            "outcomes": len(report.outcomes),
            "news items": len(report.news),
            "revisions": len(revisions),
        }
    )
    return report


def add_history(graph: Graph, revisions: list[Revision], named: ox.Store, minter: Minter) -> None:
    """The changes from every earlier revision of a programme to its current one, into `graph`
    (read through the same named queries and diff as `wcokg diff`)."""
    from wcokg.history import RevisionInfo, diff_rows, revision_table
    from wcokg.store.memory import MemoryStore

    if len(revisions) == len({r.programme.id for r in revisions}):
        return  # one revision per programme: no history
    store = MemoryStore(named)
    reference = str(minter.graph("reference"))

    def info(revision: Revision) -> RevisionInfo:
        iri = str(minter.revision(revision.programme.id, revision.id))
        return RevisionInfo(revision.programme.id, revision.id, iri, revision.index, "",
                            revision.code or "", "", "", 0, False, reference)  # fmt: skip

    latest = {r.programme.id: r for r in revisions}
    for programme, end in latest.items():
        earlier = [r for r in revisions if r.programme.id == programme and r is not end]
        if not earlier:
            continue
        end_rows = revision_table(store, info(end))
        for start in earlier:
            changes = diff_rows(programme, revision_table(store, info(start)), end_rows)
            add_changes(graph, URIRef(info(start).iri), URIRef(info(end).iri), changes)


def link_sources(
    report: BuildReport,
    news_paths: list[Path],
    reference: Reference,
    minter: Minter,
    progress: Callable[[str], None] = lambda _: None,
) -> None:
    """Links, meetings, outcomes and news items for the loaded programmes, into report.graph."""
    catalogue = load_catalogue(reference)
    finder = MentionFinder(reference)
    links: list[Link] = []
    for programme in report.programmes:
        links += link_programme(programme, catalogue)
    links += curated_links(report.programmes)
    news_items = []
    for path in news_paths:
        progress(f"reading news item {path}")
        try:
            news_items.append(read_news(path, finder, catalogue))
        except SourceFormatError:
            raise
        except Exception as error:
            raise SourceFormatError(
                str(path), f"could not be read as a news item ({type(error).__name__}: {error})"
            ) from error
    index = MeetingIndex.create(bundled_cadences())
    mentions = []
    flags: list[tuple[str, str, Flag]] = []
    for programme in report.programmes:
        found, raised = programme_mentions(programme, finder)
        mentions += found + milestone_mentions(programme)
        flags += [(programme.id, a, f) for a, f in raised + milestone_flags(programme)]
    index.add_anchors([n.session for n in news_items if n.session] + [m.mention for m in mentions])
    for news in news_items:
        attach(news, index)
    for pm in sorted(mentions, key=lambda m: not m.mention.ordinals):  # numbered ones first
        index.resolve(pm.mention)
    outcomes: list[Outcome] = []
    for programme in report.programmes:
        outcomes += programme_outcomes(programme, finder, index)
    seen = {(o.meeting, o.subject_kind, o.programme, o.subject, o.verb) for o in outcomes}
    for news in news_items:
        mention_activities(news, report.programmes, links, catalogue)
        news_outcomes(news, report.programmes, links, catalogue, finder.bodies)
        # one outcome per meeting, subject and verb: the first source's sentence is its evidence
        news.outcomes = [
            o
            for o in news.outcomes
            if (o.meeting, o.subject_kind, o.programme, o.subject, o.verb) not in seen
        ]
        seen |= {(o.meeting, o.subject_kind, o.programme, o.subject, o.verb) for o in news.outcomes}
        outcomes += news.outcomes
    flags += [("", "", f) for f in index.flags]
    report.links, report.outcomes, report.news = links, outcomes, news_items
    report.meetings = index.all()
    report.flags = flags
    g = report.graph
    add_links(g, links, minter)
    add_meetings(g, report.meetings, minter)
    add_activity_flags(g, [f for f in flags if f[1]], minter)
    if report.programmes:
        add_calendar_flags(g, minter.programme(report.programmes[0].id), index.flags)
    sources = {}
    for news in news_items:
        sources[news.id] = add_news(g, news, minter)
        add_candidates(g, news.candidates.values(), minter, sources[news.id])
    add_outcomes(g, outcomes, minter, sources)


def summarise(programmes: list[Programme], graph: Graph) -> dict[str, int]:
    """Counts a person checks after a build."""
    counts: Counter[str] = Counter()
    for programme in programmes:
        for activity in programme.activities:
            if activity.deleted:
                counts["deleted rows"] += 1
            else:
                counts[f"section {activity.section} activities"] += 1
            counts["milestones"] += len(activity.milestones)
            counts["flags"] += len(activity.flags)
        counts["flags"] += len(programme.flags)
        counts["bodies referenced"] = len(
            {b.body_id for a in programme.activities for b in a.bodies if b.body_id}
        )
    counts["triples"] = len(graph)
    return dict(counts)
