"""Edits of the served graph: check, validate, log, then store the new draft (one at a time).

An edit is made under one lock (a thread lock plus the edit log's write transaction):
1. the store is synchronised with the log (`sync`: a rebuilt or stale draft is replayed),
2. `If-Match` is compared with the activity's ETag (a hash of the draft's base version, the
   activity and its latest edit in the log): missing 428, stale 412, so of two writers that
   read the same ETag exactly one wins,
3. the rows are appended to the log (inside its transaction), the new values are written with
   the loader's normalisers into the draft (in place, undone exactly on failure) with their
   PROV, and the activity's neighbourhood is validated against the SHACL shapes
   (`wcokg.edits.check`): a violation it did not have before is a 422, and nothing is stored,
4. the draft is stored as a new store version (atomic), and only then the log transaction
   commits (fsync). Edits waiting for the lock meanwhile are made together by the first of
   them to get it (group commit: each checked on its own, inside its own savepoint of the one
   log transaction; one store version for all). A crash before the commit leaves a store
   version ahead of the log, which the next `sync` replaces by replaying the log: an edit is
   either in the log and the draft, or in neither, and nothing answered 200 is lost.

The edits go to the default graph (the current view) and to the programme's draft revision, a
named graph like the revisions (`wcokg.edits.revision`). An admin publishes the draft as a
revision with a document code, or discards it; either closes the edits in the log.
"""

from __future__ import annotations

import hashlib
import re
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path

from pyoxigraph import QuerySolutions
from rdflib import Graph, URIRef
from rdflib.namespace import PROV
from rdflib.term import Node

from wcokg.accounts.users import User
from wcokg.edits.base import load_base, save_base
from wcokg.edits.check import activity_violations, new_violations
from wcokg.edits.draft import (
    DRAFT,
    DraftMark,
    DraftResult,
    add_provenance,
    apply_edits,
    copy_graph,
    mark_draft,
    read_mark,
)
from wcokg.edits.errors import (
    EditConflict,
    EditError,
    EditForbidden,
    EditInvalid,
    PreconditionFailed,
    PreconditionRequired,
    UnknownActivity,
    UnknownEdit,
)
from wcokg.edits.fields import (
    EDITABLE,
    FieldWriter,
    clean_value,
    find_activity,
    read_value,
    read_values,
    responsible_bodies,
)
from wcokg.edits.log import Closing, Edit, EditLog, LogWriter, NewEdit
from wcokg.edits.revision import close_draft, draft_of, drafts, open_draft, publish
from wcokg.edits.trail import VersionTrail
from wcokg.errors import StoreError
from wcokg.loaders.reference import load_reference
from wcokg.namespaces import WCOKG, Minter
from wcokg.settings import Settings
from wcokg.store.base import META_GRAPH, GraphChange, GraphStore, SelectResult
from wcokg.store.convert import graph_from_ntriples


@dataclass
class _State:
    """The draft as this process last stored or read it."""

    version: str | None
    base_version: str
    graph: Graph
    mark: DraftMark | None
    named: dict[str, Graph]
    """The stored named graphs (revisions, the draft revision, reference data), stored again
    with every draft."""


@dataclass
class _Request:
    """One submitted edit waiting for (or done by) a group commit."""

    user: User
    activity_id: str
    changes: dict[str, str]
    if_match: str | None
    kind: str
    reverts: int | None
    done: bool = False
    outcome: EditOutcome | None = None
    error: BaseException | None = None


@dataclass(frozen=True)
class EditOutcome:
    """What one accepted request changed: the log rows, the new ETag and field values."""

    edits: list[Edit]
    etag: str
    values: dict[str, str]
    version: str | None
    """The store version the edit is in (the current one when it changed nothing)."""
    base_version: str = ""
    """The version of the graph as built that `version` stands on (in the ETag)."""


@dataclass(frozen=True)
class SyncReport:
    """What `sync` did: replayed the log (how many applied, which in conflict) or nothing."""

    replayed: bool
    applied: int = 0
    conflicts: tuple[int, ...] = field(default_factory=tuple)
    version: str | None = None


def edit_log(settings: Settings) -> EditLog:
    """The edit log of these settings (`private_dir/edits.sqlite`)."""
    return EditLog(settings.private_path() / "edits.sqlite")


