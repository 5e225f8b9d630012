"""The event store: articles, deduplicated events and their mentions, behind one small interface.

`EventStore` is the interface the pipeline uses; `DuckDBStore` is the embedded default
(one file, no server). `open_store(target)` picks the backend from the target, so a second
backend plugs in here without touching ingest or the CLI. The schema is documented in
docs/STORE.md and versioned: `MIGRATIONS` lists every change since version 1 and
`schema_migrations` records which ones a store has had.

Writes come in batches (`write_batch`): the articles, their mentions and the recomputed
events of a batch are committed in one transaction, so a crash loses at most the batch
in flight and never leaves half an article behind. Events are derived from mentions
(`events` = one row per event key, fields from its most confident mention, plus counts),
so the store's content does not depend on the order in which articles were written.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import logging
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, Protocol, Self

from detente.dedup import DEFAULT_DEDUP, DedupRule, event_key
from detente.errors import StoreError, StoreInUseError
from detente.records import (
    Actor,
    Article,
    Event,
    Location,
    Precision,
    QuadClass,
    Sector,
    Trigger,
)

logger = logging.getLogger(__name__)

DEFAULT_DB = "detente.duckdb"
DB_ENV = "DETENTE_DB"

Status = Literal["ok", "failed"]


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class ArticleResult:
    """One article as the store receives it: its metadata and the events coded from it.

    A failed item (unreadable file, broken JSONL line, coder error) has status "failed",
    the reason in `error`, and no events. `doc_id` is then the item's location.
    """

    doc_id: str
    status: Status
    content_hash: str | None = None
    article: Article | None = None
    events: tuple[Event, ...] = ()
    coder_version: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class ArticleState:
    """What the store knows of an article: enough to skip it when it has not changed."""

    content_hash: str | None
    status: Status


@dataclass(frozen=True)
class BatchStats:
    """What one `write_batch` changed."""

    articles: int = 0
    mentions_added: int = 0
    mentions_removed: int = 0
    events_added: int = 0
    events_removed: int = 0


@dataclass(frozen=True)
class EventQuery:
    """A filter on stored events. Codes match a country ("PAK") or a code prefix ("PAKGOV")."""

    actor: str | None = None
    recipient: str | None = None
    event_type: str | None = None  # PLOVER type ("CONSULT") or CAMEO code prefix ("04")
    since: dt.date | None = None
    until: dt.date | None = None
    source: str | None = None
    limit: int | None = None
    evidence: bool = False  # also load every mention (article, sentence) of each event
    dyad: tuple[str, str] | None = None  # events between two actors (codes as above)
    directed: bool = False  # with `dyad`: only its first member acting on its second
    doc_id: str | None = None  # events with a mention in this article
    offset: int = 0  # skip this many events (with `limit`: pagination)


@dataclass(frozen=True)
class Mention:
    """One report of an event: the article and sentence it was coded from."""

    doc_id: str
    source: str | None
    sentence_index: int
    sentence: str
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "source": self.source,
            "sentence_index": self.sentence_index,
            "sentence": self.sentence,
            "confidence": self.confidence,
        }


@dataclass(frozen=True)
class StoredEvent:
    """One real-world event: the record of its most confident mention, plus counts.

    `event.event_id` is the event key (see dedup.py), `event.doc_id` the article of the
    representative mention.
    """

    event: Event
    num_mentions: int
    num_articles: int
    num_sources: int
    mentions: tuple[Mention, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        record = self.event.to_dict()
        record["num_mentions"] = self.num_mentions
        record["num_articles"] = self.num_articles
        record["num_sources"] = self.num_sources
        if self.mentions:
            record["mentions"] = [m.to_dict() for m in self.mentions]
        return record


@dataclass(frozen=True)
class StoredArticle:
    """An article as stored: its metadata, its text and every event coded from it.

    `mentions` are the coder's records for this article (`event_id` is the mention id),
    in output order; their trigger offsets point into `text`. `event_keys` gives, for each
    mention, the event (row of `events`) it was counted as.
    """

    doc_id: str
    url: str | None
    title: str | None
    source: str | None
    published: dt.date | None
    text: str | None
    status: Status
    error: str | None
    mentions: tuple[Event, ...] = ()
    event_keys: tuple[str, ...] = ()


# Aggregates for analysis (dyads, rankings, alerts, network). With `since`/`until`, they
# count an event only when its whole date lies in the range (`date_start >= since`,
# `date_end <= until`), so an event is counted in one period or window at most, and one
# dated only "2018" is not in June 2018. Undated events are left out as soon as a time
# bound is given.


@dataclass(frozen=True)
class PeriodCount:
    """The events of one QuadClass whose first day falls in one period."""

    start: dt.date  # first day of the period (Monday for weeks, the 1st for months)
    quad_class: int
    events: int
    goldstein_sum: float


@dataclass(frozen=True)
class ActorCount:
    """How often one actor key (its country, else its actor code) takes part in events."""

    code: str
    events: int  # events it takes part in, as actor or recipient (both: counted once)
    as_actor: int
    as_recipient: int
    goldstein_sum: float  # over those events


@dataclass(frozen=True)
class DyadCount:
    """The events between two actor keys: counts by QuadClass and Goldstein sums."""

    first: str
    second: str
    events: int
    verbal_cooperation: int
    material_cooperation: int
    verbal_conflict: int
    material_conflict: int
    goldstein_sum: float
    goldstein_sumsq: float  # sum of squared scores (for variances)
    first_date: dt.date | None
    last_date: dt.date | None


@dataclass(frozen=True)
class StoreSummary:
    """Counts of what a store holds."""

    articles_ok: int
    articles_failed: int
    events: int
    mentions: int
    schema_version: int
    dedup: str


# --------------------------------------------------------------------------- interface


class EventStore(Protocol):
    """What ingest and the CLI need from a store. Implementations must be context managers."""

    location: str

    def article_states(self) -> dict[str, ArticleState]: ...

    def write_batch(self, results: Sequence[ArticleResult]) -> BatchStats: ...

    def events(self, query: EventQuery) -> list[StoredEvent]: ...

    def count_events(self, query: EventQuery) -> int: ...

    def event_records_json(self, query: EventQuery) -> list[str]: ...

    def article(self, doc_id: str) -> StoredArticle | None: ...

    def summary(self) -> StoreSummary: ...

    def period_counts(self, query: EventQuery, freq: str) -> list[PeriodCount]: ...

    def actor_counts(self, query: EventQuery, *, limit: int | None = None) -> list[ActorCount]: ...

    def dyad_counts(
        self,
        query: EventQuery,
        *,
        directed: bool = False,
        domestic: bool = False,
        limit: int | None = None,
    ) -> list[DyadCount]: ...

    def event_type_counts(self, query: EventQuery) -> dict[str, int]: ...

    def article_headers(self, doc_ids: Sequence[str]) -> dict[str, StoredArticle]: ...

    def cursor(self) -> Self:
        """The same open store through a connection of its own, for one thread; closing
        it leaves this store open (closing this store closes it too)."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc: object) -> None: ...


