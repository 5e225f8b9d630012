"""What the page templates show, made from library records: event rows with their
highlighted evidence, period rows, pagers. Pure functions; the routes fetch, these shape."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from urllib.parse import quote

from detente.dyads import PeriodStats
from detente.records import Actor, Event, QuadClass
from detente.store import StoredArticle, StoredEvent
from detente.web.filters import page_link
from detente.web.highlight import Segment, sentence_segments

QUAD_LABELS = {
    QuadClass.VERBAL_COOPERATION: "verbal cooperation",
    QuadClass.MATERIAL_COOPERATION: "material cooperation",
    QuadClass.VERBAL_CONFLICT: "verbal conflict",
    QuadClass.MATERIAL_CONFLICT: "material conflict",
}


def actor_key(actor: Actor | None) -> str | None:
    """The key of an actor in dyads and rankings: its country, else its actor code."""
    if actor is None:
        return None
    return actor.country or actor.code


def dyad_path(first: str, second: str) -> str:
    return f"/dyads/{quote(first, safe='')}/{quote(second, safe='')}"


def article_path(doc_id: str) -> str:
    return "/articles/" + quote(doc_id, safe="")


@dataclass(frozen=True)
class Who:
    """An actor as a table cell: its code, its name and its words in the article."""

    code: str
    name: str
    text: str


def who(actor: Actor | None) -> Who | None:
    if actor is None:
        return None
    code = actor.code or actor.country or ""
    return Who(code=code, name=actor.name or "", text=actor.text)


@dataclass(frozen=True)
class EventRow:
    """One event as a row of an event table."""

    event_id: str
    date: str
    event: str
    mode: str
    cameo: str
    goldstein: float
    quad_class: int
    quad_label: str
    actor: Who | None
    recipient: Who | None
    evidence: tuple[Segment, ...]
    doc_id: str
    article_link: str
    article_title: str
    source: str
    mentions: int
    dyad_link: str | None
    anchor: str | None = None


def event_row(
    event: Event,
    *,
    mentions: int = 1,
    header: StoredArticle | None = None,
    text: str | None = None,
    anchor: str | None = None,
) -> EventRow:
    """A table row for `event`. `header` gives the article's title and source; `text`, the
    article text, places a trigger whose words occur twice in the sentence."""
    first, second = actor_key(event.actor), actor_key(event.recipient)
    link = article_path(event.doc_id)
    return EventRow(
        event_id=event.event_id,
        date=event.date or "undated",
        event=event.event,
        mode=event.mode or "",
        cameo=event.cameo,
        goldstein=event.goldstein,
        quad_class=int(event.quad_class),
        quad_label=QUAD_LABELS.get(event.quad_class, ""),
        actor=who(event.actor),
        recipient=who(event.recipient),
        evidence=tuple(sentence_segments(event, text)),
        doc_id=event.doc_id,
        article_link=link + (f"#{anchor}" if anchor else ""),
        article_title=(header.title if header and header.title else event.doc_id),
        source=(header.source or "") if header else "",
        mentions=mentions,
        dyad_link=dyad_path(first, second) if first and second and first != second else None,
        anchor=anchor,
    )


def event_rows(
    found: Sequence[StoredEvent],
    headers: Mapping[str, StoredArticle],
    texts: Mapping[str, str],
    *,
    dyad: tuple[str, str] | None = None,
) -> list[EventRow]:
    """Rows for stored events; with `dyad` (the page's own), rows link to no dyad page."""
    rows = [
        event_row(
            item.event,
            mentions=item.num_mentions,
            header=headers.get(item.event.doc_id),
            text=texts.get(item.event.doc_id),
        )
        for item in found
    ]
    if dyad is None:
        return rows
    here = {dyad_path(*dyad), dyad_path(dyad[1], dyad[0])}
    return [replace(r, dyad_link=None) if r.dyad_link in here else r for r in rows]


@dataclass(frozen=True)
class Pager:
    """Where a page of a list stands, with links to the pages before and after."""

    total: int
    first: int  # 1-based number of the first item shown (0 when none)
    last: int
    previous: str | None
    next: str | None


def pager(path: str, params: Mapping[str, str], total: int, limit: int, offset: int) -> Pager:
    def link(at: int) -> str:
        return page_link(path, {**params, "offset": at or None})

    shown = max(min(limit, total - offset), 0)
    return Pager(
        total=total,
        first=offset + 1 if shown else 0,
        last=offset + shown,
        previous=link(max(offset - limit, 0)) if offset > 0 else None,
        next=link(offset + limit) if offset + limit < total else None,
    )


@dataclass(frozen=True)
class PeriodRow:
    """One period of a series, with the link to its events."""

    start: dt.date
    end: dt.date
    events: int
    cooperation: int
    conflict: int
    goldstein_mean: float | None
    link: str


def period_rows(
    periods: Sequence[PeriodStats], freq: str, path: str, params: Mapping[str, str]
) -> list[PeriodRow]:
    """The periods with events, latest first, each linking to `path` for its days."""
    from detente.dyads import period_end

    rows = []
    for p in reversed(periods):
        if not p.events:
            continue
        end = period_end(p.start, freq)
        rows.append(
            PeriodRow(
                start=p.start,
                end=end,
                events=p.events,
                cooperation=p.verbal_cooperation + p.material_cooperation,
                conflict=p.verbal_conflict + p.material_conflict,
                goldstein_mean=p.goldstein_mean,
                link=page_link(
                    path, {**params, "since": p.start.isoformat(), "until": end.isoformat()}
                ),
            )
        )
    return rows
