"""Escalation alerts: an injected escalation is found, a flat series raises none."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest
from analysis_events import event, store_with, weekly

from detente.alerts import DEESCALATION, ESCALATION, alert_frame, find_alerts, score_dyads
from detente.errors import AnalysisError
from detente.store import DyadCount, open_store

MONDAY = dt.date(2019, 6, 3)
AS_OF = MONDAY + dt.timedelta(weeks=30, days=-1)  # Sunday: window = weeks 26..29, baseline 0..25
WINDOW_WEEKS = range(26, 30)


def flat(actor: str = "IRN", recipient: str = "USA") -> list:
    """30 weeks of one consultation, one accusation and one aid a week."""
    return weekly(actor, recipient, MONDAY, 30, ["CONSULT", "ACCUSE", "AID"])


def assaults(actor: str, recipient: str, weeks, days=(2, 3, 4)) -> list:
    return [
        event(actor, recipient, (MONDAY + dt.timedelta(weeks=w, days=d)).isoformat(), "ASSAULT")
        for w in weeks
        for d in days
    ]


def test_a_flat_series_raises_no_alert(tmp_path: Path) -> None:
    events = flat() + flat("PAK", "RUS") + weekly("CHN", "IND", MONDAY, 30, ["ACCUSE"])
    with store_with(tmp_path / "s.duckdb", events) as store:
        assert find_alerts(store, as_of=AS_OF) == []
        assert find_alerts(store) == []  # as_of: the latest event


def test_an_injected_escalation_is_found_with_its_evidence(tmp_path: Path) -> None:
    events = flat() + flat("PAK", "RUS") + assaults("USA", "IRN", WINDOW_WEEKS)
    with store_with(tmp_path / "s.duckdb", events) as store:
        alerts = find_alerts(store, as_of=AS_OF, evidence=4)
    assert len(alerts) == 1
    alert = alerts[0]
    assert (alert.first, alert.second, alert.kind) == ("IRN", "USA", ESCALATION)
    assert (alert.window_start, alert.window_end) == (MONDAY + dt.timedelta(weeks=26), AS_OF)
    assert (alert.window_events, alert.window_conflict) == (12 + 12, 4 + 12)
    # 26 accusations in 181 days (the baseline starts at the first event, a Tuesday)
    assert alert.baseline_rate == pytest.approx(26 * 28 / 181, rel=1e-5)
    assert alert.p_value is not None and alert.p_value < 1e-3
    assert alert.score == pytest.approx(-math.log10(alert.p_value), rel=1e-4)
    assert alert.goldstein_window is not None and alert.goldstein_baseline is not None
    assert alert.goldstein_window < alert.goldstein_baseline
    assert [e.event.event for e in alert.evidence] == ["ASSAULT"] * 4  # most telling first
    assert all(alert.window_start <= dt.date.fromisoformat(e.event.date) for e in alert.evidence)


def test_conflict_stopping_and_cooperation_starting_is_de_escalation(tmp_path: Path) -> None:
    before = weekly("IND", "PAK", MONDAY, 26, ["ACCUSE", "THREATEN", "ASSAULT"])
    after = weekly("IND", "PAK", MONDAY + dt.timedelta(weeks=26), 4, ["CONSULT", "AGREE"])
    with store_with(tmp_path / "s.duckdb", before + after + flat()) as store:
        alerts = find_alerts(store, as_of=AS_OF)
    assert [(a.first, a.second, a.kind) for a in alerts] == [("IND", "PAK", DEESCALATION)]
    alert = alerts[0]
    assert alert.window_conflict == 0 and alert.baseline_rate == pytest.approx(
        78 * 28 / 181, rel=1e-5
    )
    assert alert.evidence[0].event.event == "AGREE"  # highest Goldstein first


def test_a_new_dyad_needs_enough_events_to_alert(tmp_path: Path) -> None:
    few = assaults("SYR", "TUR", [28], days=(1, 2))  # two events: below min_events
    with store_with(tmp_path / "s.duckdb", flat() + few) as store:
        assert find_alerts(store, as_of=AS_OF) == []
        assert find_alerts(store, as_of=AS_OF, min_events=2, min_window=2, alpha=0.05) != []


def test_score_dyads_is_the_conditional_binomial_test() -> None:
    recent = [DyadCount("A", "B", 6, 0, 0, 0, 6, -60.0, 600.0, None, None)]
    past = [DyadCount("A", "B", 2, 0, 0, 0, 2, -20.0, 200.0, None, None)]
    (scored,) = score_dyads(recent, past, window_days=28, baseline_days=182)
    p0 = 28 / 210
    expected = sum(math.comb(8, x) * p0**x * (1 - p0) ** (8 - x) for x in range(6, 9))
    # only the conflict rise could be tested: too few events for the others, no spread
    assert scored.tests == ("conflict",)
    assert (scored.kind, scored.reason) == (ESCALATION, "conflict")
    assert scored.p_value == pytest.approx(expected, rel=1e-9)
    assert scored.baseline_rate == pytest.approx(2 * 28 / 182)


def test_no_test_without_enough_data() -> None:
    recent = [DyadCount("A", "B", 1, 1, 0, 0, 0, 1.0, 1.0, None, None)]
    (scored,) = score_dyads(recent, [], window_days=28, baseline_days=182)
    assert scored.p_value is None and scored.tests == ()


def test_empty_store_is_an_error_and_no_history_is_no_alert(tmp_path: Path) -> None:
    with (
        open_store(tmp_path / "empty.duckdb") as store,
        pytest.raises(AnalysisError, match="no dated events"),
    ):
        find_alerts(store)
    only_recent = assaults("USA", "IRN", [29], days=(0, 1, 2, 3, 4, 5))
    with store_with(tmp_path / "s.duckdb", only_recent) as store:
        assert alert_frame(store, as_of=AS_OF) is None
        assert find_alerts(store, as_of=AS_OF) == []


def test_baseline_starts_no_earlier_than_the_store(tmp_path: Path) -> None:
    with store_with(tmp_path / "s.duckdb", flat()) as store:
        frame = alert_frame(store, as_of=AS_OF, baseline=dt.timedelta(weeks=100))
    assert frame is not None
    assert frame.baseline_start == MONDAY + dt.timedelta(days=1)  # the first event, a Tuesday
    assert frame.baseline_end == MONDAY + dt.timedelta(weeks=26, days=-1)
