"""A news item or meeting report about one meeting, read as a second source.

Plain text (``.txt``; a news item in Markdown is read as ``.txt``, since the build takes ``.md``
sources for work programmes) and simple HTML (``.html``/``.htm``: tags dropped, block elements end
lines, entities decoded). What is read, each with the line it comes from:

- the meeting: a working body of the reference data (name, acronym or variant), its session
  ordinals ("44th Session", "247th/248th Sessions", "229th and 230th Sessions", "the 73rd Session
  of the HSC", "the HSC 74th Session") and its dates (loaders/newsdates.py: ranges and opening or
  closing days). The first sentence naming a numbered session with dates wins; else the first
  numbered session with the first dated sentence; else a body with dates (its ordinals then come
  from the body's session calendar by month). A session of a body the reference data does not
  know is kept as a flag (``unresolved-meeting-body``) with its name, ordinals and dates;
- format (in person, online, hybrid, document-based), venue ("at the WCO Headquarters in
  Brussels") and participation ("with delegates attending in person and online") from the
  meeting's sentences; the longest statement of each wins;
- decisions (loaders/decisions.py) of every sentence whose subject is not another body: verb,
  object phrases, sentence, line; `news_outcomes` turns them into outcomes once the meeting and
  the programme's links are known (instruments, editions, the programme, bodies, candidate
  instruments, and the activities due at that meeting that the decisions name);
- mentions: instruments and working bodies named on each line; activities are added by
  `mention_activities` once the programme links are known.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Sequence
from pathlib import Path

from wcokg.loaders.decisions import Target, candidate_label, decisions, resolve_object
from wcokg.loaders.lexicon import Lexicon, fold
from wcokg.loaders.linking import Catalogue, Similarity, norm, sentences
from wcokg.loaders.meetings import MONTHS, MeetingIndex, MentionFinder
from wcokg.loaders.newsdates import MeetingDates, date_spans, meeting_dates
from wcokg.loaders.readers.markdown import read_text
from wcokg.loaders.records import (
    Activity,
    CandidateInstrument,
    Flag,
    Link,
    MeetingMention,
    NewsItem,
    Outcome,
    Programme,
)
from wcokg.namespaces import slug

NEWS_SUFFIXES = (".txt", ".html", ".htm")
_EDITION_RE = re.compile(r"\b(\d+)\s*(?:st|nd|rd|th)\s+edition\s+of\s+(?:the\s+)?")
_VERSION_RE = re.compile(r"\bversion\s+(\d+(?:\.\d+)+)\.?\s+of\s+(?:the\s+)?")
_MONTH_NAMES = [name.capitalize() for name in MONTHS]
_VENUE_RE = re.compile(
    r"\b(?:at|in)\s+(?P<place>(?:the\s+)?[A-Z][\w'’-]*(?:\s+(?:[A-Z][\w'’-]*|of|de|du))*"
    r"(?:,?\s+in\s+[A-Z][\w-]*)?(?:,\s+[A-Z][\w-]*(?!\s+\d))?)"
)
_PARTICIPATION_RES = (
    re.compile(
        r"\bwith\s+(?P<p>(?:[\w-]+\s+){0,5}?(?:participation|participants|delegates|delegations"
        r"|attendees|representatives)\b[^.;]*)"
    ),
    re.compile(r"\battended by\s+(?P<p>[^.;]*)"),
    re.compile(
        r"\b(?P<p>(?:over|more than|some|about|nearly|around|almost)\s+\d+\s+"
        r"(?:participants|delegates|delegations|attendees)[^.;,]*)"
    ),
)
_FORMATS = (
    ("document-based", r"document-based|written procedure|by correspondence"),
    ("hybrid", r"\bhybrid\b"),
    ("online", r"\bonline\b|\bvirtual(?:ly)?\b|videoconferenc|\bremotely\b"),
    ("in-person", r"\bin[ -]person\b|\bphysical(?:ly)?\b"),
)
_UNKNOWN_BODY_RES = (
    re.compile(
        r"\b(?:[Tt]he\s+)?(?P<name>[A-Z][\w/-]*(?:\s+(?:[A-Z][\w/-]*|of|on|for|and|the))*?)\s+"
        r"(?:held|concluded|closed|opened|convened|met for)\s+its\s+(?P<ord>\d{1,3}(?:st|nd|rd|th)"
        r"(?:\s*(?:/|-|and)\s*\d{1,3}(?:st|nd|rd|th))?)\s+(?i:sessions?|meetings?)\b"
    ),
    re.compile(
        r"\b(?P<ord>\d{1,3}(?:st|nd|rd|th)(?:\s*(?:/|-|and)\s*\d{1,3}(?:st|nd|rd|th))?)\s+"
        r"(?i:sessions?|meetings?)\s+of\s+the\s+(?P<name>[A-Z][\w/-]*(?:\s+(?:[A-Z][\w/-]*|of|on|"
        r"for|and|the))*)"
    ),
)
ACTIVITY_MATCH = 0.6
"""Share of a decision object's content words a due activity's title must contain."""


def plain_text(path: Path) -> str:
    """The text of a news item; HTML loses its tags (block elements end lines)."""
    text = read_text(path)
    if path.suffix.lower() in (".html", ".htm"):
        text = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", text)
        text = re.sub(r"(?i)<br\s*/?>|</(?:p|div|h[1-6]|li|tr|title)>", "\n", text)
        text = html.unescape(re.sub(r"<[^>]+>", " ", text))
        text = "\n".join(re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines())
    return text


def news_title(lines: Sequence[str], default: str) -> str:
    """The item's headline: its first line of three words or more that is not navigation
    ("Home / Contact / ..."); else its first long line; else `default`."""
    for line in lines:
        text = line.strip()
        if text and " / " not in text and len(text.split()) >= 3:
            return text
    return next((line.strip() for line in lines if len(line.strip()) > 60), default)


def read_news(path: Path, finder: MentionFinder, catalogue: Catalogue) -> NewsItem:
    """The item's meeting, decisions and mentions (meeting not yet resolved)."""
    text = plain_text(path)
    lines = text.splitlines()
    title = news_title(lines, path.stem)
    news = NewsItem(
        id=slug(path.stem),
        title=title,
        source_path=str(path),
        source_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        source_lines=len(lines),
    )
    parsed: list[tuple[int, str, list[MeetingMention]]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        for sentence in sentences(line):
            mentions, flags = finder.find(sentence)
            news.flags.extend(flags)
            parsed.append((number, sentence, mentions))
        for m in catalogue.find(line):
            news.mentions.append(
                ("instrument", _edition(line, m.start, m.id, catalogue), number, line)
            )
        for b in finder.bodies.find_all(fold(line)):
            news.mentions.append(("body", b.id, number, line))
    news.mentions = list(dict.fromkeys(news.mentions))
    _find_session(news, parsed, path)
    _read_decisions(news, parsed, finder, catalogue)
    return news


def _find_session(
    news: NewsItem, parsed: Sequence[tuple[int, str, list[MeetingMention]]], path: Path
) -> None:
    """The meeting the item reports: body, ordinals, dates, format, venue, participation."""
    dated = [
        (line, sentence, mentions, found)
        for line, sentence, mentions in parsed
        if (found := meeting_dates(date_spans(sentence))) is not None
    ]
    numbered = [
        (line, sentence, m) for line, sentence, mentions in parsed for m in mentions if m.ordinals
    ]
    chosen: tuple[int, str, MeetingMention] | None = None
    when: MeetingDates | None = None
    both = [(d, m) for d in dated for m in d[2] if m.ordinals]
    if both:
        (line, sentence, _mentions, when), mention = both[0]
        chosen = (line, sentence, mention)
    elif numbered:
        chosen = numbered[0]
        body = chosen[2].body_id
        for _line, _sentence, mentions, found in dated:
            if not mentions or any(m.body_id == body for m in mentions):
                when = found
                break
    else:
        with_body = [(d, m) for d in dated for m in d[2] if m.body_id]
        if with_body:
            (line, sentence, _mentions, when), mention = with_body[0]
            chosen = (line, sentence, mention)
    if chosen is None:
        _unknown_body(news, parsed, dated, path)
        return
    line, sentence, mention = chosen
    year, month = mention.year, mention.month
    if when is not None:
        day = when.start or when.end
        assert day is not None  # noqa: S101 - meeting_dates gives at least one day
        year, month = day.year, day.month
        news.start_date = when.start.isoformat() if when.start else None
        news.end_date = when.end.isoformat() if when.end else None
    news.session = MeetingMention(
        mention.body_id,
        mention.body_text,
        mention.ordinals,
        year,
        month,
        mention.start,
        mention.end,
        sentence,
    )
    news.date_line = next((d[0] for d in dated if d[3] == when), line) if when else line
    # every dated sentence about the same body (or no body) describes the meeting
    about = [sentence] + [
        s
        for _n, s, mentions, _when in dated
        if s != sentence and (not mentions or any(m.body_id == mention.body_id for m in mentions))
    ]
    _format_venue_participation(news, about)


def _format_venue_participation(news: NewsItem, about: Sequence[str]) -> None:
    venues: list[str] = []
    participation: list[str] = []
    for sentence in about:
        for v in _VENUE_RE.finditer(sentence):
            place = re.sub(r"^the\s+", "", v.group("place"))
            first = place.split()[0]
            if first in _MONTH_NAMES or first in ("Session", "Sessions", "Meeting"):
                continue
            venues.append(place)
        for pattern in _PARTICIPATION_RES:
            participation += [p.group("p").strip(" ,") for p in pattern.finditer(sentence)]
    if venues:
        news.venue = max(venues, key=len)
    if participation:
        news.participants = max(participation, key=len)
    folded = fold(" ".join(about))
    online = re.search(_FORMATS[2][1], folded) is not None
    present = re.search(_FORMATS[3][1], folded) is not None or news.venue is not None
    if re.search(_FORMATS[0][1], folded):
        news.format = "document-based"
    elif re.search(_FORMATS[1][1], folded) or (online and present):
        news.format = "hybrid"
    elif online:
        news.format = "online"
    elif present:
        news.format = "in-person"


def _unknown_body(
    news: NewsItem,
    parsed: Sequence[tuple[int, str, list[MeetingMention]]],
    dated: Sequence[tuple[int, str, list[MeetingMention], MeetingDates]],
    path: Path,
) -> None:
    """No known body's session: keep a named session of an unknown body as a flag."""
    for _line, sentence, _mentions in parsed:
        for pattern in _UNKNOWN_BODY_RES:
            m = pattern.search(sentence)
            if m is None:
                continue
            when = dated[0][3] if dated else None
            dates = f", {when.start} to {when.end}" if when else ""
            news.flags.append(
                Flag(
                    "unresolved-meeting-body",
                    f"{path.name}: the {m.group('ord')} session(s) of {m.group('name')!r}{dates};"
                    " no working body of the reference data has that name",
                    m.group("name"),
                )
            )
            return
    news.flags.append(Flag("no-dated-session", f"{path.name}: no dated session of a body found"))


def _read_decisions(
    news: NewsItem,
    parsed: Sequence[tuple[int, str, list[MeetingMention]]],
    finder: MentionFinder,
    catalogue: Catalogue,
) -> None:
    """Decisions of the sentences whose subject is the meeting (not another body)."""
    own = news.session.body_id if news.session else None
    for line, sentence, _mentions in parsed:
        found = decisions(sentence, catalogue)
        if not found:
            continue
        subject = re.sub(r"\s+", " ", sentence)[: found[0].at]
        agents = {m.id for m in finder.bodies.find_all(norm(subject))}
        if agents and own not in agents:
            continue
        for d in found:
            news.decisions.append((d.verb, d.phrase, d.sentence, line))
            for m in catalogue.find(d.phrase):
                news.reported.append(
                    (d.verb, _edition(d.phrase, m.start, m.id, catalogue), sentence, line)
                )
    news.reported = list(dict.fromkeys(news.reported))


def _edition(text: str, start: int, instrument: str, catalogue: Catalogue) -> str:
    """The edition an "Nth edition of" / "version X of" right before the name points to."""
    before = norm(text)[max(0, start - 30) : start]
    for pattern in (_EDITION_RE, _VERSION_RE):
        matches = list(pattern.finditer(before))
        m = matches[-1] if matches else None
        if m is not None and m.end() == len(before):
            edition = catalogue.editions(catalogue.edition_of.get(instrument, instrument)).get(
                m.group(1)
            )
            if edition:
                return edition
    return instrument


def attach(news: NewsItem, index: MeetingIndex) -> None:
    """Resolve the session to a meeting and give it the item's dates, format, venue and
    participation; a date that contradicts one already given, or a month that contradicts the
    body's calendar, is flagged on the meeting (the first stays)."""
    if news.session is None:
        return
    raised = len(index.flags)
    meeting = index.resolve(news.session)
    if meeting is None:
        return
    meeting.flags += index.flags[raised:]
    del index.flags[raised:]
    if not _same_month(news, meeting.year, meeting.month):
        meeting.flags.append(
            Flag(
                "date-conflict",
                f"{Path(news.source_path).name} dates the meeting {news.start_date} to"
                f" {news.end_date}, outside its month by the session calendar"
                f" ({meeting.year}-{meeting.month:02d}); the dates are not written",
                f"{news.start_date} to {news.end_date}",
            )
        )
        news.start_date = news.end_date = None
    for field, value in (
        ("start_date", news.start_date),
        ("end_date", news.end_date),
        ("venue", news.venue),
        ("participants", news.participants),
        ("format", news.format),
    ):
        old = getattr(meeting, field)
        if old is None:
            setattr(meeting, field, value)
        elif value is not None and value != old and field in ("start_date", "end_date"):
            meeting.flags.append(
                Flag(
                    "date-conflict",
                    f"{Path(news.source_path).name} gives {field.replace('_', ' ')} {value};"
                    f" {old} was given first and is kept",
                    value,
                )
            )
    news.meeting = meeting


def _same_month(news: NewsItem, year: int | None, month: int | None) -> bool:
    """Whether the item's dates fall in the meeting's month (true when either is unknown)."""
    days = [d for d in (news.start_date, news.end_date) if d]
    if not days or year is None or month is None:
        return True
    return any(d.startswith(f"{year:04d}-{month:02d}") for d in days)


def _due_outcome(
    found: dict[tuple[str, str], Outcome],
    meeting: str,
    programme: str,
    activity: Activity,
    verb: str,
    sentence: str,
    line: int,
    news_id: str,
) -> None:
    """Records (once per activity and verb) that a decision of the meeting concerns an activity
    due at it."""
    found.setdefault(
        (f"{programme}/{activity.id}", verb),
        Outcome(meeting, activity.id, "activity", verb, sentence, programme, line, news_id),
    )


def news_outcomes(
    news: NewsItem,
    programmes: Sequence[Programme],
    links: Sequence[Link],
    catalogue: Catalogue,
    bodies: Lexicon,
) -> None:
    """Outcomes of the item's meeting: each decision's objects (instruments, editions, the
    programme, bodies, candidate instruments) and the activities due at the meeting that a
    decision names (their output, or an object phrase their title holds); objects nothing
    resolves are flagged ``unresolved-outcome-object``."""
    meeting = news.meeting
    if meeting is None:
        return
    due = _due(meeting.body_id, meeting.year, meeting.month, programmes)
    similarity = {p.id: Similarity(p.current()) for p in programmes}
    found: dict[tuple[str, str], Outcome] = {}
    unresolved: dict[tuple[str, int], list[str]] = {}
    for verb, phrase, sentence, line in news.decisions:
        for target in resolve_object(phrase, catalogue, programmes, bodies):
            if target.kind == "unresolved":
                # an activity due at the meeting whose title holds the phrase's words
                matched = [
                    (programme, activity)
                    for programme, activity in due
                    if similarity[programme].score(candidate_label(phrase), activity)
                    >= ACTIVITY_MATCH
                ]
                for programme, activity in matched:
                    _due_outcome(
                        found, meeting.id, programme, activity, verb, sentence, line, news.id
                    )
                if not matched:
                    unresolved.setdefault((phrase, line), []).append(verb)
                continue
            if target.kind == "candidate":
                news.candidates.setdefault(
                    target.id,
                    CandidateInstrument(
                        target.id, target.label, target.type_code or "", phrase, sentence, line
                    ),
                )
            kind = "instrument" if target.kind == "candidate" else target.kind
            key = (target.id, verb)
            found.setdefault(
                key,
                Outcome(
                    meeting.id,
                    target.id,
                    kind,
                    verb,
                    sentence,
                    target.id if kind == "programme" else None,
                    line,
                    news.id,
                ),
            )
            for programme, activity in _named_due(target, due, links, catalogue, similarity):
                _due_outcome(found, meeting.id, programme, activity, verb, sentence, line, news.id)
    news.outcomes = list(found.values())
    for (phrase, line), verbs in unresolved.items():
        news.flags.append(
            Flag(
                "unresolved-outcome-object",
                f"line {line}: the meeting {' and '.join(dict.fromkeys(verbs))} {phrase!r},"
                " which names no known instrument, edition, activity, programme or body",
                phrase,
            )
        )


def _due(
    body: str, year: int | None, month: int | None, programmes: Sequence[Programme]
) -> list[tuple[str, Activity]]:
    """Activities with a milestone at the body in that month."""
    return [
        (p.id, a)
        for p in programmes
        for a in p.current()
        if any(ms.body_id == body and (ms.year, ms.month) == (year, month) for ms in a.milestones)
    ]


def _named_due(
    target: Target,
    due: Sequence[tuple[str, Activity]],
    links: Sequence[Link],
    catalogue: Catalogue,
    similarity: dict[str, Similarity],
) -> list[tuple[str, Activity]]:
    """Due activities a decision names: those whose output it is (they produce, update, maintain
    or promote its instrument, that instrument's edition or the whole it is part of; an activity
    that only feeds it is a mention, not an outcome), or, for a candidate instrument, whose title
    holds the object's words."""
    family = {
        target.id,
        catalogue.edition_of.get(target.id, ""),
        catalogue.part_of.get(target.id, ""),
    }
    named = []
    for programme, activity in due:
        linked = any(
            link.programme == programme
            and link.subject == activity.id
            and link.object_kind == "instrument"
            and link.prop != "feeds"
            and (link.obj in family or catalogue.edition_of.get(link.obj) in family)
            for link in links
        )
        words = target.label if target.kind == "candidate" else ""
        if linked or (words and similarity[programme].score(words, activity) >= ACTIVITY_MATCH):
            named.append((programme, activity))
    return named


def mention_activities(
    news: NewsItem, programmes: Sequence[Programme], links: Sequence[Link], catalogue: Catalogue
) -> None:
    """Activities the item is about: they feed an instrument it names and were due or reported
    at its meeting (a milestone at the meeting's body in its month)."""
    if news.meeting is None or news.meeting.year is None:
        return
    named: dict[str, tuple[int, str]] = {}
    for kind, rid, line, text in news.mentions:
        if kind == "instrument":
            for family in {
                rid,
                catalogue.edition_of.get(rid, rid),
                catalogue.part_of.get(rid, rid),
            }:
                named.setdefault(family, (line, text))
    meeting = news.meeting
    found: list[tuple[str, str, int, str]] = []
    for programme, activity in _due(meeting.body_id, meeting.year, meeting.month, programmes):
        for link in links:
            if link.programme == programme and link.subject == activity.id:
                target = catalogue.edition_of.get(link.obj, link.obj)
                hit = named.get(link.obj) or named.get(target)
                if link.object_kind == "instrument" and hit:
                    found.append(("activity", f"{programme}/{activity.id}", *hit))
                    break
    news.mentions.extend(dict.fromkeys(found))