def default_target() -> str:
    """The store used when none is given: $DETENTE_DB, else ./detente.duckdb."""
    return os.environ.get(DB_ENV) or DEFAULT_DB


def open_store(
    target: str | Path | None = None,
    *,
    read_only: bool = False,
    dedup: DedupRule | None = None,
    snapshot: bool = False,
) -> EventStore:
    """Open (creating and migrating when writable) the store at `target`.

    `target` is a path to a DuckDB file, optionally written `duckdb:PATH`. `dedup` is
    the rule for a new store; an existing store keeps the rule it was created with, and
    asking for another one is an error (mixing rules would count events inconsistently).
    `snapshot=True` gives a read snapshot instead (`DuckDBStore.snapshot`): the store's
    content copied into memory, the file let go of as soon as it is copied.
    """
    text = str(target) if target is not None else default_target()
    scheme, sep, rest = text.partition(":")
    if sep and scheme == "duckdb":
        text = rest.removeprefix("//")
    elif sep and len(scheme) > 1 and "/" not in scheme and "\\" not in scheme:
        raise StoreError(
            f"unknown store backend {scheme!r} in {text!r}: give a DuckDB file path "
            "(e.g. --db events.duckdb)"
        )
    if snapshot:
        return DuckDBStore.snapshot(Path(text))
    return DuckDBStore(Path(text), read_only=read_only, dedup=dedup)


# --------------------------------------------------------------------------- schema


@dataclass(frozen=True)
class Migration:
    """One step of the schema: applied once, in order, inside a transaction."""

    version: int
    description: str
    statements: tuple[str, ...]


