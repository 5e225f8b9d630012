"""Charts of event data as Vega-Lite specifications (through altair), and saving them.

One implementation serves the command line and the web app: each function returns an
altair chart; `chart.to_dict()` is the Vega-Lite JSON the browser renders with
vega-embed, and `save_chart` writes PNG, SVG or a self-contained HTML file with
vl-convert (no browser, no network). The data is inlined in the specification, so a
saved chart needs nothing else.

- `dyad_chart(series)`: the mean Goldstein score per period (line) above the events per
  period by QuadClass (stacked bars), on one time axis.
- `overview_chart(series)`: events per period by QuadClass (stacked bars).
- `event_type_chart(counts)`: events per PLOVER type (horizontal bars).
- `network_chart(graph)`: actors as circles (size: events), dyads as lines (colour: mean
  Goldstein), at positions from `detente.network.layout`.
"""

from __future__ import annotations

import datetime as dt

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detente.errors import AnalysisError

if TYPE_CHECKING:
    import altair
    import networkx

    from detente.dyads import DyadSeries

logger = logging.getLogger(__name__)

FORMATS = ("png", "svg", "html")
QUAD_LABELS = (
    "verbal cooperation",
    "material cooperation",
    "verbal conflict",
    "material conflict",
)
QUAD_COLOURS = ("#74c476", "#238b45", "#fd8d3c", "#d7301f")
_WIDTH = 640


def _title(series: DyadSeries) -> str:
    per = {"day": "daily", "week": "weekly", "month": "monthly"}[series.freq]
    if series.first and series.second:
        arrow = " → " if series.directed else " – "
        return f"{series.first}{arrow}{series.second}, {per}"
    if series.first:
        return f"Events of {series.first}, {per}"
    return f"All events, {per}"


def _quad_rows(series: DyadSeries) -> list[dict[str, Any]]:
    rows = []
    for p in series.periods:
        counts = (
            p.verbal_cooperation,
            p.material_cooperation,
            p.verbal_conflict,
            p.material_conflict,
        )
        end = (p.start + dt.timedelta(days=7)).isoformat()
        for order, (label, n) in enumerate(zip(QUAD_LABELS, counts, strict=True)):
            rows.append(
                {"start": p.start.isoformat(), "end": end, "class": label, "order": order,
                 "events": n}
            )
    return rows


def _quad_bars(series: DyadSeries, height: int) -> altair.Chart:
    import altair as alt

    unit = {"day": "utcyearmonthdate", "week": "utcyearmonthdate", "month": "utcyearmonth"}[
        series.freq
    ]
    if series.freq == "week":
        # a week is seven days wide: bars from its Monday to the next (a date unit would
        # draw each week one day wide)
        spans: dict[str, Any] = {
            "x": alt.X("start:T", title=None, axis=alt.Axis(labelAngle=0)),
            "x2": alt.X2("end:T"),
        }
    else:
        spans = {"x": alt.X("start:T", timeUnit=unit, title=None, axis=alt.Axis(labelAngle=0))}
    return (
        alt.Chart(alt.Data(values=_quad_rows(series)), height=height, width=_WIDTH)
        .mark_bar(stroke="white", strokeWidth=0.5)
        .encode(
            **spans,
            y=alt.Y("sum(events):Q", title="events"),
            color=alt.Color(
                "class:N",
                title="QuadClass",
                scale=alt.Scale(domain=list(QUAD_LABELS), range=list(QUAD_COLOURS)),
                legend=alt.Legend(orient="bottom"),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("start:T", timeUnit=unit, title="period from"),
                alt.Tooltip("class:N"),
                alt.Tooltip("events:Q"),
            ],
        )
    )


def _require_periods(series: DyadSeries) -> None:
    if not series.periods:
        raise AnalysisError(f"no events to chart for {_title(series)}: widen --since/--until")


def dyad_chart(series: DyadSeries) -> altair.TopLevelMixin:
    """Mean Goldstein score per period (line, gaps where no events) over QuadClass bars."""
    import altair as alt

    _require_periods(series)
    unit = {"day": "utcyearmonthdate", "week": "utcyearmonthdate", "month": "utcyearmonth"}[
        series.freq
    ]
    goldstein = [
        {
            "start": p.start.isoformat(),
            "mean": p.goldstein_mean,
            "sum": p.goldstein_sum,
            "events": p.events,
        }
        for p in series.periods
    ]
    line = (
        alt.Chart(alt.Data(values=goldstein), height=160, width=_WIDTH)
        .mark_line(point=alt.OverlayMarkDef(color="#3f3f3f"), color="#3f3f3f")
        .encode(
            # the point in the middle of its period, above the period's bar
            x=alt.X(
                "start:T",
                timeUnit=unit,
                title=None,
                bandPosition=0.5,
                axis=alt.Axis(labelAngle=0),
            ),
            y=alt.Y(
                "mean:Q",
                title="mean Goldstein",
                scale=alt.Scale(domain=[-10, 10]),
            ),
            tooltip=[
                alt.Tooltip("start:T", timeUnit=unit, title="period from"),
                alt.Tooltip("mean:Q", format="+.2f", title="mean Goldstein"),
                alt.Tooltip("sum:Q", format="+.1f", title="summed Goldstein"),
                alt.Tooltip("events:Q"),
            ],
        )
    )
    zero = alt.Chart(alt.Data(values=[{"y": 0}])).mark_rule(color="#bbbbbb").encode(y="y:Q")
    top = alt.layer(zero, line)
    return (
        alt.vconcat(top, _quad_bars(series, 160))
        .properties(title=_title(series))
        .resolve_scale(x="shared")
    )


