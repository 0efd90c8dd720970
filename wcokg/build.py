"""The build: bundled or given sources -> programmes -> one RDF graph -> the store (atomically)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from rdflib import Graph

from wcokg.errors import SourceFormatError
from wcokg.loaders.programme import load_programme
from wcokg.loaders.rdf import programme_graph, static_graph
from wcokg.loaders.records import Programme
from wcokg.loaders.reference import load_reference
from wcokg.namespaces import Minter

WORK_PROGRAMME_SUFFIXES = (".md", ".markdown")


@dataclass
class BuildReport:
    """What a build produced, for the command line and tests."""

    programmes: list[Programme]
    graph: Graph
    version: str | None = None
    counts: dict[str, int] = field(default_factory=dict)


def bundled_sources() -> list[Path]:
    """The work-programme documents shipped with the package (data/sources/*.md)."""
    folder = files("wcokg.data") / "sources"
    return sorted(
        Path(str(p)) for p in folder.iterdir() if p.name.endswith(WORK_PROGRAMME_SUFFIXES)
    )


def build_graph(
    sources: list[Path], minter: Minter, progress: Callable[[str], None] = lambda _: None
) -> BuildReport:
    """Load every source and return the graph; raises SourceFormatError on bad input."""
    if not sources:
        raise SourceFormatError("(no sources)", "expected at least one work-programme document")
    reference = load_reference()
    graph = static_graph(minter)
    programmes = []
    for path in sources:
        progress(f"reading {path}")
        try:
            programme = load_programme(path, reference)
        except SourceFormatError:
            raise
        except Exception as error:  # a loader bug must still end in one clear line
            raise SourceFormatError(
                str(path),
                f"could not be read as a work programme ({type(error).__name__}: {error})",
            ) from error
        programmes.append(programme)
        progress(f"{programme.id}: {len(programme.activities)} rows -> RDF")
        graph += programme_graph(programme, minter)
    return BuildReport(programmes, graph, counts=summarise(programmes, graph))


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
