"""Charts: Vega-Lite specifications with the data inlined, saved offline as PNG, SVG, HTML."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from analysis_events import event, store_with

from detente.charts import (
    chart_format,
    dyad_chart,
    event_type_chart,
    network_chart,
    overview_chart,
    save_chart,
)
from detente.dyads import DyadSeries, dyad_series, event_series
from detente.errors import AnalysisError
from detente.network import actor_network, layout


@pytest.fixture
def store(tmp_path: Path):
    events = [
        event("IRN", "USA", "2020-01-06", "ACCUSE"),
        event("USA", "IRN", "2020-01-21", "AID"),
        event("PAK", "RUS", "2020-01-10", "AGREE"),
    ]
    with store_with(tmp_path / "s.duckdb", events) as s:
        yield s


def test_dyad_chart_inlines_goldstein_and_quadclass_counts(store) -> None:
    spec = dyad_chart(dyad_series(store, "IRN", "USA")).to_dict()
    assert spec["title"] == "IRN – USA, weekly"
    text = json.dumps(spec)
    assert '"mean": -2.0' in text and '"mean": null' in text  # the empty week is a gap
    assert '"class": "material cooperation"' in text
    assert "vconcat" in spec


def test_overview_and_type_charts(store) -> None:
    spec = overview_chart(event_series(store, freq="month")).to_dict()
    assert spec["title"] == "All events, monthly"
    rows = spec["data"]["values"]
    assert len(rows) == 4  # one row per QuadClass of the one month
    assert {r["class"]: r["events"] for r in rows}["verbal cooperation"] == 1
    types = json.dumps(event_type_chart({"AGREE": 2, "AID": 1, "ASSAULT": 0}).to_dict())
    assert '"type": "AGREE"' in types and "ASSAULT" not in types


def test_empty_inputs_are_clear_errors() -> None:
    with pytest.raises(AnalysisError, match="no events to chart"):
        dyad_chart(DyadSeries("IRN", "USA", False, "week", ()))
    with pytest.raises(AnalysisError, match="no events to chart"):
        event_type_chart({})


def test_saved_files_are_png_svg_and_self_contained_html(store, tmp_path: Path) -> None:
    chart = dyad_chart(dyad_series(store, "IRN", "USA", since=dt.date(2020, 1, 1)))
    png = save_chart(chart, tmp_path / "c.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    svg = save_chart(chart, tmp_path / "c.svg").read_text(encoding="utf-8")
    assert "<svg" in svg
    html = save_chart(chart, tmp_path / "c.out", "html").read_text(encoding="utf-8")
    assert "<html" in html.lower() and "vegaEmbed" in html
    assert 'src="http' not in html  # scripts inlined, no CDN


def test_network_chart_draws_every_dyad(store, tmp_path: Path) -> None:
    graph = actor_network(store)
    spec = json.dumps(network_chart(graph, layout(graph)).to_dict())
    assert '"pair": "IRN \\u2013 USA"' in spec or '"pair": "IRN – USA"' in spec
    assert save_chart(network_chart(graph, layout(graph)), tmp_path / "n.svg").exists()


def test_chart_format_comes_from_the_suffix_or_the_option(tmp_path: Path) -> None:
    assert chart_format(tmp_path / "a.PNG") == "png"
    assert chart_format(tmp_path / "a", "svg") == "svg"
    with pytest.raises(AnalysisError, match=".png, .svg or .html"):
        chart_format(tmp_path / "a.pdf")
