"""One real-world event, many mentions: the rule that says two coded events are the same.

Every event the coder finds in an article is a *mention*. Mentions whose *event key*
is equal are one real-world event in the store, with counts of mentions, articles and
sources (GDELT's NumMentions / NumArticles / NumSources). The key is built from the
fields a `DedupRule` names:

    actor       the actor's CAMEO code ("PAKGOV"); when the coder gave none, its text
    recipient   the recipient's code, or its text, or "none"
    event       the PLOVER type ("CONSULT")
    mode        the PLOVER mode ("phone"), or "none"
    cameo       the CAMEO code ("041")
    date        the event date as coded (day, month or year precision)
    month       the event date cut to its month: a coarser, one-a-month rule
    location    the location name and country
    article     the article: no merging across articles (mentions in one article only)

The default, `actor,recipient,event,mode,date`, is PETRARCH's one-a-day filter: the
same dyad doing the same kind of thing on the same day is one event, however many
outlets report it. An event with no date never merges with events of other articles
(its date part is its article id), so undated reports are not lumped together.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from detente.errors import StoreError
from detente.records import Actor, Event

DEDUP_FIELDS: tuple[str, ...] = (
    "actor",
    "recipient",
    "event",
    "mode",
    "cameo",
    "date",
    "month",
    "location",
    "article",
)
DEFAULT_DEDUP = "actor,recipient,event,mode,date"


@dataclass(frozen=True)
class DedupRule:
    """The fields whose values together identify one real-world event."""

    fields: tuple[str, ...] = ("actor", "recipient", "event", "mode", "date")

    def __post_init__(self) -> None:
        unknown = [f for f in self.fields if f not in DEDUP_FIELDS]
        if unknown or not self.fields:
            raise StoreError(
                f"unknown dedup field(s) {', '.join(unknown) or '(none given)'}: "
                f"use a comma-separated list of {', '.join(DEDUP_FIELDS)}"
            )

    @classmethod
    def parse(cls, spec: str) -> DedupRule:
        """Parse "actor,recipient,event,mode,date" (order and duplicates do not matter)."""
        names = sorted({part.strip().lower() for part in spec.split(",") if part.strip()})
        return cls(tuple(names))

    @property
    def spec(self) -> str:
        """The canonical text form, stored with the store so later ingests use the same rule."""
        return ",".join(sorted(set(self.fields)))


def _actor_part(actor: Actor | None) -> str:
    if actor is None:
        return "none"
    if actor.code:
        return actor.code
    return "text:" + " ".join(actor.text.casefold().split())


def _field_value(event: Event, name: str) -> str:
    if name == "actor":
        return _actor_part(event.actor)
    if name == "recipient":
        return _actor_part(event.recipient)
    if name == "event":
        return event.event
    if name == "mode":
        return event.mode or "none"
    if name == "cameo":
        return event.cameo
    if name in ("date", "month"):
        if not event.date:
            return f"undated:{event.doc_id}"
        return event.date if name == "date" else event.date[:7]
    if name == "location":
        loc = event.location
        return f"{loc.name}|{loc.country}" if loc else "none"
    return event.doc_id  # "article"


def event_key(event: Event, rule: DedupRule) -> str:
    """The id of the real-world event this mention reports, under `rule` (a hex digest)."""
    parts = [f"{name}={_field_value(event, name)}" for name in sorted(set(rule.fields))]
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=16).hexdigest()