_EVENT_COLUMNS = """
    event VARCHAR NOT NULL,
    mode VARCHAR,
    context VARCHAR[] NOT NULL,
    cameo VARCHAR NOT NULL,
    goldstein DOUBLE NOT NULL,
    quad_class INTEGER NOT NULL,
    actor_text VARCHAR NOT NULL,
    actor_name VARCHAR,
    actor_country VARCHAR,
    actor_sector VARCHAR,
    actor_code VARCHAR,
    recipient_text VARCHAR,
    recipient_name VARCHAR,
    recipient_country VARCHAR,
    recipient_sector VARCHAR,
    recipient_code VARCHAR,
    date VARCHAR,
    date_precision VARCHAR,
    date_start DATE,
    date_end DATE,
    location_name VARCHAR,
    location_country VARCHAR,
    location_lat DOUBLE,
    location_lon DOUBLE,
    sentence_index INTEGER NOT NULL,
    sentence VARCHAR NOT NULL,
    trigger_text VARCHAR NOT NULL,
    trigger_start INTEGER NOT NULL,
    trigger_end INTEGER NOT NULL,
    confidence DOUBLE NOT NULL,
    coder_version VARCHAR NOT NULL
"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "articles, events, mentions, store_meta",
        (
            """CREATE TABLE store_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)""",
            """CREATE TABLE articles (
                doc_id VARCHAR PRIMARY KEY,
                url VARCHAR,
                title VARCHAR,
                source VARCHAR,
                published DATE,
                content_hash VARCHAR,
                coder_version VARCHAR,
                status VARCHAR NOT NULL,
                error VARCHAR,
                num_mentions INTEGER NOT NULL,
                ingested_at TIMESTAMP NOT NULL
            )""",
            f"""CREATE TABLE mentions (
                mention_id VARCHAR NOT NULL,
                event_key VARCHAR NOT NULL,
                doc_id VARCHAR NOT NULL,
                ordinal INTEGER NOT NULL,
                {_EVENT_COLUMNS}
            )""",
            "CREATE INDEX mentions_doc ON mentions (doc_id)",
            "CREATE INDEX mentions_key ON mentions (event_key)",
            f"""CREATE TABLE events (
                event_id VARCHAR PRIMARY KEY,
                doc_id VARCHAR NOT NULL,
                {_EVENT_COLUMNS},
                num_mentions INTEGER NOT NULL,
                num_articles INTEGER NOT NULL,
                num_sources INTEGER NOT NULL
            )""",
        ),
    ),
    Migration(
        2,
        "articles.text: the article text, for evidence and highlighting",
        ("ALTER TABLE articles ADD COLUMN text VARCHAR",),
    ),
)
SCHEMA_VERSION = MIGRATIONS[-1].version

_EVENT_FIELDS = tuple(
    line.strip().split()[0] for line in _EVENT_COLUMNS.strip().splitlines() if line.strip()
)
_MENTION_FIELDS = ("mention_id", "event_key", "doc_id", "ordinal", *_EVENT_FIELDS)
_ARTICLE_FIELDS = (
    "doc_id",
    "url",
    "title",
    "source",
    "published",
    "content_hash",
    "coder_version",
    "status",
    "error",
    "num_mentions",
    "ingested_at",
    "text",
)
_STORED_EVENT_FIELDS = (
    "event_id",
    "doc_id",
    *_EVENT_FIELDS,
    "num_mentions",
    "num_articles",
    "num_sources",
)
# The order of `events()`: oldest first, then a total order (event_id is unique).
_EVENT_ORDER = "date_start NULLS LAST, date, event, actor_code, recipient_code, event_id"
# A snapshot keeps its events table sorted by _EVENT_ORDER, numbered in one column, and
# has each row packed in another (a JSON array of _PACKED_FIELDS): one column to fetch.
_SNAPSHOT_POSITION = "event_position"
_SNAPSHOT_ROW = "event_row"
_SNAPSHOT_RECORD = "event_record"  # the record of StoredEvent.to_dict(), as JSON text


def _actor_json(prefix: str) -> str:
    return (
        f"json_object('text', {prefix}_text, 'name', {prefix}_name, 'country', "
        f"{prefix}_country, 'sector', {prefix}_sector, 'code', {prefix}_code)"
    )


# StoredEvent.to_dict() (without mentions) written by DuckDB, field for field.
_RECORD_JSON = f"""json_object(
    'event_id', event_id, 'doc_id', doc_id, 'event', event, 'mode', mode,
    'context', context, 'cameo', cameo, 'goldstein', goldstein, 'quad_class', quad_class,
    'actor', {_actor_json("actor")},
    'recipient', CASE WHEN recipient_text IS NULL THEN NULL ELSE {_actor_json("recipient")} END,
    'date', date, 'date_precision', date_precision,
    'location', CASE WHEN location_name IS NULL THEN NULL ELSE json_object(
        'name', location_name, 'country', location_country, 'lat', location_lat,
        'lon', location_lon) END,
    'sentence_index', sentence_index, 'sentence', sentence,
    'trigger', json_object('text', trigger_text, 'start', trigger_start, 'end', trigger_end),
    'confidence', confidence, 'coder_version', coder_version,
    'num_mentions', num_mentions, 'num_articles', num_articles, 'num_sources', num_sources
)"""
_PACKED_FIELDS = tuple(f for f in _STORED_EVENT_FIELDS if f not in ("date_start", "date_end"))
_PACKED_FLOATS = ("goldstein", "location_lat", "location_lon", "confidence")
_SNAPSHOT_CATALOG = "snapshot"
_SNAPSHOT_TABLES = ("store_meta", "schema_migrations", "articles", "mentions", "events")
_ROWS_PER_INSERT = 200
_PERIOD_PARTS = {"day": "day", "week": "week", "month": "month"}


def _date_span(value: str | None) -> tuple[dt.date | None, dt.date | None]:
    """First and last day covered by "YYYY-MM-DD", "YYYY-MM" or "YYYY" (None when unparsable)."""
    if not value:
        return None, None
    try:
        parts = [int(p) for p in value.split("-")]
        if len(parts) == 3:
            day = dt.date(*parts)
            return day, day
        if len(parts) == 2:
            first = dt.date(parts[0], parts[1], 1)
            nxt = dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
            return first, nxt - dt.timedelta(days=1)
        if len(parts) == 1:
            return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
    except ValueError:
        pass
    logger.warning(
        "event date %r is not YYYY-MM-DD, YYYY-MM or YYYY; it will not match --since/--until", value
    )
    return None, None


def _actor_columns(actor: Actor | None) -> list[Any]:
    if actor is None:
        return [None] * 5
    return [
        actor.text,
        actor.name,
        actor.country,
        actor.sector.value if actor.sector else None,
        actor.code,
    ]


def _mention_row(key: str, ordinal: int, event: Event) -> list[Any]:
    start, end = _date_span(event.date)
    loc = event.location
    return [
        event.event_id,
        key,
        event.doc_id,
        ordinal,
        event.event,
        event.mode,
        list(event.context),
        event.cameo,
        float(event.goldstein),
        int(event.quad_class),
        *_actor_columns(event.actor),
        *_actor_columns(event.recipient),
        event.date,
        event.date_precision.value if event.date_precision else None,
        start,
        end,
        loc.name if loc else None,
        loc.country if loc else None,
        loc.lat if loc else None,
        loc.lon if loc else None,
        event.sentence_index,
        event.sentence,
        event.trigger.text,
        event.trigger.start,
        event.trigger.end,
        float(event.confidence),
        event.coder_version,
    ]


def _row_actor(row: dict[str, Any], prefix: str) -> Actor | None:
    text = row[f"{prefix}_text"]
    if text is None:
        return None
    sector = row[f"{prefix}_sector"]
    return Actor(
        text=text,
        name=row[f"{prefix}_name"],
        country=row[f"{prefix}_country"],
        sector=Sector(sector) if sector else None,
        code=row[f"{prefix}_code"],
    )


def _row_event(row: dict[str, Any]) -> Event:
    loc = None
    if row["location_name"] is not None:
        loc = Location(
            name=row["location_name"],
            country=row["location_country"],
            lat=row["location_lat"],
            lon=row["location_lon"],
        )
    actor = _row_actor(row, "actor")
    assert actor is not None  # actor_text is NOT NULL
    return Event(
        event_id=row["event_id"],
        doc_id=row["doc_id"],
        event=row["event"],
        mode=row["mode"],
        context=tuple(row["context"] or ()),
        cameo=row["cameo"],
        goldstein=row["goldstein"],
        quad_class=QuadClass(row["quad_class"]),
        actor=actor,
        recipient=_row_actor(row, "recipient"),
        date=row["date"],
        date_precision=Precision(row["date_precision"]) if row["date_precision"] else None,
        location=loc,
        sentence_index=row["sentence_index"],
        sentence=row["sentence"],
        trigger=Trigger(row["trigger_text"], row["trigger_start"], row["trigger_end"]),
        confidence=row["confidence"],
        coder_version=row["coder_version"],
    )


# --------------------------------------------------------------------------- DuckDB


class DuckDBStore:
    """The embedded default store: one DuckDB file, one writing process at a time."""

    def __init__(
        self, path: Path, *, read_only: bool = False, dedup: DedupRule | None = None
    ) -> None:
        import duckdb

        self.location = str(path)
        self.read_only = read_only
        if read_only and not path.exists():
            raise StoreError(
                f"no event store at {path}: run `detente ingest PATH --db {path}` first"
            )
        if not read_only and path.parent and not path.parent.exists():
            raise StoreError(f"cannot create store {path}: folder {path.parent} does not exist")
        self.is_snapshot = False
        try:
            self._con = duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as err:
            raise _open_error(path, err) from None
        try:
            self.dedup = self._prepare(dedup)
        except BaseException:
            self._con.close()
            raise

    @classmethod
    def snapshot(cls, path: Path) -> DuckDBStore:
        """A read snapshot of the store at `path`: its content copied into memory.

        The file is attached read-only only while it is copied (a fraction of a second for
        100,000 events), so another process can write to it as soon as this returns; the
        snapshot then answers every read method from memory and never sees later writes
        (open a new one). `write_batch` on it raises StoreError. Tables are copied
        compressed, as on disk; events are kept sorted in the order of `events()`, so a
        page of them is found without sorting.
        """
        import duckdb

        if not path.exists():
            raise StoreError(
                f"no event store at {path}: run `detente ingest PATH --db {path}` first"
            )
        store = cls.__new__(cls)
        store.location = str(path)
        store.read_only = True
        store.is_snapshot = True
        con = duckdb.connect(":memory:")
        store._con = con
        try:
            # give memory freed after the copy back to the system (DuckDB keeps it otherwise)
            con.execute("SET allocator_background_threads = true")
            # its readers are concurrent requests: each query on one thread costs less CPU
            con.execute("SET threads = 1")
            try:
                con.execute(f"ATTACH {_sql_string(str(path))} AS source (READ_ONLY)")
            except duckdb.Error as err:
                raise _open_error(path, err) from None
            try:
                for table in _SNAPSHOT_TABLES:  # a plain copy: the file is held the least
                    con.execute(f"CREATE TABLE memory.{table} AS SELECT * FROM source.{table}")
            except duckdb.Error as err:
                raise StoreError(
                    f"cannot read store {path}: {err} — is it a DuckDB file written by detente?"
                ) from None
            finally:
                con.execute("DETACH source")
            _compress_snapshot(con)
            store.dedup = store._prepare(None)
        except BaseException:
            con.close()
            raise
        return store

    def cursor(self) -> Self:
        """This store through a DuckDB connection of its own (DuckDB connections must not
        be shared between threads). Closing it leaves this store open; closing this store
        closes it too."""
        view = copy.copy(self)
        view._con = self._con.cursor()
        if self.is_snapshot:
            view._con.execute(f"USE {_SNAPSHOT_CATALOG}")
        return view

    # -- setup

    def _schema_version(self) -> int:
        exists = self._con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
        ).fetchone()
        if not exists or not exists[0]:
            return 0
        row = self._con.execute("SELECT max(version) FROM schema_migrations").fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def _prepare(self, dedup: DedupRule | None) -> DedupRule:
        version = self._schema_version()
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"store {self.location} has schema version {version}, newer than this detente "
                f"knows ({SCHEMA_VERSION}): upgrade detente"
            )
        if version < SCHEMA_VERSION:
            if self.read_only:
                raise StoreError(
                    f"store {self.location} has schema version {version}, older than {SCHEMA_VERSION}: "
                    "run `detente ingest` on it once to upgrade it"
                )
            self._migrate(version, dedup or DedupRule.parse(DEFAULT_DEDUP))
        row = self._con.execute("SELECT value FROM store_meta WHERE key = 'dedup'").fetchone()
        stored = DedupRule.parse(row[0]) if row else DedupRule.parse(DEFAULT_DEDUP)
        if dedup is not None and dedup.spec != stored.spec:
            raise StoreError(
                f"store {self.location} counts events with the dedup rule {stored.spec!r}, "
                f"not {dedup.spec!r}: use --dedup {stored.spec} or another --db"
            )
        return stored

    def _migrate(self, current: int, dedup: DedupRule) -> None:
        con = self._con
        con.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            "version INTEGER PRIMARY KEY, description VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
        )
        for migration in MIGRATIONS:
            if migration.version <= current:
                continue
            logger.info(
                "store %s: applying schema migration %d (%s)",
                self.location,
                migration.version,
                migration.description,
            )
            con.execute("BEGIN TRANSACTION")
            try:
                for statement in migration.statements:
                    con.execute(statement)
                if migration.version == 1:
                    con.execute("INSERT INTO store_meta VALUES ('dedup', ?)", [dedup.spec])
                con.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                    [migration.version, migration.description, _now()],
                )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise

    # -- context manager

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._con.close()

    # -- reading

    def article_states(self) -> dict[str, ArticleState]:
        rows = self._con.execute("SELECT doc_id, content_hash, status FROM articles").fetchall()
        return {doc_id: ArticleState(h, status) for doc_id, h, status in rows}

    def summary(self) -> StoreSummary:
        one = self._con.execute(
            """SELECT
                (SELECT count(*) FROM articles WHERE status = 'ok'),
                (SELECT count(*) FROM articles WHERE status = 'failed'),
                (SELECT count(*) FROM events),
                (SELECT count(*) FROM mentions),
                (SELECT max(version) FROM schema_migrations)"""
        ).fetchone()
        assert one is not None
        return StoreSummary(
            articles_ok=one[0],
            articles_failed=one[1],
            events=one[2],
            mentions=one[3],
            schema_version=int(one[4]),
            dedup=self.dedup.spec,
        )

    def _where(self, query: EventQuery) -> tuple[str, list[Any]]:
        """The WHERE clause (empty or starting with " WHERE") and parameters of `query`."""
        where: list[str] = []
        params: list[Any] = []

        def matches(prefix: str, value: str) -> str:
            code = value.strip().upper()
            params.extend([code, code])
            return f"({prefix}_country = ? OR starts_with({prefix}_code, ?))"

        for prefix, value in (("actor", query.actor), ("recipient", query.recipient)):
            if value:
                where.append(matches(prefix, value))
        if query.dyad:
            first, second = query.dyad
            forward = f"({matches('actor', first)} AND {matches('recipient', second)})"
            if query.directed:
                where.append(forward)
            else:
                backward = f"({matches('actor', second)} AND {matches('recipient', first)})"
                where.append(f"({forward} OR {backward})")
        if query.event_type:
            kind = query.event_type.strip()
            if kind.isdigit():
                where.append("starts_with(cameo, ?)")
            else:
                where.append("event = ?")
                kind = kind.upper()
            params.append(kind)
        if query.since:
            where.append("date_end >= ?")
            params.append(query.since)
        if query.until:
            where.append("date_start <= ?")
            params.append(query.until)
        if query.source:
            where.append(
                "event_id IN (SELECT m.event_key FROM mentions m JOIN articles a ON a.doc_id = m.doc_id"
                " WHERE lower(a.source) = lower(?))"
            )
            params.append(query.source)
        if query.doc_id:
            where.append("event_id IN (SELECT event_key FROM mentions WHERE doc_id = ?)")
            params.append(query.doc_id)
        return (" WHERE " + " AND ".join(where) if where else ""), params

    def count_events(self, query: EventQuery) -> int:
        """How many events match `query` (its limit and offset aside)."""
        where, params = self._where(query)
        row = self._con.execute("SELECT count(*) FROM events" + where, params).fetchone()
        return int(row[0]) if row else 0

    def events(self, query: EventQuery) -> list[StoredEvent]:
        """The events matching `query`, oldest first (see _EVENT_ORDER), paged by its
        `limit` and `offset`."""
        where, params = self._where(query)
        if self.is_snapshot:
            rows = self._snapshot_rows(where, params, query)
        else:
            rows = self._file_rows(where, params, query)
        mentions = self._mentions([r["event_id"] for r in rows]) if query.evidence else {}
        return [
            StoredEvent(
                event=_row_event(r),
                num_mentions=r["num_mentions"],
                num_articles=r["num_articles"],
                num_sources=r["num_sources"],
                mentions=tuple(mentions.get(r["event_id"], ())),
            )
            for r in rows
        ]

    def _file_rows(self, where: str, params: list[Any], query: EventQuery) -> list[dict[str, Any]]:
        """The rows of a page of events. A page is found in two steps: the ids of its
        events, sorted (a sort that moves a few columns), then only those rows, put back in
        that order; sorting whole rows to keep 50 of them costs about twice as much."""
        columns = ", ".join(_STORED_EVENT_FIELDS)
        if query.limit is None:
            sql = f"SELECT {columns} FROM events{where} ORDER BY {_EVENT_ORDER}"
            if query.offset:
                sql += " OFFSET ?"
                params.append(int(query.offset))
            found = self._con.execute(sql, params).fetchall()
        else:
            ids = self._con.execute(
                f"SELECT event_id FROM events{where} ORDER BY {_EVENT_ORDER} LIMIT ? OFFSET ?",
                [*params, int(query.limit), int(query.offset)],
            ).fetchall()
            if not ids:
                return []
            by_id = {
                row[0]: row
                for row in self._con.execute(
                    f"SELECT {columns} FROM events WHERE event_id IN (SELECT unnest(?::VARCHAR[]))",
                    [[key for (key,) in ids]],
                ).fetchall()
            }
            found = [by_id[key] for (key,) in ids]
        return [dict(zip(_STORED_EVENT_FIELDS, row, strict=True)) for row in found]

    def event_records_json(self, query: EventQuery) -> list[str]:
        """The events of `query` as the JSON text of `StoredEvent.to_dict()`, one string
        per event. A snapshot reads them ready-made (no record is built in Python); a file
        store, or a query for evidence, builds them from `events()`."""
        if not self.is_snapshot or query.evidence:
            return [json.dumps(item.to_dict(), ensure_ascii=False) for item in self.events(query)]
        where, params = self._where(query)
        records = self._snapshot_page(_SNAPSHOT_RECORD, where, params, query)
        return [str(record) for record in records]

    def _snapshot_rows(
        self, where: str, params: list[Any], query: EventQuery
    ) -> list[dict[str, Any]]:
        """The rows of a page of events of a snapshot, in one query: the table is in the
        order of events() (no sort of rows, a top-N on the position) and each row is packed
        in one column (see _compress_snapshot, instead of 36: a third of the cost)."""
        rows = self._snapshot_page(_SNAPSHOT_ROW, where, params, query)
        return [_unpack_row(packed) for packed in rows]

    def _snapshot_page(
        self, column: str, where: str, params: list[Any], query: EventQuery
    ) -> list[Any]:
        """One column of a page of a snapshot's events, in the order of events()."""
        sql = f"SELECT {column} FROM events{where} ORDER BY {_SNAPSHOT_POSITION}"
        if query.limit is not None:
            sql += " LIMIT ?"
            params.append(int(query.limit))
        if query.offset:
            sql += " OFFSET ?"
            params.append(int(query.offset))
        return [value for (value,) in self._con.execute(sql, params).fetchall()]

    # -- aggregates (see PeriodCount: an event is in a range when its whole date is)

    def _placed_where(self, query: EventQuery) -> tuple[str, list[Any]]:
        """`_where` of `query`, with `since`/`until` bounding the event's whole date."""
        where, params = self._where(replace(query, since=None, until=None))
        extra: list[str] = []
        if query.since:
            extra.append("date_start >= ?")
            params.append(query.since)
        if query.until:
            extra.append("date_end <= ?")
            params.append(query.until)
        if extra:
            where = (where + " AND " if where else " WHERE ") + " AND ".join(extra)
        return where, params

    def period_counts(self, query: EventQuery, freq: str) -> list[PeriodCount]:
        """Events matching `query` by period ("day", "week", "month") and QuadClass.

        Only events whose date lies within one period: a day-dated event in any series,
        one dated "2020-01" in monthly series only, one dated "2020" in none.
        """
        if freq not in _PERIOD_PARTS:
            raise StoreError(f"unknown period {freq!r}: use day, week or month")
        part = _PERIOD_PARTS[freq]
        where, params = self._placed_where(query)
        where += (" AND " if where else " WHERE ") + (
            f"date_start IS NOT NULL AND date_trunc('{part}', date_start) = date_trunc('{part}', date_end)"
        )
        rows = self._con.execute(
            f"""SELECT CAST(date_trunc('{part}', date_start) AS DATE) AS period,
                       quad_class, count(*), sum(goldstein)
                FROM events{where}
                GROUP BY period, quad_class ORDER BY period, quad_class""",
            params,
        ).fetchall()
        return [PeriodCount(r[0], int(r[1]), int(r[2]), float(r[3])) for r in rows]

    def actor_counts(self, query: EventQuery, *, limit: int | None = None) -> list[ActorCount]:
        """Actor keys (country, else actor code) by the number of events they take part in."""
        where, params = self._placed_where(query)
        sql = f"""WITH f AS (
                SELECT coalesce(actor_country, actor_code) AS a,
                       coalesce(recipient_country, recipient_code) AS r, goldstein
                FROM events{where}
            ), roles AS (
                SELECT a AS code, 1 AS is_actor, CAST(r IS NOT DISTINCT FROM a AS INTEGER) AS is_recipient,
                       goldstein
                FROM f WHERE a IS NOT NULL
                UNION ALL
                SELECT r, 0, 1, goldstein FROM f WHERE r IS NOT NULL AND r IS DISTINCT FROM a
            )
            SELECT code, count(*) AS n, sum(is_actor), sum(is_recipient), sum(goldstein)
            FROM roles GROUP BY code ORDER BY n DESC, code"""
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        rows = self._con.execute(sql, params).fetchall()
        return [ActorCount(r[0], int(r[1]), int(r[2]), int(r[3]), float(r[4])) for r in rows]

    def dyad_counts(
        self,
        query: EventQuery,
        *,
        directed: bool = False,
        domestic: bool = False,
        limit: int | None = None,
    ) -> list[DyadCount]:
        """Pairs of actor keys by number of events, most first.

        Undirected (default): `first` is the smaller key and both directions count.
        Directed: `first` acts on `second`. Events within one key (domestic) only with
        `domestic=True`; events without a recipient never form a dyad.
        """
        where, params = self._placed_where(query)
        if directed:
            first, second = "a", "r"
        else:
            first, second = "least(a, r)", "greatest(a, r)"
        same = "" if domestic else " AND a <> r"
        sql = f"""WITH f AS (
                SELECT coalesce(actor_country, actor_code) AS a,
                       coalesce(recipient_country, recipient_code) AS r,
                       quad_class, goldstein, date_start
                FROM events{where}
            )
            SELECT {first} AS first, {second} AS second, count(*) AS n,
                   count(*) FILTER (WHERE quad_class = 1), count(*) FILTER (WHERE quad_class = 2),
                   count(*) FILTER (WHERE quad_class = 3), count(*) FILTER (WHERE quad_class = 4),
                   sum(goldstein), sum(goldstein * goldstein), min(date_start), max(date_start)
            FROM f WHERE a IS NOT NULL AND r IS NOT NULL{same}
            GROUP BY 1, 2 ORDER BY n DESC, first, second"""
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        rows = self._con.execute(sql, params).fetchall()
        return [
            DyadCount(
                r[0],
                r[1],
                int(r[2]),
                int(r[3]),
                int(r[4]),
                int(r[5]),
                int(r[6]),
                float(r[7]),
                float(r[8]),
                r[9],
                r[10],
            )
            for r in rows
        ]

    def event_type_counts(self, query: EventQuery) -> dict[str, int]:
        """Events matching `query` per PLOVER event type, most first."""
        where, params = self._placed_where(query)
        rows = self._con.execute(
            f"SELECT event, count(*) AS n FROM events{where} GROUP BY event ORDER BY n DESC, event",
            params,
        ).fetchall()
        return {event: int(n) for event, n in rows}

    def article_headers(self, doc_ids: Sequence[str]) -> dict[str, StoredArticle]:
        """The stored articles `doc_ids` without text and mentions (url, title, source, date)."""
        if not doc_ids:
            return {}
        rows = self._con.execute(
            "SELECT doc_id, url, title, source, published, status, error FROM articles"
            " WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))",
            [list(doc_ids)],
        ).fetchall()
        return {
            r[0]: StoredArticle(
                doc_id=r[0],
                url=r[1],
                title=r[2],
                source=r[3],
                published=r[4],
                text=None,
                status=r[5],
                error=r[6],
            )
            for r in rows
        }

    def article(self, doc_id: str) -> StoredArticle | None:
        """The stored article `doc_id` with its text and coded events, or None."""
        cursor = self._con.execute(
            "SELECT doc_id, url, title, source, published, text, status, error"
            " FROM articles WHERE doc_id = ?",
            [doc_id],
        )
        row = cursor.fetchone()
        if row is None:
            return None
        cursor = self._con.execute(
            "SELECT * FROM mentions WHERE doc_id = ? ORDER BY ordinal", [doc_id]
        )
        names = [d[0] for d in cursor.description]
        mentions = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
        return StoredArticle(
            doc_id=row[0],
            url=row[1],
            title=row[2],
            source=row[3],
            published=row[4],
            text=row[5],
            status=row[6],
            error=row[7],
            mentions=tuple(_row_event({**m, "event_id": m["mention_id"]}) for m in mentions),
            event_keys=tuple(m["event_key"] for m in mentions),
        )

    def _mentions(self, keys: list[str]) -> dict[str, list[Mention]]:
        if not keys:
            return {}
        rows = self._con.execute(
            """SELECT m.event_key, m.doc_id, a.source, m.sentence_index, m.sentence, m.confidence
               FROM mentions m JOIN articles a ON a.doc_id = m.doc_id
               WHERE m.event_key IN (SELECT unnest(?::VARCHAR[]))
               ORDER BY m.event_key, m.confidence DESC, m.doc_id, m.sentence_index, m.mention_id""",
            [keys],
        ).fetchall()
        out: dict[str, list[Mention]] = {}
        for key, doc_id, source, index, sentence, confidence in rows:
            out.setdefault(key, []).append(Mention(doc_id, source, index, sentence, confidence))
        return out

    # -- writing

    def write_batch(self, results: Sequence[ArticleResult]) -> BatchStats:
        """Store a batch of articles with their events, all or nothing."""
        if self.is_snapshot:
            raise StoreError(
                f"this is a read snapshot of store {self.location}: open the store itself "
                "(open_store) to write"
            )
        if self.read_only:
            raise StoreError(f"store {self.location} was opened read-only")
        if not results:
            return BatchStats()
        import duckdb

        con = self._con
        try:
            con.execute("BEGIN TRANSACTION")
            try:
                stats = self._write(results)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        except duckdb.Error as err:
            raise StoreError(f"cannot write to store {self.location}: {err}") from None
        return stats

    def _write(self, results: Sequence[ArticleResult]) -> BatchStats:
        con = self._con
        # keep the last result of a doc_id that occurs more than once in the batch
        latest: dict[str, ArticleResult] = {}
        for result in results:
            latest.pop(result.doc_id, None)
            latest[result.doc_id] = result
        doc_ids = list(latest)
        old_keys = {
            key
            for (key,) in con.execute(
                "SELECT DISTINCT event_key FROM mentions WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))",
                [doc_ids],
            ).fetchall()
        }
        removed_row = con.execute(
            "SELECT count(*) FROM mentions WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))", [doc_ids]
        ).fetchone()
        removed = removed_row[0] if removed_row else 0
        con.execute("DELETE FROM mentions WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))", [doc_ids])
        con.execute("DELETE FROM articles WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))", [doc_ids])

        now = _now()
        article_rows: list[list[Any]] = []
        mention_rows: list[list[Any]] = []
        new_keys: set[str] = set()
        for result in latest.values():
            art = result.article
            seen_ids: set[str] = set()
            ordinal = 0
            for event in result.events if result.status == "ok" else ():
                if event.event_id in seen_ids:
                    logger.warning(
                        "article %s: event id %s given twice; keeping the first",
                        result.doc_id,
                        event.event_id,
                    )
                    continue
                seen_ids.add(event.event_id)
                if event.doc_id != result.doc_id:
                    event = _with_doc_id(event, result.doc_id)
                key = event_key(event, self.dedup)
                new_keys.add(key)
                mention_rows.append(_mention_row(key, ordinal, event))
                ordinal += 1
            article_rows.append(
                [
                    result.doc_id,
                    art.url if art else None,
                    art.title if art else None,
                    art.source if art else None,
                    art.published if art else None,
                    result.content_hash,
                    result.coder_version,
                    result.status,
                    result.error,
                    ordinal,
                    now,
                    art.text if art else None,
                ]
            )
        self._insert("articles", _ARTICLE_FIELDS, article_rows)
        self._insert("mentions", _MENTION_FIELDS, mention_rows)

        affected = sorted(old_keys | new_keys)
        before = self._existing_events(affected)
        self._recompute_events(affected)
        after = self._existing_events(affected)
        return BatchStats(
            articles=len(latest),
            mentions_added=len(mention_rows),
            mentions_removed=removed,
            events_added=len(after - before),
            events_removed=len(before - after),
        )

    def _existing_events(self, keys: list[str]) -> set[str]:
        if not keys:
            return set()
        rows = self._con.execute(
            "SELECT event_id FROM events WHERE event_id IN (SELECT unnest(?::VARCHAR[]))", [keys]
        ).fetchall()
        return {key for (key,) in rows}

    def _insert(self, table: str, columns: Sequence[str], rows: list[list[Any]]) -> None:
        if not rows:
            return
        placeholder = "(" + ", ".join("?" for _ in columns) + ")"
        column_list = ", ".join(columns)
        for start in range(0, len(rows), _ROWS_PER_INSERT):
            chunk = rows[start : start + _ROWS_PER_INSERT]
            sql = f"INSERT INTO {table} ({column_list}) VALUES " + ", ".join(
                placeholder for _ in chunk
            )
            self._con.execute(sql, [value for row in chunk for value in row])

    def _recompute_events(self, keys: Iterable[str]) -> None:
        """Rebuild the `events` rows of `keys` from their mentions (none left: row removed)."""
        keys = list(keys)
        if not keys:
            return
        con = self._con
        con.execute("DELETE FROM events WHERE event_id IN (SELECT unnest(?::VARCHAR[]))", [keys])
        fields = ", ".join(f"r.{name}" for name in _EVENT_FIELDS)
        con.execute(
            f"""INSERT INTO events
            SELECT r.event_key AS event_id, r.doc_id, {fields},
                   c.num_mentions, c.num_articles, c.num_sources
            FROM (
                SELECT m.*, row_number() OVER (
                    PARTITION BY m.event_key
                    ORDER BY m.confidence DESC, m.doc_id, m.sentence_index, m.mention_id
                ) AS rank
                FROM mentions m WHERE m.event_key IN (SELECT unnest(?::VARCHAR[]))
            ) r
            JOIN (
                SELECT m.event_key,
                       count(*) AS num_mentions,
                       count(DISTINCT m.doc_id) AS num_articles,
                       count(DISTINCT coalesce(a.source, 'article:' || m.doc_id)) AS num_sources
                FROM mentions m JOIN articles a ON a.doc_id = m.doc_id
                WHERE m.event_key IN (SELECT unnest(?::VARCHAR[]))
                GROUP BY m.event_key
            ) c ON c.event_key = r.event_key
            WHERE r.rank = 1""",
            [keys, keys],
        )


