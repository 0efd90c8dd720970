"""SHACL shapes (shapes/*.ttl) on deliberately broken small graphs, and on the seed."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF

from wcokg.build import BuildReport
from wcokg.loaders.rdf import static_graph
from wcokg.namespaces import WCOKG, Minter
from wcokg.validate import (
    Finding,
    GraphInvalidError,
    Severity,
    ValidationReport,
    ensure_no_violations,
    validate_graph,
)

BASE = "https://w3id.org/wcokg/"
WP = f"{BASE}wp/test"
V = f"{BASE}vocab/"
NAMES = {"wp": f"{WP}/", "v": V}

PREFIXES = f"""
@prefix wcokg: <https://w3id.org/wcokg/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix body: <{BASE}body/> .
"""

PROGRAMME = """
<{wp}> a wcokg:WorkProgramme ; dcterms:identifier "test" ; dcterms:title "Test programme"@en ;
    wcokg:hasSection wp:section/I, wp:section/II ; prov:wasDerivedFrom <{base}source/test> ;
    wcokg:programmeOwner body:ptc ; wcokg:startYear "2022"^^xsd:gYear ; wcokg:endYear "2025"^^xsd:gYear .
<{base}source/test> a wcokg:SourceDocument ; wcokg:sha256 "{sha}" .
wp:section/I a wcokg:Section ; skos:notation "I" ; wcokg:continuous false .
wp:section/II a wcokg:Section ; skos:notation "II" ; wcokg:continuous true .
"""


def activity(
    ident: str,
    *,
    section: str = "I",
    continuous: bool = False,
    revision: str = "unchanged",
    priority: str | None = "A",
    due: str | None = "2024-06-30",
    extra: str = "",
) -> str:
    """Turtle for one complete activity; keyword arguments break it in one place."""
    node = f"wp:activity/{ident}"
    kind = "wcokg:ContinuousActivity" if continuous else "wcokg:TimeBoundActivity"
    number = int(ident.split("-")[1])
    lines = [
        f"{node} a wcokg:Activity, {kind} ; dcterms:identifier {Literal(ident).n3()} ;",
        f"  wcokg:number {number} ; wcokg:inProgramme <{WP}> ; wcokg:inSection wp:section/{section} ;",
        f'  wcokg:revision v:revision/{revision} ; dcterms:title "Activity {ident}"@en ;',
        "  wcokg:strategicLink true ; wcokg:strategicCode v:strategic-plan/SP1 ;",
        "  wcokg:taskType v:task-type/development ;",
        f"  wcokg:hasResponsibility {node}/responsibility/1 ; wcokg:responsibleBody body:ptc ;",
        "  wcokg:leadBody body:ptc ;",
        f'  wcokg:teamResources "One officer"@en ; wcokg:hasAllocation {node}/allocation/1 ;',
        '  wcokg:kpi "Adopted"@en ; wcokg:progress "In progress"@en ;',
        "  wcokg:status v:status/in-progress ; wcokg:colour v:colour/blue ;",
        f"  prov:wasDerivedFrom {node}/source ;",
    ]
    if priority:
        lines.append(f"  wcokg:priority v:priority/{priority} ;")
    if continuous:
        lines.append('  wcokg:timeline "Continuous"@en ;')
    else:
        lines.append('  wcokg:timeline "June 2024 (Council)"@en ;')
        if due:
            lines.append(f"  wcokg:hasMilestone {node}/milestone/1 ;")
    lines[-1] = lines[-1].rstrip(" ;") + " ."
    lines += [
        f'{node}/responsibility/1 a wcokg:Responsibility ; wcokg:rank 1 ; wcokg:bodyText "PTC" ; wcokg:body body:ptc .',
        f'{node}/allocation/1 a wcokg:ResourceAllocation ; rdfs:label "One officer of the unit"@en ;',
        '  wcokg:fteMin 1.0 ; wcokg:fteMax 1.0 ; wcokg:unitText "unit" .',
        f"{node}/source a wcokg:SourceExtract ; prov:wasQuotedFrom <{BASE}source/test> ;",
        f"  wcokg:firstLine {number * 10} ; wcokg:lastLine {number * 10 + 3} .",
    ]
    if due and not continuous:
        lines.append(
            f'{node}/milestone/1 a wcokg:Milestone ; rdfs:label "June 2024 (Council)"@en ; wcokg:rank 1 ;'
            f' time:inXSDgYearMonth "{due[:7]}"^^xsd:gYearMonth ; wcokg:dueBy "{due}"^^xsd:date ;'
            " wcokg:body body:council ."
        )
    return "\n".join(lines) + "\n" + extra


def graph_of(*parts: str) -> Graph:
    """The ontology, codelists and bodies plus a small hand-written programme."""
    graph = static_graph(Minter())
    text = PROGRAMME.format(wp=WP, base=BASE, sha="0" * 64) + "\n".join(parts)
    # Turtle's prefixed names cannot hold "/": write wp:activity/I-1 here, parse <.../activity/I-1>.
    text = re.sub(
        r"\b(wp|v):([A-Za-z0-9_./-]*[A-Za-z0-9_-])", lambda m: f"<{NAMES[m[1]]}{m[2]}>", text
    )
    graph.parse(data=PREFIXES + text, format="turtle")
    return graph


def act(ident: str) -> str:
    return f"{WP}/activity/{ident}"


def link(subject: str, prop: str, obj: str, n: int) -> str:
    """A direct link plus the LinkAssertion that records it (as the linker writes them)."""
    return (
        f"wp:activity/{subject} wcokg:{prop} wp:activity/{obj} .\n"
        f"wp:link/{n} a wcokg:LinkAssertion ; wcokg:linkSubject wp:activity/{subject} ;"
        f" wcokg:linkProperty wcokg:{prop} ; wcokg:linkObject wp:activity/{obj} ;"
        f' wcokg:evidence "stage II after stage I" ; wcokg:method v:link-method/rule .\n'
    )


def findings(report: ValidationReport, rule: str) -> list[Finding]:
    return [f for f in report.findings if f.rule == rule]


@pytest.fixture(params=[True, False], ids=["fast", "pyshacl-only"])
def check(request: pytest.FixtureRequest) -> Callable[[Graph], ValidationReport]:
    """Validate in both modes: the whole-graph SPARQL checks must agree with pyshacl's."""
    return lambda graph: validate_graph(graph, fast=request.param)


