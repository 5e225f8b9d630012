"""`detente` through its real entry point (`python -m detente`), on tiny inputs.

Building the coder takes a couple of seconds per process, so the runs that code are
made once per module (fixtures) and several tests read each run; the error runs stop
before the coder is built and are quick.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

EVENT_FIELDS = {
    "event_id", "doc_id", "event", "mode", "context", "cameo", "goldstein", "quad_class",
    "actor", "recipient", "date", "date_precision", "location", "sentence_index",
    "sentence", "trigger", "confidence", "coder_version",
}
ACTOR_FIELDS = {"text", "name", "country", "sector", "code"}
LOCATION_FIELDS = {"name", "country", "lat", "lon"}
TRIGGER_FIELDS = {"text", "start", "end"}
PLOVER = {
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
}

VISIT = "Chinese Foreign Minister Wang Yi visited Islamabad on Monday.\n"
MEETING = "Russian President Vladimir Putin met Turkish President Recep Tayyip Erdogan in Moscow on Monday."
THREAT = "Iran threatened to close the Strait of Hormuz on Sunday."
# Latin-1 bytes in an otherwise English file: not valid UTF-8.
UNDECODABLE = "Russian President Vladimir Putin met Turkish President Recep Tayyip Erdogan in Moscow on Monday. Caf\xe9 \xff.\n".encode("latin-1")


def detente(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "detente", *args],
        input=stdin,
        check=False,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        timeout=120,
    )


def stderr_lines(proc: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in proc.stderr.splitlines() if line.strip()]


def events_of(proc: subprocess.CompletedProcess[str]) -> list[dict]:
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


# --------------------------------------------------------------------------- help
@pytest.mark.parametrize("args", [("--help",), ("code", "--help")])
def test_help_exits_zero_and_describes_the_command(args: tuple[str, ...]) -> None:
    proc = detente(*args)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Usage:")
    assert "code" in proc.stdout
    assert proc.stderr == ""


# --------------------------------------------------------------------------- one run, several files
@pytest.fixture(scope="module")
def mixed_run(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    """A good .txt, a file with undecodable bytes and a missing path, coded in one run."""
    d = tmp_path_factory.mktemp("mixed")
    (d / "visit.txt").write_text(VISIT, encoding="utf-8")
    (d / "latin.txt").write_bytes(UNDECODABLE)
    return detente("code", "visit.txt", "latin.txt", "missing.txt", "--date", "2020-01-21", cwd=d)


def test_txt_gives_json_lines_with_exactly_the_schema_fields(mixed_run: subprocess.CompletedProcess[str]) -> None:
    proc = mixed_run
    events = events_of(proc)
    visit = [e for e in events if e["doc_id"] == "visit"]
    assert visit, proc.stdout + proc.stderr
    for event in events:
        assert set(event) == EVENT_FIELDS
        assert event["event"] in PLOVER
        assert set(event["actor"]) == ACTOR_FIELDS
        assert event["recipient"] is None or set(event["recipient"]) == ACTOR_FIELDS
        assert event["location"] is None or set(event["location"]) == LOCATION_FIELDS
        assert set(event["trigger"]) == TRIGGER_FIELDS
        assert re.fullmatch(r"\d{4}(-\d\d(-\d\d)?)?", event["date"])
        assert event["date_precision"] in {"day", "month", "year"}
        assert event["quad_class"] in {1, 2, 3, 4}
        assert -10 <= event["goldstein"] <= 10
        assert 0 <= event["confidence"] <= 1
    first = visit[0]
    # Offsets point into the document text; --date reached the date resolver (Monday before 21 Jan).
    assert VISIT[first["trigger"]["start"]:first["trigger"]["end"]] == first["trigger"]["text"]
    assert first["sentence_index"] == 0
    assert first["date"] == "2020-01-20"


def test_a_missing_path_beside_good_files_is_reported_and_the_rest_coded(mixed_run: subprocess.CompletedProcess[str]) -> None:
    proc = mixed_run
    assert proc.returncode == 0
    assert "Traceback" not in proc.stderr
    missing = [line for line in stderr_lines(proc) if "missing.txt" in line]
    assert len(missing) == 1
    assert "no such file" in missing[0]


def test_undecodable_bytes_warn_and_the_document_is_still_coded(mixed_run: subprocess.CompletedProcess[str]) -> None:
    proc = mixed_run
    warning = [line for line in stderr_lines(proc) if "latin.txt" in line]
    assert len(warning) == 1
    assert "UTF-8" in warning[0]
    assert any(e["doc_id"] == "latin" for e in events_of(proc))


# --------------------------------------------------------------------------- stdin, table
def test_stdin_coded_as_a_table(tmp_path: Path) -> None:
    proc = detente("code", "-", "--date", "2020-01-21", "--format", "table", stdin=VISIT, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "CONSULT" in proc.stdout
    assert "CHNGOV" in proc.stdout
    assert "┃" in proc.stdout or "|" in proc.stdout  # a table, not JSON
    assert not proc.stdout.lstrip().startswith("{")


# --------------------------------------------------------------------------- JSON Lines input
def test_jsonl_with_a_malformed_line_names_it_and_codes_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(
        json.dumps({"id": "one", "date": "2020-01-21", "text": MEETING}) + "\n"
        "{not json\n"
        + json.dumps({"id": "three", "date": "2020-01-21", "text": THREAT}) + "\n",
        encoding="utf-8",
    )
    proc = detente("code", "--jsonl", str(path))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = stderr_lines(proc)
    assert len(lines) == 1
    assert "line 2" in lines[0]
    assert {e["doc_id"] for e in events_of(proc)} == {"one", "three"}


# --------------------------------------------------------------------------- nothing readable
def _write_pdf(d: Path) -> str:
    (d / "report.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    return "report.pdf"


def _write_empty(d: Path) -> str:
    (d / "empty.txt").write_text("", encoding="utf-8")
    return "empty.txt"


def _make_empty_dir(d: Path) -> str:
    (d / "nothing").mkdir()
    (d / "nothing" / ".hidden.txt").write_text(VISIT, encoding="utf-8")
    return "nothing"


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda d: "missing.txt", "no such file"),
        (_make_empty_dir, "directory"),
        (_write_pdf, "PDF"),
        (_write_empty, "empty"),
    ],
    ids=["missing", "empty-directory", "pdf", "empty-file"],
)
def test_nothing_readable_is_one_clear_line_and_exit_1(tmp_path: Path, make, words: str) -> None:
    name = make(tmp_path)
    proc = detente("code", name, "--date", "2020-01-21", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout == ""
    lines = stderr_lines(proc)
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert name in lines[0]
    assert words in lines[0]


def test_code_without_input_is_a_usage_error() -> None:
    proc = detente("code")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


# --------------------------------------------------------------------------- evaluate
def test_evaluate_a_missing_gold_file_is_one_clear_error(tmp_path: Path) -> None:
    proc = detente("evaluate", "gold.json", cwd=tmp_path)
    assert proc.returncode == 1
    lines = stderr_lines(proc)
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "gold.json" in lines[0]
