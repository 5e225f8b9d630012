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

The texts of the articles to code are held in memory while they are coded (to know the
total for progress and ETA); ingest a corpus larger than memory in slices.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from detente.feeds import is_feed_file, iter_feed_articles, local_pages
from detente.parallel import CoderFactory, CoderSpec, make_backend
from detente.reader import ReadProblem, iter_articles
from detente.records import Article
from detente.store import ArticleResult, EventStore

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 64
DEFAULT_BATCH_SECONDS = 5.0


@dataclass(frozen=True)
class Failure:
    """One item that could not be stored as an article, and why."""

    item: str
    reason: str


@dataclass(frozen=True)
class IngestProgress:
    """Where an ingest stands; passed to `on_progress` at the start and after each commit."""

    to_code: int  # new and changed articles to code in this run
    coded: int  # of those, committed so far
    failed: int  # items recorded as failed so far (reading and coding)
    mentions: int  # mentions written so far
    elapsed: float  # seconds since coding started

    @property
    def rate(self) -> float:
        """Articles per second, over the whole run so far."""
        return self.coded / self.elapsed if self.elapsed > 0 else 0.0


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
    on_progress: told where the run stands, at the start and after each commit.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    factory = coder or CoderSpec()
    states = store.article_states()
    failures: list[Failure] = []
    notes: list[str] = []
    failed_results: list[ArticleResult] = []

    def problem(p: ReadProblem) -> None:
        if on_problem is not None:
            on_problem(p)
        if not p.fatal:
            return
        if not _is_item(p):
            notes.append(str(p))
            return
        item = _problem_item(p)
        failures.append(Failure(item, p.message))
        failed_results.append(ArticleResult(doc_id=item, status="failed", error=p.message))

    read = new = changed = unchanged = 0
    todo: list[tuple[Article, str]] = []
    in_run: set[str] = set()
    for article in read_corpus(
        sources,
        published=published,
        jsonl=jsonl,
        csv_columns=csv_columns,
        stdin=stdin,
        on_problem=problem,
    ):
        read += 1
        digest = content_hash(article)
        state = states.get(article.doc_id)
        if article.doc_id in in_run:
            logger.warning(
                "doc_id %s occurs twice in this input: the later one replaces the earlier",
                article.doc_id,
            )
        in_run.add(article.doc_id)
        if state is None:
            new += 1
        elif state.status == "ok" and state.content_hash == digest and not force:
            unchanged += 1
            continue
        else:
            changed += 1
        todo.append((article, digest))

    start = time.monotonic()
    startup = finished = 0.0
    mentions = events_added = coded = 0

    def report() -> None:
        if on_progress is not None:
            on_progress(
                IngestProgress(len(todo), coded, len(failures), mentions, time.monotonic() - start)
            )

    def commit(batch: list[ArticleResult]) -> None:
        nonlocal mentions, events_added, coded
        stats = store.write_batch(batch)
        mentions += stats.mentions_added
        events_added += stats.events_added
        coded += sum(1 for r in batch if r.content_hash is not None)
        batch.clear()
        report()

    batch: list[ArticleResult] = list(failed_results)
    backend_workers = 0
    if failed_results and not todo:
        commit(batch)
    if todo:
        backend = make_backend(factory, workers=workers, scheduler=scheduler)
        report()  # shows the total while the workers start
        began = time.monotonic()
        with backend:
            start = time.monotonic()
            startup = start - began
            backend_workers = backend.workers
            report()
            pending: deque = deque()
            queue = iter(todo)
            last_commit = time.monotonic()

            def fill() -> None:
                while len(pending) < backend.window:
                    item = next(queue, None)
                    if item is None:
                        return
                    pending.append((item[0], item[1], backend.submit(item[0])))

            fill()
            while pending:
                article, digest, future = pending.popleft()
                result = future.result()
                fill()
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
                if len(batch) >= batch_size or time.monotonic() - last_commit >= batch_seconds:
                    commit(batch)
                    last_commit = time.monotonic()
            if batch:
                commit(batch)
            finished = time.monotonic()
    elapsed = finished - start if todo else 0.0
    totals = store.summary()
    return IngestSummary(
        read=read,
        new=new,
        changed=changed,
        unchanged=unchanged,
        failures=tuple(failures),
        mentions=mentions,
        events_added=events_added,
        events_in_store=totals.events,
        mentions_in_store=totals.mentions,
        workers=backend_workers,
        seconds=elapsed if todo else 0.0,
        startup_seconds=startup,
        notes=tuple(notes),
    )
