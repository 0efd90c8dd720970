"""A news item about one meeting, read as a second source (plain text, e.g. data/sources/*.txt).

What is read, each with the line it comes from:
- the meeting: the first numbered session of a working body with dates ("The 239th/240th
  sessions of the Permanent Technical Committee ... were held from 25 to 27 April 2023"), its
  venue ("at the WCO Headquarters in Brussels") and participation ("with large online
  participation of over 70 participants ...") — the longest statement of each wins;
- outcomes: a sentence where the meeting's body (named without a date: in an item about one
  meeting it means that meeting) endorsed/approved/adopted/took note of instruments named after
  the verb; "the 4th edition of the Compendium ..." resolves to that edition;
- mentions: instruments and working bodies named on each line; activities are added by
  `mention_activities` once the programme links are known.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from wcokg.loaders.lexicon import fold
from wcokg.loaders.linking import Catalogue, norm, sentences
from wcokg.loaders.meetings import MONTHS, VERBS, MeetingIndex, MentionFinder, find_outcomes
from wcokg.loaders.readers.markdown import read_text
from wcokg.loaders.records import Flag, Link, MeetingMention, NewsItem, Outcome, Programme
from wcokg.namespaces import slug

NEWS_SUFFIXES = (".txt",)
_DATES_RE = re.compile(
    r"\bfrom\s+(\d{1,2})\s+to\s+(\d{1,2})\s+(" + "|".join(MONTHS) + r")\s+((?:19|20)\d\d)\b"
    r"|\b(\d{1,2})\s*[-–]\s*(\d{1,2})\s+(" + "|".join(MONTHS) + r")\s+((?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_VENUE_RE = re.compile(
    r"\b(?:at|in)\s+((?:the\s+)?[A-Z][\w]*(?:\s+[A-Z][\w]*)*(?:\s+in\s+[A-Z]\w+)?)\s+with\b"
)
_PARTICIPATION_RE = re.compile(r"\bwith\s+((?:large\s+)?online participation[^.]*)")
_EDITION_RE = re.compile(r"\b(\d+)\s*(?:st|nd|rd|th)\s+edition\s+of\s+(?:the\s+)?")
_VERSION_RE = re.compile(r"\bversion\s+(\d+(?:\.\d+)+)\.?\s+of\s+(?:the\s+)?")


def read_news(path: Path, finder: MentionFinder, catalogue: Catalogue) -> NewsItem:
    """The news item's meeting, reported outcomes and mentions (meeting not yet resolved)."""
    text = read_text(path)
    lines = text.splitlines()
    title = next((line.strip() for line in lines if len(line.strip()) > 60), path.stem)
    news = NewsItem(
        id=slug(path.stem),
        title=title,
        source_path=str(path),
        source_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        source_lines=len(lines),
    )
    venues: list[str] = []
    participation: list[str] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        for sentence in sentences(line):
            mentions, flags = finder.find(sentence)
            news.flags.extend(flags)
            dates = _DATES_RE.search(sentence)
            numbered = [m for m in mentions if m.ordinals]
            if dates and numbered and news.session is None:
                day1, day2, month_name, year = [g for g in dates.groups() if g is not None]
                month = MONTHS[month_name.casefold()]
                news.start_date = date(int(year), month, int(day1)).isoformat()
                news.end_date = date(int(year), month, int(day2)).isoformat()
                first = numbered[0]
                news.session = MeetingMention(
                    first.body_id,
                    first.body_text,
                    first.ordinals,
                    int(year),
                    month,
                    first.start,
                    first.end,
                    sentence,
                )
                news.date_line = number
            if dates:
                venues += [v.group(1) for v in _VENUE_RE.finditer(sentence)]
                participation += [p.group(1).strip() for p in _PARTICIPATION_RE.finditer(sentence)]
            _reported(news, sentence, number, mentions, catalogue)
        for m in catalogue.find(line):
            news.mentions.append(
                ("instrument", _edition(line, m.start, m.id, catalogue), number, line)
            )
        for b in finder.bodies.find_all(fold(line)):
            news.mentions.append(("body", b.id, number, line))
    news.mentions = list(dict.fromkeys(news.mentions))
    if venues:
        news.venue = re.sub(r"^the\s+", "", max(venues, key=len))
    if participation:
        news.participants = max(participation, key=len)
    if news.session is None:
        news.flags.append(
            Flag("no-dated-session", f"{path.name}: no dated session of a body found")
        )
    return news


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


def _reported(
    news: NewsItem,
    sentence: str,
    line: int,
    mentions: Sequence[MeetingMention],
    catalogue: Catalogue,
) -> None:
    """Outcome verbs whose agent is an undated mention of the session's body."""
    if news.session is None:
        return
    own = [m for m in mentions if m.body_id == news.session.body_id]
    normed = norm(sentence)
    for verb, mention, written in find_outcomes(sentence, own):
        if mention.ordinals and mention.ordinals != news.session.ordinals:
            continue
        verb_at = normed.find(written, mention.end)
        after = [m for m in catalogue.find(sentence) if m.start > verb_at]
        # an instrument named in the clause after the verb, up to the next outcome verb
        stop = [
            v.start()
            for v in re.finditer(r"\b(?:" + "|".join(VERBS) + r"|discussed)\b", normed)
            if v.start() > verb_at + len(written)
        ]
        limit = min(stop) if stop else len(normed)
        for m in after:
            if m.start < limit:
                news.reported.append(
                    (verb, _edition(sentence, m.start, m.id, catalogue), sentence, line)
                )


def attach(news: NewsItem, index: MeetingIndex) -> None:
    """Resolve the session to a meeting, give it the item's dates, venue and participation."""
    if news.session is None:
        return
    meeting = index.resolve(news.session)
    if meeting is None:
        return
    meeting.start_date = meeting.start_date or news.start_date
    meeting.end_date = meeting.end_date or news.end_date
    meeting.venue = meeting.venue or news.venue
    meeting.participants = meeting.participants or news.participants
    news.meeting = meeting
    seen = set()
    for verb, instrument, sentence, line in news.reported:
        if (verb, instrument) in seen:
            continue
        seen.add((verb, instrument))
        news.outcomes.append(
            Outcome(meeting.id, instrument, "instrument", verb, sentence, None, line)
        )


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
    for programme in programmes:
        for activity in programme.current():
            due = any(
                ms.body_id == meeting.body_id
                and (ms.year, ms.month) == (meeting.year, meeting.month)
                for ms in activity.milestones
            )
            if not due:
                continue
            for link in links:
                if link.programme == programme.id and link.subject == activity.id:
                    target = catalogue.edition_of.get(link.obj, link.obj)
                    hit = named.get(link.obj) or named.get(target)
                    if link.object_kind == "instrument" and hit:
                        found.append(("activity", f"{programme.id}/{activity.id}", *hit))
                        break
    news.mentions.extend(dict.fromkeys(found))
