"""`detente ingest` and `detente events` through the real entry point; kill -9 and resume."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from fake_coder import dump_store, make_event

from detente.cli import main
from detente.records import Article
from detente.store import ArticleResult, open_store

SHARED = Path(__file__).resolve().parents[2] / "shared"
GUARDIAN = SHARED / "data" / "news_guardian" / "articles.jsonl"
CLI = [sys.executable, "-c", "from detente.cli import main; main()"]


def stored(doc_id: str, source: str, *events) -> ArticleResult:
    return ArticleResult(
        doc_id=doc_id,
        status="ok",
        content_hash=doc_id,
        article=Article(doc_id=doc_id, text="...", source=source),
        events=tuple(events),
        coder_version="fake 1.0",
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "events.duckdb"
    with open_store(path) as store:
        store.write_batch(
            [
                stored(
                    "seed",
                    "Arab News",
                    make_event("seed", "PAK", "RUS", sentence="Qureshi called Lavrov."),
                ),
                stored(
                    "second",
                    "Dawn",
                    make_event(
                        "second", "PAK", "RUS", sentence="Qureshi phoned Lavrov.", confidence=0.95
                    ),
                ),
                stored(
                    "other",
                    "Guardian",
                    make_event(
                        "other",
                        "USA",
                        "IRN",
                        event="ACCUSE",
                        cameo="112",
                        date="2020-02-03",
                        sentence="Washington accused Tehran.",
                    ),
                ),
            ]
        )
    return path


def invoke(*args: str) -> object:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_events_table_shows_counts_and_evidence(db: Path) -> None:
    result = invoke("events", "--db", str(db), "--evidence")
    assert result.exit_code == 0
    lines = [line for line in result.output.splitlines() if "CONSULT" in line]
    assert len(lines) == 1  # two reports, one event
    assert re.search(r"PAKGOV\s*│\s*RUSGOV.*│\s*2\s*│\s*2\s*│\s*2\s*│", lines[0])
    assert "Qureshi phoned Lavrov." in result.output  # the most confident mention's sentence


def test_events_jsonl_is_the_event_record_with_counts_and_mentions(db: Path) -> None:
    result = invoke(
        "events", "--db", str(db), "--format", "jsonl", "--dyad", "PAK,RUS", "--evidence"
    )
    assert result.exit_code == 0
    (line,) = result.output.splitlines()
    record = json.loads(line)
    assert record["event"] == "CONSULT" and record["actor"]["code"] == "PAKGOV"
    assert record["recipient"]["code"] == "RUSGOV" and record["date"] == "2020-01-10"
    assert (record["num_mentions"], record["num_articles"], record["num_sources"]) == (2, 2, 2)
    assert [m["doc_id"] for m in record["mentions"]] == ["second", "seed"]
    assert {"goldstein", "quad_class", "trigger", "coder_version"} <= set(record)


def test_events_csv_filters_by_date_type_and_source(db: Path) -> None:
    result = invoke(
        "events", "--db", str(db), "--format", "csv", "--since", "2020-02-01", "--evidence"
    )
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [(r["event"], r["actor_code"], r["sentence"]) for r in rows] == [
        ("ACCUSE", "USAGOV", "Washington accused Tehran.")
    ]
    assert (
        invoke("events", "--db", str(db), "--format", "csv", "--until", "2020-01-31").output.count(
            "CONSULT"
        )
        == 1
    )
    assert (
        invoke("events", "--db", str(db), "--format", "jsonl", "--type", "accuse").output.count(
            "\n"
        )
        == 1
    )
    assert (
        invoke("events", "--db", str(db), "--format", "jsonl", "--source", "Dawn").output.count(
            "\n"
        )
        == 1
    )
    assert (
        invoke("events", "--db", str(db), "--format", "jsonl", "--limit", "1").output.count("\n")
        == 1
    )


def test_events_usage_and_store_errors_are_one_line(db: Path, tmp_path: Path) -> None:
    bad = invoke("events", "--db", str(db), "--dyad", "PAK")
    assert bad.exit_code == 2 and "ACTOR,RECIPIENT" in bad.output
    both = invoke("events", "--db", str(db), "--dyad", "PAK,RUS", "--actor", "USA")
    assert both.exit_code == 2
    missing = CliRunner().invoke(main, ["events", "--db", str(tmp_path / "none.duckdb")])
    assert missing.exit_code == 1
    assert "no event store" in missing.output and "Traceback" not in missing.output


def test_db_defaults_to_environment_variable(db: Path) -> None:
    result = CliRunner(env={"DETENTE_DB": str(db)}).invoke(main, ["events", "--format", "jsonl"])
    assert result.exit_code == 0 and result.output.count("\n") == 2


def test_ingest_of_only_bad_files_reports_each_and_fails(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "scan.pdf").write_bytes(b"%PDF-1.7\n\x00\x01")
    (folder / "empty.txt").write_text("")
    result = CliRunner().invoke(main, ["ingest", str(folder), "--db", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 1
    assert result.output.count("scan.pdf: not text (a PDF)") == 1
    assert result.output.count("empty.txt: empty file") == 1
    assert "0 new" in result.output and "2 failed" in result.output


def test_second_writer_gets_store_in_use_not_a_traceback(db: Path, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Some text.")
    with open_store(db):  # this test process holds the store
        proc = subprocess.run(
            [*CLI, "ingest", str(tmp_path / "a.txt"), "--db", str(db)],
            check=False,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert proc.returncode == 1
    assert f"store {db} is in use by another detente process (pid {os.getpid()})" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(dump_store(db)["articles"]) == 3  # untouched


@pytest.fixture(scope="module")
def guardian_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("detente.coder", reason="detente.coder is not written yet")
    if not GUARDIAN.exists():
        pytest.skip(f"{GUARDIAN} is absent (no ../shared beside the repo)")
    lines = GUARDIAN.read_text(encoding="utf-8").splitlines()[:24]
    path = tmp_path_factory.mktemp("guardian") / "sample.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_kill_9_then_rerun_equals_a_clean_run(guardian_sample: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean.duckdb"
    first = invoke("ingest", str(guardian_sample), "--db", str(clean), "--workers", "1")
    assert first.exit_code == 0, first.output

    crashed = tmp_path / "crashed.duckdb"
    proc = subprocess.Popen(
        [
            *CLI,
            "ingest",
            str(guardian_sample),
            "--db",
            str(crashed),
            "--workers",
            "1",
            "--batch-size",
            "3",
            "--progress-interval",
            "0",
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    killed_at = None
    for line in proc.stderr:
        match = re.match(r"ingest: (\d+)/(\d+) items \(\d+%\), (\d+) coded", line)
        if match and 0 < int(match.group(3)) and int(match.group(1)) < int(match.group(2)):
            proc.send_signal(signal.SIGKILL)
            killed_at = int(match.group(3))
            break
    proc.wait(timeout=120)
    assert killed_at is not None and proc.returncode == -signal.SIGKILL

    resumed = invoke("ingest", str(guardian_sample), "--db", str(crashed), "--workers", "1")
    assert resumed.exit_code == 0, resumed.output
    unchanged = int(re.search(r"(\d+) unchanged", resumed.output).group(1))
    assert killed_at <= unchanged < 24  # committed work kept, the rest coded now
    assert dump_store(crashed) == dump_store(clean)  # none lost, none doubled

    again = invoke("ingest", str(guardian_sample), "--db", str(crashed), "--workers", "1")
    assert "0 new, 0 changed, 24 unchanged" in again.output
    assert dump_store(crashed) == dump_store(clean)
