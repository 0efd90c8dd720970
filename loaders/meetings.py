"""Meetings and outcomes read from text: "239th/240th PTC", "the PTC in April 2023", "65th DMPT".

Pure functions. A mention names a working body with session ordinals and/or a month; meetings are
then identified (`resolve_meetings`):

- a body with a session calendar (ontology/reference/sessions.ttl: the months it meets, ordinals
  per meeting) and one dated anchor (a mention with both ordinals and a month, e.g. the news
  item's 239th/240th PTC on 25-27 April 2023) gets every session's ordinals and month derived:
  ids ``ptc-239-240``, before, inside or after the programme's cycle. When dated mentions
  disagree, the reading most of them support anchors the calendar; the others, and mentions
  that disagree with the calendar, are flagged ``calendar-conflict``;
- other bodies: ``{body}-{ordinal}`` when the ordinal is stated (``dmpt-65``), else
  ``{body}-{yyyy}-{mm}`` (``council-2023-06``); a month-only mention joins a numbered meeting of
  the same body in that month. Every meeting also answers to its other key (skos:notation).

Ordinals: "239th/240th", "243rd-244th", "229th and 230th sessions" (consecutive ordinals of one
double session, `join_sessions`), before the body ("the 65th DMPT", "the 73rd Session of the HSC")
or after it ("the HSC 74th Session", "the CBC's 18th session", "its 44th Session").

Outcomes (`find_outcomes`): a past-tense verb (endorsed, approved, adopted, took/taken note,
published, presented, submitted) paired with the meeting mention after it ("endorsed by the PTC in
April 2023", "presented it to the PTC") or right before it ("The 29th SWG Meeting endorsed");
planned steps ("will be submitted", "to be presented", "is being submitted") are not outcomes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rdflib import Graph, URIRef

from wcokg.loaders.lexicon import Lexicon, fold
from wcokg.loaders.linking import sentences, strip_parens
from wcokg.loaders.records import Flag, Meeting, MeetingMention, Outcome, Programme
from wcokg.loaders.reference import BODY_BASE, Reference
from wcokg.loaders.turtle import bundled_graph
from wcokg.namespaces import WCOKG

MONTHS = {
    name: index
    for index, name in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
SEASONS = {"spring": 4, "autumn": 10, "fall": 10}
"""PTC seasons as the timelines use them (cells.py reads "Spring 2023 (PTC)" as April)."""

_MY = r"(?:(?:" + "|".join([*MONTHS, *SEASONS]) + r")\s+(?:19|20)\d\d)"
_MY_RE = re.compile(rf"\b({_MY})\b")
_ORD = r"\d{1,3}\s*(?:st|nd|rd|th)\b"
_GROUP = rf"{_ORD}(?:\s*[/-]\s*{_ORD})?"
_LIST = rf"(?:{_GROUP})(?:\s*(?:,|and)\s*(?:the\s+)?{_GROUP})*"
_BEFORE_BODY_RE = re.compile(
    rf"(?:\b(?:the|its)\s+)?(?P<list>{_LIST})\s*(?:(?:sessions?|meetings?)\s+of\s+(?:the\s+)?)?$"
)
_AFTER_BODY_ORD_RE = re.compile(rf"^(?:'s|\u2019s)?\s*(?P<ord>{_GROUP})")
_AFTER_MONTH_RE = re.compile(
    rf"^(?:\s+[\w/'-]+){{0,4}}?\s+(?:in|on|held in|of)\s+(?:the\s+)?(?P<my>{_MY})"
)
_BEFORE_MONTH_RE = re.compile(
    rf"(?:(?P<my1>{_MY})\s+(?:(?:meetings?|sessions?)\s+of\s+)?(?:the\s+)?"
    rf"|\b(?:in|at its meeting in)\s+(?P<my2>{_MY})\s*,?\s+(?:the\s+)?)$"
)
_BODYLESS_RE = re.compile(
    rf"\b(?:its|the)\s+(?P<list>{_LIST})\s+(?:meetings?|sessions?)\b(?!\s+of)"
)
_JOINED_RE = re.compile(
    rf"(?P<a>{_ORD})(?P<and>\s+and\s+(?:the\s+)?)(?P<b>{_ORD})(?=\s+sessions\b)"
)


def join_sessions(text: str) -> str:
    """ "229th and 230th sessions" (one double meeting) read as "229th/230th", same length."""

    def joined(m: re.Match[str]) -> str:
        a, b = ordinals(m.group("a")), ordinals(m.group("b"))
        if b[0] != a[0] + 1:
            return m.group(0)
        gap = len(m.group("and")) - 1
        return m.group("a") + "/" + m.group("b") + " " * gap

    return _JOINED_RE.sub(joined, text)


_UNRESOLVED_RE = re.compile(
    rf"(?P<list>{_GROUP})\s+(?:meeting|session)s?\s+of\s+(?:the\s+)?(?P<name>[a-z][\w/ -]{{2,60}}?)"
    r"(?=\s*[,.;]|\s+(?:was|were|is|in|on|held|and|took|endorsed)\b|$)"
)
VERBS = {
    "endorsed": "endorsed",
    "approved": "approved",
    "adopted": "adopted",
    "took note": "took-note",
    "taken note": "took-note",
    "published": "published",
    "presented": "presented",
    "submitted": "submitted",
}
_VERB_RE = re.compile(r"\b(" + "|".join(VERBS) + r")\b")
_PLANNED_RE = re.compile(
    r"\b(?:will|to|is being|are being|shall|would)\s+(?:be\s+)?(?:[a-z]+\s+)?$"
)
_PASSIVE_RE = re.compile(
    r"^\s+(?:it\s+|them\s+)?(?:[a-z]+\s+){0,2}?(?:by|to|at|during)\s+(?:the\s+|its\s+)?$"
)


def month_of(text: str) -> tuple[int, int]:
    """(year, month) of "April 2023" / "Spring 2024" (folded text)."""
    name, year = text.split()
    return int(year), MONTHS.get(name) or SEASONS[name]


def ordinals(group: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"(\d{1,3})\s*(?:st|nd|rd|th)", group))


def groups(listing: str) -> list[tuple[int, ...]]:
    return [ordinals(g.group(0)) for g in re.finditer(_GROUP, listing)]


@dataclass(frozen=True)
class Cadence:
    """When a body meets: the months of its regular meetings and the ordinals per meeting."""

    body_id: str
    months: tuple[int, ...]
    per_meeting: int


@dataclass
class Calendar:
    """A cadence and, once found, one anchor: ordinals (first) of the meeting in year/month."""

    cadence: Cadence
    anchor: tuple[int, int, int] | None = None  # first ordinal, year, month
    anchor_text: str = ""

    def slot(self, year: int, month: int) -> int | None:
        if month not in self.cadence.months:
            return None
        return year * len(self.cadence.months) + self.cadence.months.index(month)

    def ordinals_for(self, year: int, month: int) -> tuple[int, ...] | None:
        if self.anchor is None:
            return None
        slot, anchor_slot = self.slot(year, month), self.slot(self.anchor[1], self.anchor[2])
        if slot is None or anchor_slot is None:
            return None
        first = self.anchor[0] + (slot - anchor_slot) * self.cadence.per_meeting
        return tuple(range(first, first + self.cadence.per_meeting))

    def month_for(self, ordinal: int) -> tuple[tuple[int, ...], int, int] | None:
        if self.anchor is None:
            return None
        anchor_slot = self.slot(self.anchor[1], self.anchor[2])
        assert anchor_slot is not None  # noqa: S101 - anchors are checked on the way in
        steps = (ordinal - self.anchor[0]) // self.cadence.per_meeting
        year, index = divmod(anchor_slot + steps, len(self.cadence.months))
        first = self.anchor[0] + steps * self.cadence.per_meeting
        return (
            tuple(range(first, first + self.cadence.per_meeting)),
            year,
            self.cadence.months[index],
        )


SESSIONS_FILE = "sessions.ttl"


@lru_cache(maxsize=1)
def bundled_cadences() -> dict[str, Cadence]:
    """The session calendars of ontology/reference/sessions.ttl."""
    return read_cadences(bundled_graph(f"reference/{SESSIONS_FILE}"))


def read_cadences(graph: Graph) -> dict[str, Cadence]:
    """Session calendars of the reference graph (wcokg:sessionMonth, wcokg:sessionsPerMeeting)."""
    found = {}
    for body in set(graph.subjects(WCOKG.sessionMonth)):
        if isinstance(body, URIRef) and str(body).startswith(BODY_BASE):
            months = tuple(sorted(int(str(m)) for m in graph.objects(body, WCOKG.sessionMonth)))
            per = graph.value(body, WCOKG.sessionsPerMeeting)
            body_id = str(body)[len(BODY_BASE) :]
            found[body_id] = Cadence(body_id, months, int(str(per)) if per is not None else 1)
    return found


def _stripped(lexicon: Lexicon) -> Lexicon:
    return Lexicon({strip_parens(a): i for a, i in lexicon.aliases.items()})


class MentionFinder:
    """Finds meeting mentions in sentences with the body and organisation matchers."""

    def __init__(self, reference: Reference) -> None:
        self.bodies = _stripped(reference.bodies)
        self.organisations = _stripped(reference.organisations)

    def find(self, sentence: str) -> tuple[list[MeetingMention], list[Flag]]:
        t = join_sessions(fold(strip_parens(sentence)))
        orgs = [(m.start, m.end) for m in self.organisations.find_all(t)]
        bodies = [
            m
            for m in self.bodies.find_all(t)
            if not any(s <= m.start and m.end <= e and (e - s) > (m.end - m.start) for s, e in orgs)
        ]
        mentions: list[MeetingMention] = []
        flags: list[Flag] = []
        lead = re.match(rf"^\s*in\s+({_MY})\s*,", t)
        default_month = month_of(lead.group(1)) if lead else None
        for b in bodies:
            head = t[max(0, b.start - 80) : b.start]
            tail = t[b.end : b.end + 80]
            listing = _BEFORE_BODY_RE.search(head)
            found_groups = groups(listing.group("list")) if listing else []
            start = b.start - (len(head) - listing.start()) if listing else b.start
            if not found_groups:
                after = _AFTER_BODY_ORD_RE.match(tail)
                if after:
                    found_groups = [ordinals(after.group("ord"))]
                    tail = tail[after.end() :]
            when = None
            m_after = _AFTER_MONTH_RE.match(tail)
            m_before = _BEFORE_MONTH_RE.search(head)
            if m_after:
                when = month_of(m_after.group("my"))
            elif m_before and not found_groups:
                when = month_of(m_before.group("my1") or m_before.group("my2"))
            elif found_groups and default_month:
                when = default_month
            for group in found_groups or [()]:
                year, month = when if when and len(found_groups) <= 1 else (None, None)
                mentions.append(
                    MeetingMention(b.id, b.alias, group, year, month, start, b.end, sentence)
                )
        # "its 16th Meeting", "the 65 th Meeting": the body named last before it
        for m in _BODYLESS_RE.finditer(t):
            owner = [b for b in bodies if b.end <= m.start()]
            if not owner:
                continue
            months = [month_of(x) for x in _MY_RE.findall(t[m.end() : m.end() + 60])]
            listed = groups(m.group("list"))
            for index, group in enumerate(listed):
                year, month = months[index] if len(months) == len(listed) else (None, None)
                mentions.append(
                    MeetingMention(
                        owner[-1].id,
                        owner[-1].alias,
                        group,
                        year,
                        month,
                        m.start(),
                        m.end(),
                        sentence,
                    )
                )
        for m in _UNRESOLVED_RE.finditer(t):
            name_start = m.start("name")
            if any(s <= name_start < e for s, e in orgs) or any(
                b.start <= name_start < b.end for b in bodies
            ):
                continue
            flags.append(
                Flag(
                    "unresolved-meeting-body",
                    f"A session of {m.group('name')!r} is named but no working body matches",
                    m.group(0),
                    "progress",
                )
            )
        # A dateless body mention next to an outcome verb takes the sentence's only free month.
        claimed = {(x.start, x.end) for x in mentions if x.month}
        free = [
            mm
            for mm in _MY_RE.finditer(t)
            if not any(
                x.month and x.year and month_of(mm.group(1)) == (x.year, x.month) for x in mentions
            )
        ]
        if len(free) == 1:
            for index, x in enumerate(mentions):
                if x.month or x.ordinals or (x.start, x.end) in claimed:
                    continue
                near = t[x.end : x.end + 30]
                if re.match(r"^\s+(?:\w+\s+)?(?:" + "|".join(VERBS) + r")\b", near) or re.search(
                    r"\bby (?:the )?$", t[max(0, x.start - 10) : x.start]
                ):
                    year, month = month_of(free[0].group(1))
                    mentions[index] = MeetingMention(
                        x.body_id, x.body_text, (), year, month, x.start, x.end, x.text
                    )
        return sorted(mentions, key=lambda x: x.start), flags


def find_outcomes(
    sentence: str, mentions: Sequence[MeetingMention]
) -> list[tuple[str, MeetingMention, str]]:
    """(verb code, the mention of the meeting that did it, verb as written) for one sentence."""
    t = fold(strip_parens(sentence))
    found = []
    verbs = list(_VERB_RE.finditer(t))
    for v in verbs:
        if _PLANNED_RE.search(t[max(0, v.start() - 30) : v.start()]):
            continue
        others = [w for w in verbs if w is not v]
        after = [
            m
            for m in mentions
            if m.start >= v.end()
            and _PASSIVE_RE.match(t[v.end() : m.start])
            and not any(v.end() <= w.start() < m.start for w in others)
        ]
        before = [
            m
            for m in mentions
            if m.end <= v.start()
            and len(t[m.end : v.start()]) <= 25
            and not any(m.end <= w.start() < v.start() for w in others)
        ]
        chosen = after[0] if after else (before[-1] if before else None)
        if chosen is not None:
            found.append((VERBS[v.group(1)], chosen, v.group(1)))
    return found


@dataclass
class MeetingIndex:
    """Resolves mentions to meetings; calendars make ordinals and months derivable."""

    calendars: dict[str, Calendar]
    meetings: dict[str, Meeting]
    flags: list[Flag]

    @classmethod
    def create(cls, cadences: dict[str, Cadence]) -> MeetingIndex:
        return cls({b: Calendar(c) for b, c in cadences.items()}, {}, [])

    def add_anchors(self, mentions: Iterable[MeetingMention]) -> None:
        """Dated, numbered mentions of calendar bodies fix the calendar. When they disagree, the
        reading most of them support wins (the first on a tie) and every dissenting mention is
        flagged ``calendar-conflict``: one source never silently moves the others' sessions."""
        votes: dict[str, dict[int, list[MeetingMention]]] = {}
        for m in mentions:
            calendar = self.calendars.get(m.body_id or "")
            if calendar is None or not m.ordinals or m.year is None or m.month is None:
                continue
            slot = calendar.slot(m.year, m.month)
            if slot is None or calendar.anchor is not None:
                continue
            base = min(m.ordinals) - slot * calendar.cadence.per_meeting
            votes.setdefault(calendar.cadence.body_id, {}).setdefault(base, []).append(m)
        for body, readings in votes.items():
            calendar = self.calendars[body]
            winner = max(readings.values(), key=len)  # dicts keep order: the first on a tie
            chosen = winner[0]
            assert chosen.year is not None and chosen.month is not None  # noqa: S101
            calendar.anchor = (min(chosen.ordinals), chosen.year, chosen.month)
            calendar.anchor_text = chosen.text
            for group in readings.values():
                if group is winner:
                    continue
                for m in group:
                    self.flags.append(
                        Flag(
                            "calendar-conflict",
                            f"{m.body_text} {m.ordinals} dated {m.year}-{m.month:02d} disagrees"
                            f" with the calendar anchored on: {calendar.anchor_text}"
                            f" ({len(winner)} dated mention(s) against {len(group)})",
                            m.text,
                        )
                    )

    def resolve(self, m: MeetingMention) -> Meeting | None:
        """The meeting a mention names (created on first sight), or None when undatable."""
        body = m.body_id
        if body is None or (not m.ordinals and m.month is None):
            return None
        calendar = self.calendars.get(body)
        if calendar is not None and calendar.anchor is not None:
            if m.ordinals:
                derived = calendar.month_for(m.ordinals[0])
                if derived is None:
                    return None
                numbers, year, month = derived
                if m.month is not None and (m.year, m.month) != (year, month):
                    self.flags.append(
                        Flag(
                            "calendar-conflict",
                            f"{m.body_text} {m.ordinals} is dated {m.year}-{m.month:02d} in the"
                            f" text but {year}-{month:02d} by the calendar",
                            m.text,
                        )
                    )
                how = "month derived from the session calendar"
            else:
                assert m.year is not None and m.month is not None  # noqa: S101
                found = calendar.ordinals_for(m.year, m.month)
                if found is None:
                    return self._by_month(body, m.year, m.month)
                numbers, year, month = found, m.year, m.month
                how = "ordinals derived from the session calendar"
            meeting = self._get("-".join([body, *map(str, numbers)]), body)
            meeting.ordinals, meeting.year, meeting.month = numbers, year, month
            if not meeting.derived and (m.ordinals, m.month) != (numbers, month):
                meeting.derived = f"{how} ({calendar.anchor_text})"
            meeting.aliases.add(f"{body}-{year:04d}-{month:02d}")
            return meeting
        if m.ordinals:
            meeting = self._get("-".join([body, *map(str, m.ordinals)]), body)
            meeting.ordinals = m.ordinals
            if m.year and m.month:
                old = self.meetings.pop(f"{body}-{m.year:04d}-{m.month:02d}", None)
                meeting.year, meeting.month = m.year, m.month
                meeting.aliases.add(f"{body}-{m.year:04d}-{m.month:02d}")
                if old is not None:
                    self.meetings[old.id] = meeting  # month key now points to the numbered one
            return meeting
        assert m.year is not None and m.month is not None  # noqa: S101
        return self._by_month(body, m.year, m.month)

    def _by_month(self, body: str, year: int, month: int) -> Meeting:
        key = f"{body}-{year:04d}-{month:02d}"
        for meeting in self.meetings.values():
            if meeting.body_id == body and (meeting.year, meeting.month) == (year, month):
                return meeting
        meeting = self._get(key, body)
        meeting.year, meeting.month = year, month
        return meeting

    def _get(self, key: str, body: str) -> Meeting:
        if key not in self.meetings:
            self.meetings[key] = Meeting(key, body)
        return self.meetings[key]

    def all(self) -> list[Meeting]:
        unique = {id(m): m for m in self.meetings.values()}
        for meeting in unique.values():
            meeting.aliases.discard(meeting.id)
            if meeting.ordinals:
                meeting.aliases.add("-".join([meeting.body_id, *map(str, meeting.ordinals)]))
                meeting.aliases.discard(meeting.id)
        return sorted(unique.values(), key=lambda m: m.id)


