"""Log-in, edits and the edit log over HTTP, with the security rules: 401/403/428/412/422/429,
expired and removed users' tokens, CSRF on forms, cookies, XSS and injection in every field."""

from __future__ import annotations

import html
import io
import os
import re
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from editing import PASSWORD, add_users, edit_settings, fresh_store
from fastapi.testclient import TestClient

from wcokg.accounts.tokens import TokenSigner, load_secret
from wcokg.accounts.users import User
from wcokg.api.app import create_app
from wcokg.api.services import catalog
from wcokg.build import BuildReport
from wcokg.edits.service import EditService
from wcokg.store import RemoteStore

PAGE = "/wp/ptc-2022-2025/activity/I-23"


@pytest.fixture
def client(
    tmp_path: Path, seed_report: BuildReport, request: pytest.FixtureRequest
) -> Iterator[TestClient]:
    """The app with its users; edits in a process of their own (the default) unless the test
    asks for `client` with the parameter False."""
    settings = edit_settings(
        tmp_path, login_attempts=3, edit_process=getattr(request, "param", True)
    )
    add_users(settings)
    app = create_app(settings, fresh_store(settings, seed_report.graph))
    with TestClient(app) as c:
        yield c


def token(client: TestClient, user: str, password: str = PASSWORD) -> dict[str, str]:
    answer = client.post("/auth/token", data={"username": user, "password": password})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600
    assert answer.headers["cache-control"] == "no-store"
    return {"Authorization": f"Bearer {body['access_token']}"}


def etag(client: TestClient, activity: str = "I-23") -> str:
    answer = client.get(f"/activities/{activity}")
    assert answer.status_code == 200
    return answer.headers["etag"]


def patch(client: TestClient, headers: dict[str, str], body: object, activity: str = "I-23"):  # type: ignore[no-untyped-def]
    return client.patch(f"/activities/{activity}", json=body, headers=headers)


def test_wrong_credentials_are_401_then_429(client: TestClient) -> None:
    for name in ("swg-editor", "nobody"):
        answer = client.post("/auth/token", data={"username": name, "password": "wrong password!"})
        assert answer.status_code == 401
        assert answer.headers["www-authenticate"].startswith("Bearer")
        assert answer.json()["detail"] == "wrong user name or password"
    client.post("/auth/token", data={"username": "swg-editor", "password": "wrong again!!"})
    # three failures from this address: even the right password waits now
    limited = client.post("/auth/token", data={"username": "boss", "password": PASSWORD})
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0


@pytest.mark.parametrize("client", [True, False], ids=["own process", "in process"], indirect=True)
def test_the_done_when_scenario(client: TestClient) -> None:
    swg, dmpt = token(client, "swg-editor"), token(client, "dmpt-editor")
    tag = etag(client)
    assert re.fullmatch(r'"[0-9a-f]{32}"', tag)
    body = {"status": "Completed", "progress": "Completed: the SAFE FoS 2025 was endorsed."}
    assert patch(client, {**dmpt, "If-Match": tag}, body).status_code == 403
    done = patch(client, {**swg, "If-Match": tag}, body)
    assert done.status_code == 200, done.text
    assert done.headers["etag"] != tag and done.json()["values"]["status"] == "Completed"
    assert patch(client, {**swg, "If-Match": tag}, {"kpi": "x"}).status_code == 412
    activity = client.get("/activities/I-23").json()
    assert activity["status"] == "Completed" and activity["progress"] == body["progress"]
    assert "Completed: the SAFE FoS 2025 was endorsed." in client.get(PAGE).text
    log = client.get("/edits", headers=swg, params={"activity": "I-23"}).json()
    assert {(e["user"], e["field"], e["new"]) for e in log} == {
        ("swg-editor", "status", "Completed"),
        ("swg-editor", "progress", body["progress"]),
    }


