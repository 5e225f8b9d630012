"""Dyad time series: per period, events by QuadClass and Goldstein, between two actors.

`dyad_series(store, "IRN", "USA", freq="week")` answers "is Iran-USA tension rising?":
for every week from the dyad's first event to its last (or from `since` to `until`),
the events of each QuadClass, the summed and mean Goldstein score and the share of
conflict (QuadClass 3 and 4). Weeks without events are in the series as zeros, so a
chart's x axis is true time. `event_series` is the same over all events (optionally of
one actor or one event type).

The counting is done by the store in SQL (`EventStore.period_counts`); this module lays
the counts on the period grid. An event counts in a period when its whole date lies in
it: an event dated "2020-01-10" in any series, one dated "2020-01" (month precision) in
monthly series only, one dated "2020" or undated in none (it would pile up in January).
An actor code is a country ("PAK") or a CAMEO code prefix ("PAKGOV", "IGOUNO"), matched
as `EventQuery` does.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from detente.errors import AnalysisError
from detente.records import QuadClass
from detente.store import EventQuery, EventStore, PeriodCount, StoredEvent

logger = logging.getLogger(__name__)

FREQS = ("day", "week", "month")
_CODE = re.compile(r"^[A-Z0-9]{2,15}$")


@dataclass(frozen=True)
class PeriodStats:
    """The events of one period (of a dyad, an actor or the whole store)."""

    start: dt.date  # first day of the period (Monday for weeks, 1st for months)
    events: int
    verbal_cooperation: int
    material_cooperation: int
    verbal_conflict: int
    material_conflict: int
    goldstein_sum: float
    goldstein_mean: float | None  # None when the period has no events
    conflict_share: float | None  # conflict events / events; None when no events

    @property
    def cooperation(self) -> int:
        return self.verbal_cooperation + self.material_cooperation

    @property
    def conflict(self) -> int:
        return self.verbal_conflict + self.material_conflict

    def to_dict(self) -> dict[str, object]:
        return {
            "start": self.start.isoformat(),
            "events": self.events,
            "verbal_cooperation": self.verbal_cooperation,
            "material_cooperation": self.material_cooperation,
            "verbal_conflict": self.verbal_conflict,
            "material_conflict": self.material_conflict,
            "goldstein_sum": self.goldstein_sum,
            "goldstein_mean": self.goldstein_mean,
            "conflict_share": self.conflict_share,
        }


@dataclass(frozen=True)
class DyadSeries:
    """A time series of period statistics."""

    first: str | None  # None in an all-events series
    second: str | None
    directed: bool
    freq: str  # "day" | "week" | "month"
    periods: tuple[PeriodStats, ...]  # every period from the first to the last, empty ones as zeros

    @property
    def events(self) -> int:
        return sum(p.events for p in self.periods)

    def to_dict(self) -> dict[str, object]:
        return {
            "first": self.first,
            "second": self.second,
            "directed": self.directed,
            "freq": self.freq,
            "periods": [p.to_dict() for p in self.periods],
        }


# --------------------------------------------------------------------------- periods


def period_start(day: dt.date, freq: str) -> dt.date:
    """The first day of the period holding `day`: itself, its Monday, or the 1st."""
    check_freq(freq)
    if freq == "day":
        return day
    if freq == "week":
        return day - dt.timedelta(days=day.weekday())
    return day.replace(day=1)


def next_period(start: dt.date, freq: str) -> dt.date:
    """The first day of the period after the one starting on `start`."""
    if freq == "day":
        return start + dt.timedelta(days=1)
    if freq == "week":
        return start + dt.timedelta(days=7)
    return dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)


def period_end(start: dt.date, freq: str) -> dt.date:
    """The last day of the period starting on `start`."""
    return next_period(start, freq) - dt.timedelta(days=1)


def period_grid(first: dt.date, last: dt.date, freq: str) -> list[dt.date]:
    """Start days of every period from the one holding `first` to the one holding `last`."""
    start, stop = period_start(first, freq), period_start(last, freq)
    grid: list[dt.date] = []
    while start <= stop:
        grid.append(start)
        start = next_period(start, freq)
    return grid


def check_freq(freq: str) -> None:
    if freq not in FREQS:
        raise AnalysisError(f"unknown period {freq!r}: use day, week or month")


def normalise_code(code: str) -> str:
    """An actor code as the store matches it ("pak" -> "PAK"), or AnalysisError."""
    value = code.strip().upper()
    if not _CODE.match(value):
        raise AnalysisError(
            f"{code!r} is not an actor code: give a country (PAK), a CAMEO code (PAKGOV) "
            "or an IGO code (UNO)"
        )
    return value


def require_actor(store: EventStore, code: str) -> str:
    """`code` normalised, or AnalysisError when no stored event has it as actor or recipient."""
    value = normalise_code(code)
    if store.count_events(EventQuery(actor=value)) or store.count_events(
        EventQuery(recipient=value)
    ):
        return value
    raise AnalysisError(
        f"no event in store {store.location} has actor or recipient {value}: "
        "see `detente actors` for the codes it has"
    )


# --------------------------------------------------------------------------- series


def stats_from_counts(start: dt.date, counts: Iterable[PeriodCount]) -> PeriodStats:
    """The statistics of one period from its per-QuadClass counts."""
    by_class = {quad: 0 for quad in QuadClass}
    goldstein = 0.0
    for row in counts:
        by_class[QuadClass(row.quad_class)] += row.events
        goldstein += row.goldstein_sum
    events = sum(by_class.values())
    conflict = by_class[QuadClass.VERBAL_CONFLICT] + by_class[QuadClass.MATERIAL_CONFLICT]
    goldstein = round(goldstein, 6)
    return PeriodStats(
        start=start,
        events=events,
        verbal_cooperation=by_class[QuadClass.VERBAL_COOPERATION],
        material_cooperation=by_class[QuadClass.MATERIAL_COOPERATION],
        verbal_conflict=by_class[QuadClass.VERBAL_CONFLICT],
        material_conflict=by_class[QuadClass.MATERIAL_CONFLICT],
        goldstein_sum=goldstein,
        goldstein_mean=round(goldstein / events, 6) if events else None,
        conflict_share=round(conflict / events, 6) if events else None,
    )


def build_periods(
    counts: Sequence[PeriodCount],
    freq: str,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> tuple[PeriodStats, ...]:
    """Lay per-period counts on the full grid: from `since` (else the first count) to
    `until` (else the last count), empty periods as zeros. No counts and no bounds: ()."""
    check_freq(freq)
    by_period: dict[dt.date, list[PeriodCount]] = {}
    for row in counts:
        by_period.setdefault(row.start, []).append(row)
    first = since or (min(by_period) if by_period else None)
    last = until or (max(by_period) if by_period else None)
    if first is None or last is None:
        return ()
    if first > last:
        raise AnalysisError(
            f"the period starts ({first}) after it ends ({last}): swap --since and --until"
        )
    return tuple(
        stats_from_counts(start, by_period.get(start, ()))
        for start in period_grid(first, last, freq)
    )


def dyad_series(
    store: EventStore,
    first: str,
    second: str,
    *,
    freq: str = "week",
    since: dt.date | None = None,
    until: dt.date | None = None,
    directed: bool = False,
) -> DyadSeries:
    """Per period, the events between `first` and `second` (both directions unless
    `directed`: then `first` acting on `second`). No events: an empty series (or zeros
    over since..until when both are given)."""
    check_freq(freq)
    a, b = normalise_code(first), normalise_code(second)
    query = EventQuery(dyad=(a, b), directed=directed, since=since, until=until)
    counts = store.period_counts(query, freq)
    periods = (
        build_periods(counts, freq, since=since, until=until) if counts or (since and until) else ()
    )
    return DyadSeries(first=a, second=b, directed=directed, freq=freq, periods=periods)


def event_series(
    store: EventStore,
    *,
    freq: str = "week",
    since: dt.date | None = None,
    until: dt.date | None = None,
    actor: str | None = None,
    event_type: str | None = None,
) -> DyadSeries:
    """Per period, all events (of `actor` as actor or recipient, of `event_type`, when given).

    `first` is the actor (None for all events) and `second` None.
    """
    check_freq(freq)
    code = normalise_code(actor) if actor else None
    if code is None:
        counts = store.period_counts(
            EventQuery(event_type=event_type, since=since, until=until), freq
        )
    else:
        # as actor or as recipient, each event once: actor side + recipient side - both
        sides = [
            store.period_counts(
                EventQuery(actor=code, event_type=event_type, since=since, until=until), freq
            ),
            store.period_counts(
                EventQuery(recipient=code, event_type=event_type, since=since, until=until), freq
            ),
        ]
        both = store.period_counts(
            EventQuery(
                dyad=(code, code), directed=True, event_type=event_type, since=since, until=until
            ),
            freq,
        )
        counts = _combine(sides, subtract=both)
    periods = (
        build_periods(counts, freq, since=since, until=until) if counts or (since and until) else ()
    )
    return DyadSeries(first=code, second=None, directed=False, freq=freq, periods=periods)


def _combine(
    parts: Sequence[Sequence[PeriodCount]], *, subtract: Sequence[PeriodCount]
) -> list[PeriodCount]:
    totals: dict[tuple[dt.date, int], list[float]] = {}
    for part, sign in [*((p, 1) for p in parts), (subtract, -1)]:
        for row in part:
            cell = totals.setdefault((row.start, row.quad_class), [0, 0.0])
            cell[0] += sign * row.events
            cell[1] += sign * row.goldstein_sum
    return [
        PeriodCount(start, quad, int(n), total)
        for (start, quad), (n, total) in sorted(totals.items())
        if n > 0
    ]


def period_events(
    store: EventStore,
    first: str | None,
    second: str | None,
    start: dt.date,
    freq: str,
    *,
    directed: bool = False,
    evidence: bool = False,
) -> list[StoredEvent]:
    """The events behind one period of a series (those whose whole date lies in it)."""
    check_freq(freq)
    end = period_end(start, freq)
    if first and second:
        query = EventQuery(
            dyad=(first, second), directed=directed, since=start, until=end, evidence=evidence
        )
        found = store.events(query)
    elif first:
        seen: dict[str, StoredEvent] = {}
        for q in (
            EventQuery(actor=first, since=start, until=end, evidence=evidence),
            EventQuery(recipient=first, since=start, until=end, evidence=evidence),
        ):
            for item in store.events(q):
                seen.setdefault(item.event.event_id, item)
        found = list(seen.values())
    else:
        found = store.events(EventQuery(since=start, until=end, evidence=evidence))
    return [item for item in found if within(item, start, end)]


def date_span(value: str | None) -> tuple[dt.date, dt.date] | None:
    """First and last day of "YYYY-MM-DD", "YYYY-MM" or "YYYY"; None when undated or unreadable."""
    if not value:
        return None
    try:
        parts = [int(p) for p in value.split("-")]
        if len(parts) == 3:
            day = dt.date(*parts)
            return day, day
        if len(parts) == 2:
            first = dt.date(parts[0], parts[1], 1)
            return first, next_period(first, "month") - dt.timedelta(days=1)
        if len(parts) == 1:
            return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
    except ValueError:
        return None
    return None


def within(item: StoredEvent, start: dt.date, end: dt.date) -> bool:
    """Whether the whole date of the event lies in start..end (the analysis rule)."""
    span = date_span(item.event.date)
    return span is not None and start <= span[0] and span[1] <= end