@dataclass(frozen=True)
class ProgrammeMention:
    """A meeting mention in one activity's Progress (or Timeline) cell."""

    programme: str
    activity: str
    column: str
    mention: MeetingMention


def programme_mentions(
    programme: Programme, finder: MentionFinder
) -> tuple[list[ProgrammeMention], list[tuple[str, Flag]]]:
    """Every meeting mention in the Progress cells, with flags per activity."""
    found: list[ProgrammeMention] = []
    flags: list[tuple[str, Flag]] = []
    for activity in programme.current():
        for paragraph in activity.progress:
            for sentence in sentences(paragraph):
                mentions, raised = finder.find(sentence)
                found += [
                    ProgrammeMention(programme.id, activity.id, "progress", m) for m in mentions
                ]
                flags += [(activity.id, f) for f in raised]
    return found, flags


def milestone_mentions(programme: Programme) -> list[ProgrammeMention]:
    """Dated milestones at a body: the sessions the timeline plans (for the agenda)."""
    found = []
    for activity in programme.current():
        for ms in activity.milestones:
            if ms.body_id and ms.month:
                found.append(
                    ProgrammeMention(
                        programme.id,
                        activity.id,
                        "timeline",
                        MeetingMention(
                            ms.body_id, ms.body_text or "", (), ms.year, ms.month, 0, 0, ms.text
                        ),
                    )
                )
    return found


