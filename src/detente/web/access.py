"""How the server shares a DuckDB store with `detente ingest` and with its own writes.

DuckDB lets one process hold a file for writing, or any number of processes read it;
never both. So the server reads from a *snapshot* (`open_store(path, snapshot=True)`):
the store's tables copied into memory, the file held only while it is copied (about a
quarter of a second for 100,000 events).

- Requests read the current snapshot, each thread through a DuckDB connection of its own
  (`EventStore.cursor`, made on the thread's first request and kept for its next ones;
  all closed with the snapshot), so threads never share one. A `reading()` block must
  not span an `await` (the app's routes are plain functions, run on worker threads).
- The snapshot belongs to the store file's *fingerprint* (inode, modification time and
  size of the file and its write-ahead log; `store_fingerprint`). The first request that
  sees another fingerprint rebuilds the snapshot and answers from the new one, so what an
  ingest or a POST wrote shows at once: no restart. One rebuild at a time: requests that
  arrive meanwhile answer from the previous snapshot without waiting (only when there is
  none yet do they wait for it, at most `wait` seconds).
- While another process holds the file (an ingest), a rebuild fails: the server keeps
  answering from the snapshot it has, and tries again as soon as the file changes again
  (a commit, or the writer closing it) or `retry_locked` seconds have passed;
  with no snapshot yet, the request answers 503 "store busy" with Retry-After.
- The server's own writes (POST /api/articles) open the store read-write for one short
  transaction, never while a snapshot is being copied, and then mark the snapshot stale.
  When another process holds the file, the write tries again for up to `held_wait`
  seconds (enough for another server process's snapshot copy), then answers 503.

Which snapshot answered is recorded for the answer cache (`tracking`), so an answer made
from an older snapshot is never kept as the answer for newer content.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from detente.errors import StoreInUseError
from detente.store import EventStore, open_store

logger = logging.getLogger(__name__)

Fingerprint = tuple[tuple[int, int, int] | None, ...]


def store_fingerprint(location: str) -> Fingerprint:
    """(inode, mtime_ns, size) of the store file and of its write-ahead log (None: absent)."""
    marks: list[tuple[int, int, int] | None] = []
    for path in (location, location + ".wal"):
        try:
            stat = os.stat(path)
        except OSError:
            marks.append(None)
        else:
            marks.append((stat.st_ino, stat.st_mtime_ns, stat.st_size))
    return tuple(marks)


@dataclass
class _Snapshot:
    """A snapshot, the fingerprint of the file it was copied from, and its readers."""

    store: EventStore
    fingerprint: Fingerprint
    readers: int = 0
    retired: bool = False  # replaced: closed when its last reader is done
    _handles: threading.local = field(default_factory=threading.local)

    def handle(self) -> EventStore:
        """The snapshot through this thread's own connection."""
        found: EventStore | None = getattr(self._handles, "store", None)
        if found is None:
            found = self._handles.store = self.store.cursor()
        return found


