"""Read documents into `Article` records: the input stage of detente.

`iter_articles` takes file paths, directories and "-" (standard input) and yields one
`Article` per document. The format comes from the file extension, else from the content:

    .txt .md .text .markdown   the whole file is one article (doc_id = file stem)
    .html .htm .xhtml          main text via trafilatura; title and date from the metadata
    .jsonl .ndjson             one article per line: {"id", "text", "date", "title", ...}
    .csv .tsv                  one article per row, columns id,text,date,title,source,url

Bad input never stops the run: each problem is passed once to `on_problem` as a
`ReadProblem` (what failed, and what to do) and reading goes on with the next document.
JSONL and CSV files are streamed, so their size is unbounded; one text or HTML document is
refused above `MAX_TEXT_BYTES`, one JSONL line or CSV record above `MAX_RECORD_BYTES`.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import logging
import os
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TextIO

from detente.errors import InputError
from detente.records import Article

logger = logging.getLogger(__name__)

MAX_TEXT_BYTES: int = 20 * 1024 * 1024
"""Largest .txt/.md/.html document read as one article (20 MB). Split bigger files or use JSONL."""

MAX_RECORD_BYTES: int = 20 * 1024 * 1024
"""Largest single JSONL line or CSV record (20 MB; counted in characters once decoded)."""

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
CSV_SUFFIXES = frozenset({".csv", ".tsv"})
FIELDS = ("id", "text", "date", "title", "source", "url")

_FORMATS_HINT = "pass .txt, .md, .html, .jsonl or .csv"
_SNIFF_BYTES = 8192

# Leading bytes of common binary formats: (signature, what it is, what to do first).
_BINARY_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF", "a PDF", "extract its text first (e.g. pdftotext), then "),
    (b"PK\x03\x04", "a ZIP archive or .docx/.xlsx/.epub", "unzip it or save it as text, then "),
    (b"\xd0\xcf\x11\xe0", "an old Office .doc/.xls", "save it as text, then "),
    (b"{\\rtf", "an RTF document", "save it as plain text, then "),
    (b"\x1f\x8b", "gzip-compressed", "decompress it (gunzip), then "),
    (b"BZh", "bzip2-compressed", "decompress it (bunzip2), then "),
    (b"\xfd7zXZ\x00", "xz-compressed", "decompress it (unxz), then "),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", "extract it, then "),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed", "decompress it (unzstd), then "),
    (b"SQLite format 3\x00", "an SQLite database", "export the articles as JSONL or CSV, then "),
    (b"PAR1", "a Parquet file", "export the articles as JSONL or CSV, then "),
    (b"\x89PNG", "a PNG image", ""),
    (b"\xff\xd8\xff", "a JPEG image", ""),
    (b"GIF8", "a GIF image", ""),
    (b"\x7fELF", "a program", ""),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Bytes that are not valid in the file's encoding, kept by errors="surrogateescape".
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:$|[T ])")
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_MD_HEADING = re.compile(r"#\s+(.+?)\s*#*\s*$")

# <meta> names/properties that carry the publication date, most specific first.
_DATE_META_KEYS = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publication_date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "parsely-pub-date",
    "sailthru.date",
    "date",
)


@dataclass(frozen=True)
class ReadProblem:
    """Something in the input that could not be read as given.

    `fatal` is True when the document (or line) was skipped, False for a warning about a
    document that was still read (bytes replaced, a date ignored).
    """

    source: str
    message: str
    line: int | None = None
    fatal: bool = True

    def __str__(self) -> str:
        where = f"{self.source} line {self.line}" if self.line is not None else self.source
        return f"{where}: {self.message}"


def log_problem(problem: ReadProblem) -> None:
    """The default `on_problem`: log the problem as a warning on this module's logger."""
    logger.warning("%s", problem)