def overview_chart(series: DyadSeries) -> altair.TopLevelMixin:
    """Events per period, stacked by QuadClass."""
    _require_periods(series)
    return _quad_bars(series, 220).properties(title=_title(series))


def event_type_chart(counts: Mapping[str, int]) -> altair.TopLevelMixin:
    """Events per event type (PLOVER type, or any label), largest first."""
    import altair as alt

    rows = [{"type": k, "events": int(v)} for k, v in counts.items() if v]
    if not rows:
        raise AnalysisError("no events to chart: widen the filters")
    return (
        alt.Chart(alt.Data(values=rows), width=_WIDTH // 1.5, title="Events by type")
        .mark_bar(color="#4c78a8")
        .encode(
            y=alt.Y("type:N", sort="-x", title=None),
            x=alt.X("events:Q", title="events"),
            tooltip=["type:N", "events:Q"],
        )
    )


def network_chart(
    graph: networkx.Graph,
    positions: Mapping[str, tuple[float, float]],
    *,
    title: str = "Actor network",
) -> altair.TopLevelMixin:
    """Actors as circles sized by events, dyads as lines coloured by mean Goldstein."""
    import altair as alt

    if graph.number_of_nodes() == 0:
        raise AnalysisError("no dyads to draw: widen the filters or lower --min-events")
    nodes = [
        {
            "code": n,
            "name": data.get("name") or n,
            "events": data.get("events", 0),
            "x": positions[n][0],
            "y": positions[n][1],
        }
        for n, data in graph.nodes(data=True)
    ]
    edges = [
        {
            "pair": f"{a} – {b}",
            "x": positions[a][0],
            "y": positions[a][1],
            "x2": positions[b][0],
            "y2": positions[b][1],
            "events": data.get("weight", 0),
            "goldstein": data.get("goldstein_mean"),
        }
        for a, b, data in graph.edges(data=True)
    ]
    axis = alt.Axis(title=None, labels=False, ticks=False, grid=False, domain=False)
    lines = (
        alt.Chart(alt.Data(values=edges))
        .mark_rule(opacity=0.8)
        .encode(
            x=alt.X("x:Q", axis=axis),
            y=alt.Y("y:Q", axis=axis),
            x2="x2:Q",
            y2="y2:Q",
            strokeWidth=alt.StrokeWidth("events:Q", scale=alt.Scale(range=[1, 8]), title="events"),
            color=alt.Color(
                "goldstein:Q",
                scale=alt.Scale(scheme="redyellowgreen", domain=[-10, 10]),
                title="mean Goldstein",
            ),
            tooltip=["pair:N", "events:Q", alt.Tooltip("goldstein:Q", format="+.2f")],
        )
    )
    circles = (
        alt.Chart(alt.Data(values=nodes))
        .mark_circle(color="#3f3f3f", opacity=0.9)
        .encode(
            x=alt.X("x:Q", axis=axis),
            y=alt.Y("y:Q", axis=axis),
            size=alt.Size("events:Q", scale=alt.Scale(range=[40, 900]), title="actor events"),
            tooltip=["code:N", "name:N", "events:Q"],
        )
    )
    labels = (
        alt.Chart(alt.Data(values=nodes))
        .mark_text(dy=-12, fontSize=11)
        .encode(x="x:Q", y="y:Q", text="code:N")
    )
    return alt.layer(
        lines, circles, labels, width=_WIDTH, height=_WIDTH * 3 // 4, title=title
    ).configure_view(stroke=None)


def chart_format(path: Path, fmt: str | None = None) -> str:
    """The output format: `fmt`, else the file's suffix (png, svg, html)."""
    value = (fmt or path.suffix.lstrip(".")).lower()
    if value == "htm":
        value = "html"
    if value not in FORMATS:
        raise AnalysisError(
            f"cannot tell the chart format of {path}: name it .png, .svg or .html, or give --format"
        )
    return value


def render_chart(chart: altair.TopLevelMixin, fmt: str, *, scale: float = 2.0) -> bytes:
    """The chart as PNG or SVG bytes, or a self-contained HTML page (scripts inlined)."""
    import vl_convert as vlc

    spec = chart.to_dict()
    if fmt == "png":
        return bytes(vlc.vegalite_to_png(spec, scale=scale))
    if fmt == "svg":
        return vlc.vegalite_to_svg(spec).encode("utf-8")
    if fmt == "html":
        return vlc.vegalite_to_html(spec, bundle=True).encode("utf-8")
    raise AnalysisError(f"unknown chart format {fmt!r}: use png, svg or html")


def save_chart(chart: altair.TopLevelMixin, path: Path, fmt: str | None = None) -> Path:
    """Write `chart` to `path` as PNG, SVG or HTML (from `fmt` or the suffix)."""
    kind = chart_format(path, fmt)
    data = render_chart(chart, kind)
    try:
        path.write_bytes(data)
    except OSError as err:
        raise AnalysisError(f"cannot write chart to {path}: {err.strerror}") from None
    return path
