"""Where articles are coded: in this process, on local worker processes, or on a Dask cluster.

Every backend codes one article per task and hands back a `CodedArticle`; only the
calling process writes to the store. A worker builds its coder once, on its first task
(local processes build it as they start), from a *coder factory*: a picklable, hashable
callable such as `CoderSpec()` that returns an object with `code_article(article)` and
`version`. The factory, not a built coder, travels to the workers.

    InProcessBackend   1 worker: code in the calling process (no pickling at all)
    ProcessBackend     N local processes (concurrent.futures). Given an already-built
                       coder on Linux, the workers are forked and adopt it (no second
                       build); otherwise they are spawned and each builds its own.
    DaskBackend        an existing dask.distributed cluster, e.g. tcp://host:8786; detente
                       must be installed on its workers. One thread per worker process is
                       best (`dask worker --nthreads 1 --nworkers N`): the coder is CPU-bound.

`code_in_order(backend, items)` keeps at most `backend.window` articles in flight and
yields the outcomes in input order, so a corpus of any size streams through in bounded
memory; `code_in_parallel` is that on local processes for `Coder.code_many`.
"""

from __future__ import annotations

import concurrent.futures
import logging
import multiprocessing
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, Self, TypeVar

from detente.errors import DetenteError
from detente.records import Article, Event

logger = logging.getLogger(__name__)


class ArticleCoder(Protocol):
    """What ingest needs of a coder (detente.coder.Coder has it)."""

    version: str

    def code_article(self, article: Article) -> list[Event]: ...


CoderFactory = Callable[[], ArticleCoder]


@dataclass(frozen=True)
class CoderSpec:
    """The default coder factory: `Coder.build(**options)`; picklable and hashable."""

    options: tuple[tuple[str, Hashable], ...] = ()

    @classmethod
    def of(cls, options: Mapping[str, Hashable] | None = None) -> CoderSpec:
        return cls(tuple(sorted((options or {}).items())))

    def __call__(self) -> ArticleCoder:
        from detente.coder import Coder

        return Coder.build(**dict(self.options))


@dataclass(frozen=True)
class CodedArticle:
    """The outcome of coding one article: its events, or why it failed."""

    doc_id: str
    events: tuple[Event, ...] = ()
    coder_version: str | None = None
    error: str | None = None


_build_lock = threading.Lock()
_WARM_UP_SECONDS = 600.0
# The coders of this process, by factory: a worker keeps its coder for all its tasks.
# This is per-process worker state (what a pool initializer sets up), not configuration.
_coders: dict[CoderFactory, ArticleCoder] = {}


def worker_coder(factory: CoderFactory) -> ArticleCoder:
    """The coder of this process for `factory`, built on first use (thread-safe)."""
    with _build_lock:
        coder = _coders.get(factory)
        if coder is None:
            logger.info("building the coder in this worker")
            coder = _coders[factory] = factory()
        return coder


def code_one(factory: CoderFactory, article: Article) -> CodedArticle:
    """Code one article with this process's coder. A failure becomes a CodedArticle with
    `error` set (so one bad article does not stop a corpus); it is logged with its traceback."""
    coder = worker_coder(factory)
    try:
        events = coder.code_article(article)
    except DetenteError as err:
        return CodedArticle(article.doc_id, coder_version=coder.version, error=str(err))
    except Exception as err:  # a coder bug on one article must not stop the corpus
        logger.exception("coding %s failed", article.doc_id)
        return CodedArticle(
            article.doc_id,
            coder_version=coder.version,
            error=f"the coder failed on this article ({type(err).__name__}: {err}) — please report it",
        )
    return CodedArticle(article.doc_id, tuple(events), coder.version)


def _warm_up(factory: CoderFactory) -> None:
    worker_coder(factory)


def _exit_with_parent(parent: int) -> None:
    # A killed `detente ingest` (kill -9) cannot shut its pool down: each worker leaves
    # on its own when its parent is gone, instead of lingering as an orphan.
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _start_local_worker(factory: CoderFactory, built: ArticleCoder | None) -> None:
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    if built is not None:  # forked: the parent's coder is already in this process's memory
        with _build_lock:
            _coders[factory] = built
    worker_coder(factory)


def _warm_pid(factory: CoderFactory) -> int:
    worker_coder(factory)
    time.sleep(0.05)  # let the other workers take their share of the warm-up tasks
    return os.getpid()


class Pending(Protocol):
    def result(self) -> CodedArticle: ...


class Backend(Protocol):
    """Codes articles somewhere; a context manager."""

    workers: int
    window: int  # how many articles to keep in flight

    def submit(self, article: Article) -> Pending: ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc: object) -> None: ...


@dataclass
class _Done:
    value: CodedArticle

    def result(self) -> CodedArticle:
        return self.value


@dataclass
class InProcessBackend:
    """Code in the calling process, one article at a time."""

    factory: CoderFactory
    workers: int = 1
    window: int = 1

    def __enter__(self) -> Self:
        worker_coder(self.factory)
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def submit(self, article: Article) -> Pending:
        return _Done(code_one(self.factory, article))


