"""Ingest a corpus into an event store: read, skip what is unchanged, code in parallel, write.

    summary = ingest(["news/"], store, workers=4, on_progress=show)

1. Read every input (files, directories, "-", JSONL, CSV, HTML via `detente.reader`;
   RSS/Atom feed files via `detente.feeds`). Each unreadable item is reported once to
   `on_problem` and recorded in the store as failed, with its reason.
2. Hash each article (text and metadata). An article whose hash is stored with status
   "ok" is unchanged and skipped; a new or changed one is coded.
3. Code on the chosen backend (`detente.parallel`): this process, N local processes, or
   a Dask cluster. Results come back in input order.
4. Write in batches (`batch_size` articles, or every `batch_seconds`), each batch one
   transaction: an article counts as done only when its batch has committed, so after a
   crash a rerun codes exactly the articles that were not committed, and the store ends
   as after a clean run.

The input streams through these steps: it is read only as fast as the workers code it,
and at most the backend's window of articles in flight plus one batch is held in memory,
whatever the size of the corpus. For the progress display the items are first counted
without keeping any text (`count_items`: files, JSONL lines, CSV rows, feed entries);
from standard input the total is unknown, and progress shows the rate without an ETA.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path, PurePosixPath
from typing import TextIO

from detente.feeds import is_feed_file, iter_feed_articles, local_pages, page_key
from detente.parallel import CoderFactory, CoderSpec, code_in_order, make_backend
from detente.reader import CSV_SUFFIXES, JSONL_SUFFIXES, ReadProblem, iter_articles
from detente.records import Article
from detente.store import ArticleResult, EventStore

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 64
DEFAULT_BATCH_SECONDS = 5.0
REPORT_SECONDS = 1.0  # at most this often, progress while skipping unchanged articles
_COUNT_CHUNK = 1 << 20


@dataclass(frozen=True)
class Failure:
    """One item that could not be stored as an article, and why."""

    item: str
    reason: str


@dataclass(frozen=True)
class IngestProgress:
    """Where an ingest stands; passed to `on_progress` as it goes and once at the end."""

    total: int | None  # input items expected (`count_items`); None when unknown (stdin).
    # The last report of a run gives the exact number: `done`.
    done: int  # items finished: skipped as unchanged, or committed (coded or failed)
    read: int  # items read so far (articles and unreadable items)
    to_code: int  # new and changed articles found so far
    coded: int  # of those, committed so far
    failed: int  # items recorded as failed so far (reading and coding)
    mentions: int  # mentions written so far
    elapsed: float  # seconds since coding started

    @property
    def rate(self) -> float:
        """Articles coded per second, over the whole run so far."""
        return self.coded / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds left, estimated at the run's own rate: the articles found and not yet
        coded, plus the unread items in the share of read ones that needed coding. None
        when the total is unknown or nothing is coded yet."""
        if self.total is None or self.rate <= 0 or self.read == 0:
            return None
        unread = max(self.total - self.read, 0)
        left = self.to_code - self.coded + unread * self.to_code / self.read
        return left / self.rate


@dataclass(frozen=True)
class IngestSummary:
    """What one ingest did."""

    read: int  # articles read
    new: int
    changed: int
    unchanged: int
    failures: tuple[Failure, ...]
    mentions: int  # mentions written
    events_added: int  # real-world events that did not exist before
    events_in_store: int
    mentions_in_store: int
    workers: int
    seconds: float  # coding and writing, once the workers were ready
    startup_seconds: float  # starting the workers and building their coders
    notes: tuple[str, ...] = ()  # problems with a path as given (missing, empty directory)

    @property
    def failed(self) -> int:
        return len(self.failures)

    @property
    def rate(self) -> float:
        coded = self.new + self.changed
        return coded / self.seconds if self.seconds > 0 else 0.0


