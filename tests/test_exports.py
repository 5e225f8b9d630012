"""Exports (GDELT, PLOVER, CSV, Parquet, JSONL) and the PLOVER import round trip."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from analysis_events import event, store_with
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.errors import AnalysisError
from detente.exports import (
    FLAT_FIELDS,
    GDELT_COLUMNS,
    PLOVER_FIELDS,
    export_events,
    import_plover,
    read_plover,
)
from detente.records import Article, Location, Sector
from detente.store import ArticleResult, EventQuery, open_store


def export_text(store, fmt: str, query: EventQuery | None = None, **options) -> str:
    out = io.StringIO()
    export_events(store, query or EventQuery(), fmt, out, **options)
    return out.getvalue()


@pytest.fixture
def store(tmp_path: Path):
    events = [
        event(
            "IRN",
            "USA",
            "2020-01-08",
            "ASSAULT",
            location=Location("Baghdad", "IRQ", 33.34, 44.4),
            doc_id="a",
        ),
        event("UNO", "XKX", "2020-02", "CONSULT", actor_sector=Sector.IGO, doc_id="b"),
        event("PAK", None, None, "AID", doc_id="b"),
    ]
    with store_with(tmp_path / "s.duckdb", events) as s:
        yield s


def test_gdelt_columns_are_gdelt_2_event_table() -> None:
    assert len(GDELT_COLUMNS) == 61
    assert GDELT_COLUMNS[:6] == (
        "GLOBALEVENTID",
        "SQLDATE",
        "MonthYear",
        "Year",
        "FractionDate",
        "Actor1Code",
    )
    assert GDELT_COLUMNS[25:35] == (
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
    )
    assert GDELT_COLUMNS[-3:] == ("ActionGeo_FeatureID", "DATEADDED", "SOURCEURL")


def test_gdelt_export_loads_with_pandas_under_gdelt_names(store) -> None:
    pd = pytest.importorskip("pandas")
    with_header = export_text(store, "gdelt", header=True)
    frame = pd.read_csv(io.StringIO(with_header), sep="\t", dtype=str, keep_default_na=False)
    assert list(frame.columns) == list(GDELT_COLUMNS)
    bare = export_text(store, "gdelt")
    assert bare == with_header.split("\n", 1)[1]  # GDELT files have no header by default
    frame2 = pd.read_csv(
        io.StringIO(bare), sep="\t", header=None, names=list(GDELT_COLUMNS), dtype=str
    )
    assert len(frame2) == len(frame) == 3

    rows = {r["EventRootCode"]: r for r in frame.to_dict("records")}
    attack = rows["19"]
    assert (attack["SQLDATE"], attack["MonthYear"], attack["Year"]) == (
        "20200108",
        "202001",
        "2020",
    )
    assert attack["FractionDate"] == "2020.0219"
    assert (attack["Actor1Code"], attack["Actor1CountryCode"], attack["Actor1Type1Code"]) == (
        "IRNGOV",
        "IRN",
        "GOV",
    )
    assert (attack["Actor2Code"], attack["EventCode"], attack["EventBaseCode"]) == (
        "USAGOV",
        "190",
        "190",
    )
    assert (attack["QuadClass"], attack["GoldsteinScale"], attack["NumMentions"]) == (
        "4",
        "-10",
        "1",
    )
    assert (attack["ActionGeo_FullName"], attack["ActionGeo_Lat"]) == ("Baghdad", "33.34")
    assert attack["SOURCEURL"] == "https://example.org/a"
    assert attack["AvgTone"] == "" and attack["DATEADDED"] == ""

    consult = rows["04"]
    # an IGO has its code as known group, no country; Kosovo's CAMEO code is KSV
    assert (consult["Actor1KnownGroupCode"], consult["Actor1CountryCode"]) == ("UNO", "")
    assert consult["Actor2CountryCode"] == "KSV"
    assert consult["SQLDATE"] == "20200201"  # month precision: its first day
    aid = rows["07"]
    assert aid["SQLDATE"] == "" and aid["Actor2Code"] == ""


def test_csv_parquet_and_jsonl_have_one_row_per_event(store, tmp_path: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(export_text(store, "csv"))))
    assert list(rows[0]) == list(FLAT_FIELDS) and len(rows) == 3
    assert rows[0]["context"] == "diplomatic" and rows[0]["event"] == "ASSAULT"

    import pyarrow.parquet as pq

    path = tmp_path / "e.parquet"
    assert export_events(store, EventQuery(), "parquet", path=path) == 3
    table = pq.read_table(path)
    assert table.column_names == list(FLAT_FIELDS)
    assert table.column("context").to_pylist()[0] == ["diplomatic"]
    assert table.column("goldstein").to_pylist()[0] == -10.0

    lines = export_text(store, "jsonl", EventQuery(event_type="ASSAULT")).splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["actor"]["code"] == "IRNGOV"
    with pytest.raises(AnalysisError, match="Parquet is binary"):
        export_events(store, EventQuery(), "parquet", io.StringIO())
    with pytest.raises(AnalysisError, match="unknown export format"):
        export_events(store, EventQuery(), "xml", io.StringIO())


def test_plover_records_have_the_documented_fields(store) -> None:
    records = [json.loads(line) for line in export_text(store, "plover").splitlines()]
    assert all(tuple(r) == PLOVER_FIELDS for r in records)
    attack = records[0]
    assert (
        attack["event_type"],
        attack["actor"],
        attack["actor_country"],
        attack["recipient"],
    ) == (
        "ASSAULT",
        "IRN",
        "IRN",
        "USA",
    )
    assert attack["mentions"] == [
        {
            "doc_id": "a",
            "source": "Wire",
            "sentence_index": attack["sentence_index"],
            "sentence": attack["sentence"],
            "confidence": 0.9,
        }
    ]
    assert attack["publication_date"] == "2020-01-01" and attack["url"] == "https://example.org/a"


# --------------------------------------------------------------------------- round trip

_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12
)
_EVENTS = st.lists(
    st.tuples(
        st.sampled_from(["PAK", "RUS", "IRN", "UNO"]),  # actor
        st.sampled_from(["RUS", "USA", None]),  # recipient
        st.sampled_from(["2020-01-10", "2020-01-11", "2020-01", "2019", None]),  # date
        st.sampled_from(["CONSULT", "ASSAULT", "AID"]),
        st.integers(0, 3),  # article
        st.sampled_from([0.5, 0.7, 0.9]),  # confidence
        _TEXT,  # sentence
        st.booleans(),  # with a location
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_EVENTS)
def test_plover_export_import_export_is_identical(specs) -> None:
    events = []
    for actor, recipient, date, kind, doc, confidence, sentence, located in specs:
        e = event(
            actor,
            recipient,
            date,
            kind,
            doc_id=f"doc{doc}",
            actor_sector=Sector.IGO if actor == "UNO" else Sector.GOV,
            location=Location("Tehran", "IRN", 35.7, 51.4) if located else None,
        )
        events.append(replace(e, confidence=confidence, sentence=sentence))
    by_doc: dict[str, list] = {}
    for e in events:
        by_doc.setdefault(e.doc_id, []).append(e)
    results = [
        ArticleResult(
            doc_id=doc_id,
            status="ok",
            content_hash="h",
            article=Article(
                doc_id,
                "...",
                published=dt.date(2020, 1, 21) if doc_id != "doc3" else None,
                source=None if doc_id == "doc2" else f"source-{doc_id[-1] in '01'}",
                url=f"https://example.org/{doc_id}" if doc_id != "doc1" else None,
            ),
            events=tuple(doc_events),
            coder_version="fake 1.0",
        )
        for doc_id, doc_events in by_doc.items()
    ]
    with tempfile.TemporaryDirectory() as folder:
        with open_store(Path(folder) / "a.duckdb") as first:
            first.write_batch(results)
            exported = export_text(first, "plover")
            mentions = first.summary().mentions
        with open_store(Path(folder) / "b.duckdb") as second:
            summary = import_plover(second, read_plover(exported))
            again = export_text(second, "plover")
    assert summary.mentions == mentions
    assert again == exported


def test_import_accepts_a_json_array_and_refuses_articles_already_stored(store, tmp_path) -> None:
    exported = export_text(store, "plover")
    array = "[" + ",".join(exported.splitlines()) + "]"
    assert read_plover(array) == read_plover(exported)
    with pytest.raises(AnalysisError, match="already in store .* new --db"):
        import_plover(store, read_plover(exported))


def test_bad_plover_input_names_the_line() -> None:
    with pytest.raises(AnalysisError, match="line 2 is not JSON"):
        read_plover('{"event_type": "AID", "actor": "X", "doc_id": "d"}\n{oops\n', source="f")
    with pytest.raises(AnalysisError, match="line 1 has no event_type"):
        read_plover('{"actor": "X", "doc_id": "d"}\n')
    with pytest.raises(AnalysisError, match="not a JSON object"):
        read_plover("[1, 2]")


def test_a_minimal_plover_record_imports(tmp_path: Path) -> None:
    record = {
        "id": "x",
        "event_type": "consult",
        "actor": "Iran",
        "actor_country": "IRN",
        "recipient_code": "USAGOV",
        "date": "2020-03",
        "doc_id": "polecat-1",
    }
    with open_store(tmp_path / "m.duckdb") as target:
        summary = import_plover(target, [record])
        (item,) = target.events(EventQuery())
    assert (summary.records, summary.articles, summary.events) == (1, 1, 1)
    assert item.event.event == "CONSULT" and item.event.date_precision.value == "month"
    assert item.event.recipient is not None and item.event.recipient.code == "USAGOV"
