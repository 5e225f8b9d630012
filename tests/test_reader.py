"""Tests of the input stage: every format, and every kind of bad input reported once."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
from pathlib import Path

import pytest

from detente import reader
from detente.errors import InputError
from detente.reader import ReadProblem, article_from_text, iter_articles, parse_date

JAN21 = dt.date(2020, 1, 21)


def read(sources, **kwargs):
    """Read everything; return (articles, problems)."""
    problems: list[ReadProblem] = []
    articles = list(iter_articles([str(s) for s in sources], on_problem=problems.append, **kwargs))
    return articles, problems


def only(problems: list[ReadProblem]) -> ReadProblem:
    assert len(problems) == 1, problems
    return problems[0]


# ---- formats ----------------------------------------------------------------------------


def test_text_file_is_one_article_named_by_its_stem(tmp_path: Path) -> None:
    path = tmp_path / "pak-rus.txt"
    path.write_text("\n  Pakistan and Russia signed a deal.\r\nTalks go on.  \n", encoding="utf-8")
    articles, problems = read([path], published=JAN21)
    assert problems == []
    (article,) = articles
    assert article.doc_id == "pak-rus"
    assert article.text == "Pakistan and Russia signed a deal.\nTalks go on."
    assert article.published == JAN21


def test_markdown_heading_becomes_the_title(tmp_path: Path) -> None:
    (tmp_path / "note.md").write_text("# Talks in Moscow\n\nThe ministers met.\n", encoding="utf-8")
    (article,), problems = read([tmp_path / "note.md"])
    assert problems == []
    assert article.title == "Talks in Moscow"
    assert "The ministers met." in article.text


def test_html_main_text_title_and_published_time_meta(tmp_path: Path) -> None:
    page = """<!doctype html><html><head><title>Talks in Moscow | The Paper</title>
    <meta property="article:published_time" content="2020-01-21T08:00:00+05:00">
    </head><body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
    <article><h1>Talks in Moscow</h1>
    <p>Pakistan and Russia signed an agreement on Tuesday to expand cooperation in energy.</p>
    <p>The foreign ministers met in Moscow and promised further talks next month.</p>
    </article><footer>Copyright The Paper</footer></body></html>"""
    (tmp_path / "story.html").write_text(page, encoding="utf-8")
    (article,), problems = read([tmp_path / "story.html"])
    assert problems == []
    assert article.doc_id == "story"
    assert article.published == JAN21  # the date as written, not shifted to UTC
    assert article.title is not None and "Talks in Moscow" in article.title
    assert "Pakistan and Russia signed an agreement" in article.text
    assert "Copyright" not in article.text


def test_published_argument_wins_over_the_html_date(tmp_path: Path) -> None:
    page = """<html><head><meta name="date" content="2019-05-05"></head><body><article>
    <p>Pakistan and Russia signed an agreement on Tuesday to expand cooperation in energy.</p>
    </article></body></html>"""
    (tmp_path / "a.htm").write_text(page, encoding="utf-8")
    (article,), _ = read([tmp_path / "a.htm"], published=JAN21)
    assert article.published == JAN21


def test_jsonl_one_article_per_line_with_all_fields(tmp_path: Path) -> None:
    lines = [
        {
            "id": "g-1",
            "text": "One.",
            "date": "2019-04-10",
            "title": "T",
            "source": "Guardian",
            "url": "https://example.org/1",
        },
        {"id": 7, "text": "Two.", "date": "2019-04-11T22:30:00Z"},
        {"text": "Three."},
    ]
    path = tmp_path / "news.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n\n", encoding="utf-8")
    articles, problems = read([path], published=JAN21)
    assert problems == []
    assert [a.doc_id for a in articles] == ["g-1", "7", "news:3"]
    assert articles[0].title == "T" and articles[0].source == "Guardian"
    assert articles[0].url == "https://example.org/1"
    assert articles[1].published == dt.date(2019, 4, 11)
    assert articles[2].published == JAN21  # the argument is the fallback


def test_csv_rows_with_remapped_columns_and_quoted_newlines(tmp_path: Path) -> None:
    path = tmp_path / "stories.csv"
    path.write_text(
        "id,Headline,body,date\n"
        's1,First,"Line one.\nLine two, with a comma.",2020-01-21\n'
        's2,Second,"He said ""no"".",\n',
        encoding="utf-8",
    )
    articles, problems = read([path], csv_columns={"text": "body", "title": "headline"})
    assert problems == []
    assert [a.doc_id for a in articles] == ["s1", "s2"]
    assert articles[0].text == "Line one.\nLine two, with a comma."
    assert articles[0].title == "First" and articles[0].published == JAN21
    assert articles[1].text == 'He said "no".' and articles[1].published is None


def test_unknown_csv_columns_key_is_refused_up_front() -> None:
    with pytest.raises(InputError, match="unknown field 'body'"):
        iter_articles(["x.csv"], csv_columns={"body": "text"})


def test_directory_is_read_recursively_in_order_skipping_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b" / "z.txt").write_text("Zed.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Ay.", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("Hidden.", encoding="utf-8")
    (tmp_path / ".git" / "x.txt").write_text("Git.", encoding="utf-8")
    articles, problems = read([tmp_path])
    assert problems == []
    assert [a.text for a in articles] == ["Ay.", "Zed."]


def test_same_stem_in_two_directories_gets_unique_ids(tmp_path: Path) -> None:
    for folder in ("2019", "2020"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "report.txt").write_text(f"Text {folder}.", encoding="utf-8")
    (tmp_path / "other.txt").write_text("Other.", encoding="utf-8")
    articles, _ = read([tmp_path])
    assert sorted(a.doc_id for a in articles) == ["2019/report", "2020/report", "other"]


def test_unknown_extension_is_sniffed(tmp_path: Path) -> None:
    (tmp_path / "feed").write_text('{"id": "x", "text": "From JSONL."}\n', encoding="utf-8")
    (tmp_path / "notes").write_text("Plain words.", encoding="utf-8")
    articles, problems = read([tmp_path / "feed", tmp_path / "notes"])
    assert problems == []
    assert [(a.doc_id, a.text) for a in articles] == [
        ("x", "From JSONL."),
        ("notes", "Plain words."),
    ]


def test_jsonl_false_reads_a_brace_file_as_text(tmp_path: Path) -> None:
    (tmp_path / "brace").write_text('{"text": "x"}', encoding="utf-8")
    (article,), _ = read([tmp_path / "brace"], jsonl=False)
    assert article.text == '{"text": "x"}'


def test_a_file_given_twice_is_read_once(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Once.", encoding="utf-8")
    articles, _ = read([tmp_path / "a.txt", tmp_path, tmp_path / "a.txt"])
    assert [a.text for a in articles] == ["Once."]


# ---- stdin ------------------------------------------------------------------------------


def test_stdin_plain_text() -> None:
    stream = io.StringIO("\n\nRussia and Pakistan agreed to cooperate.\n")
    (article,), problems = read(["-"], stdin=stream, published=JAN21)
    assert problems == []
    assert article.doc_id == "stdin"
    assert article.text == "Russia and Pakistan agreed to cooperate."
    assert article.published == JAN21


def test_stdin_jsonl_is_sniffed_from_the_first_brace() -> None:
    stream = io.StringIO('\n  {"id": "a", "text": "One."}\nnope\n{"text": "Two."}\n')
    articles, problems = read(["-"], stdin=stream)
    assert [(a.doc_id, a.text) for a in articles] == [("a", "One."), ("stdin:4", "Two.")]
    assert only(problems).line == 3


def test_empty_stdin_is_reported() -> None:
    articles, problems = read(["-"], stdin=io.StringIO("  \n\n"))
    assert articles == []
    assert "empty input" in only(problems).message


# ---- bad input --------------------------------------------------------------------------


def test_missing_path_is_reported_and_the_rest_read(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text("Good.", encoding="utf-8")
    articles, problems = read([tmp_path / "nope.txt", tmp_path / "ok.txt"])
    assert [a.text for a in articles] == ["Good."]
    problem = only(problems)
    assert problem.source.endswith("nope.txt") and problem.fatal
    assert "no such file" in problem.message and "check the path" in problem.message


def test_empty_directory_is_reported(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / ".DS_Store").write_bytes(b"\x00\x00")
    _, problems = read([tmp_path / "empty"])
    assert "no files to read" in only(problems).message


def test_directory_with_nothing_readable_says_so_after_each_file(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.7\n...")
    (tmp_path / "b.txt").write_text("   \n", encoding="utf-8")
    articles, problems = read([tmp_path])
    assert articles == []
    assert len(problems) == 3
    assert "nothing readable in the 2 files" in problems[-1].message


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("x.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", "not text (a PDF) — extract its text"),
        ("x.docx", b"PK\x03\x04\x14\x00\x06\x00", "not text (a ZIP archive or .docx"),
        ("x.txt.gz", b"\x1f\x8b\x08\x00\x00\x00", "gzip-compressed"),
        ("x.png", b"\x89PNG\r\n\x1a\n\x00\x00", "a PNG image"),
        ("x.txt", b"abc\x00\x01\x02def", "contains NUL bytes"),
    ],
)
def test_binary_files_are_refused(tmp_path: Path, name: str, data: bytes, expected: str) -> None:
    (tmp_path / name).write_bytes(data)
    (tmp_path / "z-after.txt").write_text("Still read.", encoding="utf-8")
    articles, problems = read([tmp_path / name, tmp_path / "z-after.txt"])
    assert [a.text for a in articles] == ["Still read."]
    problem = only(problems)
    assert expected in problem.message
    assert "pass .txt, .md, .html, .jsonl or .csv" in problem.message


@pytest.mark.parametrize("content", ["", "  \n\t\n"])
def test_empty_or_whitespace_file(tmp_path: Path, content: str) -> None:
    (tmp_path / "blank.txt").write_text(content, encoding="utf-8")
    articles, problems = read([tmp_path / "blank.txt"])
    assert articles == []
    assert "empty" in only(problems).message


def test_undecodable_bytes_are_replaced_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "latin.txt").write_bytes("Café in Zürich.".encode("latin-1"))
    (article,), problems = read([tmp_path / "latin.txt"])
    assert article.text == "Caf\ufffd in Z\ufffdrich."
    problem = only(problems)
    assert not problem.fatal
    assert (
        "2 byte(s) not valid UTF-8" in problem.message
        and "save the file as UTF-8" in problem.message
    )


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be", "utf-32"])
def test_byte_order_marks_are_honoured(tmp_path: Path, encoding: str) -> None:
    data = "Köln, 21 January.".encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    (tmp_path / "bom.txt").write_bytes(data)
    (article,), problems = read([tmp_path / "bom.txt"])
    assert problems == []
    assert article.text == "Köln, 21 January."


def test_bomless_utf16_is_not_mistaken_for_binary(tmp_path: Path) -> None:
    (tmp_path / "w.txt").write_bytes("Windows export text.".encode("utf-16-le"))
    (article,), problems = read([tmp_path / "w.txt"])
    assert problems == [] and article.text == "Windows export text."


def test_jsonl_bad_lines_are_each_reported_once_and_good_lines_kept(tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl"
    path.write_text(
        "\n".join(
            [
                '{"id": "a", "text": "First."}',
                '{"id": "b", "text": "broken"',  # 2: not JSON
                '["a", "list"]',  # 3: not an object
                '{"id": "d", "body": "wrong key"}',  # 4: no text
                '{"id": "e", "text": 42}',  # 5: text not a string
                '{"id": "f", "text": "   "}',  # 6: empty text
                '{"id": "g", "text": "Last.", "date": "21/01/2020"}',  # 7: bad date, still read
            ]
        ),
        encoding="utf-8",
    )
    articles, problems = read([path], published=JAN21)
    assert [a.doc_id for a in articles] == ["a", "g"]
    assert articles[1].published == JAN21  # a bad date counts as no date
    assert [p.line for p in problems] == [2, 3, 4, 5, 6, 7]
    assert [p.fatal for p in problems] == [True] * 5 + [False]
    assert str(problems[0]).startswith(f"{path} line 2: not valid JSON (")
    assert problems[0].message.endswith("— skipped")
    assert "not an object" in problems[1].message
    assert 'no "text" field (found: id, body)' in problems[2].message
    assert "not a string" in problems[3].message
    assert "empty text" in problems[4].message
    assert "'21/01/2020' is not YYYY-MM-DD" in problems[5].message


def test_jsonl_undecodable_bytes_warn_once_per_file(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_bytes(b'{"text": "caf\xe9"}\n{"text": "na\xefve"}\n')
    articles, problems = read([path])
    assert [a.text for a in articles] == ["caf\ufffd", "na\ufffdve"]
    problem = only(problems)
    assert problem.line == 1 and not problem.fatal


def test_jsonl_line_over_the_record_limit_is_skipped(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(reader, "MAX_RECORD_BYTES", 100)
    path = tmp_path / "d.jsonl"
    path.write_text(
        json.dumps({"text": "x" * 500}) + "\n" + json.dumps({"text": "short"}) + "\n",
        encoding="utf-8",
    )
    articles, problems = read([path])
    assert [a.text for a in articles] == ["short"]
    assert "line longer than 100 bytes" in only(problems).message and problems[0].line == 1


def test_html_without_main_text_is_reported(tmp_path: Path) -> None:
    (tmp_path / "app.html").write_text(
        "<html><head><script>render()</script></head><body><div id='root'></div></body></html>",
        encoding="utf-8",
    )
    articles, problems = read([tmp_path / "app.html"])
    assert articles == []
    assert "no main text could be extracted" in only(problems).message


def test_unreadable_file_is_reported(tmp_path: Path, monkeypatch) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text("Secret.", encoding="utf-8")
    (tmp_path / "open.txt").write_text("Open.", encoding="utf-8")

    def guarded_open(file, *args, **kwargs):  # chmod 000 does not stop root, so simulate it
        if Path(file) == locked:
            raise PermissionError(13, "Permission denied", str(file))
        return open(file, *args, **kwargs)

    monkeypatch.setattr(reader, "open", guarded_open, raising=False)
    articles, problems = read([locked, tmp_path / "open.txt"])
    assert [a.text for a in articles] == ["Open."]
    message = only(problems).message
    assert "permission denied" in message and "chmod" in message


def test_csv_without_a_text_column(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("id,body\n1,Hello\n", encoding="utf-8")
    (tmp_path / "u.txt").write_text("After.", encoding="utf-8")
    articles, problems = read([tmp_path / "t.csv", tmp_path / "u.txt"])
    assert [a.text for a in articles] == ["After."]
    message = only(problems).message
    assert "no 'text' column (columns: id, body)" in message
    assert "csv_columns={'text': '<column>'}" in message


def test_csv_bad_rows_are_reported_with_their_line(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text(
        'id,text,date\n1,"Two\nlines",2020-01-21\n2,,\n3,Fine,2020-13-01\n', encoding="utf-8"
    )
    articles, problems = read([tmp_path / "t.csv"])
    assert [a.doc_id for a in articles] == ["1", "3"]
    assert [(p.line, p.fatal) for p in problems] == [(4, True), (5, False)]
    assert articles[1].published is None


def test_csv_unclosed_quote_stops_at_the_record_limit(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(reader, "MAX_RECORD_BYTES", 200)
    lines = ["id,text", '1,"never closed'] + [f"2,filler line {i}" for i in range(100)]
    (tmp_path / "t.csv").write_text("\n".join(lines), encoding="utf-8")
    articles, problems = read([tmp_path / "t.csv"])
    assert articles == []
    problem = only(problems)
    assert problem.line == 2 and "unclosed quote" in problem.message


# ---- size -------------------------------------------------------------------------------


def test_text_file_over_the_limit_is_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(reader, "MAX_TEXT_BYTES", 1000)
    (tmp_path / "big.txt").write_text("word " * 300, encoding="utf-8")
    (tmp_path / "small.txt").write_text("Small.", encoding="utf-8")
    articles, problems = read([tmp_path / "big.txt", tmp_path / "small.txt"])
    assert [a.text for a in articles] == ["Small."]
    message = only(problems).message
    assert "too large (1,500 bytes; the limit for one document is 1,000 bytes)" in message
    assert "split it" in message and "JSONL" in message


def test_stdin_text_over_the_limit_is_refused(monkeypatch) -> None:
    monkeypatch.setattr(reader, "MAX_TEXT_BYTES", 50)
    articles, problems = read(["-"], stdin=io.StringIO("x" * 51))
    assert articles == []
    assert "longer than 50 bytes" in only(problems).message


def test_large_jsonl_is_streamed_lazily(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for i in range(50_000):
            out.write(json.dumps({"id": f"d{i}", "text": f"Article number {i}."}) + "\n")
            if i == 25_000:
                out.write("not json\n")
    size = path.stat().st_size
    problems: list[ReadProblem] = []
    articles = iter_articles([str(path)], on_problem=problems.append)
    first = next(articles)
    assert first.doc_id == "d0"
    position = _read_position(path)  # how far the open file has been read so far
    assert sum(1 for _ in articles) == 49_999
    assert [p.line for p in problems] == [25_002]
    if position is None:
        pytest.skip("no /proc/self/fdinfo here to see how far the file was read")
    assert position < size // 10


def test_stdin_jsonl_is_streamed_lazily() -> None:
    text = "".join(json.dumps({"text": f"Article {i}."}) + "\n" for i in range(50_000))
    stream = io.StringIO(text)
    articles = iter_articles(["-"], stdin=stream, on_problem=pytest.fail)
    assert next(articles).text == "Article 0."
    assert stream.tell() < len(text) // 10
    assert sum(1 for _ in articles) == 49_999


def _read_position(path: Path) -> int | None:
    """The read offset of this process's open descriptor on `path` (Linux only)."""
    fd_dir = Path("/proc/self/fd")
    if not fd_dir.is_dir():
        return None
    for fd in fd_dir.iterdir():
        try:
            if os.readlink(fd) == str(path):
                for line in Path(f"/proc/self/fdinfo/{fd.name}").read_text().splitlines():
                    if line.startswith("pos:"):
                        return int(line.split()[1])
        except OSError:
            continue
    return None


# ---- small pieces -----------------------------------------------------------------------


def test_article_from_text_cleans_and_refuses_empty() -> None:
    article = article_from_text("\ufeff Text.\r\n", doc_id="d", title="  ", url="u")
    assert (article.text, article.title, article.url) == ("Text.", None, "u")
    with pytest.raises(InputError, match="empty"):
        article_from_text(" \n ", doc_id="d")
    with pytest.raises(InputError, match="doc_id"):
        article_from_text("Text.", doc_id=" ")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020-01-21", JAN21),
        ("2020-01-21T23:59:00-05:00", JAN21),
        ("2020-01-21 08:00", JAN21),
        (None, None),
        ("", None),
    ],
)
def test_parse_date(value: object, expected: dt.date | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["21 Jan 2020", "2020-02-30", "2020", 20200121])
def test_parse_date_refuses(value: object) -> None:
    with pytest.raises(ValueError):
        parse_date(value)


def test_default_on_problem_logs_a_warning(tmp_path: Path, caplog) -> None:
    with caplog.at_level("WARNING", logger="detente.reader"):
        assert list(iter_articles([str(tmp_path / "gone.txt")])) == []
    assert "gone.txt: no such file" in caplog.text
