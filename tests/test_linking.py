"""The linker's rules on small hand-written texts and on the seed."""

from __future__ import annotations

import pytest
from rdflib import URIRef
from rdflib.namespace import RDF

from wcokg.build import BuildReport
from wcokg.loaders.linking import (
    Catalogue,
    cross_references,
    curated_links,
    dependency_links,
    edition_links,
    instrument_links,
    link_programme,
    load_catalogue,
    revision_links,
    sister_links,
    task_of,
)
from wcokg.loaders.records import Activity, Programme
from wcokg.loaders.reference import load_reference
from wcokg.namespaces import WCOKG


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(load_reference())


def act(
    section: str,
    number: int,
    title: str,
    *,
    progress: tuple[str, ...] = (),
    task_type: str | None = "Development",
    previous: int | None = None,
    revision: str = "unchanged",
) -> Activity:
    return Activity(
        section=section,
        number=number,
        previous_number=previous if previous is not None else number,
        revision=revision,
        raw_number=str(number),
        title=title,
        title_paragraphs=(title,),
        priority="A",
        strategic_link=True,
        strategic_codes=(),
        task_type=task_type,
        bodies=(),
        team_resources="",
        allocations=(),
        kpi="",
        timeline="",
        milestones=(),
        continuous=False,
        progress=progress,
        status="In progress",
        status_rule="",
        completion_status_cell="",
        line_start=1,
        line_end=1,
        cells={},
        raw_lines=[],
    )


def prog(*activities: Activity, years: tuple[int, int] | None = None) -> Programme:
    start, end = years or (None, None)
    return Programme(
        "wp-test", "Test", None, start, end, None, "t.md", "", 1, [], {}, list(activities)
    )


def triples(links: list) -> set[tuple[str, str, str]]:  # type: ignore[type-arg]
    return {(link.subject, link.prop, link.obj) for link in links}


# --- instrument mentions typed by verb / task type -------------------------------------------


@pytest.mark.parametrize(
    ("title", "task", "expected"),
    [
        ("Develop the new Customs-Port Cooperation Guidelines", "Development", "produces"),
        ("Update the Immediate Release Guidelines (IRG)", "Maintenance", "updates"),
        ("Monitor implementation of the WCO Data Strategy", "Maintenance", "maintains"),
        ("Support and promote accession of Members to the RKC", "Maintenance", "promotes"),
        ("Conduct the Feasibility Study on a Global Customs Data Exchange Platform", None, "feeds"),
        ("Draft guidance under Pillar III of the SAFE FoS", "Development", "feeds"),
        ("The CBM Compendium", "Updating", "updates"),  # no verb: the task type decides
    ],
)
def test_instrument_relation(catalogue: Catalogue, title: str, task: str, expected: str) -> None:
    a = act("I", 1, title, task_type=task)
    (link,) = instrument_links(prog(a), a, catalogue)
    assert link.prop == expected
    assert link.method == "rule" and link.evidence


def test_body_names_hide_instrument_names(catalogue: Catalogue) -> None:
    a = act("II", 1, "Provide guidance to the SAFE Working Group meeting reports")
    assert instrument_links(prog(a), a, catalogue) == []
    b = act("I", 2, "Develop a WCO DM-compliant standardized dataset")
    assert instrument_links(prog(b), b, catalogue) == []


def test_edition_named_in_progress(catalogue: Catalogue) -> None:
    a = act(
        "I",
        1,
        "Compile annual updates of the Compendium of Case Studies on E-Commerce",
        task_type="Updating",
        progress=("The 4th edition of the Compendium was endorsed by the PTC in April 2023.",),
    )
    assert ("I-1", "produces", "ecommerce-compendium-4") in triples(
        edition_links(prog(a), a, catalogue)
    )


# --- dependencies ----------------------------------------------------------------------------


def test_stage_two_depends_on_stage_one() -> None:
    one = act("I", 1, "Undertake a Study on X Widgets (Stage I of the work: mapping)")
    two = act("I", 2, "Undertake a Study on X Widgets (Stage II of the work: feasibility)")
    links = dependency_links(prog(one, two))
    assert triples(links) == {("I-2", "dependsOn", "I-1")}
    assert links[0].rule == "stage-sequence"


def test_once_the_related_guidelines_are_finalized() -> None:
    guide = act("I", 1, "Develop Guidelines on Harbour Gate Cooperation")
    other = act("I", 2, "Develop Guidelines on blockchain pilots")
    update = act(
        "I",
        3,
        "Update the Border Compendium by incorporating Harbour Gate Cooperation once the related"
        " Guidelines are finalized",
        task_type="Updating",
    )
    assert triples(dependency_links(prog(guide, other, update))) == {("I-3", "dependsOn", "I-1")}


def test_based_on_the_progress_on() -> None:
    dataset = act("I", 1, "Develop the dataset annex to the Tramway Guidelines")
    guidance = act(
        "I",
        2,
        "Update the Guidance on Tramway Cooperation",
        progress=("Based on the progress on Tramway Dataset at the DMPT, it will be updated.",),
    )
    assert triples(dependency_links(prog(dataset, guidance))) == {("I-2", "dependsOn", "I-1")}


