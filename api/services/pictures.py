"""Pictures of the programme: dependency views, the reporting-lines chart, the milestone timeline.

Graphs are laid out by Graphviz (`dot`, Debian package `graphviz`): this module writes DOT and
Mermaid text and asks `dot` for SVG. The timeline is a chart on a time axis, so its coordinates
come from the dates; bar charts for the home page are drawn the same way.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
from collections import OrderedDict
from datetime import date
from html import escape

from wcokg.api.models import Activity, DependencyGraph, Edge, Node
from wcokg.api.services.catalog import Snapshot
from wcokg.errors import WcokgError

DIRECTIONS = ("upstream", "downstream", "both")
STATUS_COLOURS = {
    "Completed": "#1b7837",
    "In progress": "#2166ac",
    "Not started": "#b2182b",
    "Postponed": "#8c510a",
}
EDGE_STYLES = {
    "dependsOn": ("solid", "#333333", "depends on"),
    "references": ("dashed", "#777777", "references"),
    "feeds": ("solid", "#5e3c99", "feeds"),
    "produces": ("solid", "#5e3c99", "produces"),
    "updates": ("solid", "#5e3c99", "updates"),
    "maintains": ("solid", "#5e3c99", "maintains"),
    "promotes": ("solid", "#5e3c99", "promotes"),
    "reportsTo": ("solid", "#333333", "reports to"),
}


class RenderError(WcokgError):
    """Graphviz is missing or failed."""


# --- dependency graphs ---------------------------------------------------------------------


def _node_for(snap: Snapshot, iri: str, focus: str | None = None) -> Node:
    activity = snap.by_iri.get(iri)
    if activity is not None:
        return Node(
            id=activity.id,
            iri=iri,
            label=f"{activity.id} {_short(activity.title)}",
            kind="activity",
            status=activity.status,
            url=activity.url,
            focus=activity.id == focus,
        )
    for inst in snap.instruments.values():
        if inst.iri == iri:
            return Node(id=inst.id, iri=iri, label=inst.label, kind=inst.kind, url=inst.url)
    return Node(id=iri.rsplit("/", 1)[-1], iri=iri, label=snap.label(iri), kind="other")


def _short(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _all_edges(snap: Snapshot) -> list[tuple[str, str, str]]:
    """(subject IRI, property, object IRI) of every outgoing link of current activities."""
    edges = []
    for activity in snap.current():
        for link in activity.links:
            if link.direction == "out":
                edges.append((activity.iri, link.property, link.other_iri))
    return edges


def dependency_view(
    snap: Snapshot, activity: Activity, direction: str = "both", depth: int | None = 2
) -> DependencyGraph:
    """The activity with what it needs (upstream) and what needs it or it feeds (downstream).

    An edge `A dependsOn B` makes B upstream of A; `A feeds X` makes X downstream of A;
    `A references B` is followed both ways. `depth` limits the steps (None: no limit).
    """
    edges = _all_edges(snap)
    # Flow: upstream -> downstream.
    forward: dict[str, list[int]] = {}
    backward: dict[str, list[int]] = {}
    for index, (s, p, o) in enumerate(edges):
        up, down = (o, s) if p in ("dependsOn", "references") else (s, o)
        forward.setdefault(up, []).append(index)
        backward.setdefault(down, []).append(index)
        if p == "references":
            forward.setdefault(s, []).append(index)
            backward.setdefault(o, []).append(index)
    kept: set[int] = set()
    nodes: dict[str, None] = {activity.iri: None}

    def walk(index: dict[str, list[int]], downstream: bool) -> None:
        frontier, level = [activity.iri], 0
        visited = {activity.iri}
        while frontier and (depth is None or level < depth):
            level += 1
            nxt = []
            for node in frontier:
                for i in index.get(node, []):
                    s, p, o = edges[i]
                    if p == "references":
                        other = o if s == node else s
                    else:
                        up, down = (o, s) if p == "dependsOn" else (s, o)
                        other = down if downstream else up
                        if other == node:
                            continue
                    kept.add(i)
                    nodes.setdefault(other, None)
                    if other not in visited:
                        visited.add(other)
                        nxt.append(other)
            frontier = nxt

    if direction in ("downstream", "both"):
        walk(forward, True)
    if direction in ("upstream", "both"):
        walk(backward, False)
    node_models = [_node_for(snap, iri, activity.id) for iri in nodes]
    ids = {n.iri: n.id for n in node_models}
    edge_models = [
        Edge(source=ids[edges[i][0]], target=ids[edges[i][2]], kind=edges[i][1])
        for i in sorted(kept)
    ]
    return DependencyGraph(
        focus=activity.id,
        direction=direction,
        depth=depth,
        nodes=node_models,
        edges=edge_models,
        kinds=sorted({e.kind for e in edge_models}),
    )


def programme_map(snap: Snapshot) -> DependencyGraph:
    """Every link between activities and instruments, with the nodes that have one."""
    edges = _all_edges(snap)
    iris: dict[str, None] = {}
    for s, _, o in edges:
        iris.setdefault(s, None)
        iris.setdefault(o, None)
    nodes = [_node_for(snap, iri) for iri in iris]
    ids = {n.iri: n.id for n in nodes}
    edge_models = [Edge(source=ids[s], target=ids[o], kind=p) for s, p, o in edges]
    return DependencyGraph(
        direction="both",
        depth=None,
        nodes=nodes,
        edges=edge_models,
        kinds=sorted({e.kind for e in edge_models}),
    )


def reporting_lines(snap: Snapshot) -> DependencyGraph:
    """The working bodies and whom each reports to."""
    nodes = [
        Node(
            id=b.id,
            iri=b.iri,
            label=b.notation or b.label,
            kind="body",
            url=b.url,
        )
        for b in snap.bodies.values()
    ]
    edges = [
        Edge(source=b.id, target=b.reports_to.id, kind="reportsTo")
        for b in snap.bodies.values()
        if b.reports_to is not None
    ]
    return DependencyGraph(direction="both", nodes=nodes, edges=edges, kinds=["reportsTo"])


# --- text formats ----------------------------------------------------------------------------


def _dot_id(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _wrap(text: str, width: int = 26) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return "\n".join(lines)


def to_dot(graph: DependencyGraph, title: str = "dependencies", rankdir: str = "LR") -> str:
    lines = [
        f"digraph {_dot_id(title)} {{",
        f'  graph [rankdir={rankdir}, fontname="DejaVu Sans", fontsize=11, bgcolor="white", '
        f"tooltip={_dot_id(title)}];",
        '  node [shape=box, style="rounded,filled", fontname="DejaVu Sans", fontsize=10, '
        'fillcolor="#f7f7f7", color="#555555"];',
        '  edge [fontname="DejaVu Sans", fontsize=9, color="#555555"];',
    ]
    for node in graph.nodes:
        attrs = {"label": _wrap(node.label), "tooltip": node.label}
        if node.url:
            attrs["URL"] = node.url
            attrs["target"] = "_top"
        if node.kind == "activity":
            colour = STATUS_COLOURS.get(node.status or "", "#555555")
            attrs["color"] = colour
            attrs["fillcolor"] = "#fff7bc" if node.focus else "#ffffff"
            attrs["penwidth"] = "2.5" if node.focus else "1.2"
        elif node.kind in ("instrument", "edition"):
            attrs["shape"] = "note"
            attrs["fillcolor"] = "#efedf5"
            attrs["color"] = "#5e3c99"
        elif node.kind == "body":
            attrs["fillcolor"] = "#deebf7"
        body = ", ".join(f"{k}={_dot_id(v)}" for k, v in attrs.items())
        lines.append(f"  {_dot_id(node.id)} [{body}];")
    for edge in graph.edges:
        style, colour, label = EDGE_STYLES.get(edge.kind, ("solid", "#555555", edge.kind))
        lines.append(
            f"  {_dot_id(edge.source)} -> {_dot_id(edge.target)} "
            f"[label={_dot_id(label)}, style={style}, color={_dot_id(colour)}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def _mermaid_id(text: str) -> str:
    return "n_" + re.sub(r"[^A-Za-z0-9_]", "_", text)


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;").replace("\n", " ")


def to_mermaid(graph: DependencyGraph, rankdir: str = "LR") -> str:
    lines = [f"flowchart {rankdir}"]
    for node in graph.nodes:
        shape = ('["', '"]') if node.kind != "instrument" else ('[/"', '"/]')
        lines.append(f"  {_mermaid_id(node.id)}{shape[0]}{_mermaid_text(node.label)}{shape[1]}")
    for edge in graph.edges:
        arrow = "-.->" if edge.kind == "references" else "-->"
        label = EDGE_STYLES.get(edge.kind, ("", "", edge.kind))[2]
        lines.append(f"  {_mermaid_id(edge.source)} {arrow}|{label}| {_mermaid_id(edge.target)}")
    for node in graph.nodes:
        if node.url:
            lines.append(f'  click {_mermaid_id(node.id)} "{node.url}"')
    return "\n".join(lines) + "\n"


class SvgRenderer:
    """Runs `dot -Tsvg`, remembering recent answers (same DOT text, same picture)."""

    def __init__(self, max_entries: int = 128) -> None:
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self.max_entries = max_entries

    def render(self, dot: str) -> bytes:
        with self._lock:
            if dot in self._cache:
                self._cache.move_to_end(dot)
                return self._cache[dot]
        binary = shutil.which("dot")
        if binary is None:
            raise RenderError("Graphviz `dot` is not installed (Debian package graphviz)")
        try:
            done = subprocess.run(  # noqa: S603 (fixed binary, DOT text on stdin)
                [binary, "-Tsvg"], input=dot.encode("utf-8"), capture_output=True, timeout=30
            )
        except subprocess.TimeoutExpired:
            raise RenderError("Graphviz took more than 30 s") from None
        if done.returncode != 0:
            raise RenderError(f"Graphviz failed: {done.stderr.decode('utf-8', 'replace')[:300]}")
        svg = done.stdout
        with self._lock:
            self._cache[dot] = svg
            while len(self._cache) > self.max_entries:
                self._cache.popitem(last=False)
        return svg


RENDERER = SvgRenderer()


def to_svg(graph: DependencyGraph, title: str = "dependencies", rankdir: str = "LR") -> bytes:
    return RENDERER.render(to_dot(graph, title, rankdir))


def inline_svg(svg: bytes) -> str:
    """SVG markup to embed in a page (without the XML declaration and doctype)."""
    text = svg.decode("utf-8")
    start = text.find("<svg")
    return text[start:] if start >= 0 else text


# --- timeline --------------------------------------------------------------------------------


def _months(d: date) -> int:
    return d.year * 12 + d.month - 1


def timeline_svg(snap: Snapshot, today: date | None = None, body: str | None = None) -> str:
    """Milestones by body on a time axis: one row per body, a mark per milestone.

    Marks are coloured by the activity's status; an overdue milestone (past, activity not
    completed) is drawn as a red ring with a cross; today is a vertical line.
    """
    today = today or snap.today
    rows: dict[str, list[tuple[Activity, date, str]]] = {}
    for activity in snap.current():
        for m in activity.milestones:
            key = m.body_id or m.body_text or "(no body)"
            if body and key != body:
                continue
            rows.setdefault(key, []).append((activity, m.due_by, m.when))
    if not rows:
        return (
            '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="40" role="img" '
            'aria-label="No milestones"><text x="10" y="25">No milestones</text></svg>'
        )
    dates = [d for items in rows.values() for _, d, _ in items] + [today]
    first, last = min(dates), max(dates)
    start, end = _months(first) - 1, _months(last) + 2
    left, right, top, row_h, month_w = 170, 20, 40, 34, 14
    width = left + (end - start) * month_w + right
    order = sorted(rows, key=lambda k: (-len(rows[k]), k))
    height = top + len(order) * row_h + 30

    def x(d: date) -> float:
        return left + (_months(d) - start + (d.day - 1) / 31) * month_w

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="tl-title" class="timeline" font-family="DejaVu Sans, sans-serif" '
        f'font-size="11">',
        '<title id="tl-title">Milestones by body over time; today marked, overdue milestones '
        "as red crossed rings</title>",
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="white"/>',
    ]
    for month in range(start, end + 1):
        year, month_index = divmod(month, 12)
        xx = left + (month - start) * month_w
        if month_index == 0:
            parts.append(
                f'<line x1="{xx}" y1="{top - 18}" x2="{xx}" y2="{height - 24}" stroke="#bbbbbb"/>'
                f'<text x="{xx + 3}" y="{top - 22}" fill="#333">{year}</text>'
            )
        elif month_index in (3, 6, 9):
            parts.append(
                f'<line x1="{xx}" y1="{top - 6}" x2="{xx}" y2="{height - 24}" stroke="#eeeeee"/>'
            )
    for index, key in enumerate(order):
        y = top + index * row_h
        fill = "#f7f7f7" if index % 2 == 0 else "#ffffff"
        parts.append(f'<rect x="0" y="{y}" width="{width}" height="{row_h}" fill="{fill}"/>')
        label = snap.bodies[key].notation or key if key in snap.bodies else key
        parts.append(
            f'<text x="8" y="{y + row_h / 2 + 4}" fill="#111">{escape(_short(label, 24))} '
            f"({len(rows[key])})</text>"
        )
        stacked: dict[int, int] = {}
        for activity, due, when in sorted(rows[key], key=lambda t: (t[1], t[0].id)):
            column = _months(due)
            offset = stacked.get(column, 0)
            stacked[column] = offset + 1
            cx = x(due)
            cy = y + 9 + (offset % 3) * 8
            overdue = due < today and activity.status != "Completed"
            colour = STATUS_COLOURS.get(activity.status, "#555")
            tip = escape(
                f"{activity.id} {activity.title} — {when} at {label}; {activity.status}"
                + ("; OVERDUE" if overdue else "")
            )
            mark = (
                f'<circle cx="{cx:.1f}" cy="{cy}" r="5" fill="white" stroke="#d7301f" '
                f'stroke-width="2" class="overdue"/>'
                f'<path d="M{cx - 3:.1f} {cy - 3} l6 6 m0 -6 l-6 6" stroke="#d7301f" '
                f'stroke-width="1.5"/>'
                if overdue
                else f'<circle cx="{cx:.1f}" cy="{cy}" r="4.5" fill="{colour}"/>'
            )
            parts.append(
                f'<a href="{escape(activity.url)}" target="_top"><g><title>{tip}</title>'
                f"{mark}</g></a>"
            )
    tx = x(today)
    parts.append(
        f'<line x1="{tx:.1f}" y1="{top - 30}" x2="{tx:.1f}" y2="{height - 20}" stroke="#d7301f" '
        f'stroke-width="2" stroke-dasharray="4 3" class="today"/>'
        f'<text x="{tx + 4:.1f}" y="{height - 8}" fill="#d7301f" font-weight="bold">today '
        f"{today.isoformat()}</text>"
    )
    legend_x = left
    for status, colour in STATUS_COLOURS.items():
        parts.append(
            f'<circle cx="{legend_x}" cy="{height - 12}" r="4.5" fill="{colour}"/>'
            f'<text x="{legend_x + 8}" y="{height - 8}">{status}</text>'
        )
        legend_x += 95
    parts.append("</svg>")
    return "".join(parts)


# --- bar charts for the home page ------------------------------------------------------------


def bar_chart(
    title: str, pairs: list[tuple[str, int]], colours: dict[str, str] | None = None
) -> str:
    """A horizontal bar chart as inline SVG, with the numbers written next to the bars."""
    colours = colours or {}
    if not pairs:
        return ""
    label_w, bar_w, row_h = 150, 220, 22
    most = max(n for _, n in pairs) or 1
    height = row_h * len(pairs) + 6
    width = label_w + bar_w + 50
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="bars" role="img" aria-labelledby="chart-{slug}" '
        f'font-family="DejaVu Sans, sans-serif" font-size="12">',
        f'<title id="chart-{slug}">{escape(title)}: '
        + escape(", ".join(f"{k} {v}" for k, v in pairs))
        + "</title>",
    ]
    for index, (name, count) in enumerate(pairs):
        y = index * row_h + 3
        length = max(2.0, bar_w * count / most)
        colour = colours.get(name, "#4a6fa5")
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" fill="#111">'
            f"{escape(_short(name, 22))}</text>"
            f'<rect x="{label_w}" y="{y + 2}" width="{length:.1f}" height="{row_h - 6}" '
            f'fill="{colour}"/>'
            f'<text x="{label_w + length + 5:.1f}" y="{y + 14}" fill="#111">{count}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
