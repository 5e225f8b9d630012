"""The DuckDB event store: schema, batches, dedup, replacement, queries, locking."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from fake_coder import make_event
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.dedup import DedupRule, event_key
from detente.errors import StoreError, StoreInUseError
from detente.records import Article, Location
from detente.store import (
    SCHEMA_VERSION,
    ArticleResult,
    EventQuery,
    open_store,
)


def ok(
    doc_id: str, *events, source: str | None = "Wire", content_hash: str = "h1"
) -> ArticleResult:
    article = Article(doc_id=doc_id, text="...", published=dt.date(2020, 1, 21), source=source)
    return ArticleResult(
        doc_id=doc_id,
        status="ok",
        content_hash=content_hash,
        article=article,
        events=tuple(events),
        coder_version="fake 1.0",
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "events.duckdb"


def test_new_store_has_versioned_schema(db: Path) -> None:
    with open_store(db) as store:
        summary = store.summary()
    assert summary.schema_version == SCHEMA_VERSION == 2
    assert summary.dedup == "actor,date,event,mode,recipient"
    assert (summary.articles_ok, summary.events, summary.mentions) == (0, 0, 0)
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    tables = {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    versions = con.execute("SELECT version FROM schema_migrations").fetchall()
    con.close()
    assert {"articles", "events", "mentions", "schema_migrations", "store_meta"} <= tables
    assert sorted(versions) == [(1,), (2,)]


def test_two_articles_reporting_one_call_make_one_event_with_two_mentions(db: Path) -> None:
    a = make_event("seed", "PAK", "RUS", sentence="Qureshi called Lavrov.", confidence=0.8)
    b = make_event("second", "PAK", "RUS", sentence="Pakistan's FM phoned Lavrov.", confidence=0.9)
    with open_store(db) as store:
        stats = store.write_batch(
            [ok("seed", a, source="Arab News"), ok("second", b, source="Dawn")]
        )
        (event,) = store.events(EventQuery(evidence=True))
    assert (stats.mentions_added, stats.events_added) == (2, 1)
    assert (event.num_mentions, event.num_articles, event.num_sources) == (2, 2, 2)
    assert event.event.event == "CONSULT" and event.event.actor.code == "PAKGOV"
    assert event.event.recipient is not None and event.event.recipient.code == "RUSGOV"
    # the representative is the most confident mention; all mentions are kept as evidence
    assert event.event.doc_id == "second"
    assert [m.doc_id for m in event.mentions] == ["second", "seed"]
    assert event.event.event_id == event_key(a, DedupRule())


def test_different_day_or_mode_stays_separate(db: Path) -> None:
    with open_store(db) as store:
        store.write_batch(
            [
                ok("a", make_event("a", "PAK", "RUS", date="2020-01-10")),
                ok("b", make_event("b", "PAK", "RUS", date="2020-01-11")),
                ok("c", make_event("c", "PAK", "RUS", date="2020-01-10", mode="visit")),
                ok("d", make_event("d", "RUS", "PAK", date="2020-01-10")),
            ]
        )
        assert store.summary().events == 4


def test_monthly_rule_merges_days_and_store_keeps_its_rule(db: Path) -> None:
    rule = DedupRule.parse("actor, recipient, event, month")
    with open_store(db, dedup=rule) as store:
        store.write_batch(
            [
                ok("a", make_event("a", "PAK", "RUS", date="2020-01-10")),
                ok("b", make_event("b", "PAK", "RUS", date="2020-01-28", mode="visit")),
            ]
        )
        assert store.summary().events == 1
    with open_store(db) as store:  # no rule given: the stored one is used
        assert store.dedup == rule
    with pytest.raises(StoreError, match="dedup rule"):
        open_store(db, dedup=DedupRule())


def test_unknown_dedup_field_is_an_error() -> None:
    with pytest.raises(StoreError, match="unknown dedup field"):
        DedupRule.parse("actor,weather")


def test_undated_events_do_not_merge_across_articles(db: Path) -> None:
    with open_store(db) as store:
        store.write_batch(
            [
                ok("a", make_event("a", "PAK", "RUS", date=None)),
                ok("b", make_event("b", "PAK", "RUS", date=None)),
            ]
        )
        assert store.summary().events == 2


def test_changed_article_replaces_its_mentions_and_recounts(db: Path) -> None:
    with open_store(db) as store:
        store.write_batch(
            [
                ok("a", make_event("a", "PAK", "RUS")),
                ok(
                    "b",
                    make_event("b", "PAK", "RUS"),
                    make_event("b", "USA", "IRN", event="ACCUSE", sentence_index=2),
                ),
            ]
        )
        assert store.summary().events == 2
        # b is corrected: it no longer reports the call, only the accusation
        stats = store.write_batch(
            [
                ok(
                    "b",
                    make_event("b", "USA", "IRN", event="ACCUSE", sentence_index=3),
                    content_hash="h2",
                )
            ]
        )
        events = {e.event.event: e for e in store.events(EventQuery())}
        assert store.article_states()["b"].content_hash == "h2"
    assert (stats.mentions_removed, stats.mentions_added) == (2, 1)
    assert (stats.events_added, stats.events_removed) == (0, 0)
    assert events["CONSULT"].num_mentions == 1 and events["CONSULT"].event.doc_id == "a"
    assert events["ACCUSE"].event.sentence_index == 3


def test_event_disappears_when_its_last_mention_goes(db: Path) -> None:
    with open_store(db) as store:
        store.write_batch([ok("a", make_event("a", "PAK", "RUS"))])
        stats = store.write_batch([ok("a", content_hash="h2")])
        assert store.summary().events == 0
    assert stats.events_removed == 1


def test_failed_items_are_recorded_with_their_reason(db: Path) -> None:
    with open_store(db) as store:
        store.write_batch(
            [ArticleResult(doc_id="x.pdf", status="failed", error="x.pdf is not text")]
        )
        states = store.article_states()
        assert store.summary().articles_failed == 1
    assert states["x.pdf"].status == "failed"
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT error FROM articles").fetchall() == [("x.pdf is not text",)]
    con.close()


def test_failed_batch_leaves_nothing_behind(db: Path) -> None:
    good = make_event("b", "PAK", "RUS")
    bad = replace(good, actor=replace(good.actor, text=None))  # violates NOT NULL in the insert
    with open_store(db) as store:
        with pytest.raises(StoreError, match="cannot write"):
            store.write_batch([ok("a", make_event("a", "PAK", "RUS")), ok("b", bad)])
        assert store.article_states() == {}
        assert store.summary().mentions == 0


def test_queries_filter_with_parameters(db: Path) -> None:
    with open_store(db) as store:
        store.write_batch(
            [
                ok("a", make_event("a", "PAK", "RUS", date="2020-01-10"), source="Arab News"),
                ok(
                    "b",
                    make_event("b", "USA", "IRN", event="ACCUSE", cameo="112", date="2020-02-03"),
                    source="Guardian",
                ),
                ok("c", make_event("c", "RUS", "PAK", date="2020-03")),
            ]
        )

        def kinds(**kw) -> list[str]:
            return [
                f"{e.event.actor.country}>{e.event.event}" for e in store.events(EventQuery(**kw))
            ]

        assert kinds(actor="PAK") == ["PAK>CONSULT"]
        assert kinds(actor="PAKGOV", recipient="rus") == ["PAK>CONSULT"]
        assert kinds(event_type="accuse") == ["USA>ACCUSE"]
        assert kinds(event_type="04") == ["PAK>CONSULT", "RUS>CONSULT"]
        assert kinds(since=dt.date(2020, 2, 1)) == ["USA>ACCUSE", "RUS>CONSULT"]
        assert kinds(until=dt.date(2020, 3, 1)) == ["PAK>CONSULT", "USA>ACCUSE", "RUS>CONSULT"]
        assert kinds(until=dt.date(2020, 2, 29)) == ["PAK>CONSULT", "USA>ACCUSE"]
        assert kinds(source="guardian") == ["USA>ACCUSE"]
        assert kinds(limit=1) == ["PAK>CONSULT"]
        assert kinds(actor="X' OR 1=1 --") == []
        assert kinds(dyad=("RUS", "PAK")) == ["PAK>CONSULT", "RUS>CONSULT"]
        assert kinds(dyad=("RUS", "PAK"), directed=True) == ["RUS>CONSULT"]
        assert kinds(dyad=("PAK", "IRN")) == []
        assert kinds(doc_id="b") == ["USA>ACCUSE"]
        assert kinds(limit=1, offset=1) == ["USA>ACCUSE"]
        assert store.count_events(EventQuery(event_type="04", limit=1)) == 2
        assert store.count_events(EventQuery(dyad=("PAK", "RUS"), directed=True)) == 1


def test_article_keeps_its_text_and_mentions(db: Path) -> None:
    event = make_event("a", "PAK", "RUS", start=4)
    with open_store(db) as store:
        store.write_batch([ok("a", event)])
        article = store.article("a")
        assert store.article("missing") is None
    assert article is not None
    assert (article.text, article.source, article.status) == ("...", "Wire", "ok")
    assert [m.event_id for m in article.mentions] == [event.event_id]
    assert article.mentions[0].trigger == event.trigger
    assert article.event_keys[0] == store_key(event)


def store_key(event) -> str:
    return event_key(event, DedupRule.parse("actor,recipient,event,mode,date"))


def test_version_1_store_is_migrated_keeping_its_rows(db: Path) -> None:
    import duckdb

    from detente.store import MIGRATIONS

    con = duckdb.connect(str(db))
    con.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
        "description VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    for statement in MIGRATIONS[0].statements:
        con.execute(statement)
    con.execute("INSERT INTO store_meta VALUES ('dedup', 'actor,recipient,event,mode,date')")
    con.execute("INSERT INTO schema_migrations VALUES (1, 'v1', now())")
    con.execute(
        "INSERT INTO articles (doc_id, status, num_mentions, ingested_at) "
        "VALUES ('old', 'ok', 0, now())"
    )
    con.close()
    with pytest.raises(StoreError, match="older"):
        open_store(db, read_only=True)
    with open_store(db) as store:
        assert store.summary().schema_version == 2
        old = store.article("old")
    assert old is not None and old.text is None


def test_read_only_store_must_exist(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no event store"):
        open_store(tmp_path / "missing.duckdb", read_only=True)


def test_unknown_backend_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="unknown store backend"):
        open_store("postgres://localhost/events")
    with open_store(f"duckdb:{tmp_path / 'x.duckdb'}") as store:
        assert store.summary().events == 0


def test_newer_schema_is_refused(db: Path) -> None:
    open_store(db).close()
    import duckdb

    con = duckdb.connect(str(db))
    con.execute("INSERT INTO schema_migrations VALUES (99, 'future', now())")
    con.close()
    with pytest.raises(StoreError, match="upgrade detente"):
        open_store(db)


def test_second_process_gets_store_in_use(db: Path) -> None:
    with open_store(db):
        code = (
            "import sys\n"
            "from detente.store import open_store\n"
            "from detente.errors import StoreInUseError\n"
            "try:\n"
            f"    open_store({str(db)!r})\n"
            "except StoreInUseError as err:\n"
            "    print(err); sys.exit(3)\n"
        )
        proc = subprocess.run(
            [sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=60
        )
    assert proc.returncode == 3, proc.stderr
    assert "is in use by another detente process" in proc.stdout
    assert "use another --db" in proc.stdout
    assert issubclass(StoreInUseError, StoreError)


def _varied_store(db: Path) -> None:
    """Events with ties, undated ones, ranges, two mentions of one event, a place, whole
    numbers as floats and a sentence with quotes, a line break and non-ASCII letters."""
    placed = replace(
        make_event("c", "TUR", "SYR", sentence_index=3, start=7, confidence=1.0),
        location=Location("Kobanê", "SYR", 36.89, 38.35),
        sentence='Erdoğan said "no"\nto \\ Damascus.',
    )
    with open_store(db) as store:
        store.write_batch(
            [
                ok(
                    "a",
                    make_event("a", "PAK", "RUS", date="2020-01-10"),
                    make_event("a", "USA", None, date=None, sentence_index=1, start=9),
                    make_event("a", "IRN", "USA", event="ACCUSE", cameo="112", sentence_index=2),
                    source="Arab News",
                ),
                ok("b", make_event("b", "PAK", "RUS", date="2020-01-10", confidence=0.95)),
                ok(
                    "c",
                    make_event("c", "RUS", "PAK", date="2020-03"),
                    make_event("c", "CHN", "RUS", date=None, sentence_index=1, start=5),
                    make_event("c", "RUS", "UKR", event="ACCUSE", cameo="112", date="2020-01-10"),
                    placed,
                    source=None,
                ),
            ]
        )


def test_snapshot_answers_as_the_file_and_lets_go_of_it(db: Path) -> None:
    _varied_store(db)
    queries = [
        EventQuery(),
        EventQuery(limit=2),
        EventQuery(limit=2, offset=2),
        EventQuery(limit=3, offset=5),
        EventQuery(offset=1),
        EventQuery(limit=10, evidence=True),
        EventQuery(actor="RUS", limit=5),
        EventQuery(dyad=("PAK", "RUS"), limit=1),
        EventQuery(since=dt.date(2020, 1, 10), until=dt.date(2020, 1, 31)),
        EventQuery(source="arab news", limit=2),
        EventQuery(doc_id="c"),
        EventQuery(event_type="11", limit=50),
    ]
    with open_store(db, read_only=True) as file:
        expected = [(file.events(q), file.count_events(q)) for q in queries]
        article, summary = file.article("a"), file.summary()
        aggregates = (
            file.period_counts(EventQuery(), "month"),
            file.actor_counts(EventQuery()),
            file.dyad_counts(EventQuery()),
            file.event_type_counts(EventQuery()),
            file.article_headers(["a", "c", "x"]),
            file.article_states(),
        )
    assert len(expected[0][0]) == 7 and expected[0][0][-1].event.date is None  # undated last
    assert [len(found) for found, _ in expected[1:4]] == [2, 2, 2]

    with open_store(db, snapshot=True) as snapshot:
        # the file is free: another process can open it for writing
        code = f"from detente.store import open_store; open_store({str(db)!r}).close()"
        proc = subprocess.run(
            [sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=60
        )
        assert proc.returncode == 0, proc.stderr
        handle = snapshot.cursor()
        assert [(handle.events(q), handle.count_events(q)) for q in queries] == expected
        as_json = [json.dumps([e.to_dict() for e in found]) for found, _ in expected]
        assert [json.dumps([e.to_dict() for e in handle.events(q)]) for q in queries] == as_json
        # the ready-made JSON records (the API's fast path) say the same as to_dict()
        records = [[json.loads(r) for r in handle.event_records_json(q)] for q in queries]
        assert records == [[e.to_dict() for e in found] for found, _ in expected]
        handle.close()  # the snapshot stays open
        assert snapshot.article("a") == article and snapshot.summary() == summary
        assert snapshot.article("missing") is None
        assert (
            snapshot.period_counts(EventQuery(), "month"),
            snapshot.actor_counts(EventQuery()),
            snapshot.dyad_counts(EventQuery()),
            snapshot.event_type_counts(EventQuery()),
            snapshot.article_headers(["a", "c", "x"]),
            snapshot.article_states(),
        ) == aggregates
        with pytest.raises(StoreError, match="read snapshot"):
            snapshot.write_batch([ok("d", make_event("d", "TUR", "SYR"))])
        with open_store(db) as store:  # written meanwhile: the snapshot does not change
            store.write_batch([ok("d", make_event("d", "TUR", "SYR"))])
        assert snapshot.count_events(EventQuery()) == 7
    with open_store(db, snapshot=True) as later:
        assert later.count_events(EventQuery(actor="TUR")) == 1


def test_snapshot_of_a_store_another_process_writes_is_store_in_use(db: Path) -> None:
    _varied_store(db)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys, duckdb; c = duckdb.connect(sys.argv[1]); "
                "print('ready', flush=True); sys.stdin.read()"
            ),
            str(db),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreInUseError, match="in use by another detente process"):
            open_store(db, snapshot=True)
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
    with pytest.raises(StoreError, match="no event store"):
        open_store(db.with_name("missing.duckdb"), snapshot=True)


_docs = st.sampled_from(["a", "b", "c"])
_countries = st.sampled_from(["PAK", "RUS", "USA"])
_dates = st.sampled_from(["2020-01-10", "2020-01-11", None])


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    writes=st.lists(
        st.tuples(_docs, st.lists(st.tuples(_countries, _countries, _dates), max_size=3)),
        min_size=1,
        max_size=6,
    )
)
def test_counts_equal_a_rebuild_from_the_final_articles(tmp_path: Path, writes) -> None:
    """Writing articles one after another (with replacements) ends where writing the final
    versions once would: events are a pure function of the current mentions."""
    final: dict[str, ArticleResult] = {}
    results = []
    for version, (doc, triples) in enumerate(writes):
        events = [
            make_event(doc, a, r, date=d, sentence_index=i, start=version * 100 + i)
            for i, (a, r, d) in enumerate(triples)
        ]
        result = ok(doc, *events, content_hash=f"v{version}")
        results.append(result)
        final[doc] = result
    path = tmp_path / f"p{abs(hash(repr(writes)))}.duckdb"
    rebuilt = tmp_path / f"r{abs(hash(repr(writes)))}.duckdb"
    with open_store(path) as store:
        for result in results:
            store.write_batch([result])
        incremental = [e.to_dict() for e in store.events(EventQuery())]
    with open_store(rebuilt) as store:
        store.write_batch(list(final.values()))
        clean = [e.to_dict() for e in store.events(EventQuery())]
    assert incremental == clean
    path.unlink()
    rebuilt.unlink()