class EditService:
    """Edits of one store, with the edit log and the draft base under the private folder."""

    def __init__(self, store: GraphStore, settings: Settings) -> None:
        self.store = store
        self.folder: Path = settings.private_path() / "draft"
        self.log = edit_log(settings)
        self.writer = FieldWriter(Minter(settings.base), load_reference())
        self._lock = threading.RLock()
        self._pending: list[_Request] = []
        self._pending_lock = threading.Lock()
        self._state: _State | None = None
        self._heads: tuple[str | None, str] | None = None  # (store version, base version)
        self.trail = VersionTrail()

    # -- reading -------------------------------------------------------------------------

    def base_version(self) -> str:
        """The version of the graph as built that the served draft (or graph) stands on."""
        version = self.store.version()
        heads = self._heads
        if heads is not None and heads[0] == version:
            return heads[1]
        state = self._state
        if state is not None and state.version == version:
            base = state.base_version
        else:
            # in-process (trusted, one-row query): no query worker needed for it
            found = self.store.execute(_MARK_QUERY)
            rows = (
                [str(r["base"].value) for r in found] if isinstance(found, QuerySolutions) else []
            )
            base = rows[0] if rows else str(version or "")
        self._heads = (version, base)
        return base

    def etag(self, activity_id: str) -> str:
        """The activity's entity tag: changes with its every edit and with a rebuild."""
        return self.etag_and_seq(activity_id)[0]

    def etag_and_seq(self, activity_id: str) -> tuple[str, int]:
        """The activity's entity tag and the seq of its latest edit in the log (0: none).
        Read them **before** the view they go with: an edit is in the store before it is in
        the log, so a view read afterwards shows at least that edit (a later one at worst,
        which makes the next PATCH 412, never a lost update)."""
        seq = self.log.last_seq(activity_id)
        return entity_tag(self.base_version(), activity_id, seq), seq

    def made_current_version(self) -> bool:
        """The store's current version is a draft this service stored (an edit), not a build
        or another process's change."""
        return self.trail.made(self.store.version())

    def conflicts(self) -> tuple[int, ...]:
        """Seqs of the logged edits that did not apply on the current base."""
        if self.log.last_seq() == 0:
            return ()
        state = self.sync_state()
        return state.mark.conflicts if state.mark else ()

    def values(self, activity_id: str) -> tuple[dict[str, str], list[str]]:
        """The editable fields of the activity in the draft, and its responsible bodies."""
        with self._lock:
            state = self.sync_state()
            found = find_activity(state.graph, activity_id)
            if found is None:
                raise UnknownActivity(f"no activity with id {activity_id!r}")
            return read_values(state.graph, found.node), responsible_bodies(state.graph, found.node)

    # -- synchronising -------------------------------------------------------------------

    def sync(self) -> SyncReport:
        """Bring the stored graph in line with the log: after a build (no draft marker) or a
        crash (the marker's last edit is not the log's), replay the log on the base and store
        the draft. Cheap when nothing changed (no edits and a graph as built, or the version
        this process stored last)."""
        with self._lock:
            version = self.store.version()
            if self._state is not None and self._state.version == version:
                return SyncReport(False, version=version)
            if not self.log.pending() and self.base_version() == str(version or ""):
                return SyncReport(False, version=version)
            return self._load()

    def _load(self) -> SyncReport:
        """Read the stored graph, replay the log on its base when it is behind, keep the draft."""
        version = self.store.version()
        graph = graph_from_ntriples(self.store.dump("application/n-triples"))
        named = self._named_graphs()
        mark = read_mark(graph)
        with self.log.writing() as writer:
            edits = writer.pending()
            if mark is None:
                base_version = str(version or "")
                if not edits:
                    self._state = _State(version, base_version, graph, None, named)
                    return SyncReport(False, version=version)
                save_base(self.folder, graph, base_version)
                base = graph
            elif mark.last_edit == (edits[-1].seq if edits else 0):
                self._state = _State(version, mark.base_version, graph, mark, named)
                return SyncReport(False, conflicts=mark.conflicts, version=version)
            else:
                base_version = mark.base_version
                base = load_base(self.folder, base_version)
            for stale in drafts(graph):
                named.pop(str(stale), None)
            result = self._replay(base, named, edits, base_version)
            new_version = self.store.replace(result.graph, named_graphs=named)
        self._state = _State(
            new_version, base_version, result.graph, read_mark(result.graph), named
        )
        return SyncReport(True, len(result.applied), tuple(result.conflicts), version=new_version)

    def _replay(
        self, base: Graph, named: dict[str, Graph], edits: list[Edit], base_version: str
    ) -> DraftResult:
        """`edits` replayed on `base` (the current view) and on each programme's draft revision
        (made in `named` from its latest revision)."""
        result = apply_edits(base, edits, self.writer, base_version)
        minter = self.writer.minter
        for programme in dict.fromkeys(e.programme for e in edits):
            node = open_draft(result.graph, named, minter, programme)
            if node is None:
                continue
            own = [e for e in edits if e.programme == programme]
            part = apply_edits(named[str(node)], own, self.writer, base_version).graph
            part.remove((DRAFT, None, None))
            named[str(node)] = part
        return result

    def _named_graphs(self) -> dict[str, Graph]:
        """Every named graph of the stored dataset with its triples (revisions, reference)."""
        names = self.store.query(_NAMED_GRAPHS_QUERY)
        assert isinstance(names, SelectResult)  # noqa: S101 (a SELECT gives rows)
        graphs: dict[str, Graph] = {}
        for row in names.rows:
            if str(row["g"]) == META_GRAPH:  # the store's own bookkeeping, written by replace
                continue
            triples = self.store.query(_GRAPH_TRIPLES_QUERY, {"g": row["g"]})
            assert isinstance(triples, Graph)  # noqa: S101 (a CONSTRUCT gives a graph)
            graphs[str(row["g"])] = triples
        return graphs

    def sync_state(self) -> _State:
        """The draft in memory, synchronised with the log and the store first."""
        with self._lock:
            self.sync()
            if self._state is None or self._state.version != self.store.version():
                self._load()
            assert self._state is not None  # noqa: S101 (_load always sets it)
            return self._state

    def warm(self) -> None:
        """Load the draft (~1 s on the seed) and start the validation worker, so that the
        first edit does not wait for them (the start-up warm-up calls this)."""
        self.sync_state()
        self.store.violations(Graph())

    # -- writing -------------------------------------------------------------------------

    def submit(
        self,
        user: User,
        activity_id: str,
        changes: Mapping[str, str],
        if_match: str | None,
        *,
        kind: str = "edit",
        reverts: int | None = None,
    ) -> EditOutcome:
        """Apply `changes` (field -> text) to one activity for `user`; see the module docstring.

        Raises UnknownActivity (404), EditForbidden (403), PreconditionRequired (428),
        PreconditionFailed (412) or EditInvalid (422, with the findings).

        Group commit: edits that arrive while another is being stored wait for the lock, and
        the first of them to get it makes them all, one after the other, each with its own
        checks (so of two edits from one ETag the second still gets 412), then stores one
        store version and commits the log once for all of them.
        """
        unknown = sorted(set(changes) - set(EDITABLE))
        if unknown:
            raise EditInvalid(f"not editable: {', '.join(unknown)}", [])
        for name, value in changes.items():
            bad = _NOT_XML.search(value)
            if bad is not None:
                raise EditInvalid(
                    f"{name}: character U+{ord(bad.group()):04X} is not allowed (the Word, Excel "
                    "and RDF/XML exports cannot hold control characters)",
                    [],
                )
        request = _Request(user, activity_id, dict(changes), if_match, kind, reverts)
        with self._pending_lock:
            self._pending.append(request)
        with self._lock:
            if not request.done:
                self._commit_pending()
        if request.error is not None:
            raise request.error
        assert request.outcome is not None  # noqa: S101 (done without an error)
        return request.outcome

    def _commit_pending(self) -> None:
        """Make every waiting edit in one log transaction and one store version (under the lock)."""
        with self._pending_lock:
            batch, self._pending = self._pending, []
        made: list[tuple[_Request, list[Edit], _Undo]] = []
        state: _State | None = None
        try:
            state = self.sync_state()
            with self.log.writing() as writer:
                if self.store.version() != state.version:  # another process stored meanwhile
                    raise PreconditionFailed("the graph changed meanwhile (a build?): try again")
                for request in batch:
                    writer.savepoint()
                    try:
                        found = self._make(writer, state, request)
                    except EditError as error:
                        writer.rollback_to_savepoint()
                        request.error = error
                        continue
                    writer.release_savepoint()
                    if found is not None:
                        made.append(found)
                if made:
                    version = self._store_draft(state, [undo for _, _, undo in made])
            # committed: the log holds the rows, the store the draft with them
        except BaseException as error:
            for _, _, undo in reversed(made):
                if state is not None:
                    undo.undo(state)
            for request in batch:
                if request.error is None and request.outcome is None:
                    request.error = (
                        error if isinstance(error, Exception) else StoreError(str(error))
                    )
                request.done = True
            if not isinstance(error, Exception):
                raise
            return
        if made:
            self._state = _State(
                version, state.base_version, state.graph, read_mark(state.graph), state.named
            )
        for request, rows, _ in made:
            located = find_activity(state.graph, request.activity_id)
            assert located is not None  # noqa: S101 (it was just edited)
            request.outcome = EditOutcome(
                rows,
                entity_tag(state.base_version, request.activity_id, rows[-1].seq),
                read_values(state.graph, located.node),
                self._state.version if self._state else None,
                state.base_version,
            )
        for request in batch:
            request.done = True

    def _store_draft(self, state: _State, undos: list[_Undo]) -> str:
        """Store the draft as a new version: the edits' changes alone (`GraphStore.patch`; an
        edit that opened a programme's draft revision brings the new named graph whole and
        every change of the default graph)."""
        self.trail.storing()
        version: str | None = None
        try:
            changes = [_net_change(None, [undo.delta for undo in undos])]
            parts: dict[str, list[Delta]] = {}
            for undo in undos:
                if undo.part is not None:
                    parts.setdefault(undo.part_name, []).append(undo.part[1])
            changes += [_net_change(name, deltas) for name, deltas in parts.items()]
            version = self.store.patch(changes, state.graph, named_graphs=state.named)
        finally:
            self.trail.stored(version)
        return version

    def _make(
        self, writer: LogWriter, state: _State, request: _Request
    ) -> tuple[_Request, list[Edit], _Undo] | None:
        """Check and make one edit in the draft and the open log transaction (None: it
        changes nothing, and its outcome is set); raises EditError, leaving the graph as it was."""
        graph = state.graph
        found = find_activity(graph, request.activity_id)
        if found is None:
            raise UnknownActivity(f"no activity with id {request.activity_id!r}")
        user = request.user
        if not user.can_edit(responsible_bodies(graph, found.node)):
            raise EditForbidden(
                f"{user.name} ({user.role}) may not edit {request.activity_id}: "
                "editors edit the activities their bodies are responsible for"
            )
        etag = entity_tag(
            state.base_version, request.activity_id, writer.last_seq(request.activity_id)
        )
        if request.kind == "edit":
            if request.if_match is None:
                raise PreconditionRequired(
                    f"send If-Match with the ETag of GET /activities/{request.activity_id}"
                )
            if not _matches(request.if_match, etag):
                raise PreconditionFailed(
                    f"{request.activity_id} changed since it was read: GET it again"
                )
        old = read_values(graph, found.node)
        new = {f: clean_value(f, v) for f, v in request.changes.items()}
        changed = {f: v for f, v in new.items() if v != old[f]}
        if not changed:
            request.outcome = EditOutcome([], etag, old, state.version, state.base_version)
            return None
        # what the activity breaks already is not this edit's doing
        before = activity_violations(graph, found.node, request.activity_id, self.store.violations)
        if state.mark is None:  # the first edit on a graph as built keeps it as the base
            save_base(self.folder, graph, state.base_version)
        at = datetime.now(UTC).isoformat(timespec="microseconds")
        group = uuid.uuid4().hex
        rows = writer.append(
            [
                NewEdit(
                    group,
                    at,
                    user.name,
                    found.programme,
                    request.activity_id,
                    f,
                    old[f],
                    changed[f],
                    request.kind,
                    request.reverts,
                )
                for f in EDITABLE
                if f in changed
            ]
        )
        # changed in place (a copy of the graph cost more than the rest of the edit), undone
        # exactly if the shapes or the store refuse it
        minter = self.writer.minter
        undo = _Undo(minter, found.programme, Delta.record(graph, found.node))
        undo.opened = draft_of(graph, minter, found.programme) is None
        whole_before = set(graph) if undo.opened else None  # opening touches more than the delta
        try:
            self.writer.apply(graph, found.node, changed)
            for row in rows:
                add_provenance(graph, found.node, row, self.writer)
            draft = open_draft(graph, state.named, minter, found.programme)
            part = state.named[str(draft)] if draft is not None else None
            located = find_activity(part, request.activity_id) if part is not None else None
            if part is not None and located is not None:
                part_delta = Delta.record(part, located.node)
                undo.part = (part, part_delta)
                undo.part_name = str(draft)
                self.writer.apply(part, located.node, changed)
                for row in rows:
                    add_provenance(part, located.node, row, self.writer)
                part_delta.finish(part)
            conflicts = state.mark.conflicts if state.mark else ()
            mark_draft(graph, state.base_version, rows[-1].seq, conflicts)
            undo.delta.finish(graph)
            broken = new_violations(
                before,
                activity_violations(graph, found.node, request.activity_id, self.store.violations),
            )
            if broken:
                raise EditInvalid(
                    "the edit breaks required shapes; nothing was stored: "
                    + "; ".join(f"{f.rule}: {f.message}" for f in broken[:5]),
                    broken,
                )
        except BaseException:
            undo.undo(state)
            raise
        if whole_before is not None:  # what opening the draft revision changed, all of it
            whole_after = set(graph)
            undo.delta = Delta(
                found.node, whole_before, whole_after - whole_before, whole_before - whole_after
            )
            if draft is not None:
                opened = state.named[str(draft)]
                undo.part, undo.part_name = (
                    (opened, Delta(found.node, set(), set(opened))),
                    str(draft),
                )
        if state.mark is None:
            state.mark = read_mark(graph)
        return request, rows, undo

    def revert(self, user: User, seq: int) -> EditOutcome:
        """Undo one edit (admins only), itself logged as an edit of kind `revert`; 409 when
        the field changed since that edit."""
        if user.role != "admin":
            raise EditForbidden("only an admin may revert an edit")
        found = self.log.query(seq=seq)
        if not found:
            raise UnknownEdit(f"no edit {seq}")
        target = found[0]
        with self._lock:
            state = self.sync_state()
            located = find_activity(state.graph, target.activity)
            if located is None:
                raise UnknownActivity(f"no activity with id {target.activity!r}")
            current = read_value(state.graph, located.node, target.field)
            if current != target.new:
                raise EditConflict(
                    f"{target.activity} {target.field} changed since edit {seq}: nothing reverted"
                )
            return self.submit(
                user,
                target.activity,
                {target.field: target.old},
                None,
                kind="revert",
                reverts=seq,
            )

    # -- publishing and discarding the draft -----------------------------------------------

    def publish(self, user: User, code: str) -> Closing:
        """Make the draft revision a revision with document code `code` (admins only): the
        stored graph becomes the base of the next edits, and the log records who published it
        and which edits it closes. Raises EditForbidden, BadCode or EditConflict (no draft, or
        a revision of that code exists)."""
        return self._close(user, "publish", code)

    def discard(self, user: User) -> Closing:
        """Drop the draft (admins only): the graph as last built or published is stored again;
        the edits stay in the log, closed by a `discard` row. EditConflict when there is none."""
        return self._close(user, "discard", "")

    def _close(self, user: User, action: str, code: str) -> Closing:
        if user.role != "admin":
            raise EditForbidden(f"only an admin may {action} the draft")
        with self._lock:
            state = self.sync_state()
            with self.log.writing() as writer:
                if not writer.pending():
                    raise EditConflict(f"no draft to {action}: no edits since the last closing")
                named = dict(state.named)
                if action == "publish":
                    graph = copy_graph(state.graph)
                    publish(graph, named, self.writer.minter, code)
                    graph.remove((DRAFT, None, None))
                else:
                    graph = load_base(self.folder, state.base_version)
                    for node in drafts(state.graph):
                        named.pop(str(node), None)
                at = datetime.now(UTC).isoformat(timespec="microseconds")
                closing = writer.close(at, user.name, action, code.strip())
                version = self.store.replace(graph, named_graphs=named)
            self._state = _State(version, str(version or ""), graph, None, named)
            self._heads = None
            return closing


