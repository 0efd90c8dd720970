"""Reference data (bodies, units, organisations): files parse, reporting lines, lexicons."""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, RDFS, SKOS

from wcokg.loaders.lexicon import fold
from wcokg.loaders.reference import (
    BODY_BASE,
    ORG_BASE,
    REFERENCE_FILES,
    UNIT_BASE,
    Reference,
    load_reference,
    resources_under,
)
from wcokg.namespaces import WCOKG

COUNCIL = URIRef(BODY_BASE + "council")
SECRETARIAT = URIRef(ORG_BASE + "wco-secretariat")
DOCUMENT = "ptc-work-programme-2022-2025.md"
RESPONSIBLE_BODY_COLUMN = 6  # 0-based: No., Priority, Link, Activities, Plan, Type, Resp. body
CONNECTIVES = {"and", "with", "the", "support", "of"}


@pytest.fixture(scope="module")
def ref() -> Reference:
    return load_reference()


def _document_text() -> str:
    """The bundled work programme, from the installed package or from the repository."""
    try:
        return (files("wcokg.data") / "sources" / DOCUMENT).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        path = Path(__file__).resolve().parents[1] / "data" / "sources" / DOCUMENT
        return path.read_text(encoding="utf-8")


def _responsible_body_cells(text: str) -> list[str]:
    """Every Responsible body cell of a numbered table row, Markdown tags removed."""
    cells = []
    for line in text.splitlines():
        if not line.lstrip().startswith("|"):
            continue
        parts = [part.strip() for part in line.strip().strip("|").split("|")]
        if len(parts) <= RESPONSIBLE_BODY_COLUMN or not re.search(r"\d", parts[0]):
            continue
        cell = re.sub(r"<[^>]+>", " ", parts[RESPONSIBLE_BODY_COLUMN]).strip()
        if cell:
            cells.append(cell)
    return cells


# --- the files -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", REFERENCE_FILES)
def test_each_file_parses_and_starts_with_a_comment(name: str) -> None:
    text = (files("wcokg.ontology") / "reference" / name).read_text(encoding="utf-8")
    assert text.startswith("#"), f"{name} must start with a comment block"
    assert "To add" in text.split("@prefix", 1)[0], f"{name}: say how to add an entry"
    graph = Graph().parse(data=text, format="turtle")
    assert len(graph) > 0


def test_every_resource_has_labels_and_identifier(ref: Reference) -> None:
    g = ref.graph
    for base in (BODY_BASE, UNIT_BASE, ORG_BASE):
        for rid, iri in resources_under(g, base).items():
            prefs = list(g.objects(iri, SKOS.prefLabel))
            assert len(prefs) == 1, f"{rid}: exactly one skos:prefLabel"
            assert isinstance(prefs[0], Literal) and prefs[0].language == "en"
            assert list(g.objects(iri, RDFS.label)) == prefs, f"{rid}: rdfs:label = prefLabel"
            assert list(g.objects(iri, DCTERMS.identifier)) == [Literal(rid)], rid
            assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rid), f"{rid}: not a stable id"


def test_types(ref: Reference) -> None:
    g = ref.graph
    for rid, iri in resources_under(g, BODY_BASE).items():
        assert (iri, RDF.type, WCOKG.WorkingBody) in g, rid
    for rid, iri in resources_under(g, UNIT_BASE).items():
        assert (iri, RDF.type, WCOKG.OrganisationalUnit) in g, rid
        assert (iri, ORG.unitOf, SECRETARIAT) in g, f"{rid}: org:unitOf the WCO Secretariat"
    for rid, iri in resources_under(g, ORG_BASE).items():
        types = set(g.objects(iri, RDF.type))
        assert types & {ORG.FormalOrganization, ORG.OrganizationalUnit}, rid
        if ORG.OrganizationalUnit in types:
            parents = list(g.objects(iri, ORG.unitOf))
            assert parents and all(p in set(resources_under(g, ORG_BASE).values()) for p in parents)