@dataclass
class _LocalPending:
    future: concurrent.futures.Future[Any]

    def pid(self) -> int:
        return int(self.result())  # type: ignore[call-overload]

    def result(self) -> CodedArticle:
        try:
            return self.future.result()  # type: ignore[no-any-return]
        except concurrent.futures.process.BrokenProcessPool:
            raise DetenteError(
                "a coding worker process died (out of memory?): rerun the same command to "
                "resume — committed batches are kept; try fewer --workers"
            ) from None


@dataclass
class ProcessBackend:
    """Code on `workers` local processes, each with its coder built once as it starts.

    coder: a coder `factory()` already built in this process. On Linux the workers are
        then forked and adopt it instead of building their own; elsewhere (no fork) they
        are spawned and build one each, as without it.
    """

    factory: CoderFactory
    workers: int
    window: int = 0
    coder: ArticleCoder | None = field(default=None, repr=False)
    _pool: concurrent.futures.ProcessPoolExecutor | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.window = self.window or self.workers * 16

    def __enter__(self) -> Self:
        fork = self.coder is not None and sys.platform.startswith("linux")
        self._pool = concurrent.futures.ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("fork" if fork else "spawn"),
            initializer=_start_local_worker,
            initargs=(self.factory, self.coder if fork else None),
        )
        # wait until every worker has built its coder, so coding time excludes start-up
        ready: set[int] = set()
        deadline = time.monotonic() + _WARM_UP_SECONDS
        while len(ready) < self.workers and time.monotonic() < deadline:
            tasks = [self._pool.submit(_warm_pid, self.factory) for _ in range(self.workers)]
            ready.update(_LocalPending(t).pid() for t in tasks)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def submit(self, article: Article) -> Pending:
        assert self._pool is not None, "use the backend as a context manager"
        return _LocalPending(self._pool.submit(code_one, self.factory, article))


@dataclass
class _DaskPending:
    future: Any  # distributed.Future

    def result(self) -> CodedArticle:
        from distributed import KilledWorker

        try:
            return self.future.result()
        except KilledWorker as err:
            raise DetenteError(
                f"Dask workers died while coding ({err}): rerun the same command to resume — "
                "committed batches are kept; check the workers' memory"
            ) from None


@dataclass
class DaskBackend:
    """Code on an existing dask.distributed cluster; this process stays the only writer."""

    factory: CoderFactory
    address: str
    workers: int = 0
    window: int = 0
    _client: Any = field(default=None, repr=False)

    def __enter__(self) -> Self:
        from distributed import Client

        try:
            self._client = Client(self.address, timeout="20s")
        except (OSError, TimeoutError) as err:
            raise DetenteError(
                f"cannot reach the Dask scheduler at {self.address} ({err}): check the address "
                "(tcp://HOST:8786) and that `dask scheduler` is running"
            ) from None
        threads = sum(self._client.nthreads().values()) or 1
        self.workers = threads
        self.window = self.window or threads * 4
        self._client.run(_warm_up, self.factory)  # each worker builds its coder now
        return self

    def __exit__(self, *exc: object) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def submit(self, article: Article) -> Pending:
        assert self._client is not None, "use the backend as a context manager"
        return _DaskPending(self._client.submit(code_one, self.factory, article, pure=False))


T = TypeVar("T")


def code_in_order(
    backend: Backend, items: Iterable[T], article: Callable[[T], Article]
) -> Iterator[tuple[T, CodedArticle]]:
    """Code `article(item)` of each item on `backend`; yield (item, outcome) in input order.

    At most `backend.window` items are in flight, and `items` is read only as they leave:
    a generator over a corpus of any size is never materialised.
    """
    source = iter(items)
    pending: deque[tuple[T, Pending]] = deque()

    def fill() -> None:
        while len(pending) < backend.window:
            item = next(source, None)
            if item is None:
                return
            pending.append((item, backend.submit(article(item))))

    fill()
    while pending:
        item, outcome = pending.popleft()
        done = outcome.result()
        fill()
        yield item, done


def code_in_parallel(
    articles: Iterable[Article],
    *,
    workers: int,
    coder: ArticleCoder,
    options: Mapping[str, Any] | None = None,
) -> Iterator[tuple[Article, list[Event]]]:
    """Yield (article, events) in input order, coding on `workers` local processes.

    `coder` is an already-built `Coder.build(**options)`: forked workers (Linux) adopt
    it, spawned ones build their own from `options`. A failed article raises
    DetenteError, as coding it in this process would raise.
    """
    backend = ProcessBackend(CoderSpec.of(options), workers, coder=coder)
    with backend:
        for article, outcome in code_in_order(backend, articles, lambda a: a):
            if outcome.error is not None:
                error = outcome.error
                raise DetenteError(
                    error if error.startswith(article.doc_id) else f"{article.doc_id}: {error}"
                )
            yield article, list(outcome.events)


def make_backend(factory: CoderFactory, *, workers: int | None, scheduler: str | None) -> Backend:
    """The backend for `--workers N` / `--scheduler ADDRESS` (default: all local cores)."""
    if scheduler:
        return DaskBackend(factory, scheduler)
    count = workers if workers is not None else (multiprocessing.cpu_count() or 1)
    if count < 1:
        raise DetenteError(f"--workers must be at least 1, not {count}")
    if count == 1:
        return InProcessBackend(factory)
    return ProcessBackend(factory, count)