@dataclass
class _Undo:
    """How to undo one edit made in the draft: its delta in the current view, in the draft
    revision's graph, and the draft revision itself when the edit made it."""

    minter: Minter
    programme: str
    delta: Delta
    part: tuple[Graph, Delta] | None = None
    part_name: str = ""
    """The IRI of the named graph `part` is (the programme's draft revision)."""
    opened: bool = False

    def undo(self, state: _State) -> None:
        self.delta.undo(state.graph)
        if self.part is not None:
            self.part[1].undo(self.part[0])
        if self.opened:
            close_draft(state.graph, state.named, self.minter, self.programme)


Triple = tuple[Node, Node, Node]


@dataclass
class Delta:
    """The triples one edit adds to and removes from a graph: those of the activity, its parts
    (milestones, allocations, flags, edits: IRIs under the activity's), the draft marker and
    the editors; recorded before and after, so the edit can be undone exactly."""

    node: URIRef
    before: set[Triple]
    added: set[Triple] = field(default_factory=set)
    removed: set[Triple] = field(default_factory=set)

    @classmethod
    def record(cls, graph: Graph, node: URIRef) -> Delta:
        return cls(node, _around(graph, node))

    def finish(self, graph: Graph) -> None:
        after = _around(graph, self.node)
        self.added, self.removed = after - self.before, self.before - after

    def undo(self, graph: Graph) -> None:
        if not self.added and not self.removed:
            self.finish(graph)
        for triple in self.added:
            graph.remove(triple)
        for triple in self.removed:
            graph.add(triple)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 cannot hold (C0 controls but tab and line ends, lone surrogates)."""


def _net_change(graph: str | None, deltas: list[Delta]) -> GraphChange:
    """What `deltas`, made one after the other on one graph, change in it altogether."""
    present: dict[Triple, bool] = {}
    for delta in deltas:
        present.update(dict.fromkeys(delta.removed, False))
        present.update(dict.fromkeys(delta.added, True))
    return GraphChange(
        graph,
        frozenset(t for t, there in present.items() if not there),
        frozenset(t for t, there in present.items() if there),
    )


def _around(graph: Graph, node: URIRef) -> set[Triple]:
    found: set[Triple] = set(graph.triples((node, None, None)))
    found |= set(graph.triples((DRAFT, None, None)))
    prefix = f"{node}/"
    for _, _, part in list(found):
        if isinstance(part, URIRef) and str(part).startswith(prefix):
            found |= set(graph.triples((part, None, None)))
    for edit in graph.objects(node, WCOKG.hasEdit):
        for agent in graph.objects(edit, PROV.wasAttributedTo):
            found |= set(graph.triples((agent, None, None)))
    return found


_MARK_QUERY = (files("wcokg.edits") / "draft-base.rq").read_text(encoding="utf-8")
_NAMED_GRAPHS_QUERY = (files("wcokg.edits") / "named-graphs.rq").read_text(encoding="utf-8")
_GRAPH_TRIPLES_QUERY = (files("wcokg.edits") / "graph-triples.rq").read_text(encoding="utf-8")
"""The base version a stored draft names (no row: the graph is as built)."""


def entity_tag(base_version: str, activity_id: str, last_seq: int) -> str:
    """An activity's ETag: a strong tag hashing the draft's base version, the activity and the
    seq of its latest edit in the log (so it changes with every edit and every rebuild)."""
    digest = hashlib.sha256(f"{base_version}\x00{activity_id}\x00{last_seq}".encode()).hexdigest()
    return f'"{digest[:32]}"'


def _matches(if_match: str, etag: str) -> bool:
    """RFC 9110 If-Match: `*` or a list of strong entity tags, one equal to `etag`."""
    tags = [t.strip() for t in if_match.split(",")]
    return "*" in tags or etag in tags
