"""Events out of the store in the formats event-data users load, and PLOVER JSON back in.

Formats (`export_events`; one row or record per real-world event, in the store's order):

- ``gdelt``: the GDELT 2.0 event table, tab-separated, GDELT's 61 columns in GDELT's
  order (`GDELT_COLUMNS`), blank where detente has no value (tone, ethnic and religion
  codes, actor geography, DATEADDED). Real GDELT files have no header line, and neither
  has this export by default, so it concatenates with them; `header=True` adds one for
  ``pandas.read_csv(path, sep="\\t")``. Without it: ``read_csv(path, sep="\\t",
  header=None, names=GDELT_COLUMNS)``. Differences from GDELT: GLOBALEVENTID is detente's
  event key (a hex string, not an integer); SQLDATE is the first day of the event's date
  (GDELT's is always a day; ours may be a month or year, see `date_precision` in the other
  formats); Actor*CountryCode are CAMEO country codes (as GDELT; they equal ISO 3166
  alpha-3 except a few, e.g. Kosovo KSV), but ActionGeo_CountryCode is the ISO alpha-3 code
  detente's gazetteer gives, where GDELT uses FIPS 10-4 two-letter codes; an IGO actor
  has its code in Actor*KnownGroupCode ("UNO") and no country, as in GDELT; SOURCEURL is
  the URL of the article of the event's most confident mention.
- ``plover``: PLOVER/POLECAT-style JSON, one record per line (JSON Lines), keys in a
  fixed order (`PLOVER_FIELDS`): the event (`event_type`, `mode`, `context`, `actor`,
  `actor_country`, ... `recipient`...), its most confident mention (`doc_id`, `source`,
  `url`, `publication_date`, `sentence`, `trigger_*`, `confidence`), counts and every
  mention (`mentions`: article, source, sentence, confidence). `import_plover` reads it
  back into a store, so export -> import -> export gives the same bytes.
- ``csv`` and ``parquet``: one flat row per event with the store's columns
  (`FLAT_FIELDS`); CSV joins `context` with ";", Parquet keeps it a list.
- ``jsonl``: the EVENT_SCHEMA.md record plus counts (and `mentions` with evidence), as
  `detente events --format jsonl`.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from detente.errors import AnalysisError
from detente.records import Actor, Article, Event, Location, Precision, QuadClass, Sector, Trigger
from detente.store import ArticleResult, EventQuery, EventStore, StoredArticle, StoredEvent

logger = logging.getLogger(__name__)

FORMATS = ("gdelt", "plover", "csv", "parquet", "jsonl")
_GEO = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
_ACTOR = (
    "Code",
    "Name",
    "CountryCode",
    "KnownGroupCode",
    "EthnicCode",
    "Religion1Code",
    "Religion2Code",
    "Type1Code",
    "Type2Code",
    "Type3Code",
)
GDELT_COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "FractionDate",
    *(f"Actor1{name}" for name in _ACTOR),
    *(f"Actor2{name}" for name in _ACTOR),
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    *(f"Actor1Geo_{name}" for name in _GEO),
    *(f"Actor2Geo_{name}" for name in _GEO),
    *(f"ActionGeo_{name}" for name in _GEO),
    "DATEADDED",
    "SOURCEURL",
)

PLOVER_FIELDS: tuple[str, ...] = (
    "id",
    "date",
    "date_precision",
    "event_type",
    "mode",
    "context",
    "cameo",
    "goldstein",
    "quad_class",
    "actor",
    "actor_text",
    "actor_country",
    "actor_sector",
    "actor_code",
    "recipient",
    "recipient_text",
    "recipient_country",
    "recipient_sector",
    "recipient_code",
    "location",
    "location_country",
    "latitude",
    "longitude",
    "doc_id",
    "source",
    "url",
    "publication_date",
    "sentence_index",
    "sentence",
    "trigger_text",
    "trigger_start",
    "trigger_end",
    "confidence",
    "coder_version",
    "num_mentions",
    "num_articles",
    "num_sources",
    "mentions",
)

FLAT_FIELDS: tuple[str, ...] = (
    "event_id",
    "doc_id",
    "date",
    "date_precision",
    "event",
    "mode",
    "context",
    "cameo",
    "goldstein",
    "quad_class",
    "actor_text",
    "actor_name",
    "actor_country",
    "actor_sector",
    "actor_code",
    "recipient_text",
    "recipient_name",
    "recipient_country",
    "recipient_sector",
    "recipient_code",
    "location_name",
    "location_country",
    "location_lat",
    "location_lon",
    "sentence_index",
    "sentence",
    "trigger_text",
    "trigger_start",
    "trigger_end",
    "confidence",
    "coder_version",
    "num_mentions",
    "num_articles",
    "num_sources",
)


@dataclass(frozen=True)
class ImportSummary:
    """What `import_plover` wrote."""

    records: int
    articles: int
    mentions: int
    events: int


# --------------------------------------------------------------------------- export


def export_events(
    store: EventStore,
    query: EventQuery,
    fmt: str,
    out: IO[str] | None = None,
    *,
    path: Path | None = None,
    header: bool = False,
) -> int:
    """Write the events matching `query` as `fmt` to the text stream `out` (or, for
    parquet, which is binary, to `path`). Returns the number of events written."""
    if fmt not in FORMATS:
        raise AnalysisError(f"unknown export format {fmt!r}: use {', '.join(FORMATS)}")
    evidence = fmt == "plover" or query.evidence
    items = store.events(replace(query, evidence=evidence))
    if fmt == "parquet":
        if path is None:
            raise AnalysisError("Parquet is binary: give an output file (-o events.parquet)")
        write_parquet(items, path)
        return len(items)
    if out is None:
        raise AnalysisError(f"{fmt} export needs an output stream")
    if fmt == "gdelt":
        articles = store.article_headers(sorted({i.event.doc_id for i in items}))
        write_gdelt(items, out, articles=articles, header=header)
    elif fmt == "plover":
        articles = store.article_headers(sorted({i.event.doc_id for i in items}))
        write_plover(items, out, articles=articles)
    elif fmt == "csv":
        write_csv(items, out)
    else:
        for item in items:
            out.write(json.dumps(item.to_dict(), ensure_ascii=False) + "\n")
    return len(items)


def _cameo_countries() -> dict[str, str]:
    from detente.knowledge import builtin_code_tables

    return dict(builtin_code_tables().state_cameo)


def gdelt_row(
    item: StoredEvent,
    *,
    article: StoredArticle | None = None,
    cameo_countries: Mapping[str, str] | None = None,
) -> list[str]:
    """One event as the 61 fields of a GDELT 2.0 event-table row (strings, "" = blank)."""
    e = item.event
    states = cameo_countries or {}
    row = dict.fromkeys(GDELT_COLUMNS, "")
    row["GLOBALEVENTID"] = e.event_id
    span = _span(e.date)
    if span:
        day = span[0]
        row["SQLDATE"] = day.strftime("%Y%m%d")
        row["MonthYear"] = day.strftime("%Y%m")
        row["Year"] = str(day.year)
        row["FractionDate"] = f"{day.year + day.timetuple().tm_yday / 365:.4f}"
    for number, actor in (("1", e.actor), ("2", e.recipient)):
        if actor is None:
            continue
        prefix = f"Actor{number}"
        row[f"{prefix}Code"] = actor.code or ""
        row[f"{prefix}Name"] = actor.name or actor.text or ""
        country = actor.country or ""
        if country in states or (country and actor.sector is not Sector.IGO):
            row[f"{prefix}CountryCode"] = states.get(country, country)
        elif country:
            row[f"{prefix}KnownGroupCode"] = country
        row[f"{prefix}Type1Code"] = actor.sector.value if actor.sector else ""
    cameo = e.cameo or ""
    row["EventCode"] = cameo
    row["EventBaseCode"] = cameo[:3]
    row["EventRootCode"] = cameo[:2]
    row["QuadClass"] = str(int(e.quad_class))
    row["GoldsteinScale"] = _number(e.goldstein)
    row["NumMentions"] = str(item.num_mentions)
    row["NumSources"] = str(item.num_sources)
    row["NumArticles"] = str(item.num_articles)
    if e.location:
        row["ActionGeo_FullName"] = e.location.name
        row["ActionGeo_CountryCode"] = e.location.country or ""
        row["ActionGeo_Lat"] = _number(e.location.lat)
        row["ActionGeo_Long"] = _number(e.location.lon)
    row["SOURCEURL"] = (article.url if article else None) or ""
    return [_clean(row[name]) for name in GDELT_COLUMNS]


def write_gdelt(
    items: Iterable[StoredEvent],
    out: IO[str],
    *,
    articles: Mapping[str, StoredArticle] | None = None,
    header: bool = False,
) -> None:
    """GDELT 2.0 event-table rows, tab-separated (see the module docstring)."""
    articles = articles or {}
    states = _cameo_countries()
    if header:
        out.write("\t".join(GDELT_COLUMNS) + "\n")
    for item in items:
        fields = gdelt_row(item, article=articles.get(item.event.doc_id), cameo_countries=states)
        out.write("\t".join(fields) + "\n")


def _clean(value: str) -> str:
    """No tab or line break inside a GDELT field."""
    return " ".join(value.split()) if any(c in value for c in "\t\r\n") else value


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _span(value: str | None) -> tuple[dt.date, dt.date] | None:
    from detente.dyads import date_span

    return date_span(value)


def plover_record(item: StoredEvent, article: StoredArticle | None = None) -> dict[str, Any]:
    """One event as a PLOVER JSON record (keys in `PLOVER_FIELDS` order)."""
    e = item.event
    record: dict[str, Any] = {
        "id": e.event_id,
        "date": e.date,
        "date_precision": e.date_precision.value if e.date_precision else None,
        "event_type": e.event,
        "mode": e.mode,
        "context": list(e.context),
        "cameo": e.cameo,
        "goldstein": e.goldstein,
        "quad_class": int(e.quad_class),
    }
    for role, actor in (("actor", e.actor), ("recipient", e.recipient)):
        record[role] = actor.name if actor else None
        record[f"{role}_text"] = actor.text if actor else None
        record[f"{role}_country"] = actor.country if actor else None
        record[f"{role}_sector"] = actor.sector.value if actor and actor.sector else None
        record[f"{role}_code"] = actor.code if actor else None
    loc = e.location
    record["location"] = loc.name if loc else None
    record["location_country"] = loc.country if loc else None
    record["latitude"] = loc.lat if loc else None
    record["longitude"] = loc.lon if loc else None
    record["doc_id"] = e.doc_id
    record["source"] = article.source if article else None
    record["url"] = article.url if article else None
    published = article.published if article else None
    record["publication_date"] = published.isoformat() if published else None
    record["sentence_index"] = e.sentence_index
    record["sentence"] = e.sentence
    record["trigger_text"] = e.trigger.text
    record["trigger_start"] = e.trigger.start
    record["trigger_end"] = e.trigger.end
    record["confidence"] = e.confidence
    record["coder_version"] = e.coder_version
    record["num_mentions"] = item.num_mentions
    record["num_articles"] = item.num_articles
    record["num_sources"] = item.num_sources
    record["mentions"] = [m.to_dict() for m in item.mentions]
    return record


def write_plover(
    items: Iterable[StoredEvent],
    out: IO[str],
    *,
    articles: Mapping[str, StoredArticle] | None = None,
) -> None:
    """PLOVER JSON Lines: one `plover_record` per line."""
    articles = articles or {}
    for item in items:
        record = plover_record(item, articles.get(item.event.doc_id))
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


def flat_record(item: StoredEvent) -> dict[str, Any]:
    """One event as a flat row of `FLAT_FIELDS` (context a list)."""
    e = item.event
    row: dict[str, Any] = {
        "event_id": e.event_id,
        "doc_id": e.doc_id,
        "date": e.date,
        "date_precision": e.date_precision.value if e.date_precision else None,
        "event": e.event,
        "mode": e.mode,
        "context": list(e.context),
        "cameo": e.cameo,
        "goldstein": e.goldstein,
        "quad_class": int(e.quad_class),
    }
    for role, actor in (("actor", e.actor), ("recipient", e.recipient)):
        row[f"{role}_text"] = actor.text if actor else None
        row[f"{role}_name"] = actor.name if actor else None
        row[f"{role}_country"] = actor.country if actor else None
        row[f"{role}_sector"] = actor.sector.value if actor and actor.sector else None
        row[f"{role}_code"] = actor.code if actor else None
    loc = e.location
    row["location_name"] = loc.name if loc else None
    row["location_country"] = loc.country if loc else None
    row["location_lat"] = loc.lat if loc else None
    row["location_lon"] = loc.lon if loc else None
    row["sentence_index"] = e.sentence_index
    row["sentence"] = e.sentence
    row["trigger_text"] = e.trigger.text
    row["trigger_start"] = e.trigger.start
    row["trigger_end"] = e.trigger.end
    row["confidence"] = e.confidence
    row["coder_version"] = e.coder_version
    row["num_mentions"] = item.num_mentions
    row["num_articles"] = item.num_articles
    row["num_sources"] = item.num_sources
    return row


def write_csv(items: Iterable[StoredEvent], out: IO[str]) -> None:
    """CSV with a header of `FLAT_FIELDS`; `context` joined with ";"."""
    writer = csv.DictWriter(out, fieldnames=list(FLAT_FIELDS), lineterminator="\n")
    writer.writeheader()
    for item in items:
        row = flat_record(item)
        row["context"] = ";".join(row["context"])
        writer.writerow(row)


def parquet_schema() -> Any:
    """The Arrow schema of the Parquet export."""
    import pyarrow as pa

    types = {
        "context": pa.list_(pa.string()),
        "goldstein": pa.float64(),
        "quad_class": pa.int8(),
        "location_lat": pa.float64(),
        "location_lon": pa.float64(),
        "sentence_index": pa.int32(),
        "trigger_start": pa.int32(),
        "trigger_end": pa.int32(),
        "confidence": pa.float64(),
        "num_mentions": pa.int32(),
        "num_articles": pa.int32(),
        "num_sources": pa.int32(),
    }
    return pa.schema([(name, types.get(name, pa.string())) for name in FLAT_FIELDS])


def write_parquet(items: Sequence[StoredEvent], path: Path) -> None:
    """A Parquet file of `flat_record` rows (typed columns, `context` a list of strings)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [flat_record(item) for item in items]
    table = pa.Table.from_pylist(rows, schema=parquet_schema())
    try:
        pq.write_table(table, path)
    except OSError as err:
        raise AnalysisError(f"cannot write {path}: {err}") from None