class StoreAccess:
    """Reads from an in-memory snapshot of the store, rebuilt when its file changes, and
    short read-write opens for this server's own writes."""

    def __init__(
        self,
        location: str | Path,
        *,
        write_wait: float = 10.0,
        retry_locked: float = 1.0,
        held_wait: float = 2.0,
    ) -> None:
        self.location = str(location)
        self._wait = write_wait
        self._retry_locked = retry_locked
        self._held_wait = held_wait
        self._state = threading.Lock()  # guards the five fields below
        self._snapshot: _Snapshot | None = None
        self._stale = False  # this server wrote since the snapshot was made
        self._locked_at: Fingerprint | None = None  # the file as a rebuild found it locked
        self._locked_until = 0.0  # ... and the monotonic time until which it is not retried
        self._closed = False
        self._file = threading.Lock()  # held while this process has the file open
        self._served: ContextVar[list[Fingerprint] | None] = ContextVar(
            f"detente-snapshots-{id(self)}", default=None
        )

    def fingerprint(self) -> Fingerprint:
        """The store file's fingerprint now."""
        return store_fingerprint(self.location)

    @contextmanager
    def tracking(self) -> Iterator[list[Fingerprint]]:
        """A list that receives the fingerprint of every snapshot read within the block
        (also from worker threads started with its context, as FastAPI's are)."""
        served: list[Fingerprint] = []
        token = self._served.set(served)
        try:
            yield served
        finally:
            self._served.reset(token)

    @contextmanager
    def reading(self) -> Iterator[EventStore]:
        """The store as of its last change, for the duration of the block (read-only)."""
        snapshot = self._current()
        try:
            served = self._served.get()
            if served is not None:
                served.append(snapshot.fingerprint)
            yield snapshot.handle()
        finally:
            self._release(snapshot)

    @contextmanager
    def writing(self) -> Iterator[EventStore]:
        """The store, open read-write for the block (never while a snapshot is copied);
        the snapshot is rebuilt on the next read."""
        if not self._file.acquire(timeout=self._wait):
            raise StoreInUseError(f"store {self.location} is busy: retry shortly")
        try:
            store = self._open_for_writing()
            try:
                yield store
            finally:
                store.close()
        finally:
            with self._state:
                self._stale = True
                self._locked_until = 0.0
            self._file.release()

    def _open_for_writing(self) -> EventStore:
        """The store, read-write; when another process holds the file, tried again for up
        to `held_wait` seconds (its hold may be short: a snapshot copy by another server
        process on the same store, a `detente events`), then StoreInUseError."""
        deadline = time.monotonic() + self._held_wait
        while True:
            try:
                return open_store(self.location)
            except StoreInUseError:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(0.05)

    def close(self) -> None:
        """Let go of the snapshot (at once, or when its last reader is done)."""
        with self._state:
            self._closed = True
            old, self._snapshot = self._snapshot, None
        if old is not None:
            self._retire(old)

    # -- snapshots

    def _usable(self, fingerprint: Fingerprint) -> _Snapshot | None:
        """The snapshot, counted as read, if it is current or must do (call with _state)."""
        snapshot = self._snapshot
        if snapshot is None:
            return None
        if (snapshot.fingerprint == fingerprint and not self._stale) or (
            fingerprint == self._locked_at and time.monotonic() < self._locked_until
        ):
            snapshot.readers += 1
            return snapshot
        return None

    def _current(self) -> _Snapshot:
        fingerprint = self.fingerprint()
        with self._state:
            found = self._usable(fingerprint)
        if found is not None:
            return found
        if not self._file.acquire(blocking=False):
            # another thread rebuilds (or this server writes): answer from the snapshot
            # there is; wait only when there is none
            with self._state:
                if self._snapshot is not None:
                    self._snapshot.readers += 1
                    return self._snapshot
            if not self._file.acquire(timeout=self._wait):
                raise StoreInUseError(f"store {self.location} is busy: retry shortly")
        try:
            fingerprint = self.fingerprint()  # before copying: the copy is at least as new
            with self._state:
                found = self._usable(fingerprint)  # rebuilt by another thread meanwhile?
            if found is not None:
                return found
            return self._rebuild(fingerprint)
        finally:
            self._file.release()

    def _rebuild(self, fingerprint: Fingerprint) -> _Snapshot:
        """A new snapshot, made current (call holding _file)."""
        began = time.perf_counter()
        try:
            store = open_store(self.location, snapshot=True)
        except StoreInUseError:
            with self._state:
                old = self._snapshot
                if old is None:
                    raise
                self._locked_at = fingerprint
                self._locked_until = time.monotonic() + self._retry_locked
                old.readers += 1
            logger.info(
                "store %s is being written: answering from the last snapshot", self.location
            )
            return old
        logger.debug("snapshot of %s made in %.3fs", self.location, time.perf_counter() - began)
        made = _Snapshot(store, fingerprint, readers=1)
        with self._state:
            old, self._snapshot = self._snapshot, made
            self._stale = False
            self._locked_until = 0.0
            if self._closed:  # closed meanwhile: this one goes when its reader is done
                self._snapshot = None
                made.retired = True
        if old is not None:
            self._retire(old)
        return made

    def _retire(self, snapshot: _Snapshot) -> None:
        with self._state:
            snapshot.retired = True
            idle = snapshot.readers == 0
        if idle:
            snapshot.store.close()

    def _release(self, snapshot: _Snapshot) -> None:
        with self._state:
            snapshot.readers -= 1
            done = snapshot.retired and snapshot.readers == 0
        if done:
            snapshot.store.close()
