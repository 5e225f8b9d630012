"""The REST API under /api: JSON over the store and the analysis modules (read-only),
and POST /api/articles (token required) to code and store one article.

Every list is paged with `limit` and `offset` and gives the link to the `next` page.
Events are the event record of EVENT_SCHEMA.md plus `num_mentions`, `num_articles`,
`num_sources` (and `mentions` with `evidence=true`), as `detente events --format jsonl`.
"""

from __future__ import annotations

import json

import datetime as dt
import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from detente.store import StoredArticle
from detente.web.context import WebContext, web_context
from detente.web.filters import (
    MAX_CODE,
    MAX_TEXT,
    EventFilters,
    OffsetParam,
    dyad_filters,
    event_filters,
    page_link,
    parse_day,
)
from detente.web.submit import posted_article, store_article

router = APIRouter(
    prefix="/api",
    tags=["api"],
    responses={
        503: {"description": "Store busy (another process writes; see Retry-After) or absent"},
        500: {"description": "Unexpected error (logged by the server)"},
    },
)

Context = Annotated[WebContext, Depends(web_context)]
Filters = Annotated[EventFilters, Depends(event_filters)]
DyadFilters = Annotated[EventFilters, Depends(dyad_filters)]
Code = Annotated[str, Path(max_length=MAX_CODE, description="Actor code: PAK, PAKGOV, UNO.")]
Evidence = Annotated[
    bool, Query(description="Also list every mention (article and sentence) of each event.")
]
FREQ_PATTERN = "^(day|week|month)$"


class Page(BaseModel):
    """One page of a list."""

    total: int | None = Field(description="Items matching the filters (None: not counted).")
    limit: int
    offset: int
    next: str | None = Field(description="Link to the next page, None on the last one.")


class EventPage(Page):
    events: list[dict[str, Any]] = Field(description="Event records (EVENT_SCHEMA.md) + counts.")


class DyadReport(EventPage):
    first: str
    second: str
    directed: bool
    freq: str
    series: list[dict[str, Any]] = Field(
        description="Per period: events by QuadClass, Goldstein sum and mean, conflict share."
    )


class AlertPage(Page):
    as_of: str | None
    alerts: list[dict[str, Any]]


class ActorPage(Page):
    actors: list[dict[str, Any]]


class ArticleOut(BaseModel):
    doc_id: str
    url: str | None
    title: str | None
    source: str | None
    published: str | None
    status: str
    error: str | None
    text: str | None
    events: list[dict[str, Any]] = Field(
        description="The coder's records for this article (`event_id` is the mention id; "
        "`event_key` the stored event it counts as); trigger offsets point into `text`."
    )


class ArticleIn(BaseModel):
    """An article to code: JSONL input's fields."""

    id: str | None = Field(
        default=None, max_length=MAX_TEXT, pattern=r"^[^\x00-\x1f]+$", description="doc_id"
    )
    text: str = Field(min_length=1, description="The article text.")
    date: dt.date | None = Field(default=None, description="Publication date (YYYY-MM-DD).")
    title: str | None = Field(default=None, max_length=1000)
    source: str | None = Field(default=None, max_length=MAX_TEXT)
    url: str | None = Field(default=None, max_length=2000)


class Stored(BaseModel):
    doc_id: str
    status: str = Field(description="ok, failed (see error) or unchanged (already stored).")
    events: int
    error: str | None
    url: str


def _limit(context: WebContext, limit: int | None) -> int:
    return min(limit or context.settings.page_size, context.settings.max_page_size)


LimitParam = Annotated[
    int | None, Query(ge=1, le=10_000, description="Items per page (default 50, at most 500).")
]


def _next(request: Request, total: int | None, limit: int, offset: int, more: bool) -> str | None:
    if total is not None:
        more = offset + limit < total
    if not more:
        return None
    params: dict[str, str | int | None] = dict(request.query_params)
    params["offset"] = offset + limit
    params["limit"] = limit
    return page_link(request.url.path, params)


class Summary(BaseModel):
    articles_ok: int
    articles_failed: int
    events: int
    mentions: int
    schema_version: int
    dedup: str = Field(description="The rule that makes mentions one event (docs/STORE.md).")
    writable: bool = Field(description="Whether this server accepts POST /api/articles.")


@router.get("/summary", response_model=Summary, summary="What the store holds")
def summary(context: Context) -> Response:
    with context.access.reading() as store:
        found = store.summary()
    return JSONResponse(
        {
            "articles_ok": found.articles_ok,
            "articles_failed": found.articles_failed,
            "events": found.events,
            "mentions": found.mentions,
            "schema_version": found.schema_version,
            "dedup": found.dedup,
            "writable": context.settings.writable,
        }
    )