def content_hash(article: Article) -> str:
    """Hash of everything that goes into an article's row and events: text and metadata."""
    payload = json.dumps(
        [
            article.text,
            article.published.isoformat() if article.published else None,
            article.title,
            article.source,
            article.url,
        ],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _problem_item(problem: ReadProblem) -> str:
    return f"{problem.source}:{problem.line}" if problem.line is not None else problem.source


def _is_item(problem: ReadProblem) -> bool:
    """True when a problem is about one document (recorded as failed), False when it is
    about a path as given: a directory, or a path that does not exist at all."""
    if problem.line is not None or problem.source == "stdin":
        return True
    path = Path(problem.source)
    if path.is_dir():
        return False
    missing = not path.exists() and not path.is_symlink()
    return not (missing and problem.message.startswith("no such file"))


def _walk(directory: Path) -> list[Path]:
    """Files under `directory` as the reader sees them: sorted, hidden ones skipped."""
    files: list[Path] = []
    for root, dirs, names in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        files.extend(Path(root) / n for n in sorted(names) if not n.startswith("."))
    return files


def _lines(path: Path) -> int:
    """Lines in a file (a last line without a newline counts), read in chunks."""
    count = 0
    last = b"\n"
    with open(path, "rb") as handle:
        while chunk := handle.read(_COUNT_CHUNK):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (last != b"\n")


def _file_items(path: Path, jsonl: bool | None) -> int:
    """Items the reader makes of one file: JSONL lines, CSV rows, else one. An estimate
    (blank lines and quoted line breaks count); a bad file is one failed item."""
    suffix = path.suffix.lower()
    try:
        if jsonl is None and suffix not in JSONL_SUFFIXES | CSV_SUFFIXES:
            with open(path, "rb") as handle:
                jsonl = handle.read(1024).lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")
        if jsonl or (jsonl is None and suffix in JSONL_SUFFIXES):
            return max(_lines(path), 1)
        if suffix in CSV_SUFFIXES:
            return max(_lines(path) - 1, 1)  # less the header row
    except OSError:
        return 1
    return 1


def _feed_items(feed: Path, pages: Mapping[str, Path]) -> tuple[int, set[Path]]:
    """Entries of a feed file (a broken feed is one failed item) and the pages they use."""
    import feedparser

    try:
        parsed = feedparser.parse(feed.read_bytes())
    except OSError:
        return 1, set()
    used: set[Path] = set()
    for entry in parsed.entries:
        key = page_key(entry.get("link") or "")
        page = (pages.get(key) or pages.get(PurePosixPath(key).stem)) if key else None
        if page is not None:
            used.add(page)
    return max(len(parsed.entries), 1), used


def count_items(sources: Sequence[str], *, jsonl: bool | None = None) -> int | None:
    """How many items reading `sources` gives (articles and unreadable items), counted
    without keeping any text: one per file, per JSONL line, per CSV row, per feed entry.
    An estimate, for progress; None when a source is standard input ("-")."""
    total = 0
    seen: set[str] = set()
    for given in sources:
        if given == "-":
            return None
        path = Path(given)
        if not path.exists():
            continue
        files = _walk(path) if path.is_dir() else [path]
        feeds = {f for f in files if is_feed_file(f)}
        used: set[Path] = set()
        if feeds:
            pages = local_pages(files if path.is_dir() else _walk(path.parent))
            for feed in feeds:
                entries, pages_used = _feed_items(feed, pages)
                total += entries
                used |= pages_used
        for file in files:
            real = os.path.realpath(file)
            if file in feeds or file in used or real in seen:
                continue
            seen.add(real)
            total += _file_items(file, jsonl)
    return total


def read_corpus(
    sources: Sequence[str],
    *,
    published: dt.date | None = None,
    jsonl: bool | None = None,
    csv_columns: Mapping[str, str] | None = None,
    stdin: TextIO | None = None,
    on_problem: Callable[[ReadProblem], None],
) -> Iterator[Article]:
    """Every article in `sources`: feed entries first, then everything else via the reader.

    A directory holding feed files is split: feeds are read by `iter_feed_articles`, the
    HTML pages their entries link to become those entries' text (not articles of their
    own), and the other files go to the reader.
    """
    plain: list[str] = []
    feeds: list[tuple[Path, dict[str, Path]]] = []
    for given in sources:
        path = Path(given)
        if given == "-" or not path.exists():
            plain.append(given)  # the reader reads stdin and reports missing paths
        elif path.is_dir():
            files = _walk(path)
            found = [f for f in files if is_feed_file(f)]
            if not found:
                plain.append(given)
                continue
            pages = local_pages(files)
            feeds.extend((f, pages) for f in found)
            plain.extend(str(f) for f in files if f not in found)
        elif is_feed_file(path):
            feeds.append((path, local_pages(_walk(path.parent))))
        else:
            plain.append(given)
    used: set[Path] = set()
    for feed, pages in feeds:
        yield from iter_feed_articles(feed, on_problem=on_problem, pages=pages, used_pages=used)
    rest = [s for s in plain if Path(s) not in used] if used else plain
    if rest:
        yield from iter_articles(
            rest,
            published=published,
            jsonl=jsonl,
            csv_columns=csv_columns,
            on_problem=on_problem,
            stdin=stdin,
        )


def ingest(
    sources: Sequence[str],
    store: EventStore,
    *,
    coder: CoderFactory | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    batch_seconds: float = DEFAULT_BATCH_SECONDS,
    published: dt.date | None = None,
    jsonl: bool | None = None,
    csv_columns: Mapping[str, str] | None = None,
    stdin: TextIO | None = None,
    force: bool = False,
    on_problem: Callable[[ReadProblem], None] | None = None,
    on_progress: Callable[[IngestProgress], None] | None = None,
) -> IngestSummary:
    """Read, code and store the articles of `sources`; return what was done.

    coder: a picklable, hashable factory of the coder (default `CoderSpec()`, i.e.
        `Coder.build()`); each worker calls it once.
    workers: local processes (default: all cores; 1 codes in this process).
    scheduler: address of a Dask scheduler ("tcp://host:8786"); overrides `workers`.
    force: code every article, even those stored unchanged.
    on_problem: told of every read problem (failed items are also in the summary).
    on_progress: told where the run stands: at the start, after each commit, about once
        a second while unchanged articles are skipped, and at the end (`total` exact).
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    factory = coder or CoderSpec()
    states = store.article_states()  # ids and hashes only, not texts
    total = count_items(sources, jsonl=jsonl) if on_progress is not None else None
    failures: list[Failure] = []
    notes: list[str] = []
    batch: list[ArticleResult] = []
    now = time.monotonic()
    run = _Tally(start=now, last_commit=now)

    def report(final: bool = False) -> None:
        run.last_report = time.monotonic()
        if on_progress is not None:
            on_progress(
                IngestProgress(
                    total=run.done if final else total,
                    done=run.done,
                    read=run.read + run.unreadable,
                    to_code=run.new + run.changed,
                    coded=run.coded,
                    failed=len(failures),
                    mentions=run.mentions,
                    elapsed=time.monotonic() - run.start if run.coding else 0.0,
                )
            )

    def commit() -> None:
        stats = store.write_batch(batch)
        run.mentions += stats.mentions_added
        run.events_added += stats.events_added
        run.coded += sum(1 for r in batch if r.content_hash is not None)
        run.done += len(batch)
        run.last_commit = time.monotonic()
        batch.clear()
        report()

    def commit_if_due() -> None:
        if len(batch) >= batch_size or (
            batch and time.monotonic() - run.last_commit >= batch_seconds
        ):
            commit()

    def problem(p: ReadProblem) -> None:
        if on_problem is not None:
            on_problem(p)
        if not p.fatal:
            return
        if not _is_item(p):
            notes.append(str(p))
            return
        item = _problem_item(p)
        run.unreadable += 1
        failures.append(Failure(item, p.message))
        batch.append(ArticleResult(doc_id=item, status="failed", error=p.message))
        commit_if_due()

    in_run: set[str] = set()

    def to_code() -> Iterator[tuple[Article, str]]:
        """New and changed articles with their hashes, read as they are asked for."""
        for article in read_corpus(
            sources,
            published=published,
            jsonl=jsonl,
            csv_columns=csv_columns,
            stdin=stdin,
            on_problem=problem,
        ):
            run.read += 1
            digest = content_hash(article)
            state = states.get(article.doc_id)
            if article.doc_id in in_run:
                logger.warning(
                    "doc_id %s occurs twice in this input: the later one replaces the earlier",
                    article.doc_id,
                )
            in_run.add(article.doc_id)
            if state is None:
                run.new += 1
            elif state.status == "ok" and state.content_hash == digest and not force:
                run.unchanged += 1
                run.done += 1
                if time.monotonic() - run.last_report >= REPORT_SECONDS:
                    report()
                continue
            else:
                run.changed += 1
            yield article, digest

    report()
    articles = to_code()
    first = next(articles, None)  # the workers start only when there is something to code
    workers_used = 0
    startup = finished = 0.0
    if first is not None:
        backend = make_backend(factory, workers=workers, scheduler=scheduler)
        report()  # shows the count while the workers start
        began = time.monotonic()
        with backend:
            run.start = run.last_commit = time.monotonic()
            run.coding = True
            startup = run.start - began
            workers_used = backend.workers
            report()
            for (article, digest), result in code_in_order(
                backend, chain([first], articles), lambda item: item[0]
            ):
                if result.error is not None:
                    failures.append(Failure(article.doc_id, result.error))
                    batch.append(
                        ArticleResult(
                            doc_id=article.doc_id,
                            status="failed",
                            content_hash=digest,
                            article=article,
                            coder_version=result.coder_version,
                            error=result.error,
                        )
                    )
                else:
                    batch.append(
                        ArticleResult(
                            doc_id=article.doc_id,
                            status="ok",
                            content_hash=digest,
                            article=article,
                            events=result.events,
                            coder_version=result.coder_version,
                        )
                    )
                commit_if_due()
            if batch:
                commit()
            finished = time.monotonic()
    if batch:
        commit()
    report(final=True)
    totals = store.summary()
    return IngestSummary(
        read=run.read,
        new=run.new,
        changed=run.changed,
        unchanged=run.unchanged,
        failures=tuple(failures),
        mentions=run.mentions,
        events_added=run.events_added,
        events_in_store=totals.events,
        mentions_in_store=totals.mentions,
        workers=workers_used,
        seconds=finished - run.start if first is not None else 0.0,
        startup_seconds=startup,
        notes=tuple(notes),
    )


@dataclass
class _Tally:
    """The running counts of one ingest (mutable, private to `ingest`)."""

    start: float  # when coding started (until then: when the run started)
    last_commit: float
    coding: bool = False
    read: int = 0  # articles read
    unreadable: int = 0  # items recorded as failed while reading
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    coded: int = 0
    done: int = 0
    mentions: int = 0
    events_added: int = 0
    last_report: float = 0.0