def test_objects_of_org_links_exist(ref: Reference) -> None:
    g = ref.graph
    known = {
        iri
        for base in (BODY_BASE, UNIT_BASE, ORG_BASE)
        for iri in resources_under(g, base).values()
    }
    for prop in (
        ORG.reportsTo,
        ORG.unitOf,
        ORG.subOrganizationOf,
        ORG.linkedTo,
        DCTERMS.replaces,
        DCTERMS.isReplacedBy,
    ):
        for s, o in g.subject_objects(prop):
            assert o in known, f"{s} {prop} {o}: unknown target"


# --- bodies and reporting lines ----------------------------------------------------------------


@pytest.mark.parametrize("rid", ["council", "policy-commission", "ptc", "dmpt", "swg"])
def test_fixed_body_ids_exist(ref: Reference, rid: str) -> None:
    assert rid in resources_under(ref.graph, BODY_BASE)


def test_every_reporting_chain_ends_at_the_council(ref: Reference) -> None:
    g = ref.graph
    bodies = resources_under(g, BODY_BASE)
    assert list(g.objects(COUNCIL, ORG.reportsTo)) == []
    for rid, iri in bodies.items():
        seen = [iri]
        current = iri
        while current != COUNCIL:
            parents = list(g.objects(current, ORG.reportsTo))
            assert len(parents) == 1, f"{rid}: {current} needs exactly one org:reportsTo"
            current = parents[0]
            assert current in bodies.values(), f"{rid}: reports to unknown {current}"
            assert current not in seen, f"{rid}: cycle {seen + [current]}"
            seen.append(current)


def test_every_reporting_line_has_a_source(ref: Reference) -> None:
    """The document states hardly any reporting line: each one says where it comes from."""
    g = ref.graph
    for rid, iri in resources_under(g, BODY_BASE).items():
        assert list(g.objects(iri, DCTERMS.source)), f"{rid}: dcterms:source missing"
        notes = [str(n) for n in g.objects(iri, SKOS.scopeNote)]
        assert notes, f"{rid}: skos:scopeNote missing"


def test_curated_lines_explain_themselves(ref: Reference) -> None:
    g = ref.graph
    for rid, iri in resources_under(g, BODY_BASE).items():
        sources = " ".join(str(s) for s in g.objects(iri, DCTERMS.source))
        if "Stated in the document" in sources or iri == COUNCIL:
            continue
        notes = " ".join(str(n) for n in g.objects(iri, SKOS.scopeNote))
        assert "Curated" in notes or "Judgement call" in notes, rid


def test_expected_reporting_lines(ref: Reference) -> None:
    g = ref.graph

    def parent(rid: str) -> str:
        (p,) = g.objects(URIRef(BODY_BASE + rid), ORG.reportsTo)
        return str(p)[len(BODY_BASE) :]

    for rid in ("policy-commission", "ptc", "ec", "cbc", "hsc", "tcro", "finance-committee"):
        assert parent(rid) == "council", rid
    for rid in ("dmpt", "swg", "pfcwg", "wgpm", "cap-group", "rkc-mc", "wco-upu-cc", "api-pnr-cc"):
        assert parent(rid) == "ptc", rid
    assert parent("teg-nii") == "swg"
    assert parent("pmmpt") == "cbc"
    assert parent("pscg") == "policy-commission"


def test_wgpm_is_replaced_by_pmmpt(ref: Reference) -> None:
    wgpm, pmmpt = URIRef(BODY_BASE + "wgpm"), URIRef(BODY_BASE + "pmmpt")
    assert (wgpm, DCTERMS.isReplacedBy, pmmpt) in ref.graph
    assert (pmmpt, DCTERMS.replaces, wgpm) in ref.graph