def test_401_403_428_422(client: TestClient) -> None:
    swg, reader = token(client, "swg-editor"), token(client, "reader")
    tag = etag(client)
    assert patch(client, {"If-Match": tag}, {"kpi": "x"}).status_code == 401
    assert (
        patch(client, {"Authorization": "Bearer forged", "If-Match": tag}, {"kpi": "x"}).status_code
        == 401
    )
    assert patch(client, {**reader, "If-Match": tag}, {"kpi": "x"}).status_code == 403
    assert patch(client, swg, {"kpi": "x"}).status_code == 428
    assert patch(client, {**swg, "If-Match": tag}, {"status": "Done"}).status_code == 422
    assert patch(client, {**swg, "If-Match": tag}, {"title": "x"}).status_code == 422
    assert patch(client, {**swg, "If-Match": tag}, {}).status_code == 422
    invalid = patch(client, {**swg, "If-Match": tag}, {"timeline": "when it is ready"})
    assert invalid.status_code == 422
    assert invalid.headers["content-type"] == "application/problem+json"
    assert invalid.json()["findings"][0]["rule"] == "TimeBoundActivity-milestone"
    assert etag(client) == tag and client.get("/edits", headers=swg).json() == []
    assert patch(client, {**swg, "If-Match": tag}, {"kpi": "x"}, "I-999").status_code == 404


def test_expired_and_removed_users_tokens_are_refused(client: TestClient) -> None:
    settings = client.app.state.settings  # type: ignore[attr-defined]
    key = load_secret(settings.private_path())
    users = client.app.state.accounts.users  # type: ignore[attr-defined]
    generation = users.get("boss").generation
    expired, _ = TokenSigner(key, -10).issue("boss", generation)
    headers = {"Authorization": f"Bearer {expired}", "If-Match": etag(client)}
    assert patch(client, headers, {"kpi": "x"}).status_code == 401
    live = token(client, "boss")
    assert client.get("/edits", headers=live).status_code == 200
    users.remove("boss")
    assert client.get("/edits", headers=live).status_code == 401
    swg = token(client, "swg-editor")
    users.set_password("swg-editor", PASSWORD + " new", 12)
    assert client.get("/edits", headers=swg).status_code == 401


def test_edit_log_needs_a_login_and_filters(client: TestClient) -> None:
    assert client.get("/edits").status_code == 401
    swg = token(client, "swg-editor")
    patch(client, {**swg, "If-Match": etag(client)}, {"kpi": "New KPI"})
    patch(client, {**swg, "If-Match": etag(client, "I-24")}, {"kpi": "Other KPI"}, "I-24")
    assert [e["activity"] for e in client.get("/edits", headers=swg).json()] == ["I-23", "I-24"]
    assert len(client.get("/edits", headers=swg, params={"activity": "I-24"}).json()) == 1
    assert client.get("/edits", headers=swg, params={"user": "boss"}).json() == []
    assert client.get("/edits", headers=swg, params={"since": "2999-01-01T00:00:00Z"}).json() == []
    assert (
        client.get("/edits", headers=swg, params={"since": "2000-01-01T00:00:00"}).status_code
        == 422
    )


def test_admin_reverts(client: TestClient) -> None:
    swg, boss = token(client, "swg-editor"), token(client, "boss")
    old = client.get("/activities/I-23").json()["kpi"]
    seq = patch(client, {**swg, "If-Match": etag(client)}, {"kpi": "New KPI"}).json()["edits"][0][
        "seq"
    ]
    assert client.post(f"/edits/{seq}/revert", headers=swg).status_code == 403
    undone = client.post(f"/edits/{seq}/revert", headers=boss)
    assert undone.status_code == 200 and undone.json()["edits"][0]["kind"] == "revert"
    assert client.get("/activities/I-23").json()["kpi"] == old
    assert client.post(f"/edits/{seq}/revert", headers=boss).status_code == 409
    assert client.post("/edits/999/revert", headers=boss).status_code == 404


