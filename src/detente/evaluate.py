"""Score a coder against labelled data: the library side of `detente evaluate`.

Four gold formats are known, told apart by their content (or named with `kind`):

    plover_gsr  PLOVER gold-standard sentences (JSON list: text, event, source, target)
    synthetic   synthetic stories, one PLOVER type each (CSV: id, title, text, event, mode)
    sentences   real-news sentences, most with no event (JSON: id, text, event incl. NONE,
                actor_country, recipient_country)
    articles    the salient events of whole articles (JSON: article, event, actor,
                recipient, date, evidence) plus the article texts (articles.jsonl)

`evaluate_file` codes every item with the coder it is given and returns an
`EvaluationReport`; `render_report` draws it with rich, `report_to_dict` gives JSON.
The scoring rules are pure functions in `detente._metrics`; each rule is stated in the
docstring of the function that applies it and in the report's `notes`.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol

from detente import _metrics as m
from detente.errors import EvaluationError
from detente.records import Event

if TYPE_CHECKING:
    from rich.console import Console

logger = logging.getLogger(__name__)

KINDS: tuple[str, ...] = ("plover_gsr", "synthetic", "sentences", "articles")

# Human labels for metric keys, in the order reports list them.
METRIC_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "top1_accuracy": "Top-1 event type accuracy",
        "accuracy": "Headline event type accuracy",
        "macro_f1": "Macro-F1 over event types",
        "precision": "Typed precision",
        "recall": "Typed recall",
        "f1": "Typed F1",
        "false_alarm_rate": "False-alarm rate on NONE sentences",
        "detection_precision": "Event detection precision (any type)",
        "detection_recall": "Event detection recall (any type)",
        "coded_share": "Items with at least one event",
        "actor_country_accuracy": "Actor country accuracy",
        "actor_country_accuracy_coded": "Actor country accuracy (items with an event)",
        "recipient_country_accuracy": "Recipient country accuracy",
        "recipient_country_accuracy_coded": "Recipient country accuracy (items with an event)",
        "mode_accuracy": "Mode accuracy (right type, gold mode given)",
        "articles_recall": "Recall of gold events (type + actor + recipient)",
        "articles_recall_with_dates": "Recall of gold events, dates agreeing too",
        "events_per_article": "Predicted events per article",
        "matched_predicted_share": "Predicted events matching a gold event (lower bound)",
    }
)

_RATE_FREE_METRICS = frozenset({"events_per_article"})
_TEXT_LIMIT = 300


class EventCoder(Protocol):
    """What evaluation needs from a coder (`detente.coder.Coder` fits)."""

    def code(
        self,
        text: str,
        *,
        published: Any = None,
        doc_id: str = "text",
        title: str | None = None,
    ) -> list[Event]: ...


Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Mistake:
    """One item the coder got wrong, for reading next to the figures."""

    item_id: str
    text: str
    gold: str
    predicted: str


@dataclass(frozen=True)
class EvaluationReport:
    """The scores of one coder on one gold file.

    `metrics` holds rates in 0..1 (and `events_per_article`); `counts` holds the
    denominators behind them; `intervals` gives a 95% Wilson interval for each metric
    that is a simple proportion; `per_class` maps an event type to its precision, recall,
    F1 and support; `confusion` counts (gold, predicted) type pairs; `notes` state the
    scoring rules a reader needs to interpret the figures.
    """

    kind: str
    path: str
    n_items: int
    metrics: dict[str, float]
    per_class: dict[str, dict[str, float]]
    confusion: dict[tuple[str, str], int]
    errors: list[Mistake]
    counts: dict[str, int] = field(default_factory=dict)
    intervals: dict[str, tuple[float, float]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


# --------------------------------------------------------------------------- reading


def _read_records(path: Path) -> list[dict[str, Any]]:
    """Rows of a gold file: a JSON list, JSON Lines, or CSV with a header."""
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as err:
        raise EvaluationError(f"{path}: no such file; pass the path of a gold-data file") from err
    except (OSError, UnicodeDecodeError) as err:
        raise EvaluationError(f"{path}: cannot be read as UTF-8 text ({err})") from err
    stripped = raw.lstrip()
    if not stripped:
        raise EvaluationError(f"{path}: the file is empty; pass a gold-data file with records")
    if stripped[0] in "[{":
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError:
            data = _read_json_lines(path, stripped)
        if isinstance(data, dict):
            data = [data]
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise EvaluationError(f"{path}: expected a JSON list of objects, one per gold item")
        return data
    rows = list(csv.DictReader(io.StringIO(raw)))
    return [dict(row) for row in rows]


def _read_json_lines(path: Path, text: str) -> list[Any]:
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as err:
            raise EvaluationError(
                f"{path}, line {number}: not valid JSON ({err.msg}); "
                "pass a JSON list, JSON Lines or CSV file"
            ) from err
    return records


def _kind_of_records(records: Sequence[Mapping[str, Any]]) -> str | None:
    if not records:
        return None
    keys = set().union(*(r.keys() for r in records[:20]))
    if "event" not in keys:
        return None
    if "text" in keys and ({"source", "target", "eventText", "textInfo"} & keys):
        return "plover_gsr"
    if "text" in keys and ({"actor_country", "recipient_country"} & keys):
        return "sentences"
    if "article" in keys and "actor" in keys and "text" not in keys:
        return "articles"
    if "text" in keys and "title" in keys:
        return "synthetic"
    return None


def detect_kind(path: Path) -> str:
    """Which gold format a file holds: "plover_gsr", "synthetic", "sentences" or "articles"."""
    return _detected_kind(_read_records(Path(path)), Path(path))


def _detected_kind(records: Sequence[Mapping[str, Any]], path: Path) -> str:
    kind = _kind_of_records(records)
    if kind is not None:
        return kind
    if records and {"id", "text"} <= records[0].keys():
        raise EvaluationError(
            f"{path}: looks like article texts without labels; pass the gold events file "
            "as the path and this file with articles=... (--articles on the command line)"
        )
    raise EvaluationError(
        f"{path}: not a gold format detente knows; expected PLOVER gold-standard "
        "records (text, event, source, target), synthetic stories (CSV: id, title, "
        "text, event), labelled sentences (text, event, actor_country, "
        "recipient_country) or article events (article, event, actor, recipient, "
        "date); name the format with kind=... if the columns are right"
    )


def _require(records: Sequence[Mapping[str, Any]], fields: Sequence[str], path: Path) -> None:
    for number, record in enumerate(records, start=1):
        missing = [f for f in fields if f not in record]
        if missing:
            raise EvaluationError(
                f"{path}, record {number}: missing field(s) {', '.join(missing)}; "
                "is this the right kind of gold file?"
            )


# --------------------------------------------------------------------------- helpers


def headline_event(events: Sequence[Event]) -> Event | None:
    """The highest-confidence event (the first of equals), or None if there is none."""
    return max(events, key=lambda e: e.confidence) if events else None


def _gold_type(record: Mapping[str, Any], path: Path, *, allow_none: bool = False) -> str:
    """The record's gold event type in current PLOVER; an unknown label is an error."""
    label = m.plover_type(str(record.get("event") or ""))
    if label in m.PLOVER_TYPES or (allow_none and label == m.NONE):
        return label
    known = ", ".join((*m.PLOVER_TYPES, m.NONE) if allow_none else m.PLOVER_TYPES)
    where = record.get("id") or record.get("article") or "a record"
    raise EvaluationError(
        f"{path}, {where}: gold event type {record.get('event')!r} is not a PLOVER type "
        f"({known}); fix the label or map it before evaluating"
    )