def milestone_flags(programme: Programme) -> list[tuple[str, Flag]]:
    """Timeline body mentions used for meetings that name no known body."""
    flags = []
    for activity in programme.current():
        for ms in activity.milestones:
            if ms.body_text and not ms.body_id:
                flags.append(
                    (
                        activity.id,
                        Flag(
                            "unresolved-meeting-body",
                            f"Milestone {ms.text!r} names {ms.body_text!r}, no working body",
                            ms.body_text,
                            "timeline",
                        ),
                    )
                )
    return flags


def programme_outcomes(
    programme: Programme, finder: MentionFinder, index: MeetingIndex
) -> list[Outcome]:
    """Outcomes stated in the Progress cells: activity, meeting, verb and the sentence."""
    found: dict[tuple[str, str, str], Outcome] = {}
    for activity in programme.current():
        for paragraph in activity.progress:
            for sentence in sentences(paragraph):
                mentions, _flags = finder.find(sentence)
                for verb, mention, _written in find_outcomes(sentence, mentions):
                    meeting = index.resolve(mention)
                    if meeting is None:
                        continue
                    key = (meeting.id, activity.id, verb)
                    found.setdefault(
                        key,
                        Outcome(meeting.id, activity.id, "activity", verb, sentence, programme.id),
                    )
    return list(found.values())
