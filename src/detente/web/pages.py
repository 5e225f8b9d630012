"""The HTML pages: overview, dyad, events, article; and the chart library's script.

Every page is a GET with its state in the URL (filters, period, page), so any view can
be shared as a link. Pages fetch through the library (store, dyads, rankings, alerts,
charts) and hand plain records to the Jinja2 templates, which escape every value.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from detente.store import EventQuery, EventStore, StoredArticle, StoredEvent
from detente.web.context import WebContext, render, web_context
from detente.web.filters import (
    MAX_CODE,
    MAX_TEXT,
    EventFilters,
    OffsetParam,
    dyad_filters,
    event_filters,
    page_link,
)
from detente.web.highlight import article_segments, trigger_is_ambiguous
from detente.web.views import (
    dyad_path,
    event_row,
    event_rows,
    pager,
    period_rows,
)

router = APIRouter(include_in_schema=False)

Context = Annotated[WebContext, Depends(web_context)]
Filters = Annotated[EventFilters, Depends(event_filters)]
DyadFilters = Annotated[EventFilters, Depends(dyad_filters)]
Freq = Annotated[str, Query(pattern="^(day|week|month)$")]
TOP = 12  # dyads and alerts on the overview
MAX_TEXT_LOOKUPS = 10  # articles read per page to place triggers that occur twice


def _chart(chart: Any) -> dict[str, Any]:
    spec: dict[str, Any] = chart.to_dict()
    return spec


def _matches(code: str | None, key: str) -> bool:
    """Does the actor filter `code` (PAK, PAKGOV) cover the dyad member `key` (PAK)?"""
    return code is None or key == code or code.startswith(key)


def _texts(store: EventStore, found: Sequence[StoredEvent]) -> dict[str, str]:
    """Texts of the articles needed to place triggers whose words occur twice."""
    needed = []
    for item in found:
        if trigger_is_ambiguous(item.event) and item.event.doc_id not in needed:
            needed.append(item.event.doc_id)
    texts: dict[str, str] = {}
    for doc_id in needed[:MAX_TEXT_LOOKUPS]:
        article = store.article(doc_id)
        if article is not None and article.text:
            texts[doc_id] = article.text
    return texts


def _headers(store: EventStore, found: Sequence[StoredEvent]) -> dict[str, StoredArticle]:
    return store.article_headers(sorted({item.event.doc_id for item in found}))


@router.get("/assets/vega-embed.js")
def chart_script(context: Context) -> Response:
    """Vega, Vega-Lite and vega-embed in one file, from vl-convert-python (no CDN)."""
    return Response(
        context.chart_script.body(),
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=86400"},
    )


@router.get("/")
def overview(request: Request, context: Context, filters: Filters, freq: Freq = "week") -> Response:
    from detente.alerts import find_alerts
    from detente.charts import overview_chart
    from detente.dyads import event_series, normalise_code
    from detente.errors import AnalysisError
    from detente.rankings import dyad_activity, top_dyads

    actor = normalise_code(filters.actor) if filters.actor else None
    with context.access.reading() as store:
        summary = store.summary()
        series = event_series(
            store,
            freq=freq,
            since=filters.since,
            until=filters.until,
            actor=actor,
            event_type=filters.event_type,
        )
        if actor is None and filters.event_type is None:
            dyads = top_dyads(store, since=filters.since, until=filters.until, limit=TOP)
        else:
            counts = store.dyad_counts(
                EventQuery(event_type=filters.event_type, since=filters.since, until=filters.until),
                limit=None if actor else TOP,
            )
            dyads = [
                dyad_activity(c)
                for c in counts
                if _matches(actor, c.first) or _matches(actor, c.second)
            ][:TOP]
        try:
            alerts = find_alerts(store, evidence=0)
        except AnalysisError:
            alerts = []  # no dated events yet
    alerts = [a for a in alerts if _matches(actor, a.first) or _matches(actor, a.second)][:TOP]
    params = filters.params()
    return render(
        request,
        "overview.html",
        {
            "page": "overview",
            "filters": filters,
            "freq": freq,
            "summary": summary,
            "series": series,
            "chart": _chart(overview_chart(series)) if series.periods else None,
            "periods": period_rows(
                series.periods, freq, "/events", filters.without("since", "until").params()
            ),
            "dyads": [
                (d, page_link(dyad_path(d.first, d.second), {**params, "actor": None}))
                for d in dyads
            ],
            "alerts": [
                (
                    a,
                    page_link(
                        dyad_path(a.first, a.second),
                        {"since": a.window_start.isoformat(), "until": a.window_end.isoformat()},
                    ),
                )
                for a in alerts
            ],
            "names": context.names,
            "events_link": page_link("/events", params),
        },
    )


@router.get("/dyad")
def open_dyad(
    first: Annotated[str, Query(max_length=MAX_CODE)],
    second: Annotated[str, Query(max_length=MAX_CODE)],
) -> Response:
    """The overview's "open a dyad" form: on to /dyads/FIRST/SECOND."""
    from detente.dyads import normalise_code

    return RedirectResponse(dyad_path(normalise_code(first), normalise_code(second)), 303)


