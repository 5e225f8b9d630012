"""Ingest: incremental and idempotent, failures recorded, parallel and Dask equal serial, feeds."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from fake_coder import FakeCoderFactory, dump_store

import detente.ingest
from detente.ingest import IngestProgress, content_hash, count_items, ingest, read_corpus
from detente.reader import ReadProblem
from detente.records import Article
from detente.store import EventQuery, open_store

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED = SHARED / "data" / "seed" / "pakistan-russia-cooperation.txt"

# Written for these tests: a second report of the call in the seed article.
SECOND_REPORT = """Qureshi briefs Lavrov on Gulf tensions

ISLAMABAD: Foreign Minister Shah Mahmood Qureshi called Russian Foreign Minister Sergey Lavrov on Jan. 10 and briefed him on Pakistan's efforts to de-escalate tensions between Iran and the United States, the Foreign Office said.

The two ministers agreed to stay in close contact on the situation in the region.
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    write(folder / "a.txt", "PAK called RUS on 2020-01-10. Later USA attacked IRN on 2020-01-11.")
    write(folder / "b.txt", "Officials said PAK called RUS on 2020-01-10.")
    write(
        folder / "wire.jsonl",
        '{"id": "w1", "text": "RUS aided SYR on 2020-02-01.", "source": "Wire"}\n'
        '{"id": "w2", "text": "No events here.", "source": "Wire"}\n',
    )
    return folder


def run(paths: list[Path], db: Path, **kw) -> object:
    kw.setdefault("coder", FakeCoderFactory())
    kw.setdefault("workers", 1)
    with open_store(db) as store:
        return ingest([str(p) for p in paths], store, **kw)