MARKUP = '<script>alert("x")</script><img src=x onerror=alert(1)>'
INJECTIONS = {
    "progress": f"Done. {MARKUP} \" . }} ; DROP ALL ; # ' OR 1=1 --",
    "kpi": "=cmd|' /C calc'!A0",
    "team_resources": 'One officer <b>from</b> the Facilitation Sub-Directorate"}',
}


def test_markup_and_injections_are_text_everywhere(client: TestClient) -> None:
    swg = token(client, "swg-editor")
    triples = client.get("/health").json()
    done = patch(client, {**swg, "If-Match": etag(client)}, INJECTIONS)
    assert done.status_code == 200, done.text
    activity = client.get("/activities/I-23").json()
    assert activity["progress"] == INJECTIONS["progress"] and activity["kpi"] == INJECTIONS["kpi"]
    assert client.get("/health").json().keys() == triples.keys()
    shown = [PAGE, "/export/html", "/export/markdown"]  # pages that show the progress text
    for url in [*shown, "/", "/search?q=Done", "/browse/quality"]:
        text = client.get(url).text
        assert "<script>alert" not in text and "<img src=x" not in text, url
        assert "&lt;script&gt;" in text or url not in shown, url
    csv_text = client.get("/export/csv").text
    assert "'=cmd|' /C calc'!A0" in csv_text and ",=cmd" not in csv_text
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(client.get("/export/xlsx").content))
    cells = [
        c for row in book["activities"].iter_rows() for c in row if c.value == INJECTIONS["kpi"]
    ]
    assert cells and all(c.data_type == "s" for c in cells)
    # the literal is one value in the graph, not a change of the query
    ask = client.get(
        "/sparql",
        params={
            "query": "ASK { ?a <https://w3id.org/wcokg/ontology#kpi> \"=cmd|' /C calc'!A0\"@en }"
        },
        headers={"Accept": "application/sparql-results+json"},
    )
    assert ask.json()["boolean"] is True


# -- pages: log-in form, session cookie, CSRF --------------------------------------------------