def _type_of(event: Event | None) -> str:
    return event.event if event is not None else m.NONE


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _TEXT_LIMIT else text[: _TEXT_LIMIT - 1] + "…"


def _describe(event_type: str, actor: str | None, recipient: str | None) -> str:
    if event_type == m.NONE:
        return m.NONE
    return f"{event_type} {actor or '?'} -> {recipient or '-'}"


def _describe_event(event: Event | None) -> str:
    if event is None:
        return "(no event)"
    recipient = event.recipient
    return _describe(
        event.event,
        m.actor_country_key(event.actor),
        m.actor_country_key(recipient) if recipient is not None else None,
    )


def _intervals(**proportions: tuple[int, int]) -> dict[str, tuple[float, float]]:
    """95% Wilson intervals for metrics given as (successes, n)."""
    return {key: m.wilson_interval(k, n) for key, (k, n) in proportions.items()}


def _tick(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)
    if done % 50 == 0 or done == total:
        logger.info("evaluated %d of %d items", done, total)


# --------------------------------------------------------------------------- kinds


def _evaluate_plover_gsr(
    records: list[dict[str, Any]],
    path: Path,
    coder: EventCoder,
    progress: Progress | None,
    keep_errors: int,
) -> EvaluationReport:
    _require(records, ("text", "event"), path)
    pairs: list[tuple[str, str]] = []
    errors: list[Mistake] = []
    n_coded = actor_gold = actor_hit = actor_gold_coded = 0
    recipient_gold = recipient_hit = recipient_gold_coded = 0
    for done, record in enumerate(records, start=1):
        events = coder.code(
            str(record["text"]),
            published=record.get("date") or None,
            doc_id=str(record.get("id", f"item-{done}")),
        )
        top = headline_event(events)
        gold = _gold_type(record, path)
        pairs.append((gold, _type_of(top)))
        n_coded += top is not None

        sources = _gold_keys(record.get("source"))
        targets = _gold_keys(record.get("target"))
        actor_ok = recipient_ok = False
        if sources:
            actor_gold += 1
            if top is not None:
                actor_gold_coded += 1
                actor_ok = m.actor_country_key(top.actor) in sources
                actor_hit += actor_ok
        if targets:
            recipient_gold += 1
            if top is not None:
                recipient_gold_coded += 1
                recipient_ok = m.actor_country_key(top.recipient) in targets
                recipient_hit += recipient_ok

        wrong = (
            gold != _type_of(top)
            or bool(sources and not actor_ok)
            or bool(targets and not recipient_ok)
        )
        if wrong and len(errors) < keep_errors:
            errors.append(
                Mistake(
                    item_id=str(record.get("id", done)),
                    text=_clip(str(record["text"])),
                    gold=_describe(gold, "/".join(sorted(sources)), "/".join(sorted(targets))),
                    predicted=_describe_event(top),
                )
            )
        _tick(progress, done, len(records))

    per_class = m.class_scores(pairs, m.PLOVER_TYPES)
    n = len(records)
    correct = sum(g == p for g, p in pairs)
    return EvaluationReport(
        kind="plover_gsr",
        path=str(path),
        n_items=n,
        metrics={
            "top1_accuracy": m.ratio(correct, n),
            "macro_f1": m.macro_f1(per_class),
            "coded_share": m.ratio(n_coded, n),
            "actor_country_accuracy": m.ratio(actor_hit, actor_gold),
            "actor_country_accuracy_coded": m.ratio(actor_hit, actor_gold_coded),
            "recipient_country_accuracy": m.ratio(recipient_hit, recipient_gold),
            "recipient_country_accuracy_coded": m.ratio(recipient_hit, recipient_gold_coded),
        },
        per_class=per_class,
        confusion=m.confusion_counts(pairs),
        errors=errors,
        intervals=_intervals(
            top1_accuracy=(correct, n),
            coded_share=(n_coded, n),
            actor_country_accuracy=(actor_hit, actor_gold),
            actor_country_accuracy_coded=(actor_hit, actor_gold_coded),
            recipient_country_accuracy=(recipient_hit, recipient_gold),
            recipient_country_accuracy_coded=(recipient_hit, recipient_gold_coded),
        ),
        counts={
            "items": n,
            "top1_correct": correct,
            "coded": n_coded,
            "gold_actor": actor_gold,
            "gold_actor_coded": actor_gold_coded,
            "actor_correct": actor_hit,
            "gold_recipient": recipient_gold,
            "gold_recipient_coded": recipient_gold_coded,
            "recipient_correct": recipient_hit,
        },
        notes=(
            "Each sentence is scored on its highest-confidence event; no event counts as wrong.",
            (
                "PLOVER 0.5 names are mapped: DEMAND=REQUEST, DISAPPROVE and INVESTIGATE=ACCUSE, "
                "FIGHT=ASSAULT."
            ),
            (
                "Actor (recipient) country is right when the top event's actor (recipient) has "
                "the country of any gold source (target); every IGO code counts as 'IGO'."
            ),
            (
                "'Of all' divides by sentences with a gold actor (recipient); '(items with an "
                "event)' only by those where the coder found an event."
            ),
        ),
    )