def test_ingest_dedups_and_rerun_changes_nothing(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    first = run([corpus], db)
    assert (first.read, first.new, first.unchanged, first.failed) == (4, 4, 0, 0)
    assert (first.mentions, first.events_added, first.events_in_store) == (4, 3, 3)
    before = dump_store(db)
    with open_store(db, read_only=True) as store:
        (call,) = store.events(EventQuery(event_type="CONSULT"))
    assert (call.num_mentions, call.num_articles) == (2, 2)

    second = run([corpus], db)
    assert (second.new, second.changed, second.unchanged, second.mentions) == (0, 0, 4, 0)
    assert dump_store(db) == before


def test_changed_article_replaces_its_events(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    run([corpus], db)
    write(corpus / "b.txt", "Officials said PAK called RUS on 2020-01-12.")
    summary = run([corpus], db)
    assert (summary.changed, summary.unchanged) == (1, 3)
    with open_store(db, read_only=True) as store:
        calls = {
            e.event.date: e.num_mentions for e in store.events(EventQuery(event_type="CONSULT"))
        }
    assert calls == {"2020-01-10": 1, "2020-01-12": 1}


def test_bad_items_are_reported_once_and_recorded_as_failed(corpus: Path, tmp_path: Path) -> None:
    (corpus / "scan.pdf").write_bytes(b"%PDF-1.4\n%binary\x00\x01")
    (corpus / "empty.txt").write_text("")
    with open(corpus / "wire.jsonl", "a", encoding="utf-8") as handle:
        handle.write("{this is not json\n")
    unreadable = corpus / "locked.txt"
    if os.geteuid() == 0:  # root reads any file: use a link to nothing instead
        unreadable.symlink_to(tmp_path / "nowhere.txt")
    else:
        write(unreadable, "USA called FRA.")
        unreadable.chmod(0)
    problems: list[ReadProblem] = []
    db = tmp_path / "s.duckdb"
    summary = run([corpus], db, on_problem=problems.append)

    failed = {
        Path(f.item.split(":")[0]).name + (":" + f.item.split(":")[1] if ":" in f.item else "")
        for f in summary.failures
    }
    assert failed == {"scan.pdf", "empty.txt", "wire.jsonl:3", "locked.txt"}
    assert len([p for p in problems if p.fatal]) == 4  # each reported once
    assert all(f.reason for f in summary.failures)
    assert summary.new == 4  # every good article stored
    with open_store(db, read_only=True) as store:
        totals = store.summary()
    assert (totals.articles_ok, totals.articles_failed) == (4, 4)


def test_coder_failure_is_recorded_and_retried(corpus: Path, tmp_path: Path) -> None:
    write(corpus / "odd.txt", "RAISE-ERROR PAK called RUS.")
    db = tmp_path / "s.duckdb"
    summary = run([corpus], db)
    assert [f.item for f in summary.failures] == ["odd"]
    assert "refuses" in summary.failures[0].reason
    write(corpus / "odd.txt", "PAK called RUS on 2020-03-03.")
    again = run([corpus], db)
    assert (again.changed, again.failed, again.mentions) == (1, 0, 1)


def test_crash_between_batches_then_rerun_equals_clean_run(corpus: Path, tmp_path: Path) -> None:
    for i in range(6):
        write(corpus / f"extra{i}.txt", f"FRA called DEU on 2020-04-0{i + 1}. GBR aided UKR.")
    clean = tmp_path / "clean.duckdb"
    run([corpus], clean)

    crashed = tmp_path / "crashed.duckdb"
    seen: list[IngestProgress] = []

    def crash(progress: IngestProgress) -> None:
        seen.append(progress)
        if progress.coded >= 3:
            raise KeyboardInterrupt  # stands in for a crash right after a commit

    with pytest.raises(KeyboardInterrupt):
        run([corpus], crashed, batch_size=3, on_progress=crash)
    partial = dump_store(crashed)
    assert 0 < len(partial["articles"]) < len(dump_store(clean)["articles"])
    resumed = run([corpus], crashed, batch_size=3)
    assert resumed.unchanged == len(partial["articles"])
    assert dump_store(crashed) == dump_store(clean)


def test_two_local_processes_give_the_same_store(corpus: Path, tmp_path: Path) -> None:
    serial, parallel = tmp_path / "serial.duckdb", tmp_path / "parallel.duckdb"
    run([corpus], serial)
    summary = run([corpus], parallel, workers=2, batch_size=2)
    assert summary.workers == 2
    assert dump_store(parallel)["events"] == dump_store(serial)["events"]
    assert dump_store(parallel)["mentions"] == dump_store(serial)["mentions"]


def test_dask_local_cluster_gives_the_same_store(corpus: Path, tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    serial, on_dask = tmp_path / "serial.duckdb", tmp_path / "dask.duckdb"
    run([corpus], serial)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        summary = run([corpus], on_dask, scheduler=cluster.scheduler_address)
    assert summary.workers == 2
    assert dump_store(on_dask)["events"] == dump_store(serial)["events"]
    assert dump_store(on_dask)["mentions"] == dump_store(serial)["mentions"]


RSS = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Example Wire</title>
<item><title>Call</title><link>https://example.org/news/2020/call.html</link>
<guid>https://example.org/news/2020/call</guid><pubDate>Mon, 13 Jan 2020 08:00:00 GMT</pubDate>
<description>Short teaser.</description></item>
<item><title>Aid</title><link>https://example.org/news/2020/aid</link>
<pubDate>Tue, 14 Jan 2020 08:00:00 GMT</pubDate>
<description>&lt;p&gt;RUS aided &lt;b&gt;SYR&lt;/b&gt; on 2020-01-14.&lt;/p&gt;</description></item>
</channel></rss>
"""

PAGE = """<!doctype html><html><head><title>Call</title></head><body><article>
<h1>Ministers speak</h1><p>In a long call that covered the region, PAK called RUS on 2020-01-10.
Both ministers agreed to keep in touch about the crisis in the Gulf, officials said on Monday.</p>
<p>The conversation lasted nearly an hour, according to a statement issued afterwards.</p>
</article></body></html>
"""


def test_feed_entries_use_saved_pages_or_their_own_text(tmp_path: Path) -> None:
    folder = tmp_path / "feed"
    write(folder / "wire.rss", RSS)
    write(folder / "call.html", PAGE)
    problems: list[ReadProblem] = []
    articles = {a.doc_id: a for a in read_corpus([str(folder)], on_problem=problems.append)}
    assert set(articles) == {
        "https://example.org/news/2020/call",
        "https://example.org/news/2020/aid",
    }
    call = articles["https://example.org/news/2020/call"]
    assert "PAK called RUS" in call.text and call.source == "Example Wire"
    assert call.published is not None and call.published.isoformat() == "2020-01-13"
    aid = articles["https://example.org/news/2020/aid"]
    assert aid.text == "RUS aided SYR on 2020-01-14."
    assert problems == []

    db = tmp_path / "s.duckdb"
    summary = run([folder], db)
    assert (summary.read, summary.mentions) == (2, 2)


def test_xml_feed_is_sniffed_and_broken_feed_reported(tmp_path: Path) -> None:
    write(tmp_path / "f" / "news.xml", RSS)
    write(tmp_path / "g" / "bad.rss", "this is not a feed at all")
    problems: list[ReadProblem] = []
    found = list(
        read_corpus([str(tmp_path / "f"), str(tmp_path / "g")], on_problem=problems.append)
    )
    assert len(found) == 2
    assert [Path(p.source).name for p in problems] == ["bad.rss"]


def test_content_hash_covers_text_and_metadata() -> None:
    base = Article(doc_id="a", text="x")
    assert content_hash(base) == content_hash(Article(doc_id="other id", text="x"))
    assert content_hash(base) != content_hash(Article(doc_id="a", text="y"))
    assert content_hash(base) != content_hash(Article(doc_id="a", text="x", source="Wire"))


@pytest.fixture(scope="module")
def real_coder():
    pytest.importorskip("detente.coder", reason="detente.coder is not written yet")
    from detente.parallel import CoderSpec

    return CoderSpec()


def test_seed_and_a_second_report_make_one_consult_with_two_mentions(
    real_coder, tmp_path: Path
) -> None:
    if not SEED.exists():
        pytest.skip(f"{SEED} is absent (no ../shared beside the repo)")
    (tmp_path / "in").mkdir()
    write(
        tmp_path / "in" / "reports.jsonl",
        "\n".join(
            [
                __import__("json").dumps(
                    {
                        "id": "pakistan-russia-cooperation",
                        "text": SEED.read_text(encoding="utf-8"),
                        "date": "2020-01-21",
                        "source": "Arab News",
                    }
                ),
                __import__("json").dumps(
                    {
                        "id": "qureshi-lavrov-call",
                        "text": SECOND_REPORT,
                        "date": "2020-01-11",
                        "source": "Team wire",
                    }
                ),
            ]
        )
        + "\n",
    )
    db = tmp_path / "s.duckdb"
    run([tmp_path / "in"], db, coder=real_coder)
    with open_store(db, read_only=True) as store:
        calls = store.events(
            EventQuery(actor="PAK", recipient="RUS", event_type="CONSULT", evidence=True)
        )
    matching = [e for e in calls if e.event.date == "2020-01-10"]
    assert len(matching) == 1, [e.to_dict() for e in calls]
    (call,) = matching
    assert (call.num_mentions, call.num_articles, call.num_sources) == (2, 2, 2)
    assert {m.doc_id for m in call.mentions} == {
        "pakistan-russia-cooperation",
        "qureshi-lavrov-call",
    }


def test_force_codes_unchanged_articles_again(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    run([corpus], db)
    before = dump_store(db)
    again = run([corpus], db, force=True)
    assert (again.changed, again.unchanged, again.mentions) == (4, 0, 4)
    assert dump_store(db) == before


def test_plain_progress_lines_and_closing_summary(corpus: Path, tmp_path: Path) -> None:
    import io

    from detente.progress import IngestDisplay, summary_lines

    (corpus / "scan.pdf").write_bytes(b"%PDF-1.4\n\x00")
    stream = io.StringIO()
    with IngestDisplay(stream, interval=0, live=False) as display:
        summary = run([corpus], tmp_path / "s.duckdb", batch_size=2, on_progress=display)
    lines = stream.getvalue().splitlines()
    assert lines[-1].startswith("ingest: 5/5 items (100%), 4 coded")
    assert "1 failed" in lines[-1]
    assert len(lines) == len(set(lines))  # no line repeated
    text = "\n".join(summary_lines(summary, store="s.duckdb"))
    assert "4 new, 0 changed, 0 unchanged; 1 failed" in text
    assert "4 mentions written, 3 new events" in text
    assert "scan.pdf: not text (a PDF)" in text


def test_ingest_streams_and_commits_before_the_input_is_exhausted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    total, batch_size = 60, 5
    yielded = 0

    def endless_wire(*args: object, **kwargs: object):
        nonlocal yielded
        for i in range(total):
            yielded += 1
            yield Article(doc_id=f"w{i}", text=f"PAK called RUS on 2020-01-{i % 28 + 1:02d}.")

    monkeypatch.setattr(detente.ingest, "read_corpus", endless_wire)
    held: list[int] = []  # articles read but not yet committed, at each commit
    first_commit: list[int] = []

    def progress(p: IngestProgress) -> None:
        held.append(yielded - p.done)
        if p.coded and not first_commit:
            first_commit.append(yielded)

    summary = run(
        [tmp_path / "wire"], tmp_path / "s.duckdb", batch_size=batch_size, on_progress=progress
    )
    assert summary.new == total
    assert first_commit and first_commit[0] <= batch_size + 1  # written long before the end
    assert max(held) <= batch_size + 1  # one batch plus the article in flight


def test_items_are_counted_without_reading_them_as_articles(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write(folder / "a.txt", "PAK called RUS.")
    write(
        folder / "b.jsonl",
        '{"id": "1", "text": "x"}\n{"id": "2", "text": "y"}\n{"id": "3", "text": "z"}',
    )
    write(folder / "c.csv", "id,text\n1,PAK called RUS.\n2,USA aided FRA.\n")
    write(folder / "feed" / "wire.rss", RSS)
    write(folder / "feed" / "call.html", PAGE)  # the text of an entry, not an item of its own
    assert count_items([str(folder)]) == 1 + 3 + 2 + 2
    assert count_items([str(folder / "a.txt"), str(folder / "a.txt")]) == 1
    assert count_items([str(folder), "-"]) is None


def test_progress_from_stdin_has_no_total_until_the_end(tmp_path: Path) -> None:
    import io

    from detente.progress import progress_line

    lines = "".join(
        f'{{"id": "s{i}", "text": "FRA called DEU on 2020-04-0{i + 1}."}}\n' for i in range(6)
    )
    seen: list[IngestProgress] = []
    run(
        ["-"],
        tmp_path / "s.duckdb",
        stdin=io.StringIO(lines),
        batch_size=2,
        on_progress=seen.append,
    )
    assert all(p.total is None for p in seen[:-1])
    assert (seen[-1].total, seen[-1].done, seen[-1].coded) == (6, 6, 6)
    middle = progress_line(seen[-2])
    assert middle.startswith("ingest: 6 items, 6 coded") and "ETA" not in middle


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forked workers: Linux only")
def test_code_in_parallel_keeps_order_and_reuses_the_built_coder() -> None:
    from fake_coder import FakeCoder

    from detente.errors import DetenteError
    from detente.parallel import code_in_parallel

    texts = [f"PAK called RUS on 2020-01-{i + 1:02d}." for i in range(20)]
    articles = (Article(doc_id=f"d{i}", text=t) for i, t in enumerate(texts))  # a generator
    out = list(code_in_parallel(articles, workers=2, coder=FakeCoder()))
    assert [a.doc_id for a, _ in out] == [f"d{i}" for i in range(20)]
    assert [events[0].date for _, events in out] == [f"2020-01-{i + 1:02d}" for i in range(20)]

    bad = [Article(doc_id="ok", text="PAK called RUS."), Article(doc_id="x", text="RAISE-ERROR")]
    with pytest.raises(DetenteError, match="refuses"):
        list(code_in_parallel(bad, workers=2, coder=FakeCoder()))
