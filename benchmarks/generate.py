"""Synthetic graphs of N work programmes in the real graph's shape, for the benchmarks and tests.

The seed graph (`build_graph(bundled_sources(), Minter())`) is split in two: its programme part
(every triple whose subject is the programme `wp/{id}` or below it, or its source document
`source/{document}` with its lines) and everything else - ontology, codelists, bodies with
reporting lines, units, organisations, instruments and editions, meetings, outcomes, the news
item - which is kept once. Copy 0 is the seed itself; copies 1..N-1 are the programme part under
rebased IRIs (`wp/{id}-s{k}`, `source/{document}-s{k}`, programme identifier `{id}-s{k}`), with
the activity ids (`I-23`) kept per programme, as in real programmes. Every copy links to the same
bodies, instruments and vocabularies, so instrument- and body-keyed queries grow with N.

Cross-programme links make the feeds/dependsOn DAG realistically deep: programmes form chains of
`CHAIN` (20) consecutive copies; in a chain, each copy's activities depend on, and feed, the same
activities of the copy before, so a transitive walk goes up to ~20 programmes deep (plus the
seed's own in-programme depth).

Output is N-Triples, written by text substitution (fast: ~1M triples/s), to a file or a string.

    python benchmarks/generate.py --scale 100 -o var/bench/x100.nt
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rdflib import Graph

CHAIN = 20
"""Programmes per cross-programme dependency chain (DAG depth across programmes)."""

WCOKG = "https://w3id.org/wcokg/ontology#"
# (property, activity in copy k, activity in copy k-1): copy k's activity -> copy k-1's.
CROSS_LINKS = (
    ("dependsOn", "I-29", "I-29"),
    ("dependsOn", "I-31", "I-23"),
    ("feeds", "II-5", "I-23"),
    ("feeds", "I-1", "I-1"),
)


@dataclass(frozen=True)
class Seed:
    """The seed graph as N-Triples, split into the part kept once and the part replicated."""

    base: str
    programme: str
    document: str
    static: str
    """Lines kept once (reference data, meetings, the seed programme itself is copy 0)."""
    part: str
    """The programme part's lines (subjects under the programme or its source document)."""
    activities: frozenset[str]

    @property
    def triples(self) -> int:
        return self.static.count("\n") + self.part.count("\n")

    @property
    def part_triples(self) -> int:
        return self.part.count("\n")


@cache
def seed() -> Seed:
    """Build the seed graph once and split it."""
    from wcokg.build import build_graph, bundled_sources
    from wcokg.namespaces import Minter

    minter = Minter()
    report = build_graph(bundled_sources(), minter)
    return split(report.graph, report.programmes[0].id, minter.base)


def split(graph: Graph, programme: str, base: str) -> Seed:
    """The seed graph of one programme, split into the part kept once and the part replicated."""
    text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    lines = sorted(line for line in text.splitlines() if line.strip())
    sources = {
        m.group(1)
        for m in re.finditer(rf"<{re.escape(base)}source/([^/>]+)", text)
        if not m.group(1).startswith("news-")
    }
    document = sorted(sources)[0]
    prefixes = (f"<{base}wp/{programme}>", f"<{base}wp/{programme}/", f"<{base}source/{document}")
    part = [line for line in lines if line.startswith(prefixes) and "_:" not in line]
    activity_re = re.compile(rf"^<{re.escape(base)}wp/{re.escape(programme)}/activity/([^/>]+)> ")
    activities = frozenset(m.group(1) for line in part if (m := activity_re.match(line)))
    static = [line for line in lines if not line.startswith(prefixes) or "_:" in line]
    return Seed(
        base, programme, document, "\n".join(static) + "\n", "\n".join(part) + "\n", activities
    )


def programmes_for_scale(scale: float, s: Seed | None = None) -> int:
    """N programmes whose graph has about `scale` times the seed's triples (at least 1)."""
    s = s or seed()
    static = s.triples - s.part_triples
    return max(1, round((scale * s.triples - static) / s.part_triples))


def programme_id(s: Seed, k: int) -> str:
    return s.programme if k == 0 else f"{s.programme}-s{k}"


def copy(s: Seed, k: int) -> str:
    """Copy k of the programme part (copy 0 is the seed's own)."""
    if k == 0:
        return s.part
    new = programme_id(s, k)
    return (
        s.part.replace(f"<{s.base}wp/{s.programme}>", f"<{s.base}wp/{new}>")
        .replace(f"<{s.base}wp/{s.programme}/", f"<{s.base}wp/{new}/")
        .replace(f"<{s.base}source/{s.document}", f"<{s.base}source/{s.document}-s{k}")
        .replace(f'"{s.programme}"', f'"{new}"')
    )


def cross_links(s: Seed, k: int) -> str:
    """Links from copy k to copy k-1 (none at the start of a chain)."""
    if k % CHAIN == 0:
        return ""
    lines = []
    for prop, here, there in CROSS_LINKS:
        if here in s.activities and there in s.activities:
            a = f"<{s.base}wp/{programme_id(s, k)}/activity/{here}>"
            b = f"<{s.base}wp/{programme_id(s, k - 1)}/activity/{there}>"
            lines.append(f"{a} <{WCOKG}{prop}> {b} .\n")
    return "".join(lines)


def chunks(n: int, s: Seed | None = None) -> Iterator[str]:
    """The graph of n programmes as N-Triples text chunks."""
    s = s or seed()
    yield s.static
    for k in range(n):
        yield copy(s, k)
        yield cross_links(s, k)


def write(n: int, out: TextIO, s: Seed | None = None) -> int:
    """Write the graph of n programmes to `out`; return the number of triples."""
    count = 0
    for chunk in chunks(n, s):
        out.write(chunk)
        count += chunk.count("\n")
    return count


def generate(n: int, s: Seed | None = None) -> str:
    """The graph of n programmes as one N-Triples string."""
    return "".join(chunks(n, s))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--scale", type=float, help="about this many times the seed's triples")
    group.add_argument("--programmes", type=int, help="exactly this many programmes")
    parser.add_argument("-o", "--output", type=Path, help="N-Triples file (default: stdout)")
    args = parser.parse_args(argv)
    s = seed()
    n = args.programmes or programmes_for_scale(args.scale, s)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        with args.output.open("w", encoding="utf-8") as out:
            count = write(n, out, s)
    else:
        count = write(n, sys.stdout, s)
    print(f"{n} programmes, {count} triples", file=sys.stderr)


if __name__ == "__main__":
    main()