def article_from_text(
    text: str,
    *,
    doc_id: str,
    published: dt.date | None = None,
    title: str | None = None,
    source: str | None = None,
    url: str | None = None,
) -> Article:
    """Make an `Article` from a text: strip a byte-order mark and outer whitespace,
    normalise line ends to "\\n". Raises `InputError` for an empty text or doc_id."""
    if not doc_id or not doc_id.strip():
        raise InputError("an article needs a non-empty doc_id: give each document an id")
    clean = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    clean = clean.strip()
    if not clean:
        raise InputError(f"document {doc_id!r} is empty: give it some text or leave it out")
    return Article(
        doc_id=doc_id.strip(),
        text=clean,
        published=published,
        title=_optional_str(title),
        source=_optional_str(source),
        url=_optional_str(url),
    )


def parse_date(value: object) -> dt.date | None:
    """Read "YYYY-MM-DD" or an ISO datetime as the date it names (no time-zone shift).

    Returns None for None or "". Raises ValueError for anything else it cannot read.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a string")
    text = value.strip()
    if not _ISO_DATE.match(text):
        raise ValueError(f"{text!r} is not YYYY-MM-DD or an ISO datetime")
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        raise ValueError(f"{text!r} is not a valid date") from None


def iter_articles(
    sources: Sequence[str],
    *,
    published: dt.date | None = None,
    jsonl: bool | None = None,
    csv_columns: Mapping[str, str] | None = None,
    on_problem: Callable[[ReadProblem], None] = log_problem,
    stdin: TextIO | None = None,
) -> Iterator[Article]:
    """Yield one `Article` per document found in `sources`, lazily.

    sources: file paths, directories (read recursively, files in sorted order, hidden
        files and directories skipped) and "-" for standard input.
    published: the publication date of documents that carry none (plain text always; a
        JSONL line or CSV row without a date). For HTML it overrides the page's own date.
    jsonl: True reads every source as JSONL, False never treats a source as JSONL,
        None (default) decides by extension and, for stdin and unknown extensions,
        by content (first non-space character "{").
    csv_columns: maps detente's field names (id, text, date, title, source, url) to CSV
        column names, e.g. {"text": "body"}.
    on_problem: called once per problem; the default logs a warning.
    stdin: the stream read for "-" (default: `sys.stdin`).
    """
    if isinstance(sources, str):
        raise TypeError("sources must be a sequence of paths, not one string: use [path]")
    columns = {name: name for name in FIELDS}
    for field_name, column in (csv_columns or {}).items():
        if field_name not in columns:
            raise InputError(
                f"csv_columns: unknown field {field_name!r}: use some of {', '.join(FIELDS)}"
            )
        columns[field_name] = column
    reader = _Reader(published=published, jsonl=jsonl, columns=columns, report=on_problem)
    return reader.read_all(list(sources), stdin)


@dataclass(frozen=True)
class _Source:
    """One file to read, with the key its doc_ids are built from."""

    path: Path
    key: str  # the file stem, or the relative path when stems collide


@dataclass(frozen=True)
class _Reader:
    """Reads sources with one set of options; problems go to `report`."""

    published: dt.date | None
    jsonl: bool | None
    columns: Mapping[str, str]
    report: Callable[[ReadProblem], None]

    # ---- sources -------------------------------------------------------------------

    def read_all(self, sources: list[str], stdin: TextIO | None) -> Iterator[Article]:
        seen: set[str] = set()
        groups: list[tuple[str, list[Path] | None]] = []  # (source as given, files); None: stdin
        for given in sources:
            if given == "-":
                if "-" not in seen:
                    groups.append(("-", None))
                seen.add("-")
                continue
            files = self._expand(given)
            if files is None:
                continue
            fresh = []
            for path in files:
                real = os.path.realpath(path)
                if real not in seen:
                    seen.add(real)
                    fresh.append(path)
            groups.append((given, fresh))
        keys = _file_keys([path for _, files in groups if files for path in files])
        for given, files in groups:
            if files is None:
                yield from self._read_stdin(stdin)
                continue
            count = 0
            for path in files:
                for article in self._read_file(_Source(path, keys[path])):
                    count += 1
                    yield article
            if count == 0 and len(files) > 1:
                self._problem(
                    given,
                    f"nothing readable in the {len(files)} files of this directory (see the "
                    f"messages above) — {_FORMATS_HINT}",
                )

    def _expand(self, given: str) -> list[Path] | None:
        """The files a source names, or None after reporting why there are none."""
        path = Path(given)
        if path.is_dir():
            files: list[Path] = []

            def on_error(err: OSError) -> None:
                self._problem(
                    str(err.filename or given),
                    f"cannot list this directory ({err.strerror}) — check its permissions",
                )

            for root, dirs, names in os.walk(path, onerror=on_error):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                files.extend(Path(root) / n for n in sorted(names) if not n.startswith("."))
            if not files:
                self._problem(
                    given,
                    f"directory with no files to read (hidden files are skipped) — {_FORMATS_HINT}",
                )
                return None
            return files
        if path.is_symlink() and not path.exists():
            self._problem(
                given, "broken link: the file it points to does not exist — check the path"
            )
            return None
        if not path.exists():
            self._problem(given, "no such file or directory — check the path")
            return None
        return [path]

    # ---- one file ------------------------------------------------------------------

    def _read_file(self, src: _Source) -> Iterator[Article]:
        name = str(src.path)
        try:
            size = src.path.stat().st_size
            with open(src.path, "rb") as raw:
                head = raw.peek(_SNIFF_BYTES)[:_SNIFF_BYTES]
                encoding = _sniff_encoding(head)
                binary = _binary_kind(head, encoding)
                if binary is not None:
                    kind, advice = binary
                    self._problem(name, f"not text ({kind}) — {advice}{_FORMATS_HINT}")
                    return
                if len(head) >= size and not _decode(head, encoding)[0].strip(
                    "\ufeff \t\r\n\x0b\x0c"
                ):
                    self._problem(name, "empty file — give it some text or leave it out")
                    return
                kind = self._kind(src.path, head, encoding)
                if kind == "jsonl":
                    yield from self._read_jsonl(_text_stream(raw, encoding), name, src.key)
                elif kind == "csv":
                    delimiter = "\t" if src.path.suffix.lower() == ".tsv" else ","
                    stream = _text_stream(raw, encoding, newline="")
                    yield from self._read_csv(stream, name, src.key, delimiter)
                else:
                    if size > MAX_TEXT_BYTES:
                        self._too_large(name, size)
                        return
                    data = raw.read(MAX_TEXT_BYTES + 1)
                    if len(data) > MAX_TEXT_BYTES:  # grew since stat, or not a regular file
                        self._too_large(name, len(data))
                        return
                    if kind == "html":
                        article = self._html_article(data, name, src.key)
                    else:
                        article = self._text_article(data, encoding, name, src)
                    if article is not None:
                        yield article
        except PermissionError:
            self._problem(
                name, "permission denied — make the file readable (chmod +r) or leave it out"
            )
        except OSError as err:
            self._problem(name, f"cannot be read ({err.strerror or err}) — check the file")

    def _kind(self, path: Path, head: bytes, encoding: str) -> str:
        """ "jsonl", "csv", "html" or "text", by option, extension, then content."""
        suffix = path.suffix.lower()
        if self.jsonl or (self.jsonl is None and suffix in JSONL_SUFFIXES):
            return "jsonl"
        if suffix in CSV_SUFFIXES:
            return "csv"
        if suffix in HTML_SUFFIXES:
            return "html"
        if suffix in TEXT_SUFFIXES or suffix in JSONL_SUFFIXES:
            return "text"
        start = _decode(head, encoding)[0].lstrip("\ufeff \t\r\n")[:1024].lower()
        if self.jsonl is None and start.startswith("{"):
            return "jsonl"
        if start.startswith(("<!doctype html", "<html")) or (
            start.startswith("<") and "<body" in start
        ):
            return "html"
        return "text"

    def _text_article(self, data: bytes, encoding: str, name: str, src: _Source) -> Article | None:
        text, bad = _decode(data, encoding)
        if bad:
            self._replaced_bytes(name, bad, encoding)
        title = None
        if src.path.suffix.lower() in {".md", ".markdown"}:
            heading = _MD_HEADING.fullmatch(text.lstrip("\ufeff \t\r\n").split("\n", 1)[0].rstrip())
            title = heading.group(1) if heading else None
        return self._article(
            text, name, None, doc_id=src.key, published=self.published, title=title
        )

    def _html_article(self, data: bytes, name: str, key: str) -> Article | None:
        import trafilatura  # heavy: imported only when there is HTML to read

        html, bad, encoding = _decode_html(data)
        if bad:
            self._replaced_bytes(name, bad, encoding)
        tree = trafilatura.load_html(html)
        text = None
        if tree is not None:
            meta_date, meta_title, meta_url, meta_site = _html_metadata(tree)
            # extract() prunes the tree it is given: read the metadata first
            text = trafilatura.extract(tree, include_comments=False, include_tables=False)
        if not text or not text.strip():
            self._problem(
                name,
                "no main text could be extracted from this HTML (the page may be mostly "
                "navigation, or built by JavaScript) — save the article text as .txt",
            )
            return None
        published = self.published
        if published is None and meta_date:
            try:
                published = parse_date(meta_date)
            except ValueError as err:
                self._warn(name, f"publication date in the page ignored: {err}")
        return self._article(
            text,
            name,
            None,
            doc_id=key,
            published=published,
            title=meta_title,
            source=meta_site,
            url=meta_url,
        )

    # ---- JSONL ---------------------------------------------------------------------

    def _read_jsonl(self, stream: _LineSource, name: str, key: str) -> Iterator[Article]:
        warned_bytes = False
        for number, line in _bounded_lines(stream, MAX_RECORD_BYTES):
            if line is None:
                self._problem(
                    name,
                    f"line longer than {_megabytes(MAX_RECORD_BYTES)}, the limit for one record "
                    "— skipped; shorten or split that article",
                    number,
                )
                continue
            if not line.strip():
                continue
            line, bad = _unescape(line)
            if bad and not warned_bytes:
                warned_bytes = True
                self._warn(
                    name,
                    "bytes that are not valid text were replaced with U+FFFD (later lines of "
                    "this file are not reported) — save the file as UTF-8",
                    number,
                )
            article = self._jsonl_article(line, name, key, number)
            if article is not None:
                yield article

    def _jsonl_article(self, line: str, name: str, key: str, number: int) -> Article | None:
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            self._problem(
                name, f"not valid JSON ({err.msg} at column {err.colno}) — skipped", number
            )
            return None
        except RecursionError:
            self._problem(name, "not valid JSON (nested too deeply) — skipped", number)
            return None
        if not isinstance(record, dict):
            self._problem(
                name,
                f"a JSON {_json_type(record)}, not an object — skipped; each line must be one "
                'object like {"id": ..., "text": ..., "date": ...}',
                number,
            )
            return None
        return self._record_article(
            record, name, number, fallback_id=f"{key}:{number}", what="field"
        )

    # ---- CSV -----------------------------------------------------------------------

    def _read_csv(self, stream: TextIO, name: str, key: str, delimiter: str) -> Iterator[Article]:
        # The csv module's field limit is process-wide; only ever raise it to ours.
        # `_CountedLines` bounds memory, so a runaway quoted field stops at MAX_RECORD_BYTES.
        csv.field_size_limit(max(csv.field_size_limit(), MAX_RECORD_BYTES))
        lines = _CountedLines(stream, MAX_RECORD_BYTES)
        reader = csv.reader(lines, delimiter=delimiter)
        try:
            header = next(reader, None)
        except (csv.Error, _RecordTooLarge) as err:
            self._problem(name, f"header row cannot be read ({err}) — check that the file is CSV")
            return
        if header is None or not any(h.strip() for h in header):
            self._problem(
                name, "no header row — the first line must name the columns (id,text,date,...)"
            )
            return
        header = [h.strip().lstrip("\ufeff") for h in header]
        index = _column_index(header, self.columns)
        if "text" not in index:
            self._problem(
                name,
                f"no {self.columns['text']!r} column (columns: {', '.join(header)}) — name the "
                "text column 'text', or map it with csv_columns={'text': '<column>'}",
            )
            return
        warned_bytes = False
        row_number = 0
        while True:
            lines.start_record()
            start_line = lines.line_number + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except _RecordTooLarge:
                self._problem(
                    name,
                    f"record longer than {_megabytes(MAX_RECORD_BYTES)}, the limit for one "
                    "record (an unclosed quote?) — stopped reading this file; check its quoting",
                    start_line,
                )
                return
            except csv.Error as err:
                self._problem(
                    name, f"not valid CSV ({err}) — stopped reading this file", start_line
                )
                return
            row_number += 1
            if not any(cell.strip() for cell in row):
                continue
            record: dict[str, Any] = {}
            bad = False
            for field_name, i in index.items():
                if i < len(row):
                    record[field_name], cell_bad = _unescape(row[i])
                    bad = bad or cell_bad
            if bad and not warned_bytes:
                warned_bytes = True
                self._warn(
                    name,
                    "bytes that are not valid text were replaced with U+FFFD (later rows of "
                    "this file are not reported) — save the file as UTF-8",
                    start_line,
                )
            article = self._record_article(
                record, name, start_line, fallback_id=f"{key}:{row_number}", what="column"
            )
            if article is not None:
                yield article

    # ---- stdin ---------------------------------------------------------------------

    def _read_stdin(self, stdin: TextIO | None) -> Iterator[Article]:
        name = "stdin"
        wrapper: io.TextIOWrapper | None = None
        if stdin is None:
            buffer = getattr(sys.stdin, "buffer", None)
            if buffer is not None:
                wrapper = _text_stream(buffer, "utf-8-sig")
            stream: TextIO = wrapper if wrapper is not None else sys.stdin
        else:
            stream = stdin
        try:
            pending: list[str] = []
            read = 0
            while read <= MAX_TEXT_BYTES:  # find the first non-blank line to sniff the format
                line = stream.readline(MAX_RECORD_BYTES + 1)
                if not line:
                    break
                pending.append(line)
                read += len(line)
                if line.strip("\ufeff \t\r\n"):
                    break
            start = "".join(pending).lstrip("\ufeff \t\r\n")
            if not start:
                self._problem(name, "empty input — pipe some text or JSONL into detente")
                return
            source = _Pushback(stream, "".join(pending))
            if self.jsonl or (self.jsonl is None and start.startswith("{")):
                yield from self._read_jsonl(source, name, name)
                return
            text = source.read(MAX_TEXT_BYTES + 1)
            if len(text) > MAX_TEXT_BYTES:
                self._problem(
                    name,
                    f"input longer than {_megabytes(MAX_TEXT_BYTES)}, the limit for one document "
                    "— split it, or pipe one article per line as JSONL",
                )
                return
            text, bad = _unescape(text)
            if bad:
                self._replaced_bytes(name, bad, "utf-8")
            article = self._article(text, name, None, doc_id=name, published=self.published)
            if article is not None:
                yield article
        except UnicodeDecodeError:
            self._problem(
                name, "not UTF-8 text — convert it (e.g. iconv -t UTF-8) and pipe it again"
            )
        finally:
            if wrapper is not None:
                wrapper.detach()  # leave sys.stdin.buffer open

    # ---- shared --------------------------------------------------------------------

    def _record_article(
        self, record: Mapping[str, Any], name: str, line: int, *, fallback_id: str, what: str
    ) -> Article | None:
        text = record.get("text")
        if text is None:
            found = ", ".join(map(str, record)) or "none"
            self._problem(name, f'no "text" {what} (found: {found}) — skipped', line)
            return None
        if not isinstance(text, str):
            self._problem(
                name, f'"text" is a JSON {_json_type(text)}, not a string — skipped', line
            )
            return None
        raw_id = record.get("id")
        doc_id = str(raw_id).strip() if raw_id is not None else ""
        published = self.published
        try:
            published = parse_date(record.get("date")) or self.published
        except ValueError as err:
            self._warn(name, f"bad date: {err} — treated as no date", line)
        return self._article(
            text,
            name,
            line,
            doc_id=doc_id or fallback_id,
            published=published,
            title=record.get("title"),
            source=record.get("source"),
            url=record.get("url"),
        )

    def _article(self, text: str, name: str, line: int | None, **fields: Any) -> Article | None:
        try:
            return article_from_text(text, **fields)
        except InputError:
            what = "empty text" if line is not None else "no text (empty or whitespace only)"
            self._problem(name, f"{what} — skipped; give it some text or leave it out", line)
            return None

    def _too_large(self, name: str, size: int) -> None:
        self._problem(
            name,
            f"too large ({_megabytes(size)}; the limit for one document is "
            f"{_megabytes(MAX_TEXT_BYTES)}) — split it into smaller files, or write one article "
            "per line as JSONL",
        )

    def _replaced_bytes(self, name: str, count: int, encoding: str) -> None:
        self._warn(
            name,
            f"{count} byte(s) not valid {encoding.removesuffix('-sig').upper()} were replaced "
            "with U+FFFD — save the file as UTF-8",
        )

    def _problem(self, source: str, message: str, line: int | None = None) -> None:
        self.report(ReadProblem(source=source, message=message, line=line, fatal=True))

    def _warn(self, source: str, message: str, line: int | None = None) -> None:
        self.report(ReadProblem(source=source, message=message, line=line, fatal=False))


# ---- streams ---------------------------------------------------------------------------


class _LineSource:
    """What the line readers need from a stream (TextIO or `_Pushback`)."""

    def readline(self, size: int = -1, /) -> str:  # pragma: no cover - protocol
        raise NotImplementedError


class _Pushback(_LineSource):
    """A text stream with some already-read text put back in front of it."""

    def __init__(self, stream: TextIO, pending: str) -> None:
        self._stream = stream
        self._pending = pending

    def readline(self, size: int = -1, /) -> str:
        if not self._pending:
            return self._stream.readline(size)
        newline = self._pending.find("\n")
        end = len(self._pending) if newline < 0 else newline + 1
        if size >= 0:
            end = min(end, size)
        out, self._pending = self._pending[:end], self._pending[end:]
        if out.endswith("\n") or self._pending or (size >= 0 and len(out) >= size):
            return out
        return out + self._stream.readline(size - len(out) if size >= 0 else -1)

    def read(self, size: int = -1, /) -> str:
        out, self._pending = self._pending, ""
        if size < 0:
            return out + self._stream.read()
        if len(out) >= size:
            out, self._pending = out[:size], out[size:]
            return out
        return out + self._stream.read(size - len(out))


class _RecordTooLarge(Exception):
    """Raised inside a CSV reader when one record exceeds the record limit."""


class _CountedLines:
    """Lines of a stream for csv.reader, refusing a record longer than `limit` characters."""

    def __init__(self, stream: TextIO, limit: int) -> None:
        self._stream = stream
        self._limit = limit
        self._record_chars = 0
        self.line_number = 0

    def start_record(self) -> None:
        self._record_chars = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = self._stream.readline(self._limit + 1)
        if not line:
            raise StopIteration
        self.line_number += 1
        self._record_chars += len(line)
        if self._record_chars > self._limit:
            raise _RecordTooLarge(f"record longer than {_megabytes(self._limit)}")
        return line


def _bounded_lines(stream: _LineSource | TextIO, limit: int) -> Iterator[tuple[int, str | None]]:
    """Yield (line number, line) reading at most `limit` characters at a time.

    A longer line is skipped to its end without being held in memory, and yielded as None.
    """
    number = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith("\n"):
            while line and not line.endswith("\n"):
                line = stream.readline(limit + 1)
            yield number, None
        else:
            yield number, line


def _text_stream(raw: IO[bytes], encoding: str, newline: str | None = None) -> io.TextIOWrapper:
    """Decode a binary stream; invalid UTF-8 bytes survive as lone surrogates (`_unescape`)."""
    errors = "surrogateescape" if encoding.startswith("utf-8") else "replace"
    return io.TextIOWrapper(raw, encoding=encoding, errors=errors, newline=newline)  # type: ignore[arg-type]


# ---- bytes and text --------------------------------------------------------------------


def _sniff_encoding(head: bytes) -> str:
    """The encoding a file's first bytes show: a BOM, BOM-less UTF-16, else UTF-8."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    sample = head[:512]
    if len(sample) >= 4 and len(sample) % 2 == 0:
        if not any(sample[1::2]) and all(sample[0::2]):
            return "utf-16-le"
        if not any(sample[0::2]) and all(sample[1::2]):
            return "utf-16-be"
    return "utf-8-sig"


