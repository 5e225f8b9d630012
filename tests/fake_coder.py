"""A tiny stand-in for detente.coder.Coder, for store and ingest tests.

It codes sentences of the form "PAK called RUS on 2020-01-10." (three-letter country
codes; verbs: called -> CONSULT phone, attacked -> ASSAULT, aided -> AID). Text
containing "RAISE-ERROR" makes it raise, to test coder failures.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from detente.errors import InputError
from detente.records import (
    Actor,
    Article,
    Event,
    Precision,
    QuadClass,
    Sector,
    Trigger,
)

VERBS = {
    "called": ("CONSULT", "phone", "041", 1.0, QuadClass.VERBAL_COOPERATION),
    "attacked": ("ASSAULT", None, "190", -10.0, QuadClass.MATERIAL_CONFLICT),
    "aided": ("AID", "economic", "070", 7.0, QuadClass.MATERIAL_COOPERATION),
}
PATTERN = re.compile(r"\b([A-Z]{3}) (called|attacked|aided) ([A-Z]{3})(?: on (\d{4}-\d{2}-\d{2}))?")
VERSION = "fake 1.0"


def actor(country: str, text: str | None = None) -> Actor:
    return Actor(
        text=text or country, name=country, country=country, sector=Sector.GOV, code=f"{country}GOV"
    )


def make_event(
    doc_id: str,
    actor_country: str,
    recipient_country: str | None,
    *,
    event: str = "CONSULT",
    mode: str | None = "phone",
    cameo: str = "041",
    date: str | None = "2020-01-10",
    sentence_index: int = 0,
    sentence: str = "PAK called RUS.",
    confidence: float = 0.9,
    start: int = 0,
) -> Event:
    event_id = hashlib.sha1(f"{doc_id}|{sentence_index}|{start}|{event}".encode()).hexdigest()[:16]
    return Event(
        event_id=event_id,
        doc_id=doc_id,
        event=event,
        mode=mode,
        context=("diplomatic",),
        cameo=cameo,
        goldstein=1.0,
        quad_class=QuadClass.VERBAL_COOPERATION,
        actor=actor(actor_country),
        recipient=actor(recipient_country) if recipient_country else None,
        date=date,
        date_precision=Precision.DAY if date else None,
        location=None,
        sentence_index=sentence_index,
        sentence=sentence,
        trigger=Trigger("called", start, start + 6),
        confidence=confidence,
        coder_version=VERSION,
    )


class FakeCoder:
    version = VERSION

    def code_article(self, article: Article) -> list[Event]:
        if "RAISE-ERROR" in article.text:
            raise InputError(f"{article.doc_id}: the fake coder refuses this text")
        events = []
        sentences = [s for s in re.split(r"(?<=\.)\s+", article.text) if s.strip()]
        offset = 0
        for index, sentence in enumerate(sentences):
            offset = article.text.find(sentence, offset)
            for match in PATTERN.finditer(sentence):
                kind, mode, cameo, goldstein, quad = VERBS[match.group(2)]
                date = match.group(4) or (
                    article.published.isoformat() if article.published else None
                )
                start = offset + match.start(2)
                event_id = hashlib.sha1(f"{article.text}|{start}|{kind}".encode()).hexdigest()[:16]
                events.append(
                    Event(
                        event_id=event_id,
                        doc_id=article.doc_id,
                        event=kind,
                        mode=mode,
                        context=(),
                        cameo=cameo,
                        goldstein=goldstein,
                        quad_class=quad,
                        actor=actor(match.group(1)),
                        recipient=actor(match.group(3)),
                        date=date,
                        date_precision=Precision.DAY if date else None,
                        location=None,
                        sentence_index=index,
                        sentence=sentence,
                        trigger=Trigger(match.group(2), start, start + len(match.group(2))),
                        confidence=0.5 + 0.01 * (index % 10),
                        coder_version=VERSION,
                    )
                )
        return events


@dataclass(frozen=True)
class FakeCoderFactory:
    """Picklable, hashable factory, as ingest wants one."""

    def __call__(self) -> FakeCoder:
        return FakeCoder()


def dump_store(path: object) -> dict[str, list[tuple]]:
    """The content of a store, without ingest times, in a stable order (to compare runs)."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        out = {
            "articles": con.execute(
                "SELECT * EXCLUDE (ingested_at) FROM articles ORDER BY doc_id"
            ).fetchall(),
            "events": con.execute("SELECT * FROM events ORDER BY event_id").fetchall(),
            "mentions": con.execute(
                "SELECT * FROM mentions ORDER BY doc_id, mention_id"
            ).fetchall(),
        }
    finally:
        con.close()
    return out