def test_feasibility_study_before_the_development() -> None:
    study = act("I", 1, "Conduct Feasibility Study for developing a new Widget Tracking System")
    build = act("I", 2, "Development of a new Widget Tracking Online System")
    unrelated = act("I", 3, "Develop an e-learning course on widgets")
    assert triples(dependency_links(prog(study, build, unrelated))) == {("I-2", "dependsOn", "I-1")}


# --- cross-references --------------------------------------------------------------------------


def test_cross_reference_resolved_by_content_and_stale_number_flagged() -> None:
    rows = [
        act("II", 20, "Provide progress on Utility Blocks", previous=21, revision="renumbered"),
        act("II", 21, "Monitor the Zebra Crossing Resolution", previous=23, revision="renumbered"),
        act(
            "II",
            22,
            "Monitor the Giraffe Resolution",
            previous=25,
            revision="renumbered",
            progress=("Updates also cover the Zebra Crossing Resolution (activity 20 above)",),
        ),
    ]
    (link,) = cross_references(prog(*rows))
    assert (link.subject, link.obj, link.cited_number) == ("II-22", "II-21", 20)
    assert [f.code for f in link.flags] == ["stale-cross-reference-number"]


def test_bare_cross_reference_reads_the_old_numbering_of_a_renumbered_row() -> None:
    rows = [
        act(
            "II",
            1,
            "Monitor X",
            previous=2,
            revision="renumbered",
            progress=("See activity 3 below.",),
        ),
        act("II", 2, "Deliver Y", previous=3, revision="renumbered"),
        act("II", 3, "Monitor Z", previous=4, revision="renumbered"),
    ]
    (link,) = cross_references(prog(*rows))
    assert link.obj == "II-2" and link.flags


def test_current_number_with_matching_content_is_not_stale() -> None:
    rows = [
        act("II", 2, "Promote the Study Report on Quantum Widgets"),
        act(
            "II",
            3,
            "Share examples",
            progress=("The Study Report on Quantum Widgets (activity number 2) has examples.",),
        ),
    ]
    (link,) = cross_references(prog(*rows))
    assert link.obj == "II-2" and link.flags == ()


# --- on the seed ---------------------------------------------------------------------------------


def test_seed_links(seed_report: BuildReport) -> None:
    got = triples(seed_report.links)
    expected = {
        ("I-23", "updates", "safe-fos-2025"),
        ("I-10", "produces", "data-model-4.0.0"),
        ("I-1", "produces", "ecommerce-compendium-4"),
        ("II-27", "promotes", "rkc"),
        ("II-5", "promotes", "ecommerce-fos"),
        ("I-31", "dependsOn", "I-30"),
        ("I-29", "dependsOn", "I-22"),
        ("I-13", "dependsOn", "I-12"),
        ("I-19", "dependsOn", "I-18"),
        ("II-3", "references", "II-2"),
        ("II-22", "references", "II-23"),
        ("II-24", "references", "II-22"),
        ("II-34", "feeds", "I-23"),
    }
    assert expected <= got
    stale = {link.subject for link in seed_report.links if link.flags}
    assert stale == {"II-22", "II-24"}


def test_curated_links_have_justification(seed_report: BuildReport) -> None:
    curated = curated_links(seed_report.programmes)
    assert curated
    for link in curated:
        assert link.method == "curated" and link.rule and link.evidence


def test_no_responsible_body_mention_unresolved(seed_report: BuildReport) -> None:
    for programme in seed_report.programmes:
        for activity in programme.activities:
            for ref in activity.bodies:
                assert ref.body_id, f"{activity.id}: {ref.text!r} unresolved"


def test_every_link_assertion_has_evidence_and_method(seed_report: BuildReport) -> None:
    g = seed_report.graph
    assertions = set(g.subjects(RDF.type, WCOKG.LinkAssertion))
    assert len(assertions) > 50
    for node in assertions:
        assert g.value(node, WCOKG.evidence), node
        method = g.value(node, WCOKG.method)
        assert isinstance(method, URIRef) and "/vocab/link-method/" in str(method), node
        assert g.value(node, WCOKG.linkSubject) and g.value(node, WCOKG.linkObject), node
        # the direct triple exists too
        s, p, o = (
            g.value(node, x) for x in (WCOKG.linkSubject, WCOKG.linkProperty, WCOKG.linkObject)
        )
        assert (s, p, o) in g, node
    for outcome in g.subjects(RDF.type, WCOKG.Outcome):
        assert g.value(outcome, WCOKG.evidence) and g.value(outcome, WCOKG.method), outcome