def _binary_kind(head: bytes, encoding: str) -> tuple[str, str] | None:
    """(what binary file `head` starts, what to do), or None when it looks like text."""
    for signature, kind, advice in _BINARY_SIGNATURES:
        if head.startswith(signature):
            return kind, advice
    if not encoding.startswith(("utf-16", "utf-32")) and b"\x00" in head:
        return "binary data: it contains NUL bytes", ""
    return None


def _decode(data: bytes, encoding: str) -> tuple[str, int]:
    """Decode, replacing invalid bytes with U+FFFD; return the text and how many were replaced."""
    if encoding.startswith("utf-8"):
        return _unescape(data.decode(encoding, errors="surrogateescape"))
    text = data.decode(encoding, errors="replace")
    return text, text.count("\ufffd")


def _unescape(text: str) -> tuple[str, int]:
    """Turn bytes kept by errors="surrogateescape" into U+FFFD; return text and their count."""
    count = len(_ESCAPED_BYTE.findall(text))
    return (_ESCAPED_BYTE.sub("\ufffd", text), count) if count else (text, 0)


def _decode_html(data: bytes) -> tuple[str, int, str]:
    """Decode an HTML page: BOM, else UTF-8, else the charset its <meta> declares."""
    encoding = _sniff_encoding(data[:_SNIFF_BYTES])
    if encoding.startswith("utf-8"):
        try:
            return data.decode(encoding), 0, encoding
        except UnicodeDecodeError:
            declared = _META_CHARSET.search(data[:_SNIFF_BYTES])
            if declared:
                try:
                    name = codecs.lookup(declared.group(1).decode("ascii")).name
                except (LookupError, UnicodeDecodeError):
                    name = ""
                if name and not name.startswith("utf"):
                    return data.decode(name, errors="replace"), 0, name
    text, bad = _decode(data, encoding)
    return text, bad, encoding