def _gold_keys(actors: Any) -> frozenset[str]:
    """Country keys of a PLOVER gold source/target list ("" or missing: none)."""
    if not isinstance(actors, list):
        return frozenset()
    keys = {m.gold_country_key(a.get("code")) for a in actors if isinstance(a, dict)}
    return frozenset(k for k in keys if k is not None)


def _evaluate_synthetic(
    records: list[dict[str, Any]],
    path: Path,
    coder: EventCoder,
    progress: Progress | None,
    keep_errors: int,
) -> EvaluationReport:
    _require(records, ("text", "event"), path)
    pairs: list[tuple[str, str]] = []
    errors: list[Mistake] = []
    mode_gold = mode_hit = 0
    for done, record in enumerate(records, start=1):
        title = (record.get("title") or "").strip() or None
        events = coder.code(
            str(record["text"]), doc_id=str(record.get("id", f"item-{done}")), title=title
        )
        top = headline_event(events)
        gold = _gold_type(record, path)
        predicted = _type_of(top)
        pairs.append((gold, predicted))
        gold_mode = (record.get("mode") or "").strip().lower()
        if gold_mode and top is not None and predicted == gold:
            mode_gold += 1
            mode_hit += (top.mode or "").lower() == gold_mode
        if predicted != gold and len(errors) < keep_errors:
            errors.append(
                Mistake(
                    item_id=str(record.get("id", done)),
                    text=_clip(f"{title or ''} | {record['text']}" if title else record["text"]),
                    gold=gold,
                    predicted=predicted if top is None else f"{predicted} ({top.sentence[:80]})",
                )
            )
        _tick(progress, done, len(records))

    per_class = m.class_scores(pairs, m.PLOVER_TYPES)
    n = len(records)
    correct = sum(g == p for g, p in pairs)
    no_event = sum(p == m.NONE for _, p in pairs)
    return EvaluationReport(
        kind="synthetic",
        path=str(path),
        n_items=n,
        metrics={
            "accuracy": m.ratio(correct, n),
            "macro_f1": m.macro_f1(per_class),
            "coded_share": m.ratio(n - no_event, n),
            "mode_accuracy": m.ratio(mode_hit, mode_gold),
        },
        per_class=per_class,
        confusion=m.confusion_counts(pairs),
        errors=errors,
        intervals=_intervals(
            accuracy=(correct, n),
            coded_share=(n - no_event, n),
            mode_accuracy=(mode_hit, mode_gold),
        ),
        counts={
            "items": n,
            "correct": correct,
            "no_event": no_event,
            "mode_scored": mode_gold,
            "mode_correct": mode_hit,
        },
        notes=(
            (
                "Each story is scored on its headline event (highest confidence); a story with "
                "no event is predicted NONE and is a miss for its true type."
            ),
            "Macro-F1 averages the PLOVER types present in the gold labels or predictions.",
            "Titles are passed to the coder as they are, template placeholders included.",
        ),
    )


