"""The records detente passes between stages and writes out.

All records are frozen dataclasses; enumerations are `Enum`s. `Event.to_dict()` gives
exactly the JSON object described in EVENT_SCHEMA.md (one line of `detente code`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum, IntEnum
from typing import Any


class Precision(str, Enum):
    """How precise a resolved date is."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"


class QuadClass(IntEnum):
    """The four-way cooperation/conflict class used by GDELT and ICEWS."""

    VERBAL_COOPERATION = 1
    MATERIAL_COOPERATION = 2
    VERBAL_CONFLICT = 3
    MATERIAL_CONFLICT = 4


class Sector(str, Enum):
    """PLOVER/CAMEO actor sectors (the agent part of a CAMEO code)."""

    GOV = "GOV"  # government, ministers, heads of state
    MIL = "MIL"  # armed forces
    COP = "COP"  # police
    JUD = "JUD"  # courts, judges, prosecutors
    LEG = "LEG"  # parliament, legislators
    PTY = "PTY"  # political parties, politicians out of government
    OPP = "OPP"  # opposition
    REB = "REB"  # rebels, insurgents, militants
    IMG = "IMG"  # international militant group
    CVL = "CVL"  # civilians, citizens, protesters
    BUS = "BUS"  # business
    MED = "MED"  # media
    NGO = "NGO"  # non-governmental organisations
    IGO = "IGO"  # inter-governmental organisations
    EDU = "EDU"  # education
    REL = "REL"  # religion
    HLH = "HLH"  # health
    LAB = "LAB"  # labour
    REF = "REF"  # refugees
    SPY = "SPY"  # intelligence services
    ELI = "ELI"  # elites


@dataclass(frozen=True)
class Article:
    """One input document."""

    doc_id: str
    text: str
    published: dt.date | None = None
    title: str | None = None
    source: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Actor:
    """Who acts, or to whom it is done."""

    text: str
    name: str | None
    country: str | None
    sector: Sector | None
    code: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "name": self.name,
            "country": self.country,
            "sector": self.sector.value if self.sector else None,
            "code": self.code,
        }


@dataclass(frozen=True)
class ResolvedDate:
    """A date phrase resolved against the publication date."""

    value: str  # YYYY-MM-DD, YYYY-MM or YYYY
    precision: Precision
    text: str | None = None  # the phrase it came from; None when it is the publication date


@dataclass(frozen=True)
class Location:
    """Where an event took place."""

    name: str
    country: str | None
    lat: float | None
    lon: float | None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "country": self.country, "lat": self.lat, "lon": self.lon}


@dataclass(frozen=True)
class Trigger:
    """The words that express an event, with character offsets into the document."""

    text: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class Event:
    """One coded event: the output record of detente."""

    event_id: str
    doc_id: str
    event: str
    mode: str | None
    context: tuple[str, ...]
    cameo: str
    goldstein: float
    quad_class: QuadClass
    actor: Actor
    recipient: Actor | None
    date: str | None
    date_precision: Precision | None
    location: Location | None
    sentence_index: int
    sentence: str
    trigger: Trigger
    confidence: float
    coder_version: str
    extra: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "doc_id": self.doc_id,
            "event": self.event,
            "mode": self.mode,
            "context": list(self.context),
            "cameo": self.cameo,
            "goldstein": self.goldstein,
            "quad_class": int(self.quad_class),
            "actor": self.actor.to_dict(),
            "recipient": self.recipient.to_dict() if self.recipient else None,
            "date": self.date,
            "date_precision": self.date_precision.value if self.date_precision else None,
            "location": self.location.to_dict() if self.location else None,
            "sentence_index": self.sentence_index,
            "sentence": self.sentence,
            "trigger": self.trigger.to_dict(),
            "confidence": self.confidence,
            "coder_version": self.coder_version,
        }
