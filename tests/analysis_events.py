"""Hand-made event sets for the analysis tests: events with chosen dates, classes and scores.

`event(...)` makes one event (each call a new one: distinct sentence index), `store_with`
writes events into a fresh store, one article per event unless `doc_id` is given.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from fake_coder import make_event

from detente.records import Actor, Article, Event, Location, Precision, QuadClass, Sector
from detente.store import ArticleResult, EventStore, open_store

# event type -> (CAMEO code, QuadClass, Goldstein)
KINDS = {
    "CONSULT": ("040", QuadClass.VERBAL_COOPERATION, 1.0),
    "AGREE": ("057", QuadClass.VERBAL_COOPERATION, 8.0),
    "AID": ("070", QuadClass.MATERIAL_COOPERATION, 7.0),
    "ACCUSE": ("112", QuadClass.VERBAL_CONFLICT, -2.0),
    "THREATEN": ("138", QuadClass.VERBAL_CONFLICT, -7.0),
    "ASSAULT": ("190", QuadClass.MATERIAL_CONFLICT, -10.0),
}
_COUNTER = itertools.count()


def event(
    actor: str,
    recipient: str | None,
    date: str | None,
    kind: str = "CONSULT",
    *,
    doc_id: str | None = None,
    goldstein: float | None = None,
    actor_sector: Sector | None = Sector.GOV,
    location: Location | None = None,
) -> Event:
    n = next(_COUNTER)
    cameo, quad, score = KINDS[kind]
    base = make_event(
        doc_id or f"doc-{n}",
        actor,
        recipient,
        event=kind,
        mode=None,
        cameo=cameo,
        date=date,
        sentence_index=n,
        sentence=f"{actor} {kind.lower()} {recipient or 'nobody'} ({n}).",
        start=n * 10,
    )
    precision = None
    if date:
        precision = {3: Precision.DAY, 2: Precision.MONTH, 1: Precision.YEAR}[len(date.split("-"))]
    return replace(
        base,
        quad_class=quad,
        goldstein=score if goldstein is None else goldstein,
        date_precision=precision,
        actor=Actor(
            text=actor,
            name=actor,
            country=actor,
            sector=actor_sector,
            code=_code(actor, actor_sector),
        ),
        location=location,
    )


def _code(country: str, sector: Sector | None) -> str:
    if sector is Sector.IGO:
        return f"IGO{country}"  # "UNO" -> "IGOUNO"
    return f"{country}{sector.value}" if sector else country


def store_with(path: Path, events: Iterable[Event], *, source: str = "Wire") -> EventStore:
    """A new store at `path` holding `events` (grouped into articles by doc_id)."""
    by_doc: dict[str, list[Event]] = {}
    for e in events:
        by_doc.setdefault(e.doc_id, []).append(e)
    results = [
        ArticleResult(
            doc_id=doc_id,
            status="ok",
            content_hash="h",
            article=Article(
                doc_id=doc_id,
                text="...",
                published=dt.date(2020, 1, 1),
                source=source,
                url=f"https://example.org/{doc_id}",
            ),
            events=tuple(doc_events),
            coder_version="fake 1.0",
        )
        for doc_id, doc_events in by_doc.items()
    ]
    store = open_store(path)
    store.write_batch(results)
    return store


def weekly(
    actor: str,
    recipient: str,
    first_monday: dt.date,
    weeks: int,
    kinds: Iterable[str],
) -> list[Event]:
    """Each week from `first_monday`, one event of each of `kinds` (on Tuesday)."""
    kinds = list(kinds)
    out = []
    for week in range(weeks):
        day = first_monday + dt.timedelta(weeks=week, days=1)
        out.extend(event(actor, recipient, day.isoformat(), kind) for kind in kinds)
    return out