# --------------------------------------------------------------------------- import


def read_plover(text: str, *, source: str = "<input>") -> list[dict[str, Any]]:
    """PLOVER records from JSON Lines (or one JSON array); AnalysisError names a bad line."""
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            records = json.loads(stripped)
        except json.JSONDecodeError as err:
            raise AnalysisError(f"{source} is not valid JSON: {err}") from None
        return [_check_record(r, f"{source} item {i + 1}") for i, r in enumerate(records)]
    out = []
    # only "\n" ends a record: JSON text may hold U+2028, U+0085 ... unescaped
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise AnalysisError(f"{source} line {number} is not JSON: {err.msg}") from None
        out.append(_check_record(record, f"{source} line {number}"))
    return out


def _check_record(record: Any, where: str) -> dict[str, Any]:
    if not isinstance(record, dict):
        raise AnalysisError(f"{where} is not a JSON object: expected one PLOVER record")
    missing = [k for k in ("event_type", "doc_id") if not record.get(k)]
    if _actor(record, "actor") is None:
        missing.append("actor")
    if missing:
        raise AnalysisError(
            f"{where} has no {', '.join(missing)}: a PLOVER record needs event_type, actor and doc_id"
        )
    return record


def _actor(record: Mapping[str, Any], role: str) -> Actor | None:
    """The actor or recipient of a record; its words may be "" (an implicit actor)."""
    text = record.get(f"{role}_text")
    if text is None:
        text = record.get(role) or record.get(f"{role}_code")
    if text is None:
        return None
    sector = record.get(f"{role}_sector")
    return Actor(
        text=text,
        name=record.get(role),
        country=record.get(f"{role}_country"),
        sector=Sector(sector) if sector else None,
        code=record.get(f"{role}_code"),
    )


