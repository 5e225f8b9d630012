"""Where articles are coded: in this process, on local worker processes, or on a Dask cluster.

Every backend codes one article per task and hands back a `CodedArticle`; only the
calling process writes to the store. A worker builds its coder once, on its first task
(local processes build it as they start), from a *coder factory*: a picklable, hashable
callable such as `CoderSpec()` that returns an object with `code_article(article)` and
`version`. The factory, not a built coder, travels to the workers.

    InProcessBackend   1 worker: code in the calling process (no pickling at all)
    ProcessBackend     N local processes (concurrent.futures, "spawn" start method)
    DaskBackend        an existing dask.distributed cluster, e.g. tcp://host:8786; detente
                       must be installed on its workers. One thread per worker process is
                       best (`dask worker --nthreads 1 --nworkers N`): the coder is CPU-bound.
"""

from __future__ import annotations

import concurrent.futures
import functools
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, Self

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


@functools.lru_cache(maxsize=4)
def _cached_coder(factory: CoderFactory) -> ArticleCoder:
    # One coder per factory per process: a worker process keeps it for all its tasks.
    logger.info("building the coder in this worker")
    return factory()


def worker_coder(factory: CoderFactory) -> ArticleCoder:
    """The coder of this process for `factory`, built on first use (thread-safe)."""
    with _build_lock:
        return _cached_coder(factory)


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


def _start_local_worker(factory: CoderFactory) -> None:
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
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
    """Code on `workers` local processes, each building its coder once as it starts."""

    factory: CoderFactory
    workers: int
    window: int = 0
    _pool: concurrent.futures.ProcessPoolExecutor | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.window = self.window or self.workers * 4

    def __enter__(self) -> Self:
        self._pool = concurrent.futures.ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_local_worker,
            initargs=(self.factory,),
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