def test_complete_small_graph_conforms(check: Callable[[Graph], ValidationReport]) -> None:
    report = check(
        graph_of(activity("I-1"), activity("I-2"), activity("II-1", section="II", continuous=True))
    )
    assert report.violations == []
    assert report.conforms


def test_missing_priority(check: Callable[[Graph], ValidationReport]) -> None:
    report = check(graph_of(activity("I-1"), activity("I-2", priority=None)))
    [finding] = report.violations
    assert finding.rule == "Activity-priority"
    assert finding.focus == act("I-2")
    assert finding.activity_id == "I-2"
    assert finding.severity is Severity.VIOLATION
    assert finding.source_lines == "20-23"
    assert "priority" in finding.message


def test_deleted_row_is_exempt_from_completeness(
    check: Callable[[Graph], ValidationReport],
) -> None:
    report = check(graph_of(activity("I-1"), activity("I-2", priority=None, revision="deleted")))
    assert report.violations == []


def test_time_bound_activity_without_milestone(
    check: Callable[[Graph], ValidationReport],
) -> None:
    report = check(graph_of(activity("I-1", due=None)))
    [finding] = report.violations
    assert finding.rule == "TimeBoundActivity-milestone"
    assert finding.focus == act("I-1")
    assert finding.severity is Severity.VIOLATION


