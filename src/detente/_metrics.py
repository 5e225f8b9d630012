"""Pure scoring functions behind `detente evaluate`.

Nothing here reads files or runs a coder: each function takes labels, codes or dates
and returns numbers, so every figure `detente evaluate` prints can be checked by hand.

Conventions (stated once, used everywhere):
- A ratio whose denominator is zero is 0.0 (a class never predicted has precision 0.0),
  never NaN, so reports stay JSON-serialisable; the denominators are reported beside it.
- Macro averages run over the classes that occur in the gold data or in the
  predictions; a class absent from both has no defined F1 and is left out.
- Countries compare on a "country key": ISO alpha-3 for states, "IGO" for any
  international organisation, "NGO" for non-governmental organisations.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Protocol

NONE = "NONE"

PLOVER_TYPES: tuple[str, ...] = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)

# PLOVER 0.5 (the gold-standard records of 2016) -> the PLOVER types POLECAT uses.
PLOVER_05_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "DEMAND": "REQUEST",
        "DISAPPROVE": "ACCUSE",
        "INVESTIGATE": "ACCUSE",
        "FIGHT": "ASSAULT",
    }
)

# Country codes of international organisations that are three letters long and so
# cannot be told from ISO 3166 codes by their shape (CAMEO-style and common forms).
# Any country value that is not three letters (EU, NATO, ASEAN, OPEC...) is an IGO too:
# EVENT_SCHEMA.md allows only ISO alpha-3 codes or organisation codes there.
IGO_CODES: frozenset[str] = frozenset(
    {
        "IGO", "UNO", "ARL", "ASN", "OAS", "OAU", "AFU", "OPC", "WTO", "IMF", "WBK",
        "ICC", "ICJ", "SCO", "GCC", "CIS", "WHO", "EEC", "EUR", "OIC", "COE", "CSTO",
        "WFP", "ADB", "AMU", "APEC", "BIS", "ECOWAS", "SADC", "SAARC", "UNHCR",
        # international NGOs: the PLOVER gold codes Amnesty and the Red Cross as IGO
        "AMN", "HRW", "MSF", "IRC",
    }
)  # fmt: skip

# Non-ISO codes that occur in CAMEO-coded gold data, mapped to their ISO 3166 code.
LEGACY_COUNTRY_CODES: Mapping[str, str] = MappingProxyType(
    {"JAP": "JPN", "ITL": "ITA", "ROM": "ROU", "ZAR": "COD", "TMP": "TLS", "UK": "GBR"}
)

_PRECISION_LENGTH = {"year": 4, "month": 7, "day": 10}


class ActorLike(Protocol):
    """What the country key needs from an actor (detente.records.Actor fits)."""

    @property
    def country(self) -> str | None: ...

    @property
    def sector(self) -> Any: ...

    @property
    def code(self) -> str | None: ...


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F1 with the counts they come from."""

    precision: float
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int