def _evaluate_sentences(
    records: list[dict[str, Any]],
    path: Path,
    coder: EventCoder,
    progress: Progress | None,
    keep_errors: int,
) -> EvaluationReport:
    _require(records, ("text", "event"), path)
    pairs: list[tuple[str, str]] = []
    errors: list[Mistake] = []
    actor_gold = actor_hit = recipient_gold = recipient_hit = 0
    for done, record in enumerate(records, start=1):
        events = coder.code(
            str(record["text"]),
            published=record.get("date") or None,
            doc_id=str(record.get("id", f"item-{done}")),
        )
        top = headline_event(events)
        gold = _gold_type(record, path, allow_none=True)
        predicted = _type_of(top)
        pairs.append((gold, predicted))
        gold_actor = m.country_key(record.get("actor_country"))
        gold_recipient = m.country_key(record.get("recipient_country"))
        countries_ok = True
        if top is not None and gold != m.NONE and predicted == gold:
            if gold_actor is not None:
                actor_gold += 1
                ok = m.actor_country_key(top.actor) == gold_actor
                actor_hit += ok
                countries_ok &= ok
            if gold_recipient is not None:
                recipient_gold += 1
                ok = m.actor_country_key(top.recipient) == gold_recipient
                recipient_hit += ok
                countries_ok &= ok
        if (predicted != gold or not countries_ok) and len(errors) < keep_errors:
            errors.append(
                Mistake(
                    item_id=str(record.get("id", done)),
                    text=_clip(str(record["text"])),
                    gold=_describe(gold, gold_actor, gold_recipient),
                    predicted=_describe_event(top) if top else m.NONE,
                )
            )
        _tick(progress, done, len(records))

    scores = m.typed_scores(pairs)
    none_items = sum(g == m.NONE for g, _ in pairs)
    false_alarms = sum(g == m.NONE and p != m.NONE for g, p in pairs)
    detection = m.precision_recall_f1(
        tp=sum(g != m.NONE and p != m.NONE for g, p in pairs),
        fp=false_alarms,
        fn=sum(g != m.NONE and p == m.NONE for g, p in pairs),
    )
    return EvaluationReport(
        kind="sentences",
        path=str(path),
        n_items=len(records),
        metrics={
            "precision": scores.precision,
            "recall": scores.recall,
            "f1": scores.f1,
            "false_alarm_rate": m.ratio(false_alarms, none_items),
            "detection_precision": detection.precision,
            "detection_recall": detection.recall,
            "actor_country_accuracy": m.ratio(actor_hit, actor_gold),
            "recipient_country_accuracy": m.ratio(recipient_hit, recipient_gold),
        },
        per_class=m.class_scores(pairs, m.PLOVER_TYPES),
        confusion=m.confusion_counts(pairs),
        errors=errors,
        intervals=_intervals(
            precision=(scores.tp, scores.tp + scores.fp),
            recall=(scores.tp, scores.tp + scores.fn),
            false_alarm_rate=(false_alarms, none_items),
            detection_precision=(detection.tp, detection.tp + detection.fp),
            detection_recall=(detection.tp, detection.tp + detection.fn),
            actor_country_accuracy=(actor_hit, actor_gold),
            recipient_country_accuracy=(recipient_hit, recipient_gold),
        ),
        counts={
            "items": len(records),
            "gold_events": len(records) - none_items,
            "gold_none": none_items,
            "tp": scores.tp,
            "fp": scores.fp,
            "fn": scores.fn,
            "false_alarms": false_alarms,
            "actor_scored": actor_gold,
            "actor_correct": actor_hit,
            "recipient_scored": recipient_gold,
            "recipient_correct": recipient_hit,
        },
        notes=(
            "Predicted = type of the sentence's highest-confidence event, or NONE.",
            (
                "TP: predicted type = gold type; FP: any other predicted event (including false "
                "alarms on NONE sentences); FN: a gold event not matched."
            ),
            (
                "Country accuracy counts sentences with the right event type and a gold country; "
                "organisation codes (UNO, NATO, EU...) compare as 'IGO'."
            ),
        ),
    )