def _precision(record: Mapping[str, Any]) -> Precision | None:
    value = record.get("date_precision")
    if value:
        return Precision(value)
    date = record.get("date")
    if not date:
        return None
    return {3: Precision.DAY, 2: Precision.MONTH, 1: Precision.YEAR}[len(str(date).split("-"))]


def record_event(record: Mapping[str, Any], mention_id: str) -> Event:
    """The event of a PLOVER record, as its most confident mention."""
    actor = _actor(record, "actor")
    assert actor is not None  # checked by read_plover
    location = None
    if record.get("location"):
        location = Location(
            name=record["location"],
            country=record.get("location_country"),
            lat=record.get("latitude"),
            lon=record.get("longitude"),
        )
    try:
        return Event(
            event_id=mention_id,
            doc_id=record["doc_id"],
            event=str(record["event_type"]).upper(),
            mode=record.get("mode"),
            context=tuple(record.get("context") or ()),
            cameo=record.get("cameo") or "",
            goldstein=float(record.get("goldstein") or 0.0),
            quad_class=QuadClass(int(record.get("quad_class") or 1)),
            actor=actor,
            recipient=_actor(record, "recipient"),
            date=record.get("date"),
            date_precision=_precision(record),
            location=location,
            sentence_index=int(record.get("sentence_index") or 0),
            sentence=record.get("sentence") or "",
            trigger=Trigger(
                record.get("trigger_text") or "",
                int(record.get("trigger_start") or 0),
                int(record.get("trigger_end") or 0),
            ),
            confidence=float(record.get("confidence") or 0.0),
            coder_version=record.get("coder_version") or "unknown (imported)",
        )
    except (ValueError, KeyError, TypeError) as err:
        raise AnalysisError(f"PLOVER record {record.get('id')!r} has a bad value: {err}") from None