# --- the process that revises an instrument; sister activities --------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "The work will continue within the current SAFE Review Cycle.",
        "Proposals were submitted within the SAFE Review Cycle.",
        "The Secretariat contributes to the revision of the SAFE FoS.",
        "Input was given for the update of the SAFE Framework of Standards.",
        "The review of Pillar III of the SAFE FoS is ongoing.",
    ],
)
def test_revision_process_leads_to_the_edition_in_the_cycle(
    catalogue: Catalogue, sentence: str
) -> None:
    a = act("I", 1, "Develop new guidelines on green customs", progress=(sentence,))
    links = revision_links(prog(a, years=(2022, 2025)), a, catalogue, [])
    assert triples(links) == {("I-1", "feeds", "safe-fos-2025")}
    assert links[0].rule == "revision-process" and links[0].evidence == sentence


def test_revision_process_needs_an_edition_in_the_cycle(catalogue: Catalogue) -> None:
    a = act("I", 1, "Develop guidelines", progress=("Within the SAFE Review Cycle.",))
    assert revision_links(prog(a, years=(2026, 2029)), a, catalogue, []) == []  # no 2026+ edition
    b = act("I", 2, "Update the Compendium", progress=("The update of the RKC continues.",))
    assert revision_links(prog(b, years=(2022, 2025)), b, catalogue, []) == []  # no editions
    c = act("I", 3, "Develop guidelines", progress=("The SAFE FoS is implemented.",))
    assert revision_links(prog(c, years=(2022, 2025)), c, catalogue, []) == []  # no process


def test_bare_review_cycle_means_the_title_instruments(catalogue: Catalogue) -> None:
    a = act("I", 1, "Promote the SAFE FoS", progress=("Work within the review cycle 2021-2025.",))
    links = revision_links(prog(a, years=(2022, 2025)), a, catalogue, ["safe-fos"])
    assert triples(links) == {("I-1", "feeds", "safe-fos-2025")}
    # already linked to the edition: nothing new
    assert revision_links(prog(a, years=(2022, 2025)), a, catalogue, ["safe-fos-2025"]) == []


@pytest.mark.parametrize(
    ("title", "verb", "types"),
    [
        (
            "Develop the new guidelines for expanding the concept of AEO to X",
            "develop",
            {"guidelines"},
        ),
        (
            "Discuss potential Develop new guidelines/tools to enhance Y",
            "develop",
            {"guidelines", "tool"},
        ),
        ("Update the Handbook on Z", "updat", {"handbook"}),
        ("Compile a new Compendium of Case Studies on X", "compil", {"compendium"}),
    ],
)
def test_task_of_title(title: str, verb: str, types: set[str]) -> None:
    task = task_of(title)
    assert task is not None and task.verb == verb and task.types == types


def test_task_needs_an_instrument_kind() -> None:
    assert task_of("Maintain cooperation with the WTO") is None


def test_sister_activities_get_the_same_kind_of_link(catalogue: Catalogue) -> None:
    linked = act(
        "I",
        1,
        "Develop the new guidelines for expanding the concept of AEO to free zones",
        progress=("The work will continue within the current SAFE Review Cycle.",),
    )
    same_topic = act(
        "I", 2, "Develop the new guidelines for expanding the concept of AEO to e-commerce"
    )
    same_instrument = act("I", 3, "Develop new guidelines under Pillar III of the SAFE FoS")
    other_verb = act("I", 4, "Update the guidelines for expanding the concept of AEO to rail")
    other_type = act("I", 5, "Develop a study on the concept of AEO under the SAFE FoS")
    unrelated = act("I", 6, "Develop new guidelines on coordinated border management")
    p = prog(
        linked, same_topic, same_instrument, other_verb, other_type, unrelated, years=(2022, 2025)
    )
    links = link_programme(p, catalogue)
    sisters = [link for link in links if link.rule == "sister-activity"]
    assert triples(sisters) == {
        ("I-2", "feeds", "safe-fos-2025"),
        ("I-3", "feeds", "safe-fos-2025"),
    }
    assert all("sister of I-1" in link.evidence for link in sisters)
    # a sister's own link is never the source of another (no chains)
    assert sister_links(p, sisters, catalogue) == []


def test_seed_review_cycle_activity_feeds_safe_2025(seed_report: BuildReport) -> None:
    by_rule = {
        (link.subject, link.obj): link
        for link in seed_report.links
        if link.method == "rule" and link.obj == "safe-fos-2025"
    }
    assert by_rule[("I-25", "safe-fos-2025")].rule == "revision-process"
    assert "SAFE Review Cycle" in by_rule[("I-25", "safe-fos-2025")].evidence
    assert by_rule[("I-24", "safe-fos-2025")].rule == "sister-activity"
    assert by_rule[("I-26", "safe-fos-2025")].rule == "sister-activity"
    assert set(by_rule) == {(a, "safe-fos-2025") for a in ("I-23", "I-24", "I-25", "I-26")}


def test_no_curated_link_is_also_found_by_a_rule(seed_report: BuildReport) -> None:
    """A curation a rule now reads is redundant: remove it from curated-links.ttl."""
    rules = {
        (link.programme, link.subject, link.obj)
        for link in seed_report.links
        if link.method == "rule"
    }
    curated = curated_links(seed_report.programmes)
    redundant = [
        (link.subject, link.prop, link.obj)
        for link in curated
        if (link.programme, link.subject, link.obj) in rules
    ]
    assert redundant == []
