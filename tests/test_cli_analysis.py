"""The analysis commands through the real entry point (`detente.cli:main`)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from analysis_events import event, store_with, weekly
from click.testing import CliRunner

from detente.cli import main
from detente.exports import GDELT_COLUMNS
from detente.store import open_store

MONDAY = dt.date(2019, 6, 3)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "events.duckdb"
    flat = weekly("IRN", "USA", MONDAY, 30, ["CONSULT", "ACCUSE", "AID"])
    escalation = [
        event("USA", "IRN", (MONDAY + dt.timedelta(weeks=w, days=d)).isoformat(), "ASSAULT")
        for w in range(26, 30)
        for d in (2, 3, 4)
    ]
    others = weekly("PAK", "RUS", MONDAY, 30, ["CONSULT"])
    store_with(path, flat + escalation + others).close()
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_dyad_json_has_every_period_and_the_evidence(db: Path) -> None:
    code, out, _ = run(
        "dyad", "irn", "usa", "--db", str(db), "--freq", "month", "--format", "json", "--evidence"
    )
    assert code == 0
    data = json.loads(out)
    assert (data["first"], data["second"], data["freq"]) == ("IRN", "USA", "month")
    june = data["periods"][0]
    assert june["start"] == "2019-06-01" and june["events"] == 12  # 4 Tuesdays x 3 kinds
    assert len(june["evidence"]) == 12
    assert sum(p["events"] for p in data["periods"]) == 90 + 12


def test_dyad_table_and_csv(db: Path) -> None:
    code, out, _ = run(
        "dyad", "IRN", "USA", "--db", str(db), "--since", "2019-12-01", "--freq", "month"
    )
    assert code == 0 and "2019-12-01" in out and "material confl" in out
    code, out, _ = run("dyad", "IRN", "USA", "--db", str(db), "--format", "csv", "--directed")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and rows[0]["events"] == "3" and rows[0]["material_conflict"] == "0"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["dyad", "XYZ", "USA"], "no event in store .* XYZ"),
        (
            ["dyad", "IRN", "USA", "--since", "2030-01-01", "--until", "2030-02-01"],
            "no events between IRN and USA",
        ),
        (["dyad", "IRN", "PAK"], "no events between IRN and PAK"),
        (["plot", "dyad", "XYZ", "USA", "-o", "x.png"], "XYZ"),
        (["alerts", "--window", "4 months"], "not a duration"),
    ],
)
def test_bad_input_gives_one_clear_message(db: Path, args: list[str], message: str) -> None:
    code, out, err = run(*args, "--db", str(db))
    assert code in (1, 2)
    assert "Traceback" not in err + out
    assert re.search(message, err), err


def test_missing_and_empty_stores_are_clear_errors(tmp_path: Path) -> None:
    code, _, err = run("actors", "--db", str(tmp_path / "none.duckdb"))
    assert code == 1 and "no event store at" in err and "detente ingest" in err
    open_store(tmp_path / "empty.duckdb").close()
    for args in (["alerts"], ["dyad", "IRN", "USA"], ["export", "--format", "gdelt"]):
        code, _, err = run(*args, "--db", str(tmp_path / "empty.duckdb"))
        assert code == 1 and "has no events" in err and "Traceback" not in err


def test_actors_json_ranks_actors_and_dyads(db: Path) -> None:
    code, out, _ = run("actors", "--db", str(db), "--format", "json", "--limit", "2")
    data = json.loads(out)
    assert code == 0
    assert [a["code"] for a in data["actors"]] == ["IRN", "USA"]
    assert data["dyads"][0] == {
        "first": "IRN",
        "second": "USA",
        "events": 102,
        "cooperation": 60,
        "conflict": 42,
        "goldstein_mean": pytest.approx((30 * (1 - 2 + 7) - 120) / 102, abs=1e-6),
        "last_date": "2019-12-27",
    }


def test_alerts_find_the_injected_escalation(db: Path) -> None:
    code, out, _ = run("alerts", "--db", str(db), "--as-of", "2019-12-29", "--format", "json")
    alerts = json.loads(out)
    assert code == 0
    assert [(a["first"], a["second"], a["kind"]) for a in alerts] == [("IRN", "USA", "escalation")]
    assert alerts[0]["evidence"][0]["event"] == "ASSAULT"
    code, out, _ = run("alerts", "--db", str(db), "--as-of", "2019-12-29")
    assert code == 0 and "IRN-USA ESCALATION" in out
    code, out, err = run("alerts", "--db", str(db), "--as-of", "2019-10-27")
    assert code == 0 and out == "" and "no dyad changed significantly" in err


def test_export_gdelt_and_plover_round_trip(db: Path, tmp_path: Path) -> None:
    code, out, _ = run(
        "export", "--db", str(db), "--format", "gdelt", "--header", "--dyad", "USA,IRN"
    )
    lines = out.splitlines()
    assert code == 0 and lines[0].split("\t") == list(GDELT_COLUMNS)
    assert len(lines) == 1 + 12 + 0  # USA acting on IRN: the twelve assaults
    first = tmp_path / "first.jsonl"
    code, _, err = run("export", "--db", str(db), "--format", "plover", "-o", str(first))
    assert code == 0 and "export: 132 events" in err
    copy = tmp_path / "copy.duckdb"
    code, _, err = run("import", str(first), "--db", str(copy))
    assert code == 0 and "import:" in err
    second = tmp_path / "second.jsonl"
    assert run("export", "--db", str(copy), "--format", "plover", "-o", str(second))[0] == 0
    assert second.read_bytes() == first.read_bytes()
    code, _, err = run("import", str(first), "--db", str(copy))
    assert code == 1 and "already in store" in err


def test_export_parquet_needs_a_file_and_import_checks_its_input(db: Path, tmp_path: Path) -> None:
    code, _, err = run("export", "--db", str(db), "--format", "parquet")
    assert code == 2 and "Parquet is binary" in err
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"event_type": "AID"}\n', encoding="utf-8")
    code, _, err = run("import", str(bad), "--db", str(tmp_path / "new.duckdb"))
    assert code == 1 and "line 1 has no" in err
    assert not (tmp_path / "new.duckdb").exists()  # nothing created for a bad file
    code, _, err = run("import", str(tmp_path / "absent.jsonl"), "--db", str(tmp_path / "n.duckdb"))
    assert code == 1 and "no such file" in err


def test_plot_and_network_write_files(db: Path, tmp_path: Path) -> None:
    png = tmp_path / "dyad.png"
    assert (
        run("plot", "dyad", "IRN", "USA", "--db", str(db), "-o", str(png), "--freq", "month")[0]
        == 0
    )
    assert png.read_bytes().startswith(b"\x89PNG")
    html = tmp_path / "events.html"
    assert run("plot", "events", "--db", str(db), "-o", str(html))[0] == 0
    assert "vegaEmbed" in html.read_text(encoding="utf-8")
    svg = tmp_path / "types.svg"
    assert run("plot", "types", "--db", str(db), "-o", str(svg), "--dyad", "IRN,USA")[0] == 0
    assert "ASSAULT" in svg.read_text(encoding="utf-8")
    net = tmp_path / "net.svg"
    assert run("plot", "network", "--db", str(db), "-o", str(net))[0] == 0
    graphml = tmp_path / "n.graphml"
    code, _, err = run("network", "--db", str(db), "-o", str(graphml))
    assert code == 0 and "4 actors, 2 dyads" in err
    code, _, err = run("plot", "dyad", "IRN", "USA", "--db", str(db), "-o", str(tmp_path / "x.pdf"))
    assert code == 1 and ".png, .svg or .html" in err