def _html_metadata(tree: Any) -> tuple[str | None, str | None, str | None, str | None]:
    """(publication date, title, url, site name) of a page; <meta> dates win over guesses."""
    import trafilatura

    meta: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop") or ""
        content = (element.get("content") or "").strip()
        if key and content:
            meta.setdefault(key.strip().lower(), content)
    date = next((meta[k] for k in _DATE_META_KEYS if k in meta), None)
    if date is None:
        for element in tree.iter("time"):
            if element.get("datetime") and (
                element.get("itemprop", "").lower() == "datepublished"
                or element.get("pubdate") is not None
            ):
                date = element.get("datetime").strip()
                break
    found = trafilatura.extract_metadata(tree, extensive=False)
    if date is None and found.date:
        date = found.date
    return date, found.title or None, found.url or None, found.sitename or None


def _file_keys(paths: Sequence[Path]) -> dict[Path, str]:
    """doc_id keys for files: the stem, or the path relative to the files sharing that stem."""
    stems = Counter(path.stem for path in paths)
    keys = {path: path.stem for path in paths if stems[path.stem] == 1}
    clashing = [path for path in paths if stems[path.stem] > 1]
    by_stem: dict[str, list[Path]] = {}
    for path in clashing:
        by_stem.setdefault(path.stem, []).append(path)
    for group in by_stem.values():
        absolute = [Path(os.path.abspath(path)) for path in group]
        root = os.path.commonpath([str(path.parent) for path in absolute])
        relative = [path.relative_to(root) for path in absolute]
        stripped = [rel.with_suffix("").as_posix() for rel in relative]
        for path, rel, key in zip(group, relative, stripped, strict=True):
            keys[path] = key if stripped.count(key) == 1 else rel.as_posix()
    return keys


def _column_index(header: list[str], columns: Mapping[str, str]) -> dict[str, int]:
    """Field name -> column position, matching exactly first, then ignoring case."""
    folded = [h.casefold() for h in header]
    index: dict[str, int] = {}
    for field_name, column in columns.items():
        if column in header:
            index[field_name] = header.index(column)
        elif column.casefold() in folded:
            index[field_name] = folded.index(column.casefold())
    return index


def _json_type(value: object) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if value is None:
        return "null"
    return "object"


def _optional_str(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _megabytes(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size:,} bytes"
    return f"{size / (1024 * 1024):.1f} MB"
