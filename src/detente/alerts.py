"""Escalation and de-escalation alerts: dyads whose recent events break with their own past.

For every dyad (an undirected pair of actor keys, as in `detente.rankings`), the events of
a recent *window* (default the last 4 weeks up to `as_of`) are compared with those of the
*baseline* just before it (default the 26 weeks before the window). Three one-sided tests
are made in each direction:

1. **Conflict count** (QuadClass 3 and 4), a conditional test of two Poisson rates
   (Przyborowski and Wilenski 1940, the "C-test"). If the dyad's conflict events come at
   one constant rate, then, given the `k` conflict events of window and baseline together,
   the window's count is Binomial(k, w / (w + b)), `w` and `b` being the lengths of window
   and baseline in days. Escalation: P(X >= window count); de-escalation: P(X <= it).
2. **Cooperation count** (QuadClass 1 and 2), the same test the other way round:
   cooperation collapsing is escalation, cooperation rising is de-escalation.
3. **Mean Goldstein score**, Welch's t-test of the window's mean against the baseline's
   (one-sided: lower is escalation, higher is de-escalation).

A test is made only on enough data: the count tests need at least `min_events` events of
that kind in window and baseline together, and at least `min_window` of them either in the
window (a rise) or expected in it from the baseline rate (a fall: a drop from 0.3 expected
events to none is not news); the Goldstein test needs `min_window` events on each side and
some spread in the scores. A direction's p-value is the smallest p-value of its tests
times the number of tests made (Bonferroni), at most 1; a dyad is reported in the
direction with the smaller p-value when that is at most `alpha` (default 0.01). Alerts
are ranked by `score = -log10(p_value)`. These are per-dyad p-values: over many dyads of a
store whose rates do not change, about `alpha` of the tested dyads alert by chance.

An event counts in the window or the baseline when its whole date lies in it (an event
dated only by its month counts when the month is inside). `as_of` defaults to the latest
day-dated event in the store (event data is usually
historical; today would show nothing). If the store's first dated event is later than
the baseline's start, the baseline is shortened to begin there.

Counting is done by the store in SQL (`EventStore.dyad_counts`, one query for the window
and one for the baseline); the tests are vectorised with numpy and scipy, so the cost is
one pass over the dyads whatever the number of events.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass

from detente.dyads import within
from detente.errors import AnalysisError
from detente.store import DyadCount, EventQuery, EventStore, StoredEvent

logger = logging.getLogger(__name__)

ESCALATION = "escalation"
DEESCALATION = "de-escalation"
_MAX_SCORE = 300.0  # -log10 of a p-value that underflows to 0


@dataclass(frozen=True)
class Alert:
    """One dyad whose window differs significantly from its baseline."""

    first: str
    second: str
    kind: str  # "escalation" | "de-escalation"
    score: float  # -log10(p_value): the ranking statistic
    p_value: float | None  # Bonferroni-adjusted over the tests made (see module docstring)
    window_start: dt.date
    window_end: dt.date
    window_events: int
    window_conflict: int
    baseline_rate: float  # expected conflict events per window from the baseline
    goldstein_window: float | None
    goldstein_baseline: float | None
    evidence: tuple[StoredEvent, ...]  # the events behind it, most telling first
    tests: tuple[str, ...] = ()  # the tests that were made, e.g. ("conflict", "goldstein")
    reason: str = ""  # the test with the smallest p-value: "conflict", "cooperation", "goldstein"
    baseline_start: dt.date | None = None
    baseline_events: int = 0
    baseline_conflict: int = 0

    def to_dict(self) -> dict[str, object]:
        return {
            "first": self.first,
            "second": self.second,
            "kind": self.kind,
            "score": self.score,
            "p_value": self.p_value,
            "reason": self.reason,
            "tests": list(self.tests),
            "window_start": self.window_start.isoformat(),
            "window_end": self.window_end.isoformat(),
            "window_events": self.window_events,
            "window_conflict": self.window_conflict,
            "baseline_start": self.baseline_start.isoformat() if self.baseline_start else None,
            "baseline_events": self.baseline_events,
            "baseline_conflict": self.baseline_conflict,
            "baseline_rate": self.baseline_rate,
            "goldstein_window": self.goldstein_window,
            "goldstein_baseline": self.goldstein_baseline,
            "evidence": [item.to_dict() for item in self.evidence],
        }


@dataclass(frozen=True)
class AlertFrame:
    """The window and baseline an alert run compares."""

    as_of: dt.date
    window_start: dt.date
    window_end: dt.date
    baseline_start: dt.date
    baseline_end: dt.date

    @property
    def window_days(self) -> int:
        return (self.window_end - self.window_start).days + 1

    @property
    def baseline_days(self) -> int:
        return (self.baseline_end - self.baseline_start).days + 1


def alert_frame(
    store: EventStore,
    *,
    window: dt.timedelta = dt.timedelta(weeks=4),
    baseline: dt.timedelta = dt.timedelta(weeks=26),
    as_of: dt.date | None = None,
) -> AlertFrame | None:
    """The window and baseline for `find_alerts`; None when there is no baseline to
    compare with (no dated event before the window). AnalysisError for an empty store or
    windows shorter than a day."""
    if window.days < 1 or baseline.days < 1:
        raise AnalysisError("the window and the baseline must each be at least one day long")
    days = store.period_counts(EventQuery(until=as_of), "day")
    if not days:
        if as_of is None:
            raise AnalysisError(
                f"store {store.location} has no dated events: run `detente ingest` first"
            )
        raise AnalysisError(f"store {store.location} has no dated events on or before {as_of}")
    end = as_of or days[-1].start
    window_start = end - dt.timedelta(days=window.days - 1)
    baseline_end = window_start - dt.timedelta(days=1)
    baseline_start = max(baseline_end - dt.timedelta(days=baseline.days - 1), days[0].start)
    if baseline_start > baseline_end:
        logger.info("no dated event before %s: no baseline to compare with", window_start)
        return None
    return AlertFrame(end, window_start, end, baseline_start, baseline_end)


def find_alerts(
    store: EventStore,
    *,
    window: dt.timedelta = dt.timedelta(weeks=4),
    baseline: dt.timedelta = dt.timedelta(weeks=26),
    as_of: dt.date | None = None,
    evidence: int = 5,
    alpha: float = 0.01,
    min_events: int = 5,
    min_window: int = 3,
    domestic: bool = False,
) -> list[Alert]:
    """Dyads whose window escalated or de-escalated against their baseline, best first.

    See the module docstring for the tests. `evidence` events per alert (0: none), most
    telling first: lowest Goldstein first for escalation, highest for de-escalation.
    """
    frame = alert_frame(store, window=window, baseline=baseline, as_of=as_of)
    if frame is None:
        return []
    recent = store.dyad_counts(
        EventQuery(since=frame.window_start, until=frame.window_end), domestic=domestic
    )
    past = store.dyad_counts(
        EventQuery(since=frame.baseline_start, until=frame.baseline_end), domestic=domestic
    )
    scored = score_dyads(
        recent,
        past,
        window_days=frame.window_days,
        baseline_days=frame.baseline_days,
        min_events=min_events,
        min_window=min_window,
    )
    alerts = []
    for item in scored:
        if item.p_value is None or item.p_value > alpha:
            continue
        found = _evidence(store, item, frame, evidence) if evidence > 0 else ()
        alerts.append(
            Alert(
                first=item.first,
                second=item.second,
                kind=item.kind,
                score=item.score,
                p_value=item.p_value,
                window_start=frame.window_start,
                window_end=frame.window_end,
                window_events=item.window_events,
                window_conflict=item.window_conflict,
                baseline_rate=item.baseline_rate,
                goldstein_window=item.goldstein_window,
                goldstein_baseline=item.goldstein_baseline,
                evidence=found,
                tests=item.tests,
                reason=item.reason,
                baseline_start=frame.baseline_start,
                baseline_events=item.baseline_events,
                baseline_conflict=item.baseline_conflict,
            )
        )
    alerts.sort(key=lambda a: (-a.score, a.first, a.second))
    return alerts


@dataclass(frozen=True)
class DyadScore:
    """The tests of one dyad (see `score_dyads`); `p_value` None when no test could be made."""

    first: str
    second: str
    kind: str
    score: float
    p_value: float | None
    reason: str
    tests: tuple[str, ...]
    window_events: int
    window_conflict: int
    baseline_events: int
    baseline_conflict: int
    baseline_rate: float
    goldstein_window: float | None
    goldstein_baseline: float | None


def score_dyads(
    recent: Sequence[DyadCount],
    past: Sequence[DyadCount],
    *,
    window_days: int,
    baseline_days: int,
    min_events: int = 5,
    min_window: int = 3,
) -> list[DyadScore]:
    """Test every dyad of `recent` or `past` (window and baseline counts); see the module
    docstring. Pure: counts in, scores out, one entry per dyad in name order."""
    import numpy as np
    from scipy import stats

    empty = DyadCount("", "", 0, 0, 0, 0, 0, 0.0, 0.0, None, None)
    now = {(c.first, c.second): c for c in recent}
    before = {(c.first, c.second): c for c in past}
    keys = sorted(set(now) | set(before))
    if not keys:
        return []
    w_rows = [now.get(k, empty) for k in keys]
    b_rows = [before.get(k, empty) for k in keys]
    p0 = window_days / (window_days + baseline_days)
    ratio = window_days / baseline_days

    def column(rows: list[DyadCount], name: str) -> np.ndarray:
        return np.array([float(getattr(r, name)) for r in rows])

    n_w, n_b = column(w_rows, "events"), column(b_rows, "events")
    conf_w = column(w_rows, "verbal_conflict") + column(w_rows, "material_conflict")
    conf_b = column(b_rows, "verbal_conflict") + column(b_rows, "material_conflict")
    coop_w, coop_b = n_w - conf_w, n_b - conf_b

    def rate_tests(x_w: np.ndarray, x_b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(P(rise), P(fall)) of the conditional binomial test; nan where not made."""
        k = x_w + x_b
        up = stats.binom.sf(x_w - 1, k, p0)
        down = stats.binom.cdf(x_w, k, p0)
        enough = k >= min_events
        up = np.where(enough & (x_w >= min_window), up, np.nan)
        down = np.where(enough & (x_b * ratio >= min_window), down, np.nan)
        return up, down

    conf_up, conf_down = rate_tests(conf_w, conf_b)
    coop_up, coop_down = rate_tests(coop_w, coop_b)

    sum_w, sum_b = column(w_rows, "goldstein_sum"), column(b_rows, "goldstein_sum")
    sq_w, sq_b = column(w_rows, "goldstein_sumsq"), column(b_rows, "goldstein_sumsq")
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_w, mean_b = sum_w / n_w, sum_b / n_b
        var_w = np.maximum(sq_w - n_w * mean_w**2, 0.0) / (n_w - 1)
        var_b = np.maximum(sq_b - n_b * mean_b**2, 0.0) / (n_b - 1)
        se2 = var_w / n_w + var_b / n_b
        t = (mean_w - mean_b) / np.sqrt(se2)
        df = se2**2 / ((var_w / n_w) ** 2 / (n_w - 1) + (var_b / n_b) ** 2 / (n_b - 1))
    valid = (n_w >= max(min_window, 2)) & (n_b >= max(min_window, 2)) & (se2 > 1e-12)
    gold_down = np.where(
        valid, stats.t.cdf(np.where(valid, t, 0.0), np.where(valid, df, 1.0)), np.nan
    )
    gold_up = np.where(valid, stats.t.sf(np.where(valid, t, 0.0), np.where(valid, df, 1.0)), np.nan)

    names = ("conflict", "cooperation", "goldstein")
    escalation = np.vstack([conf_up, coop_down, gold_down])
    deescalation = np.vstack([conf_down, coop_up, gold_up])

    out: list[DyadScore] = []
    for i, (first, second) in enumerate(keys):
        best: tuple[float, str, str, tuple[str, ...]] | None = None
        made = tuple(
            n
            for j, n in enumerate(names)
            if not math.isnan(escalation[j, i]) or not math.isnan(deescalation[j, i])
        )
        for kind, table in ((ESCALATION, escalation), (DEESCALATION, deescalation)):
            ps = [(float(table[j, i]), names[j]) for j in range(3) if not math.isnan(table[j, i])]
            if not ps:
                continue
            p, reason = min(ps)
            adjusted = min(1.0, p * len(ps))
            if best is None or adjusted < best[0]:
                best = (adjusted, kind, reason, tuple(n for _, n in ps))
        nw, nb = int(n_w[i]), int(n_b[i])
        common = {
            "first": first,
            "second": second,
            "window_events": nw,
            "window_conflict": int(conf_w[i]),
            "baseline_events": nb,
            "baseline_conflict": int(conf_b[i]),
            "baseline_rate": round(float(conf_b[i]) * ratio, 6),
            "goldstein_window": round(float(mean_w[i]), 6) if nw else None,
            "goldstein_baseline": round(float(mean_b[i]), 6) if nb else None,
        }
        if best is None:
            out.append(DyadScore(kind="", score=0.0, p_value=None, reason="", tests=made, **common))
            continue
        p, kind, reason, _ = best
        score = _MAX_SCORE if p <= 0 else round(-math.log10(p), 6)
        out.append(
            DyadScore(kind=kind, score=score, p_value=p, reason=reason, tests=made, **common)
        )
    return out


def _evidence(
    store: EventStore, item: DyadScore, frame: AlertFrame, limit: int
) -> tuple[StoredEvent, ...]:
    found = store.events(
        EventQuery(dyad=(item.first, item.second), since=frame.window_start, until=frame.window_end)
    )
    inside = [e for e in found if within(e, frame.window_start, frame.window_end)]  # type: ignore[operator]
    sign = 1.0 if item.kind == ESCALATION else -1.0
    inside.sort(
        key=lambda e: (
            sign * e.event.goldstein,
            -e.num_mentions,
            e.event.date or "",
            e.event.event_id,
        )
    )
    return tuple(inside[:limit])