@router.get("/dyads/{first}/{second}")
def dyad(
    request: Request,
    context: Context,
    first: Annotated[str, Path(max_length=MAX_CODE)],
    second: Annotated[str, Path(max_length=MAX_CODE)],
    filters: DyadFilters,
    freq: Freq = "week",
    directed: bool = False,
    offset: OffsetParam = 0,
) -> Response:
    from detente.charts import dyad_chart
    from detente.dyads import dyad_series, normalise_code

    a, b = normalise_code(first), normalise_code(second)
    size = context.settings.page_size
    query = filters.query(limit=size, offset=offset, dyad=(a, b), directed=directed)
    with context.access.reading() as store:
        series = dyad_series(
            store, a, b, freq=freq, since=filters.since, until=filters.until, directed=directed
        )
        total = store.count_events(query)
        found = store.events(query) if offset < total else []
        headers = _headers(store, found)
        texts = _texts(store, found)
    params = {**filters.params(), "freq": freq if freq != "week" else ""}
    if directed:
        params["directed"] = "true"
    path = dyad_path(a, b)
    periods = period_rows(series.periods, freq, path, params)
    return render(
        request,
        "dyad.html",
        {
            "page": "dyad",
            "first": a,
            "second": b,
            "names": context.names,
            "filters": filters,
            "freq": freq,
            "directed": directed,
            "series": series,
            "chart": _chart(dyad_chart(series)) if series.periods else None,
            "periods": periods,
            "rows": event_rows(found, headers, texts, dyad=(a, b)),
            "pager": pager(path, {k: v for k, v in params.items() if v}, total, size, offset),
            "reverse_link": page_link(dyad_path(b, a), params),
            "api_link": page_link(f"/api{path}", params),
        },
    )


@router.get("/events")
def events(
    request: Request, context: Context, filters: Filters, offset: OffsetParam = 0
) -> Response:
    size = context.settings.page_size
    query = filters.query(limit=size, offset=offset)
    with context.access.reading() as store:
        total = store.count_events(query)
        found = store.events(query) if offset < total else []
        headers = _headers(store, found)
        texts = _texts(store, found)
    params = filters.params()
    return render(
        request,
        "events.html",
        {
            "page": "events",
            "filters": filters,
            "rows": event_rows(found, headers, texts),
            "pager": pager("/events", params, total, size, offset),
            "api_link": page_link("/api/events", params),
        },
    )


@router.get("/articles/{doc_id:path}")
def article(
    request: Request,
    context: Context,
    doc_id: Annotated[str, Path(max_length=MAX_TEXT)],
) -> Response:
    with context.access.reading() as store:
        found = store.article(doc_id)
    if found is None:
        raise HTTPException(404, f"no article {doc_id!r} in the store")
    text = found.text or ""
    title, body = article_segments(text, found.title, found.mentions)
    rows = [
        event_row(event, header=found, text=text, anchor=f"m-{number}")
        for number, event in enumerate(found.mentions)
    ]
    return render(
        request,
        "article.html",
        {
            "page": "article",
            "article": found,
            "title_segments": title,
            "text_segments": body,
            "rows": rows,
            "api_link": "/api" + request.url.path,
        },
    )
