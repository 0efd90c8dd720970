"""REST API over the seed: activities with filters and pages, bodies, instruments, meetings,
validation; problem+json errors; CORS."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient

from wcokg.api.app import create_app
from wcokg.settings import Settings
from wcokg.store import EmbeddedStore

TODAY = date(2024, 3, 1)


@pytest.fixture(scope="module")
def client(seed_store: EmbeddedStore) -> Iterator[TestClient]:
    app = create_app(Settings(store=seed_store.root), seed_store)
    app.state.today = TODAY
    with TestClient(app) as test_client:
        yield test_client


def test_activities_page_and_filters(client: TestClient) -> None:
    page = client.get("/activities", params={"limit": 10}).json()
    assert page["total"] == 94
    assert len(page["items"]) == 10
    assert page["next"].endswith("offset=10")
    assert page["previous"] is None
    second = client.get(page["next"]).json()
    assert second["items"][0]["id"] != page["items"][0]["id"]
    assert second["previous"]
    first = page["items"][0]
    assert first["id"] == "I-1" and first["url"] == "/wp/ptc-2022-2025/activity/I-1"

    for params in (
        {"section": "II"},
        {"status": "Completed"},
        {"status": "in-progress"},
        {"priority": "A"},
        {"task_type": "Development"},
        {"body": "swg"},
        {"strategic_code": "SP1"},
        {"q": "SAFE"},
    ):
        got = client.get("/activities", params={**params, "limit": 500}).json()
        assert 0 < got["total"] < 94, params
    completed = client.get("/activities", params={"status": "Completed", "limit": 500}).json()
    assert {a["status"] for a in completed["items"]} == {"Completed"}
    safe = client.get("/activities", params={"q": "SAFE", "limit": 500}).json()
    assert "I-23" in {a["id"] for a in safe["items"]}


def test_due_filters_and_deleted(client: TestClient) -> None:
    early = client.get("/activities", params={"due_before": "2023-06-30", "limit": 500}).json()
    late = client.get("/activities", params={"due_after": "2025-01-01", "limit": 500}).json()
    assert 0 < early["total"] < 94 and 0 < late["total"] < 94
    with_deleted = client.get("/activities", params={"include_deleted": True, "limit": 500}).json()
    assert with_deleted["total"] > 94
    assert any(a["revision"] == "deleted" for a in with_deleted["items"])


def test_instrument_filter_gives_feeders(client: TestClient) -> None:
    got = client.get("/activities", params={"instrument": "safe-fos-2025", "limit": 500}).json()
    assert "I-23" in {a["id"] for a in got["items"]}


def test_activity_has_every_field_links_and_provenance(client: TestClient) -> None:
    a = client.get("/activities/I-23").json()
    for key in ("title", "priority", "status", "kpi", "timeline", "progress", "team_resources"):
        assert a[key], key
    assert a["milestones"] and a["milestones"][0]["due_by"]
    assert any(link["other_id"] == "safe-fos-2025" for link in a["links"])
    assert a["provenance"]["source_lines"]
    assert a["provenance"]["raw_cells"], "raw cells come with the detail"
    assert a["provenance"]["document_name"].endswith(".md")
    assert a["outcomes"], "I-23 has meeting outcomes"


def test_unknown_ids_are_problem_404_naming_the_id(client: TestClient) -> None:
    for url, name in (
        ("/activities/I-999", "I-999"),
        ("/activities/I-999/dependencies", "I-999"),
        ("/bodies/nobody", "nobody"),
        ("/instruments/no-such", "no-such"),
        ("/meetings/no-meeting", "no-meeting"),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["status"] == 404 and name in problem["detail"]


def test_bad_parameters_are_problem_422(client: TestClient) -> None:
    response = client.get("/activities", params={"limit": 0})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert client.get("/activities", params={"due_before": "soon"}).status_code == 422


def test_bodies_with_reporting_line(client: TestClient) -> None:
    bodies = client.get("/bodies").json()
    assert {"ptc", "council"} <= {b["id"] for b in bodies}
    ptc = client.get("/bodies/ptc").json()
    assert ptc["reports_to"]["id"] == "council"
    assert ptc["reporting_line"][-1]["id"] == "council"
    assert ptc["sub_bodies"] and ptc["activities"]
    swg = client.get("/bodies/swg").json()
    assert [b["id"] for b in swg["reporting_line"]][-1] == "council"


def test_instrument_editions_and_feeders(client: TestClient) -> None:
    assert any(i["id"] == "safe-fos" for i in client.get("/instruments").json())
    safe = client.get("/instruments/safe-fos").json()
    editions = {e["id"]: e for e in safe["editions"]}
    assert "safe-fos-2025" in editions
    assert "I-23" in {f["id"] for f in editions["safe-fos-2025"]["activities"]}
    edition = client.get("/instruments/safe-fos-2025").json()
    assert edition["edition_of"]["id"] == "safe-fos"
    assert "I-23" in {f["id"] for f in edition["activities"]}


def test_meetings_and_outcomes(client: TestClient) -> None:
    meetings = client.get("/meetings").json()
    assert meetings
    with_outcomes = [m for m in meetings if client.get(f"/meetings/{m['id']}").json()["outcomes"]]
    assert with_outcomes


def test_validation_report(client: TestClient) -> None:
    report = client.get("/validation").json()
    assert report["available"] is True
    assert set(report["counts"]) == {"violation", "warning", "info"}
    assert len(report["findings"]) == sum(report["counts"].values())
    warnings = client.get("/validation", params={"severity": "warning"}).json()
    assert {f["severity"] for f in warnings["findings"]} <= {"violation", "warning"}


def test_cors_open_for_get(client: TestClient) -> None:
    response = client.get("/activities/I-1", headers={"Origin": "https://example.org"})
    assert response.headers["access-control-allow-origin"] == "*"
    preflight = client.options(
        "/activities",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 200
    assert "GET" in preflight.headers["access-control-allow-methods"]


def test_openapi_documents_the_routes_with_models(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for path in ("/activities", "/activities/{activity_id}", "/bodies/{body_id}", "/validation"):
        assert path in schema["paths"]
    assert {"Activity", "ActivityPage", "Body", "Instrument", "Meeting", "DependencyGraph"} <= set(
        schema["components"]["schemas"]
    )


def test_a_named_query_parameter_given_twice_is_422_cached_or_not(client: TestClient) -> None:
    url = "/queries/activities-feeding"
    assert client.get(url, params={"target": "safe-fos-2025"}).status_code == 200  # now cached
    twice = client.get(url, params=[("target", "safe-fos-2025"), ("target", "rkc")])
    assert twice.status_code == 422
    assert "target given twice" in twice.json()["detail"]