@router.get("/events", response_model=EventPage, summary="Events, filtered and paged")
def events(
    request: Request,
    context: Context,
    filters: Filters,
    dyad: Annotated[
        str | None,
        Query(max_length=2 * MAX_CODE + 1, description="Two actors, A,B: events between them."),
    ] = None,
    directed: Annotated[bool, Query(description="With dyad: only A acting on B.")] = False,
    doc_id: Annotated[
        str | None, Query(max_length=MAX_TEXT, description="Events reported by this article.")
    ] = None,
    evidence: Evidence = False,
    limit: LimitParam = None,
    offset: OffsetParam = 0,
) -> Response:
    pair: tuple[str, str] | None = None
    if dyad:
        parts = [p.strip() for p in dyad.split(",")]
        if len(parts) != 2 or not all(parts):
            raise HTTPException(422, f"dyad={dyad!r}: write two actors as A,B, e.g. PAK,RUS")
        pair = (parts[0], parts[1])
    size = _limit(context, limit)
    query = filters.query(
        limit=size, offset=offset, evidence=evidence, dyad=pair, directed=directed, doc_id=doc_id
    )
    with context.access.reading() as store:
        total = store.count_events(query)
        records = store.event_records_json(query) if offset < total else []
    # the event records come as JSON text, written by the store: joined, not re-encoded
    head = json.dumps(
        {
            "total": total,
            "limit": size,
            "offset": offset,
            "next": _next(request, total, size, offset, False),
        },
        ensure_ascii=False,
    )
    body = head[:-1] + ', "events": [' + ", ".join(records) + "]}"
    return Response(body.encode("utf-8"), media_type="application/json")


@router.get(
    "/dyads/{first}/{second}",
    response_model=DyadReport,
    summary="A dyad: its time series and its events",
)
def dyad(
    request: Request,
    context: Context,
    first: Code,
    second: Code,
    filters: DyadFilters,
    freq: Annotated[str, Query(pattern=FREQ_PATTERN, description="day, week or month")] = "week",
    directed: Annotated[bool, Query(description="Only first acting on second.")] = False,
    evidence: Evidence = False,
    limit: LimitParam = None,
    offset: OffsetParam = 0,
) -> Response:
    """The series counts every event between the two (dates filter it; `type` filters the
    event list only). Actor codes are those of `EventQuery`."""
    from detente.dyads import dyad_series, normalise_code

    a, b = normalise_code(first), normalise_code(second)
    size = _limit(context, limit)
    query = filters.query(
        limit=size, offset=offset, evidence=evidence, dyad=(a, b), directed=directed
    )
    with context.access.reading() as store:
        series = dyad_series(
            store, a, b, freq=freq, since=filters.since, until=filters.until, directed=directed
        )
        total = store.count_events(query)
        found = store.events(query) if offset < total else []
    return JSONResponse(
        {
            "first": a,
            "second": b,
            "directed": directed,
            "freq": freq,
            "series": [p.to_dict() for p in series.periods],
            "total": total,
            "limit": size,
            "offset": offset,
            "next": _next(request, total, size, offset, False),
            "events": [item.to_dict() for item in found],
        }
    )


@router.get("/alerts", response_model=AlertPage, summary="Escalation and de-escalation alerts")
def alerts(
    request: Request,
    context: Context,
    window: Annotated[int, Query(ge=1, le=520, description="Window, in weeks.")] = 4,
    baseline: Annotated[int, Query(ge=1, le=1040, description="Baseline, in weeks.")] = 26,
    as_of: Annotated[
        str | None,
        Query(max_length=10, description="Last day of the window (default: latest event)."),
    ] = None,
    evidence: Annotated[int, Query(ge=0, le=50, description="Events shown per alert.")] = 5,
    limit: LimitParam = None,
    offset: OffsetParam = 0,
) -> Response:
    """Dyads whose last `window` weeks break with the `baseline` weeks before (see
    `detente.alerts`), most significant first."""
    from detente.alerts import alert_frame, find_alerts
    from detente.errors import AnalysisError

    day = parse_day(as_of, "as_of")
    size = _limit(context, limit)
    span, weeks = dt.timedelta(weeks=window), dt.timedelta(weeks=baseline)
    with context.access.reading() as store:
        try:
            frame = alert_frame(store, window=span, baseline=weeks, as_of=day)
        except AnalysisError:
            if day is not None:
                raise
            frame = None  # an empty store has no alerts
        found = (
            find_alerts(store, window=span, baseline=weeks, as_of=frame.as_of, evidence=evidence)
            if frame is not None
            else []
        )
    shown = found[offset : offset + size]
    return JSONResponse(
        {
            "as_of": frame.as_of.isoformat() if frame is not None else None,
            "total": len(found),
            "limit": size,
            "offset": offset,
            "next": _next(request, len(found), size, offset, False),
            "alerts": [a.to_dict() for a in shown],
        }
    )