def _read_articles(path: Path) -> dict[str, dict[str, Any]]:
    if not path.is_file():
        raise EvaluationError(
            f"{path}: article texts not found; pass the articles JSONL file "
            "(id, date, text per line) with articles=... (--articles on the command line)"
        )
    articles: dict[str, dict[str, Any]] = {}
    for record in _read_records(path):
        if "id" not in record or "text" not in record:
            raise EvaluationError(f"{path}: every article needs 'id' and 'text' fields")
        articles[str(record["id"])] = record
    return articles


def _evaluate_articles(
    records: list[dict[str, Any]],
    path: Path,
    coder: EventCoder,
    progress: Progress | None,
    keep_errors: int,
    articles_path: Path | None,
    limit: int | None,
) -> EvaluationReport:
    _require(records, ("article", "event", "actor"), path)
    texts = _read_articles(articles_path or path.parent / "articles.jsonl")
    article_ids = list(dict.fromkeys(str(r["article"]) for r in records))
    if limit is not None:
        article_ids = article_ids[:limit]
    missing = [a for a in article_ids if a not in texts]
    if missing:
        raise EvaluationError(
            f"articles {', '.join(missing)} are not in the article texts; "
            "pass the articles file the gold events were made from"
        )
    gold_by_article: dict[str, list[dict[str, Any]]] = {a: [] for a in article_ids}
    for record in records:
        if str(record["article"]) in gold_by_article:
            gold_by_article[str(record["article"])].append(record)

    errors: list[Mistake] = []
    matched = matched_dated = n_predicted = predicted_matching = 0
    by_type: dict[str, list[int]] = {}  # type -> [gold, matched, matched with dates]
    for done, article_id in enumerate(article_ids, start=1):
        article = texts[article_id]
        events = coder.code(
            str(article["text"]),
            published=article.get("date") or None,
            doc_id=article_id,
            title=article.get("title") or None,
        )
        n_predicted += len(events)
        gold_events = gold_by_article[article_id]
        keys = [
            (
                _gold_type(g, path),
                m.country_key(g.get("actor")),
                m.country_key(g.get("recipient")),
            )
            for g in gold_events
        ]
        predicted_keys = [
            (e.event, m.actor_country_key(e.actor), m.actor_country_key(e.recipient))
            for e in events
        ]
        same_key = [[j for j, k in enumerate(predicted_keys) if k == key] for key in keys]
        same_date = [
            [j for j in js if m.dates_agree(gold.get("date"), events[j].date)]
            for gold, js in zip(gold_events, same_key, strict=True)
        ]
        pairs = m.maximum_matching(same_key)
        pairs_dated = m.maximum_matching(same_date)
        predicted_matching += len(pairs)
        for i, (gold, key) in enumerate(zip(gold_events, keys, strict=True)):
            tally = by_type.setdefault(key[0], [0, 0, 0])
            tally[0] += 1
            tally[1] += i in pairs
            tally[2] += i in pairs_dated
            matched += i in pairs
            matched_dated += i in pairs_dated
            if i not in pairs_dated and len(errors) < keep_errors:
                taken = set(pairs_dated.values())
                free = [events[j] for j in same_key[i] if j not in taken]
                taken_same = [events[j] for j in same_key[i] if j in taken]
                errors.append(_article_mistake(article_id, gold, key, free, taken_same, events))
        _tick(progress, done, len(article_ids))

    n_gold = sum(len(v) for v in gold_by_article.values())
    per_class = {
        t: {
            "support": float(g),
            "recall": m.ratio(hit, g),
            "recall_with_dates": m.ratio(hit_dated, g),
        }
        for t, (g, hit, hit_dated) in sorted(by_type.items())
    }
    return EvaluationReport(
        kind="articles",
        path=str(path),
        n_items=len(article_ids),
        metrics={
            "articles_recall": m.ratio(matched, n_gold),
            "articles_recall_with_dates": m.ratio(matched_dated, n_gold),
            "events_per_article": m.ratio(n_predicted, len(article_ids)),
            "matched_predicted_share": m.ratio(predicted_matching, n_predicted),
        },
        per_class=per_class,
        confusion={},
        errors=errors,
        intervals=_intervals(
            articles_recall=(matched, n_gold),
            articles_recall_with_dates=(matched_dated, n_gold),
            matched_predicted_share=(predicted_matching, n_predicted),
        ),
        counts={
            "articles": len(article_ids),
            "gold_events": n_gold,
            "matched": matched,
            "matched_with_dates": matched_dated,
            "predicted_events": n_predicted,
            "predicted_matching": predicted_matching,
        },
        notes=(
            (
                "A gold event is recalled when some predicted event of its article has the same "
                "type, actor country and recipient country (organisations compare as 'IGO'; "
                "a null recipient matches only a null recipient)."
            ),
            (
                "'With dates' also needs the dates to agree at the coarser of the two "
                "precisions; a null gold date accepts any date."
            ),
            (
                "Matching is one-to-one: each predicted event recalls at most one gold event "
                "(a maximum bipartite matching per article, found separately with and without "
                "dates), so one prediction cannot be credited for two identical gold events "
                "and duplicate predictions of one gold event count as unmatched."
            ),
            (
                "The matched-predicted share is a LOWER BOUND on precision: the gold lists at "
                "most 8 salient events per article, so correct but unlisted events count as "
                "unmatched."
            ),
            (
                "Events cluster within a few articles, so the Wilson intervals (which assume "
                "independent items) understate the uncertainty here."
            ),
            (
                "Only articles with at least one gold event are in the gold file, so articles "
                "where the annotators listed nothing are not coded here."
            ),
        ),
    )