def login(client: TestClient, user: str = "swg-editor") -> None:
    form = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert csrf
    answer = client.post(
        "/login",
        data={
            "username": user,
            "password": PASSWORD,
            "csrf": csrf.group(1),
            "next": "/edit/activities/I-23",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/edit/activities/I-23"
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")


def form_fields(client: TestClient) -> dict[str, str]:
    page = client.get("/edit/activities/I-23")
    assert page.status_code == 200
    fields = {
        k: html.unescape(v) for k, v in re.findall(r'name="(csrf|etag)" value="([^"]*)"', page.text)
    }
    return {
        **fields,
        "status": "Completed",
        "priority": "A",
        "progress": "Finished.",
        "timeline": "Spring 2025 (PTC) June 2025 (PC and Council)",
        "team_resources": "Two officers from the Facilitation Sub-Directorate",
        "kpi": "SAFE FoS 2025 endorsed",
    }


def test_login_form_needs_its_csrf_cookie(client: TestClient) -> None:
    answer = client.post(
        "/login", data={"username": "swg-editor", "password": PASSWORD, "csrf": "guess"}
    )
    assert answer.status_code == 403
    assert (
        client.get("/edit/activities/I-23", follow_redirects=False)
        .headers["location"]
        .startswith("/login")
    )


def test_edit_form_with_csrf_and_errors_next_to_fields(client: TestClient) -> None:
    login(client)
    fields = form_fields(client)
    assert client.post("/edit/activities/I-23", data={**fields, "csrf": "wrong"}).status_code == 403
    assert (
        client.post(
            "/edit/activities/I-23", data={k: v for k, v in fields.items() if k != "csrf"}
        ).status_code
        == 403
    )
    bad = client.post("/edit/activities/I-23", data={**fields, "timeline": "one day"})
    assert bad.status_code == 422
    assert re.search(r'id="timeline".*?<p class="error" id="timeline-error"', bad.text, re.S)
    saved = client.post("/edit/activities/I-23", data=fields, follow_redirects=False)
    assert saved.status_code == 303
    assert client.get("/activities/I-23").json()["status"] == "Completed"
    history = client.get("/edit/activities/I-23").text
    assert "swg-editor" in history and "Finished." in history


def test_session_cookie_is_secure_over_https(tmp_path: Path, seed_report: BuildReport) -> None:
    settings = edit_settings(tmp_path)
    add_users(settings)
    app = create_app(settings, fresh_store(settings, seed_report.graph))
    with TestClient(app, base_url="https://testserver") as c:
        form = c.get("/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
        answer = c.post(
            "/login",
            data={"username": "boss", "password": PASSWORD, "csrf": csrf},
            follow_redirects=False,
        )
        assert "Secure" in answer.headers["set-cookie"]


def test_dmpt_editor_gets_403_on_the_form(client: TestClient) -> None:
    login(client, "dmpt-editor")
    assert client.get("/edit/activities/I-23").status_code == 403


def test_log_in_follows_only_local_paths() -> None:
    from wcokg.api.routers.auth import safe_next

    assert safe_next("/edit/activities/I-23") == "/edit/activities/I-23"
    for target in (
        "//evil.example",
        "/\t/evil.example",
        "/\\evil.example",
        "https://evil.example",
        "",
    ):
        assert safe_next(target) == "/"


def test_a_server_nobody_logs_in_to_writes_nothing(
    tmp_path: Path, seed_report: BuildReport
) -> None:
    settings = edit_settings(tmp_path)
    app = create_app(settings, fresh_store(settings, seed_report.graph))
    with TestClient(app) as c:
        assert c.get("/activities/I-23").status_code == 200
        assert c.get("/edits", headers={"Authorization": "Bearer x.y.z"}).status_code == 401
        assert c.post("/auth/token", data={"username": "a", "password": "b"}).status_code == 401
    assert not settings.private_path().exists()


@pytest.mark.parametrize("client", [True, False], ids=["own process", "in process"], indirect=True)
def test_an_edited_activity_shows_all_of_its_edit_at_once(client: TestClient) -> None:
    """Lists may follow edits a moment later, but the edited activity's own answer and page
    show the whole edit at once (the timeline's milestones, the allocations' FTE), with the
    ETag the next PATCH needs (found by a new-user trial: new text beside old milestones)."""
    swg = token(client, "swg-editor")
    before = client.get("/activities/I-23").json()
    # warm the snapshot so that it is older than the edits below
    assert client.get("/activities?limit=1").status_code == 200
    for n, (timeline, team) in enumerate(
        [
            (
                "January 2027 (SWG) May 2027 (PTC)",
                "One officer from the Facilitation Sub-Directorate",
            ),
            ("March 2028 (PTC)", "Two officers from the Facilitation Sub-Directorate"),
        ]
    ):
        done = patch(
            client,
            {**swg, "If-Match": etag(client)},
            {"timeline": timeline, "team_resources": team},
        )
        assert done.status_code == 200, done.text
        shown = client.get("/activities/I-23")
        body = shown.json()
        assert body["timeline"] == timeline and body["team_resources"] == team
        months = [m["when"] for m in body["milestones"]]
        assert months == (["2027-01", "2027-05"] if n == 0 else ["2028-03"]), months
        assert float(body["fte_min"]) == (1.0 if n == 0 else 2.0)
        assert shown.headers["etag"] == done.headers["etag"]
        page = client.get("/wp/ptc-2022-2025/activity/I-23", headers={"Accept": "text/html"}).text
        assert team in html.unescape(page)
        assert ("2027-05" in page) == (n == 0) and ("2028-03" in page) == (n == 1)
    assert before["milestones"] != body["milestones"]


def test_control_characters_are_refused(client: TestClient) -> None:
    """XML (Word, Excel, RDF/XML exports) cannot hold C0 controls: 422, nothing stored."""
    swg = token(client, "swg-editor")
    tag = etag(client)
    for bad in ("ctrl\u0000nul", "bell\u0007", "esc\u001b", "vt\u000b"):
        refused = patch(client, {**swg, "If-Match": tag}, {"kpi": bad})
        assert refused.status_code == 422, refused.text
        assert "U+00" in refused.json()["detail"]
    assert client.get("/activities/I-23").headers["etag"] == tag
    fine = patch(client, {**swg, "If-Match": tag}, {"kpi": "Tab\tand\nline ends are text"})
    assert fine.status_code == 200, fine.text
    assert client.get("/export/xlsx").status_code == 200


def test_edits_are_made_in_a_process_of_their_own_that_may_die(client: TestClient) -> None:
    """The draft and its edits live in a child process (readers never wait for an edit's
    work); a child killed answers 503 once, the next edit starts another, which replays the
    log: nothing answered 200 is lost."""
    service = client.app.state.edits  # type: ignore[attr-defined]
    swg = token(client, "swg-editor")
    done = patch(client, {**swg, "If-Match": etag(client)}, {"kpi": "first, before the kill"})
    assert done.status_code == 200, done.text
    child = service.child_pid()
    assert child != os.getpid()
    os.kill(child, signal.SIGKILL)
    lost = patch(client, {**swg, "If-Match": etag(client)}, {"kpi": "while the child is gone"})
    assert lost.status_code == 503, lost.text
    assert lost.headers["content-type"] == "application/problem+json"
    again = patch(client, {**swg, "If-Match": etag(client)}, {"kpi": "second, after the kill"})
    assert again.status_code == 200, again.text
    assert service.child_pid() not in (child, os.getpid())
    assert client.get("/activities/I-23").json()["kpi"] == "second, after the kill"
    logged = [e["new"] for e in client.get("/edits?activity=I-23", headers=swg).json()]
    assert "first, before the kill" in logged and "while the child is gone" not in logged
    os.kill(service.child_pid(), signal.SIGKILL)
    form_reader = client.get("/edits?activity=I-23", headers=swg)  # a read: asked again at once
    assert form_reader.status_code == 200 and service.child_pid() != os.getpid()


def test_an_edited_activity_is_read_again_once_per_edit_of_it(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Other activities' edits make new store versions too; they must not make an edited
    activity's answer and page be read and rendered again (20 editors made that the readers'
    p99), and its answer must still be its latest edit."""
    reads: list[str] = []
    fresh = catalog._fresh

    def counted(snap, store, activity_id, version):  # type: ignore[no-untyped-def]
        reads.append(activity_id)
        return fresh(snap, store, activity_id, version)

    monkeypatch.setattr(catalog, "_fresh", counted)
    # the snapshot stays the one before the edits for the whole test (rebuilt in 60 s)
    monkeypatch.setattr(catalog, "SNAPSHOT_SETTLE_SECONDS", 60.0)
    monkeypatch.setattr(catalog, "SNAPSHOT_MAX_STALE_SECONDS", 60.0)
    swg = token(client, "swg-editor")
    assert client.get("/activities?limit=1").status_code == 200  # a snapshot older than edits
    assert patch(client, {**swg, "If-Match": etag(client)}, {"kpi": "I-23 once"}).status_code == 200
    first = client.get("/activities/I-23")
    assert first.json()["kpi"] == "I-23 once"
    assert client.get(PAGE, headers={"Accept": "text/html"}).status_code == 200
    assert reads == ["I-23"]  # the answer and the page share one read
    for n in range(3):  # another activity's edits: new versions, I-23 unchanged
        tag = etag(client, "I-24")
        assert (
            patch(client, {**swg, "If-Match": tag}, {"kpi": f"I-24 {n}"}, "I-24").status_code == 200
        )
        again = client.get("/activities/I-23")
        assert again.json()["kpi"] == "I-23 once" and again.headers["etag"] == first.headers["etag"]
        assert "I-23 once" in client.get(PAGE, headers={"Accept": "text/html"}).text
    assert reads.count("I-23") == 1, reads
    assert (
        patch(client, {**swg, "If-Match": etag(client)}, {"kpi": "I-23 twice"}).status_code == 200
    )
    assert client.get("/activities/I-23").json()["kpi"] == "I-23 twice"
    assert reads.count("I-23") == 2, reads


def test_edits_in_the_edit_process_on_the_external_store(
    tmp_path: Path, seed_report: BuildReport, oxigraph_server: Callable[[], RemoteStore]
) -> None:
    """The edit process opens the external store again (`store_factory`): an edit through the
    API is stored there and shown at once."""
    settings = edit_settings(tmp_path, edit_process=True)
    add_users(settings)
    store = oxigraph_server()
    store.replace(seed_report.graph)
    with TestClient(create_app(settings, store)) as remote:
        swg = token(remote, "swg-editor")
        done = patch(remote, {**swg, "If-Match": etag(remote)}, {"status": "Completed"})
        assert done.status_code == 200, done.text
        assert remote.app.state.edits.child_pid() != os.getpid()  # type: ignore[attr-defined]
        shown = remote.get("/activities/I-23")
        assert shown.json()["status"] == "Completed"
        assert shown.headers["etag"] == done.headers["etag"]


def test_the_etag_never_goes_with_an_older_body(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit is in the store before it is in the log, and this server learns of it only
    when the edit's answer comes back: a reader in between got the new edit's ETag with the
    body from before it, and a PATCH with that ETag overwrote an edit it never saw (found by a
    new-user trial). The tag is now read before the body, which is read again when the
    snapshot may miss the activity's latest edit."""
    monkeypatch.setattr(catalog, "SNAPSHOT_SETTLE_SECONDS", 60.0)  # the snapshot stays old
    monkeypatch.setattr(catalog, "SNAPSHOT_MAX_STALE_SECONDS", 60.0)
    app = client.app
    assert client.get("/activities?limit=1").status_code == 200  # the snapshot before the edit
    app.state.edits.trail.storing()  # type: ignore[attr-defined] # an edit of this server in flight
    other = EditService(app.state.store, app.state.settings)  # type: ignore[attr-defined]
    editor = User("swg-editor", "editor", ("swg",), "g", "now")
    done = other.submit(editor, "I-23", {"kpi": "made while a reader reads"}, other.etag("I-23"))
    shown = client.get("/activities/I-23")
    assert shown.headers["etag"] == done.etag
    assert shown.json()["kpi"] == "made while a reader reads"
    page = client.get(PAGE, headers={"Accept": "text/html"}).text
    assert "made while a reader reads" in page
    app.state.edits.trail.stored(None)  # type: ignore[attr-defined]


def test_a_form_saved_over_a_newer_edit_shows_the_activity_as_it_is_now(
    client: TestClient,
) -> None:
    """A form opened before someone else's edit: its Save is refused (409) and the form comes
    back with the current values and tag, so that another Save cannot overwrite that edit
    (a new-user trial found the stale values kept under the current tag)."""
    login(client)
    fields = form_fields(client)  # the form as opened, with its tag
    swg = token(client, "swg-editor")
    newer = patch(client, {**swg, "If-Match": etag(client)}, {"kpi": "someone else's edit"})
    assert newer.status_code == 200
    refused = client.post("/edit/activities/I-23", data={**fields, "kpi": "my stale kpi"})
    assert refused.status_code == 409, refused.text
    shown = html.unescape(refused.text)
    assert "someone else's edit" in shown and "my stale kpi" not in shown
    assert newer.headers["etag"] in shown and "your changes were not saved" in shown
    assert client.get("/activities/I-23").json()["kpi"] == "someone else's edit"
