"""The query-string filters shared by the pages and the API, parsed once, checked, and
turned into an `EventQuery` (the store binds every value as a parameter).

HTML forms send empty fields ("since="), so an empty value means "no filter" and dates
are parsed here rather than by FastAPI (a bad one answers 422 with what to write).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Annotated
from urllib.parse import urlencode

from fastapi import HTTPException, Query

from detente.store import EventQuery

MAX_CODE = 40  # characters of an actor code or event type in a query
MAX_TEXT = 200  # characters of a source name or article id in a query

ActorParam = Annotated[
    str | None,
    Query(
        max_length=MAX_CODE,
        description="Actor: a country (PAK), a CAMEO code prefix (PAKGOV) or an IGO (UNO).",
    ),
]
RecipientParam = Annotated[
    str | None, Query(max_length=MAX_CODE, description="Recipient, written as `actor`.")
]
TypeParam = Annotated[
    str | None,
    Query(
        alias="type",
        max_length=MAX_CODE,
        description="PLOVER event type (CONSULT) or CAMEO code prefix (04).",
    ),
]
SinceParam = Annotated[
    str | None,
    Query(max_length=10, description="Events on or after this day (YYYY-MM-DD)."),
]
UntilParam = Annotated[
    str | None,
    Query(max_length=10, description="Events on or before this day (YYYY-MM-DD)."),
]
SourceParam = Annotated[
    str | None,
    Query(max_length=MAX_TEXT, description="Only events reported by this source (Guardian)."),
]
OffsetParam = Annotated[
    int, Query(ge=0, le=10_000_000, description="Skip this many events (pagination).")
]


def parse_day(value: str | None, name: str) -> dt.date | None:
    """A YYYY-MM-DD query value as a date; empty is None; anything else answers 422."""
    if value is None or not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise HTTPException(
            status_code=422, detail=f"{name}={value!r} is not a date: write YYYY-MM-DD"
        ) from None


def _clean(value: str | None) -> str | None:
    value = value.strip() if value else None
    return value or None


@dataclass(frozen=True)
class EventFilters:
    """Filters on events as a page or API request gives them."""

    actor: str | None = None
    recipient: str | None = None
    event_type: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    source: str | None = None

    def query(
        self,
        *,
        limit: int | None = None,
        offset: int = 0,
        evidence: bool = False,
        dyad: tuple[str, str] | None = None,
        directed: bool = False,
        doc_id: str | None = None,
    ) -> EventQuery:
        return EventQuery(
            actor=self.actor,
            recipient=self.recipient,
            event_type=self.event_type,
            since=self.since,
            until=self.until,
            source=self.source,
            limit=limit,
            offset=offset,
            evidence=evidence,
            dyad=dyad,
            directed=directed,
            doc_id=doc_id,
        )

    def params(self) -> dict[str, str]:
        """The filters as query-string parameters (for links that keep them)."""
        pairs = {
            "actor": self.actor,
            "recipient": self.recipient,
            "type": self.event_type,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "source": self.source,
        }
        return {k: v for k, v in pairs.items() if v}

    def without(self, *names: str) -> EventFilters:
        return replace(self, **dict.fromkeys(names))


# The dependencies are coroutines (they never block): FastAPI runs them on the event loop
# instead of handing each to a worker thread, a thread switch less per request.


async def event_filters(
    actor: ActorParam = None,
    recipient: RecipientParam = None,
    event_type: TypeParam = None,
    since: SinceParam = None,
    until: UntilParam = None,
    source: SourceParam = None,
) -> EventFilters:
    """FastAPI dependency: the event filters of a request."""
    return _filters(actor, recipient, event_type, since, until, source)


async def dyad_filters(
    event_type: TypeParam = None,
    since: SinceParam = None,
    until: UntilParam = None,
    source: SourceParam = None,
) -> EventFilters:
    """FastAPI dependency: the filters of a dyad's events (its actors are in the path)."""
    return _filters(None, None, event_type, since, until, source)


def _filters(
    actor: str | None,
    recipient: str | None,
    event_type: str | None,
    since: str | None,
    until: str | None,
    source: str | None,
) -> EventFilters:
    filters = EventFilters(
        actor=_clean(actor),
        recipient=_clean(recipient),
        event_type=_clean(event_type),
        since=parse_day(since, "since"),
        until=parse_day(until, "until"),
        source=_clean(source),
    )
    if filters.since and filters.until and filters.since > filters.until:
        raise HTTPException(
            status_code=422,
            detail=f"since ({filters.since}) is after until ({filters.until}): swap them",
        )
    return filters


def page_link(path: str, params: Mapping[str, str | int | None]) -> str:
    """`path` with the non-empty `params` as its query string."""
    pairs = {k: v for k, v in params.items() if v not in (None, "")}
    return path + ("?" + urlencode(pairs) if pairs else "")