def _article_mistake(
    article_id: str,
    gold: Mapping[str, Any],
    key: tuple[str, str | None, str | None],
    free: Sequence[Event],
    taken: Sequence[Event],
    events: Sequence[Event],
) -> Mistake:
    """Why a gold event went unmatched with dates.

    `free` and `taken` are the predictions with its type and countries that the dated
    matching left unpaired and paired with other gold events; a free one has a wrong date
    (else the matching would have paired it).
    """
    gold_text = f"{_describe(*key)} on {gold.get('date') or 'any date'}"
    if free:
        predicted = "right event, date " + ", ".join(sorted({str(e.date) for e in free}))
        if any(m.dates_agree(gold.get("date"), e.date) for e in taken):
            predicted += " (the rightly dated one is matched to another gold event)"
    elif taken:
        predicted = "right event, but each one is matched to another gold event"
    else:
        of_type = [e for e in events if e.event == key[0]]
        predicted = (
            "; ".join(sorted({_describe_event(e) for e in of_type})[:3])
            if of_type
            else f"no {key[0]} event in the article"
        )
    return Mistake(
        item_id=article_id,
        text=_clip(str(gold.get("evidence") or "")),
        gold=gold_text,
        predicted=predicted,
    )


# --------------------------------------------------------------------------- public