def _mention_events(record: Mapping[str, Any]) -> Iterator[Event]:
    """One event per mention of the record: the representative one as exported, the others
    with their own article, sentence and confidence."""
    key = str(record.get("id") or "")
    mentions = record.get("mentions") or [
        {
            "doc_id": record["doc_id"],
            "sentence_index": record.get("sentence_index") or 0,
            "sentence": record.get("sentence") or "",
            "confidence": record.get("confidence") or 0.0,
        }
    ]
    rep = record_event(record, "")
    used = False
    for number, mention in enumerate(mentions):
        mention_id = hashlib.sha1(f"{key}|{number}".encode()).hexdigest()[:16]
        same = (
            mention.get("doc_id") == rep.doc_id
            and mention.get("sentence_index") == rep.sentence_index
            and mention.get("confidence") == rep.confidence
        )
        if same and not used:
            used = True
            yield Event(**{**rep.__dict__, "event_id": mention_id})
            continue
        yield Event(
            **{
                **rep.__dict__,
                "event_id": mention_id,
                "doc_id": str(mention.get("doc_id") or rep.doc_id),
                "sentence_index": int(mention.get("sentence_index") or 0),
                "sentence": mention.get("sentence") or "",
                "confidence": float(mention.get("confidence") or 0.0),
            }
        )