def test_reporting_line_cycle(check: Callable[[Graph], ValidationReport]) -> None:
    graph = graph_of(activity("I-1"))
    team, group = URIRef(f"{BASE}body/team-x"), URIRef(f"{BASE}body/group-y")
    for node, ident, parent in ((team, "team-x", group), (group, "group-y", team)):
        graph.add((node, RDF.type, WCOKG.WorkingBody))
        graph.add((node, DCTERMS.identifier, Literal(ident)))
        graph.add((node, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"), Literal(ident)))
        graph.add((node, ORG.reportsTo, parent))
    report = check(graph)
    cycles = findings(report, "WorkingBody-noCycle")
    assert {f.focus for f in cycles} == {str(team), str(group)}
    assert all(f.severity is Severity.VIOLATION for f in cycles)
    assert {f.subject for f in cycles} == {"team-x", "group-y"}
    # A cycle never reaches the Council either, but that is the cycle shape's to report.
    assert not findings(report, "WorkingBody-reachesCouncil")


def test_reporting_line_not_reaching_council(check: Callable[[Graph], ValidationReport]) -> None:
    graph = graph_of(activity("I-1"))
    orphan = URIRef(f"{BASE}body/orphan")
    graph.add((orphan, RDF.type, WCOKG.WorkingBody))
    graph.add((orphan, DCTERMS.identifier, Literal("orphan")))
    graph.add((orphan, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"), Literal("Orphan")))
    [finding] = report_violations = check(graph).violations
    assert report_violations
    assert finding.rule == "WorkingBody-reachesCouncil"
    assert finding.focus == str(orphan)


def test_dependency_cycle(check: Callable[[Graph], ValidationReport]) -> None:
    graph = graph_of(
        activity("I-1"),
        activity("I-2"),
        activity("I-3"),
        link("I-1", "dependsOn", "I-2", 1),
        link("I-2", "dependsOn", "I-3", 2),
        link("I-3", "dependsOn", "I-1", 3),
    )
    report = check(graph)
    cycles = findings(report, "Dependency-noCycle")
    assert {f.focus for f in cycles} == {act("I-1"), act("I-2"), act("I-3")}
    assert all(f.severity is Severity.VIOLATION for f in cycles)
    assert {f.value for f in cycles if f.focus == act("I-1")} == {"I-2"}
    assert {f.rule for f in report.violations} == {"Dependency-noCycle"}


def test_dependency_on_deleted_activity(check: Callable[[Graph], ValidationReport]) -> None:
    graph = graph_of(
        activity("I-1"),
        activity("I-2", revision="deleted"),
        link("I-1", "dependsOn", "I-2", 1),
    )
    [finding] = check(graph).violations
    assert finding.rule == "Dependency-notDeleted"
    assert finding.focus == act("I-1")
    assert finding.value == "I-2"
    assert finding.severity is Severity.VIOLATION


def test_link_without_evidence_or_assertion(check: Callable[[Graph], ValidationReport]) -> None:
    graph = graph_of(
        activity("I-1"),
        activity("I-2"),
        activity("I-3"),
        "wp:activity/I-1 wcokg:dependsOn wp:activity/I-2 .",  # no assertion at all
        "wp:activity/I-3 wcokg:references wp:activity/I-1 .\n"
        "wp:link/9 a wcokg:LinkAssertion ; wcokg:linkSubject wp:activity/I-3 ;"
        " wcokg:linkProperty wcokg:references ; wcokg:linkObject wp:activity/I-1 .",
    )
    report = check(graph)
    [missing] = findings(report, "LinkHasAssertion-sparql")
    assert missing.focus == act("I-1")
    assert {f.rule for f in report.violations} == {
        "LinkHasAssertion-sparql",
        "LinkAssertion-evidence",
        "LinkAssertion-method",
    }
    assert {f.activity_id for f in report.violations} == {"I-1", "I-3"}


def test_duplicate_id_in_section(check: Callable[[Graph], ValidationReport]) -> None:
    graph = graph_of(activity("I-1"), activity("I-2"))
    graph.set((URIRef(act("I-2")), DCTERMS.identifier, Literal("I-1")))
    report = check(graph)
    duplicates = findings(report, "UniqueIdInSection-sparql")
    assert {f.focus for f in duplicates} == {act("I-1"), act("I-2")}
    assert all(f.severity is Severity.VIOLATION for f in duplicates)


def test_dependent_due_before_prerequisite(check: Callable[[Graph], ValidationReport]) -> None:
    graph = graph_of(
        activity("I-1", due="2023-06-30"),
        activity("I-2", due="2025-06-30"),
        link("I-1", "dependsOn", "I-2", 1),
    )
    report = check(graph)
    assert report.violations == []
    [finding] = findings(report, "DueBeforePrerequisite")
    assert finding.focus == act("I-1")
    assert finding.severity is Severity.WARNING
    assert "2023-06-30" in finding.message and "2025-06-30" in finding.message


def test_stale_cross_reference(check: Callable[[Graph], ValidationReport]) -> None:
    graph = graph_of(
        activity("I-1"),
        activity("I-2"),
        link("I-1", "references", "I-2", 1) + "wp:link/1 wcokg:citedNumber 3 .",
    )
    report = check(graph)
    [finding] = findings(report, "StaleCrossReference")
    assert finding.activity_id == "I-1"
    assert finding.severity is Severity.WARNING
    assert finding.value == "3"


def test_flag_codes_become_editorial_warnings(check: Callable[[Graph], ValidationReport]) -> None:
    flags = (
        "wp:activity/I-1 wcokg:flag wp:activity/I-1/flag/1, wp:activity/I-1/flag/2 .\n"
        'wp:activity/I-1/flag/1 a wcokg:Flag ; wcokg:flagCode "unknown-strategic-code" ;'
        ' rdfs:comment "code not in the legend"@en ; wcokg:flaggedValue "SO2" .\n'
        'wp:activity/I-1/flag/2 a wcokg:Flag ; wcokg:flagCode "some-new-code" ;'
        ' rdfs:comment "something new"@en .\n'
    )
    report = check(graph_of(activity("I-1", extra=flags)))
    [unknown] = findings(report, "UnknownStrategicCode")
    assert (unknown.severity, unknown.focus, unknown.value) == (Severity.WARNING, act("I-1"), "SO2")
    assert "SO2" in unknown.message
    [other] = findings(report, "OtherLoaderFlag")
    assert other.severity is Severity.INFO
    assert "some-new-code" in other.message


def test_ensure_no_violations_raises_a_domain_error() -> None:
    report = validate_graph(graph_of(activity("I-1", priority=None)))
    with pytest.raises(GraphInvalidError) as raised:
        ensure_no_violations(report)
    assert raised.value.exit_code == 1
    assert "I-1" in str(raised.value)
    ensure_no_violations(validate_graph(graph_of(activity("I-1"))))


def test_report_serialisations() -> None:
    report = validate_graph(graph_of(activity("I-1"), activity("I-2", priority=None)))
    assert "Activity-priority" in report.to_text()
    assert '"I-2"' in report.to_json()
    shacl = Graph().parse(data=report.to_turtle(), format="turtle")
    sh = "http://www.w3.org/ns/shacl#"
    assert (None, URIRef(sh + "focusNode"), URIRef(act("I-2"))) in shacl
    assert (None, URIRef(sh + "conforms"), Literal(False)) in shacl
    assert report.filtered(Severity.VIOLATION).counts()["warning"] == 0


# --- the seed ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_validation(seed_report: BuildReport) -> ValidationReport:
    return validate_graph(seed_report.graph)


def test_seed_has_no_violations(seed_validation: ValidationReport) -> None:
    assert seed_validation.violations == [], seed_validation.filtered(Severity.VIOLATION).to_text()


@pytest.mark.parametrize(
    ("rule", "subject", "value"),
    [
        ("UnknownStrategicCode", "I-30", "SO2"),
        ("UnknownStrategicCode", "I-35", "SO1"),
        ("ContinuousWithDeadline", "II-23", "June 2023"),
        ("GarbledPreviousNumber", "I-13", "44 13"),
        ("DeletedRowListed", "I-11-deleted", "11."),
        ("EmptyCompletionStatusColumn", "ptc-2022-2025", None),
        ("TimelineRevisionArtefact", "I-12", None),
        ("ResourcesRevisionArtefact", "I-23", None),
    ],
)
def test_seed_editorial_findings(
    seed_validation: ValidationReport, rule: str, subject: str, value: str | None
) -> None:
    found = [f for f in findings(seed_validation, rule) if subject in (f.activity_id, f.subject)]
    assert found, f"no {rule} finding on {subject}"
    assert all(f.severity is Severity.WARNING for f in found)
    if value is not None:
        assert value in {f.value for f in found}
    assert all(f.message for f in found)


def test_seed_findings_point_at_source_lines(seed_validation: ValidationReport) -> None:
    for finding in seed_validation.findings:
        if finding.activity_id:
            assert finding.source_lines, finding
