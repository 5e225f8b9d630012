"""Who is most active, and which pairs talk (or fight) most: actor and dyad rankings.

An actor key is the actor's country when it has one ("PAK", or "UNO" for the United
Nations), else its CAMEO actor code (a group without a country). Dyads pair two keys,
undirected (PAK-RUS and RUS-PAK are one dyad, named in alphabetical order); events within
one key (domestic politics) are not dyads. Events are counted by the store in SQL
(`EventStore.actor_counts`, `dyad_counts`); with `since`/`until`, an event counts when its
whole date lies in the range (one dated only "2018" is not in June 2018).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources

from detente.store import DyadCount, EventQuery, EventStore

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ActorActivity:
    """One actor key and the events it takes part in."""

    code: str
    name: str | None
    events: int  # as actor or recipient (an event where it is both counts once)
    as_actor: int
    as_recipient: int
    goldstein_mean: float | None

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "name": self.name,
            "events": self.events,
            "as_actor": self.as_actor,
            "as_recipient": self.as_recipient,
            "goldstein_mean": self.goldstein_mean,
        }


@dataclass(frozen=True)
class DyadActivity:
    """One undirected dyad and its events."""

    first: str
    second: str
    events: int
    cooperation: int  # QuadClass 1 and 2
    conflict: int  # QuadClass 3 and 4
    goldstein_mean: float | None
    last_date: dt.date | None  # first day of the latest dated event

    def to_dict(self) -> dict[str, object]:
        return {
            "first": self.first,
            "second": self.second,
            "events": self.events,
            "cooperation": self.cooperation,
            "conflict": self.conflict,
            "goldstein_mean": self.goldstein_mean,
            "last_date": self.last_date.isoformat() if self.last_date else None,
        }


def actor_names() -> dict[str, str]:
    """Country (ISO3 and CAMEO) and IGO codes to names, from the built-in knowledge base."""
    names: dict[str, str] = {}
    kb = resources.files("detente.data").joinpath("kb")
    for row in csv.DictReader(io.StringIO(kb.joinpath("states.csv").read_text(encoding="utf-8"))):
        names.setdefault(row["iso3"], row["name"])
        names.setdefault(row["cameo"], row["name"])
    for row in csv.DictReader(io.StringIO(kb.joinpath("igos.csv").read_text(encoding="utf-8"))):
        # several IGO bodies share a country code ("UNO"); the first row names the body
        names.setdefault(row["country"], row["name"])
        names.setdefault(row["code"], row["name"])
    return names


def top_actors(
    store: EventStore,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int = 20,
    names: Mapping[str, str] | None = None,
) -> list[ActorActivity]:
    """The `limit` actor keys taking part in most events, most first.

    `names` maps codes to display names (default: the built-in knowledge base's).
    """
    counts = store.actor_counts(EventQuery(since=since, until=until), limit=limit)
    names = actor_names() if names is None else names
    return [
        ActorActivity(
            code=c.code,
            name=names.get(c.code),
            events=c.events,
            as_actor=c.as_actor,
            as_recipient=c.as_recipient,
            goldstein_mean=round(c.goldstein_sum / c.events, 6) if c.events else None,
        )
        for c in counts
    ]


def dyad_activity(count: DyadCount) -> DyadActivity:
    """The ranking record of one store dyad count."""
    return DyadActivity(
        first=count.first,
        second=count.second,
        events=count.events,
        cooperation=count.verbal_cooperation + count.material_cooperation,
        conflict=count.verbal_conflict + count.material_conflict,
        goldstein_mean=round(count.goldstein_sum / count.events, 6) if count.events else None,
        last_date=count.last_date,
    )


def top_dyads(
    store: EventStore,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int = 20,
) -> list[DyadActivity]:
    """The `limit` undirected dyads with most events, most first (ties: by name)."""
    counts = store.dyad_counts(EventQuery(since=since, until=until), limit=limit)
    return [dyad_activity(c) for c in counts]