def plover_articles(records: Sequence[Mapping[str, Any]]) -> list[ArticleResult]:
    """The articles (with their mentions) that PLOVER records describe, ready for a store."""
    events: dict[str, list[Event]] = {}
    sources: dict[str, str | None] = {}
    headers: dict[str, tuple[str | None, str | None]] = {}
    for record in records:
        doc_id = str(record["doc_id"])
        if doc_id not in headers:
            headers[doc_id] = (record.get("url"), record.get("publication_date"))
        sources.setdefault(doc_id, record.get("source"))
        for mention in record.get("mentions") or ():
            sources.setdefault(str(mention.get("doc_id")), mention.get("source"))
        for event in _mention_events(record):
            events.setdefault(event.doc_id, []).append(event)
    results = []
    for doc_id in sorted(events):
        url, published = headers.get(doc_id, (None, None))
        try:
            day = dt.date.fromisoformat(published) if published else None
        except ValueError:
            raise AnalysisError(
                f"article {doc_id}: publication_date {published!r} is not YYYY-MM-DD"
            ) from None
        doc_events = events[doc_id]
        results.append(
            ArticleResult(
                doc_id=doc_id,
                status="ok",
                content_hash=None,
                article=Article(
                    doc_id=doc_id, text="", published=day, source=sources.get(doc_id), url=url
                ),
                events=tuple(doc_events),
                coder_version=doc_events[0].coder_version,
            )
        )
    return results


def import_plover(
    store: EventStore,
    records: Sequence[Mapping[str, Any]],
    *,
    source: str = "<input>",
    batch_size: int = 256,
) -> ImportSummary:
    """Write PLOVER records (from `read_plover`) into `store`.

    Articles already in the store are refused (importing would replace their coded
    events): import into a new store. The articles are stored without text.
    """
    results = plover_articles(records)
    present = sorted(set(store.article_states()) & {r.doc_id for r in results})
    if present:
        raise AnalysisError(
            f"{len(present)} article(s) of {source} are already in store {store.location} "
            f"(e.g. {present[0]}): import into a new --db"
        )
    mentions = 0
    for start in range(0, len(results), batch_size):
        stats = store.write_batch(results[start : start + batch_size])
        mentions += stats.mentions_added
    return ImportSummary(
        records=len(records),
        articles=len(results),
        mentions=mentions,
        events=store.summary().events,
    )