# --- lexicons ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "rid"),
    [
        ("PC", "policy-commission"),
        ("Policy Commission", "policy-commission"),
        ("Council", "council"),
        ("PTC", "ptc"),
        ("SAFE WG", "swg"),
        ("SAFE Working Group", "swg"),
        ("RKC Management Committee", "rkc-mc"),
        ("RKC/MC", "rkc-mc"),
        ("WCO/UPU CC", "wco-upu-cc"),
        ("WCO-UPU Contact Committee", "wco-upu-cc"),
        ("API/PNR CC", "api-pnr-cc"),
        ("WCO/IATA/ICAO/API/PNR Contact Committee", "api-pnr-cc"),
        ("Istanbul Convention AC", "istanbul-ac"),
        ("AC for the CCC", "ccc-ac"),
        ("ATA Convention CPs", "ata-cps"),
        ("Joint ATA/Istanbul Administrative Committee", "ata-istanbul-joint-ac"),
        ("TEG-NII", "teg-nii"),
        ("CAP Group", "cap-group"),
        ("Counterfeiting and Piracy (CAP) Group", "cap-group"),
        ("PFCWG", "pfcwg"),
        ("Performance Measurement Mechanism Project Team", "pmmpt"),
        ("Working Group on Data and Statistics", "wgds"),
        ("Technical Committee on Rules of Origin", "tcro"),
        ("Data Model Projects Team", "dmpt"),
    ],
)
def test_body_lookup(ref: Reference, name: str, rid: str) -> None:
    assert ref.bodies.lookup(name) == rid


@pytest.mark.parametrize(
    ("name", "rid"),
    [
        ("Facilitation Sub-directorate", "facilitation-sub-directorate"),
        ("Facilitation Sub- Directorate", "facilitation-sub-directorate"),
        ("P&F sub Directorate", "facilitation-sub-directorate"),
        ("Compliance Sub- Directorate", "compliance-sub-directorate"),
        ("CBD", "capacity-building-directorate"),
        ("ISTS unit", "ists-unit"),
        ("CLiKc! Team", "clikc-team"),
        ("COVID-19 Project team", "covid-19-project-team"),
        ("Tariff and Trade Directorate", "tariff-trade-affairs-directorate"),
        ("Office of the Deputy Secretary General", "office-of-the-dsg"),
    ],
)
def test_unit_lookup(ref: Reference, name: str, rid: str) -> None:
    assert ref.units.lookup(name) == rid


@pytest.mark.parametrize(
    ("name", "rid"),
    [
        ("WCO", "wco"),
        ("OIE", "woah"),
        ("WOAAH", "woah"),
        ("BCS", "bcs"),
        ("Basel Secretariat", "bcs"),
        ("UN/ESCAP", "un-escap"),
        ("WTO TFC", "wto-tfc"),
        ("PS IGC TRACECA", "igc-traceca-ps"),
        ("IGC TRACECA", "igc-traceca"),
        ("World Shipping Council", "wsc"),
    ],
)
def test_organisation_lookup(ref: Reference, name: str, rid: str) -> None:
    assert ref.organisations.lookup(name) == rid


def test_find_all_in_running_text(ref: Reference) -> None:
    text = "The 29th SAFE WG Meeting and the TEG-NII reported to the 243rd/244th PTC."
    assert [m.id for m in ref.bodies.find_all(text)] == ["swg", "teg-nii", "ptc"]


def test_longest_alias_wins(ref: Reference) -> None:
    text = "Take note of the Joint ATA/Istanbul Convention AC Work Programme"
    assert [m.id for m in ref.bodies.find_all(text)] == ["ata-istanbul-joint-ac"]


def test_no_alias_is_shared_between_two_resources(ref: Reference) -> None:
    g = ref.graph
    for base in (BODY_BASE, UNIT_BASE, ORG_BASE):
        owners: dict[str, str] = {}
        for rid, iri in resources_under(g, base).items():
            for prop in (SKOS.prefLabel, SKOS.altLabel, SKOS.notation):
                for value in g.objects(iri, prop):
                    key = fold(str(value))
                    assert owners.setdefault(key, rid) == rid, f"{value!r}: {owners[key]}, {rid}"


def test_every_responsible_body_cell_resolves(ref: Reference) -> None:
    """Each alphabetic word of every Responsible body cell is covered by a known body name."""
    cells = _responsible_body_cells(_document_text())
    assert len(cells) > 50
    unresolved = []
    for cell in cells:
        folded = fold(cell)
        matches = ref.bodies.find_all(cell)
        assert matches, f"no body in {cell!r}"
        spans = [(m.start, m.end) for m in matches]
        for word in re.finditer(r"[^\W\d_]+", folded):
            if word.group() in CONNECTIVES:
                continue
            if not any(start <= word.start() and word.end() <= end for start, end in spans):
                unresolved.append((cell, word.group()))
    assert unresolved == []
