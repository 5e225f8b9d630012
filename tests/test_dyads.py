"""Dyad and event series and rankings on hand-made events: the aggregation arithmetic."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from analysis_events import event, store_with

from detente.dyads import (
    build_periods,
    dyad_series,
    event_series,
    next_period,
    normalise_code,
    period_events,
    period_grid,
    period_start,
    require_actor,
)
from detente.errors import AnalysisError
from detente.rankings import top_actors, top_dyads
from detente.records import Sector
from detente.store import EventQuery, PeriodCount

D = dt.date


@pytest.fixture
def store(tmp_path: Path):
    events = [
        # week of Monday 2020-01-06
        event("IRN", "USA", "2020-01-06", "ACCUSE"),  # -2
        event("USA", "IRN", "2020-01-08", "ASSAULT"),  # -10 (other direction)
        event("IRN", "USA", "2020-01-09", "CONSULT"),  # +1
        # week of 2020-01-13: nothing
        # week of 2020-01-20
        event("USA", "IRN", "2020-01-21", "AID"),  # +7
        # month precision: January 2020 (monthly series only); year precision: none
        event("IRN", "USA", "2020-01", "THREATEN"),  # -7
        event("IRN", "USA", "2020", "AGREE"),
        # undated: in no series
        event("IRN", "USA", None, "AGREE"),
        # other dyads
        event("PAK", "RUS", "2020-01-10", "CONSULT"),
        event("RUS", "PAK", "2020-01-11", "AGREE"),
        event("PAK", "PAK", "2020-01-12", "ASSAULT"),  # domestic
        event("UNO", "IRN", "2020-01-07", "CONSULT", actor_sector=Sector.IGO),
    ]
    with store_with(tmp_path / "s.duckdb", events) as s:
        yield s


def test_periods_start_on_monday_and_the_first_of_the_month() -> None:
    assert period_start(D(2020, 1, 9), "week") == D(2020, 1, 6)
    assert period_start(D(2020, 1, 9), "month") == D(2020, 1, 1)
    assert next_period(D(2020, 12, 1), "month") == D(2021, 1, 1)
    assert period_grid(D(2020, 1, 9), D(2020, 1, 21), "week") == [
        D(2020, 1, 6),
        D(2020, 1, 13),
        D(2020, 1, 20),
    ]


def test_weekly_dyad_series_counts_both_directions_with_empty_weeks_as_zeros(store) -> None:
    series = dyad_series(store, "IRN", "USA", freq="week")
    assert (series.first, series.second, series.directed, series.freq) == (
        "IRN",
        "USA",
        False,
        "week",
    )
    assert [p.start for p in series.periods] == [D(2020, 1, 6), D(2020, 1, 13), D(2020, 1, 20)]
    first, empty, last = series.periods
    assert (
        first.events,
        first.verbal_cooperation,
        first.verbal_conflict,
        first.material_conflict,
    ) == (
        3,
        1,
        1,
        1,
    )
    assert first.goldstein_sum == pytest.approx(-11.0)
    assert first.goldstein_mean == pytest.approx(-11.0 / 3)
    assert first.conflict_share == pytest.approx(2 / 3)
    assert (empty.events, empty.goldstein_sum, empty.goldstein_mean, empty.conflict_share) == (
        0,
        0.0,
        None,
        None,
    )
    assert (last.events, last.material_cooperation, last.goldstein_mean, last.conflict_share) == (
        1,
        1,
        7.0,
        0.0,
    )


def test_directed_series_keeps_one_direction(store) -> None:
    series = dyad_series(store, "IRN", "USA", freq="week", directed=True)
    assert [p.events for p in series.periods] == [2]  # the ACCUSE and the CONSULT
    assert series.periods[0].goldstein_sum == pytest.approx(-1.0)


def test_month_dated_events_count_in_monthly_series_only_and_year_dated_in_none(store) -> None:
    monthly = dyad_series(store, "IRN", "USA", freq="month")
    assert [(p.start, p.events) for p in monthly.periods] == [(D(2020, 1, 1), 5)]
    assert monthly.periods[0].verbal_conflict == 2  # ACCUSE + the month-dated THREATEN
    weekly = dyad_series(store, "IRN", "USA", freq="week")
    assert weekly.events == 4


def test_since_and_until_lay_the_grid_and_bound_the_events(store) -> None:
    series = dyad_series(store, "irn", "usa", freq="week", since=D(2020, 1, 8), until=D(2020, 2, 5))
    assert [p.start for p in series.periods] == [
        D(2020, 1, 6),
        D(2020, 1, 13),
        D(2020, 1, 20),
        D(2020, 1, 27),
        D(2020, 2, 3),
    ]
    # the event of 6 January is before `since`
    assert [p.events for p in series.periods] == [2, 0, 1, 0, 0]


def test_no_events_gives_an_empty_series_or_zeros_over_a_given_span(store) -> None:
    assert dyad_series(store, "IRN", "PAK").periods == ()
    zeros = dyad_series(store, "IRN", "PAK", freq="month", since=D(2020, 1, 1), until=D(2020, 3, 1))
    assert [p.events for p in zeros.periods] == [0, 0, 0]


def test_event_series_counts_each_event_of_an_actor_once(store) -> None:
    series = event_series(store, freq="month", actor="PAK")
    assert [p.events for p in series.periods] == [3]  # two with RUS and the domestic one
    everything = event_series(store, freq="month")
    assert everything.first is None and everything.periods[0].events == 9
    consults = event_series(store, freq="month", event_type="CONSULT")
    assert consults.periods[0].events == 3


def test_period_events_are_the_events_behind_the_figure(store) -> None:
    series = dyad_series(store, "IRN", "USA", freq="week")
    behind = period_events(store, "IRN", "USA", series.periods[0].start, "week")
    assert len(behind) == series.periods[0].events
    assert sorted(e.event.event for e in behind) == ["ACCUSE", "ASSAULT", "CONSULT"]


def test_build_periods_sums_classes_and_rejects_reversed_spans() -> None:
    counts = [PeriodCount(D(2020, 1, 1), 1, 2, 3.0), PeriodCount(D(2020, 1, 1), 4, 1, -10.0)]
    (period,) = build_periods(counts, "month")
    assert (period.events, period.goldstein_sum, period.goldstein_mean) == (
        3,
        -7.0,
        pytest.approx(-7 / 3),
    )
    assert period.conflict_share == pytest.approx(1 / 3)
    with pytest.raises(AnalysisError, match="swap"):
        build_periods(counts, "month", since=D(2020, 2, 1), until=D(2020, 1, 1))
    with pytest.raises(AnalysisError, match="day, week or month"):
        build_periods(counts, "year")


def test_unknown_or_malformed_actor_codes_are_clear_errors(store) -> None:
    assert require_actor(store, " irn ") == "IRN"
    with pytest.raises(AnalysisError, match="no event .* XYZ.*detente actors"):
        require_actor(store, "XYZ")
    with pytest.raises(AnalysisError, match="not an actor code"):
        normalise_code("I-R-N")


def test_top_actors_count_roles_and_events_once(store) -> None:
    actors = {a.code: a for a in top_actors(store, limit=10)}
    irn = actors["IRN"]
    assert (irn.events, irn.as_actor, irn.as_recipient) == (8, 5, 3)
    assert irn.name == "Iran"
    pak = actors["PAK"]  # the domestic event counts once, in both roles
    assert (pak.events, pak.as_actor, pak.as_recipient) == (3, 2, 2)
    assert pak.goldstein_mean == pytest.approx((1 + 8 - 10) / 3)
    assert actors["UNO"].name == "United Nations"
    assert top_actors(store, limit=1)[0].code == "IRN"


def test_top_dyads_merge_directions_and_leave_out_domestic_events(store) -> None:
    dyads = top_dyads(store)
    assert [(d.first, d.second, d.events) for d in dyads] == [
        ("IRN", "USA", 7),
        ("PAK", "RUS", 2),
        ("IRN", "UNO", 1),
    ]
    irn_usa = dyads[0]
    assert (irn_usa.cooperation, irn_usa.conflict) == (4, 3)
    assert irn_usa.last_date == D(2020, 1, 21)
    # a time range keeps only events whose whole date lies in it
    january = top_dyads(store, since=D(2020, 1, 8), until=D(2020, 1, 31))
    assert january[0].events == 3  # the ASSAULT, the CONSULT and the AID


def test_store_dyad_counts_directed_and_domestic(store) -> None:
    directed = store.dyad_counts(EventQuery(), directed=True, domestic=True)
    pairs = {(d.first, d.second): d.events for d in directed}
    assert pairs[("IRN", "USA")] == 5 and pairs[("USA", "IRN")] == 2
    assert pairs[("PAK", "PAK")] == 1
    assert store.event_type_counts(EventQuery(dyad=("IRN", "USA")))["AGREE"] == 2