def evaluate_file(
    path: Path,
    coder: EventCoder,
    *,
    kind: str | None = None,
    articles: Path | None = None,
    limit: int | None = None,
    keep_errors: int = 50,
    progress: Progress | None = None,
) -> EvaluationReport:
    """Code every item of a gold file with `coder` and score the result.

    `kind` names the format when detection is not wanted; `articles` is the article
    texts file for kind "articles" (default: articles.jsonl beside the gold file);
    `limit` scores only the first N items (articles for kind "articles");
    `keep_errors` caps the example mistakes kept; `progress(done, total)` is called after
    each item.
    """
    path = Path(path)
    if kind is not None and kind not in KINDS:
        raise EvaluationError(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    if limit is not None and limit < 1:
        raise EvaluationError(f"limit must be a positive number of items, not {limit}")
    records = _read_records(path)
    if kind is None:
        kind = _detected_kind(records, path)
    if not records:
        raise EvaluationError(f"{path}: no gold records to evaluate")
    logger.info("evaluating %s as %s", path, kind)
    if kind == "articles":
        return _evaluate_articles(records, path, coder, progress, keep_errors, articles, limit)
    if limit is not None:
        records = records[:limit]
    evaluate = {
        "plover_gsr": _evaluate_plover_gsr,
        "synthetic": _evaluate_synthetic,
        "sentences": _evaluate_sentences,
    }[kind]
    return evaluate(records, path, coder, progress, keep_errors)


def report_to_dict(report: EvaluationReport) -> dict[str, Any]:
    """The report as JSON-ready data (confusion pairs become a list of rows)."""
    return {
        "kind": report.kind,
        "path": report.path,
        "n_items": report.n_items,
        "metrics": dict(report.metrics),
        "counts": dict(report.counts),
        "intervals": {k: list(v) for k, v in report.intervals.items()},
        "per_class": {k: dict(v) for k, v in report.per_class.items()},
        "confusion": [
            {"gold": gold, "predicted": predicted, "count": count}
            for (gold, predicted), count in sorted(report.confusion.items())
        ],
        "errors": [
            {"id": e.item_id, "text": e.text, "gold": e.gold, "predicted": e.predicted}
            for e in report.errors
        ],
        "notes": list(report.notes),
    }


def format_metric(key: str, value: float) -> str:
    """A metric value as printed: rates as percentages, other figures with one decimal."""
    return f"{value:.1f}" if key in _RATE_FREE_METRICS else f"{100 * value:.1f}%"


def render_report(report: EvaluationReport, *, console: Console, show_errors: int = 0) -> None:
    """Draw a report: headline metrics, per-class scores, confusion table, mistakes."""
    from rich.table import Table

    headline = Table(title=f"{report.kind}: {report.path} ({report.n_items} items)")
    headline.add_column("metric")
    headline.add_column("value", justify="right")
    headline.add_column("95% interval", justify="right", style="dim")
    ordered = [k for k in METRIC_LABELS if k in report.metrics]
    ordered += [k for k in report.metrics if k not in METRIC_LABELS]
    for key in ordered:
        low_high = report.intervals.get(key)
        headline.add_row(
            METRIC_LABELS.get(key, key),
            format_metric(key, report.metrics[key]),
            f"{100 * low_high[0]:.1f}-{100 * low_high[1]:.1f}%" if low_high else "",
        )
    console.print(headline)
    if report.counts:
        console.print(
            "counts: " + ", ".join(f"{k} {v}" for k, v in report.counts.items()),
            style="dim",
        )

    rows = {k: v for k, v in report.per_class.items() if v.get("support") or v.get("predicted")}
    if rows:
        columns = list(next(iter(rows.values())).keys())
        per_class = Table(title="per event type")
        per_class.add_column("type")
        for column in columns:
            per_class.add_column(column, justify="right")
        for label, scores in rows.items():
            per_class.add_row(
                label,
                *(
                    f"{int(scores[c])}" if c in ("support", "predicted") else f"{scores[c]:.2f}"
                    for c in columns
                ),
            )
        console.print(per_class)

    if report.confusion:
        console.print(_confusion_table(report.confusion))

    for note in report.notes:
        console.print(f"note: {note}", style="dim")
    if report.intervals:
        console.print(
            "note: intervals are 95% Wilson intervals: with this many items, differences "
            "inside them are noise.",
            style="dim",
        )

    if show_errors > 0 and report.errors:
        mistakes = Table(
            title=f"mistakes (first {min(show_errors, len(report.errors))})", expand=True
        )
        mistakes.add_column("id", ratio=1, overflow="fold")
        mistakes.add_column("text", ratio=4)
        mistakes.add_column("gold", ratio=2)
        mistakes.add_column("predicted", ratio=2)
        for mistake in report.errors[:show_errors]:
            mistakes.add_row(mistake.item_id, mistake.text, mistake.gold, mistake.predicted)
        console.print(mistakes)


def _confusion_table(confusion: Mapping[tuple[str, str], int]) -> Any:
    """Rows: gold type (full name); columns: predicted type (three-letter abbreviation)."""
    from rich import box
    from rich.table import Table

    order = {label: i for i, label in enumerate((*m.PLOVER_TYPES, m.NONE))}
    labels = sorted(
        {label for pair in confusion for label in pair}, key=lambda x: (order.get(x, 99), x)
    )
    table = Table(
        title="confusion (rows: gold, columns: predicted)",
        box=box.SIMPLE_HEAD,
        padding=0,
        pad_edge=False,
        show_edge=False,
        caption="  ".join(f"{_ABBREVIATIONS.get(x, x)}={x}" for x in labels),
        caption_justify="left",
    )
    table.add_column("gold", no_wrap=True)
    for label in labels:
        table.add_column(
            _ABBREVIATIONS.get(label, label), justify="right", no_wrap=True, min_width=3
        )
    for gold in labels:
        if not any(confusion.get((gold, p)) for p in labels):
            continue
        cells = []
        for predicted in labels:
            count = confusion.get((gold, predicted), 0)
            text = str(count) if count else "."
            cells.append(f"[bold]{text}[/bold]" if gold == predicted and count else text)
        table.add_row(gold, *cells)
    return table


_ABBREVIATIONS: Mapping[str, str] = MappingProxyType(
    {
        "AGREE": "AGR", "CONSULT": "CNS", "SUPPORT": "SUP", "CONCEDE": "CNC",
        "COOPERATE": "COP", "AID": "AID", "RETREAT": "RET", "REQUEST": "REQ",
        "ACCUSE": "ACC", "REJECT": "REJ", "THREATEN": "THR", "PROTEST": "PRO",
        "SANCTION": "SAN", "MOBILIZE": "MOB", "COERCE": "COE", "ASSAULT": "ASL",
        "NONE": "NON",
    }
)  # fmt: skip