@router.get("/actors", response_model=ActorPage, summary="Actors by activity")
def actors(
    request: Request,
    context: Context,
    since: Annotated[str | None, Query(max_length=10, description="YYYY-MM-DD")] = None,
    until: Annotated[str | None, Query(max_length=10, description="YYYY-MM-DD")] = None,
    limit: LimitParam = None,
    offset: OffsetParam = 0,
) -> Response:
    """Actor keys (country, else actor code) by the events they take part in, most first."""
    from detente.rankings import top_actors

    size = _limit(context, limit)
    with context.access.reading() as store:
        found = top_actors(
            store,
            since=parse_day(since, "since"),
            until=parse_day(until, "until"),
            limit=offset + size + 1,
            names=context.names,
        )
    shown = found[offset : offset + size]
    return JSONResponse(
        {
            "total": None,
            "limit": size,
            "offset": offset,
            "next": _next(request, None, size, offset, len(found) > offset + size),
            "actors": [a.to_dict() for a in shown],
        }
    )


def article_record(article: StoredArticle) -> dict[str, Any]:
    """A stored article as the API gives it."""
    return {
        "doc_id": article.doc_id,
        "url": article.url,
        "title": article.title,
        "source": article.source,
        "published": article.published.isoformat() if article.published else None,
        "status": article.status,
        "error": article.error,
        "text": article.text,
        "events": [
            {**event.to_dict(), "event_key": key}
            for event, key in zip(article.mentions, article.event_keys, strict=True)
        ],
    }


@router.get("/articles/{doc_id:path}", response_model=ArticleOut, summary="One stored article")
def article(
    context: Context,
    doc_id: Annotated[str, Path(max_length=MAX_TEXT)],
) -> Response:
    with context.access.reading() as store:
        found = store.article(doc_id)
    if found is None:
        raise HTTPException(404, f"no article {doc_id!r} in the store")
    return JSONResponse(article_record(found))


def _authorise(context: WebContext, authorization: str | None) -> None:
    token = context.settings.token
    if not token:
        raise HTTPException(
            403, "this server is read-only: start it with DETENTE_TOKEN set to accept articles"
        )
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        given.strip().encode("utf-8"), token.encode("utf-8")
    ):
        raise HTTPException(
            401,
            "a valid token is needed: send the header Authorization: Bearer $DETENTE_TOKEN",
            headers={"WWW-Authenticate": "Bearer"},
        )


@router.post(
    "/articles",
    response_model=Stored,
    status_code=201,
    summary="Code and store one article (token required)",
    responses={
        200: {"description": "Already stored, unchanged"},
        401: {"description": "No valid token"},
        403: {"description": "The server is read-only (no DETENTE_TOKEN)"},
        413: {"description": "The body is larger than the limit (1 MiB)"},
        422: {"description": "Invalid body, or the coder failed on the article"},
    },
)
def post_article(
    context: Context,
    body: ArticleIn,
    authorization: Annotated[str | None, Header(description="Bearer TOKEN")] = None,
) -> JSONResponse:
    """Codes the article as `detente ingest` does and stores it in one short write; an
    article with the same id replaces the stored one, an identical one is left as it is.
    The events appear in every page and API answer from then on."""
    _authorise(context, authorization)
    found = store_article(
        context.access,
        posted_article(body.id, body.text, body.date, body.title, body.source, body.url),
        coder=context.settings.coder,
        lock=context.coding_lock,
    )
    context.cache.clear()
    payload = Stored(
        doc_id=found.doc_id,
        status=found.status,
        events=found.events,
        error=found.error,
        url=page_link("/api/articles/" + _quote(found.doc_id), {}),
    ).model_dump()
    code = {"ok": 201, "unchanged": 200}.get(found.status, 422)
    return JSONResponse(payload, status_code=code)


def _quote(doc_id: str) -> str:
    from urllib.parse import quote

    return quote(doc_id, safe="")