def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator, or 0.0 when the denominator is zero."""
    return numerator / denominator if denominator else 0.0


def precision_recall_f1(tp: int, fp: int, fn: int) -> Scores:
    """Precision, recall and their harmonic mean from true/false positive/negative counts."""
    precision = ratio(tp, tp + fp)
    recall = ratio(tp, tp + fn)
    f1 = ratio(2 * precision * recall, precision + recall)
    return Scores(precision=precision, recall=recall, f1=f1, tp=tp, fp=fp, fn=fn)


def plover_type(name: str) -> str:
    """A gold event-type name in current PLOVER: upper case, PLOVER 0.5 names mapped."""
    upper = name.strip().upper()
    return PLOVER_05_NAMES.get(upper, upper)


def is_igo(country: str) -> bool:
    """Whether a country value names an international organisation rather than a state."""
    upper = country.strip().upper()
    return upper in IGO_CODES or upper.startswith("IGO") or len(upper) != 3


def gold_country_key(code: str | None) -> str | None:
    """The country key of a gold actor code: "USAGOV" -> "USA", "IGOUNO" -> "IGO".

    Empty codes and the "***" placeholder mean "no gold value" (None).
    """
    if code is None:
        return None
    upper = code.strip().upper()
    if not upper or set(upper) <= {"*", "-"}:
        return None
    if upper in IGO_CODES or upper.startswith("IGO"):
        return "IGO"
    if upper.startswith("NGO"):
        return "NGO"
    if upper in LEGACY_COUNTRY_CODES:
        return LEGACY_COUNTRY_CODES[upper]
    if len(upper) < 6 and len(upper) != 3:
        return "IGO"  # a bare organisation code such as "NATO" or "EU"
    head = upper[:3]  # a country + sector code such as "USAGOV"
    if head in IGO_CODES:
        return "IGO"
    return LEGACY_COUNTRY_CODES.get(head, head)


def country_key(country: str | None) -> str | None:
    """The country key of a predicted or annotated country value: "UNO" -> "IGO"."""
    if country is None or not country.strip():
        return None
    upper = country.strip().upper()
    if upper in LEGACY_COUNTRY_CODES:
        return LEGACY_COUNTRY_CODES[upper]
    return "IGO" if is_igo(upper) else upper


def actor_country_key(actor: ActorLike | None) -> str | None:
    """The country key of a predicted actor, falling back to its sector and code."""
    if actor is None:
        return None
    if actor.country:
        return country_key(actor.country)
    sector = getattr(actor.sector, "value", actor.sector)
    code = (actor.code or "").upper()
    if sector == "IGO" or code.startswith("IGO"):
        return "IGO"
    if sector == "NGO" or code.startswith("NGO"):
        return "NGO"
    return None


def class_scores(
    pairs: Iterable[tuple[str, str]], labels: Sequence[str]
) -> dict[str, dict[str, float]]:
    """Per-class precision, recall, F1 and support from (gold, predicted) label pairs.

    Only the classes in `labels` are scored; other labels (such as NONE) still count as
    wrong predictions for the gold class and add nothing to any class's true positives.
    """
    tp: Counter[str] = Counter()
    gold_n: Counter[str] = Counter()
    pred_n: Counter[str] = Counter()
    for gold, predicted in pairs:
        gold_n[gold] += 1
        pred_n[predicted] += 1
        if gold == predicted:
            tp[gold] += 1
    out: dict[str, dict[str, float]] = {}
    for label in labels:
        scores = precision_recall_f1(
            tp[label], pred_n[label] - tp[label], gold_n[label] - tp[label]
        )
        out[label] = {
            "precision": scores.precision,
            "recall": scores.recall,
            "f1": scores.f1,
            "support": float(gold_n[label]),
            "predicted": float(pred_n[label]),
        }
    return out


def macro_f1(per_class: Mapping[str, Mapping[str, float]]) -> float:
    """Mean F1 over the classes that occur in the gold data or in the predictions."""
    scored = [s["f1"] for s in per_class.values() if s["support"] > 0 or s["predicted"] > 0]
    return ratio(sum(scored), len(scored))


def confusion_counts(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """How often each (gold, predicted) pair occurs."""
    return dict(Counter(pairs))


def typed_scores(pairs: Iterable[tuple[str, str]], none: str = NONE) -> Scores:
    """Event scores on a set where most items have no event (gold or predicted `none`).

    TP: predicted type equals the gold type (not `none`). FP: any other predicted event,
    including false alarms on `none` items. FN: a gold event not matched.
    """
    tp = fp = fn = 0
    for gold, predicted in pairs:
        hit = predicted == gold and gold != none
        tp += hit
        fp += predicted != none and not hit
        fn += gold != none and not hit
    return precision_recall_f1(tp, fp, fn)


def date_precision_of(value: str) -> str:
    """The precision of a date written YYYY-MM-DD, YYYY-MM or YYYY: day, month or year."""
    length = len(value.strip())
    if length >= 10:
        return "day"
    if length >= 7:
        return "month"
    return "year"


def dates_agree(gold: str | None, predicted: str | None) -> bool:
    """Whether two dates agree at the coarser of their two precisions.

    A gold date of None accepts any prediction; a missing prediction never agrees with
    a gold date.
    """
    if gold is None or not gold.strip():
        return True
    if predicted is None or not predicted.strip():
        return False
    gold, predicted = gold.strip(), predicted.strip()
    length = min(
        _PRECISION_LENGTH[date_precision_of(gold)], _PRECISION_LENGTH[date_precision_of(predicted)]
    )
    return gold[:length] == predicted[:length]


def wilson_interval(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval of a proportion (95% by default).

    Small dev sets make every rate uncertain; this interval stays inside 0..1 and is
    sensible at 0 and n successes. With n == 0 nothing is known: (0.0, 1.0).
    """
    if n <= 0:
        return (0.0, 1.0)
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * (p * (1 - p) / n + z2 / (4 * n * n)) ** 0.5 / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def maximum_matching(adjacency: Sequence[Sequence[int]]) -> dict[int, int]:
    """A maximum one-to-one matching of a bipartite graph, as {left: right}.

    `adjacency[i]` lists the right-hand vertices (any non-negative ints) that left vertex
    i may be paired with. Each left and each right vertex is used at most once, and no
    other matching has more pairs. Greedy pairing is not enough once compatibility is
    not an equivalence (a null gold date accepts every date, "2018" agrees with both
    "2018-06" and "2018-07"), so this is Kuhn's augmenting-path algorithm: O(V * E),
    ample for the handful of events in one article. Which of several maximum matchings
    comes back depends on the order of the lists. The search recurses once per left
    vertex on an augmenting path, so keep graphs to hundreds of vertices.
    """
    owner: dict[int, int] = {}  # right vertex -> left vertex it is paired with

    def augment(left: int, seen: set[int]) -> bool:
        for right in adjacency[left]:
            if right in seen:
                continue
            seen.add(right)
            if right not in owner or augment(owner[right], seen):
                owner[right] = left
                return True
        return False

    for left in range(len(adjacency)):
        augment(left, set())
    return {left: right for right, left in owner.items()}