def _open_error(path: Path, err: Exception) -> StoreError:
    """The StoreError for a DuckDB error while opening (or attaching) the file at `path`."""
    import duckdb

    message = str(err)
    if isinstance(err, duckdb.IOException):
        if "lock" in message.lower():
            match = re.search(r"PID (\d+)", message)
            pid = match.group(1) if match else "unknown"
            return StoreInUseError(
                f"store {path} is in use by another detente process (pid {pid}) "
                "— wait for it to finish or use another --db"
            )
        return StoreError(f"cannot open store {path}: {message}")
    return StoreError(
        f"cannot open store {path}: {message} — is it a DuckDB file written by detente?"
    )


def _sql_string(text: str) -> str:
    """`text` as an SQL string literal (for statements that take no parameters, e.g. ATTACH)."""
    return "'" + text.replace("'", "''") + "'"


def _compress_snapshot(con: Any) -> None:
    """Move the tables copied into the default in-memory catalog into a compressed one
    (a sixth of the memory, and faster filters), made the current catalog. Events are
    sorted in the order of `events()`, numbered (_SNAPSHOT_POSITION) and each packed into
    one more column (_SNAPSHOT_ROW)."""
    con.execute(f"ATTACH ':memory:' AS {_SNAPSHOT_CATALOG} (COMPRESS)")
    con.execute(f"USE {_SNAPSHOT_CATALOG}")
    for table in _SNAPSHOT_TABLES:
        if table == "events":
            con.execute(
                f"""CREATE TABLE events AS
                SELECT *, row_number() OVER (ORDER BY {_EVENT_ORDER}) AS {_SNAPSHOT_POSITION},
                       json_array({", ".join(_PACKED_FIELDS)}) AS {_SNAPSHOT_ROW},
                       {_RECORD_JSON} AS {_SNAPSHOT_RECORD}
                FROM memory.events ORDER BY {_SNAPSHOT_POSITION}"""
            )
        else:
            con.execute(f"CREATE TABLE {table} AS SELECT * FROM memory.{table}")
        con.execute(f"DROP TABLE memory.{table}")
    con.execute(f"CHECKPOINT {_SNAPSHOT_CATALOG}")  # in-memory tables are compressed here


def _unpack_row(packed: str) -> dict[str, Any]:
    """A row of `events` (the fields `_row_event` reads) from its packed form."""
    row = dict(zip(_PACKED_FIELDS, json.loads(packed), strict=True))
    for name in _PACKED_FLOATS:  # JSON may write 8.0 as 8
        if row[name] is not None:
            row[name] = float(row[name])
    return row


def _with_doc_id(event: Event, doc_id: str) -> Event:
    return replace(event, doc_id=doc_id)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
