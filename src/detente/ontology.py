"""The event ontology: PLOVER types, their QuadClass, and CAMEO codes with Goldstein weights.

`data/cameo.csv` (rebuilt by `scripts/build_ontology.py`) gives, for each CAMEO code,
the PLOVER type, mode and contexts of the OEDA CAMEO->PLOVER table and the Goldstein
weight GDELT publishes. QuadClass follows PLOVER's grouping of its types (as POLECAT
does), not the CAMEO root code: AGREE, CONSULT, SUPPORT, CONCEDE are verbal
cooperation; COOPERATE, AID, RETREAT material cooperation; REQUEST, ACCUSE, REJECT,
THREATEN verbal conflict; PROTEST, SANCTION, MOBILIZE, COERCE, ASSAULT material conflict.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib import resources

from detente.errors import ResourceError
from detente.records import QuadClass

PLOVER_TYPES: tuple[str, ...] = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)  # fmt: skip

_QUAD: dict[str, QuadClass] = {
    **dict.fromkeys(("AGREE", "CONSULT", "SUPPORT", "CONCEDE"), QuadClass.VERBAL_COOPERATION),
    **dict.fromkeys(("COOPERATE", "AID", "RETREAT"), QuadClass.MATERIAL_COOPERATION),
    **dict.fromkeys(("REQUEST", "ACCUSE", "REJECT", "THREATEN"), QuadClass.VERBAL_CONFLICT),
    **dict.fromkeys(
        ("PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"), QuadClass.MATERIAL_CONFLICT
    ),
}

# PLOVER 0.5 names (the gold-standard records) and their current names.
LEGACY_NAMES: dict[str, str] = {
    "DEMAND": "REQUEST",
    "DISAPPROVE": "ACCUSE",
    "INVESTIGATE": "ACCUSE",
    "FIGHT": "ASSAULT",
}


def quad_class(event: str) -> QuadClass:
    """The QuadClass of a PLOVER event type."""
    try:
        return _QUAD[event]
    except KeyError:
        raise ResourceError(f"unknown PLOVER event type {event!r}") from None


def plover_name(name: str) -> str:
    """Today's PLOVER name for a type name of any PLOVER version ("DEMAND" -> "REQUEST")."""
    upper = name.strip().upper()
    return LEGACY_NAMES.get(upper, upper)


@dataclass(frozen=True)
class CameoCode:
    """One CAMEO code with its PLOVER equivalent and Goldstein weight."""

    code: str
    event: str
    mode: str | None
    context: tuple[str, ...]
    goldstein: float


class Ontology:
    """CAMEO codes, looked up by code."""

    def __init__(self, *, codes: dict[str, CameoCode]) -> None:
        self._codes = codes

    @classmethod
    def load(cls) -> Ontology:
        text = resources.files("detente").joinpath("data/cameo.csv").read_text(encoding="utf-8")
        codes = {}
        for row in csv.DictReader(io.StringIO(text)):
            codes[row["cameo"]] = CameoCode(
                code=row["cameo"],
                event=row["event"],
                mode=row["mode"] or None,
                context=tuple(c for c in row["context"].split("|") if c),
                goldstein=float(row["goldstein"]),
            )
        if not codes:
            raise ResourceError("data/cameo.csv is empty: reinstall detente")
        return cls(codes=codes)

    def __contains__(self, code: str) -> bool:
        return code in self._codes

    def cameo(self, code: str) -> CameoCode:
        """The entry of a CAMEO code; unknown codes raise ResourceError."""
        try:
            return self._codes[code]
        except KeyError:
            raise ResourceError(f"unknown CAMEO code {code!r} in the trigger lexicon") from None

    def goldstein(self, code: str) -> float:
        return self.cameo(code).goldstein
