"""How the server shares a DuckDB store with `detente ingest` and with its own writes.

DuckDB lets one process hold a file for writing, or any number of processes read it;
never both. So the server holds the file only while it answers:

- Each request opens the store read-only and closes it at the end. Requests in flight
  at the same time share one DuckDB instance (DuckDB caches it per file within a
  process), so opening is cheap under load; when the last one closes, the server lets go
  of the file and a `detente ingest` can take it. The next request opens it again and
  sees what was ingested: no restart, no stale cache.
- While another process writes (an ingest), opening fails and the request answers
  503 "store busy" with Retry-After; nothing waits on another process.
- The server's own writes (POST /api/articles) wait until this server's reads in flight
  are done (new reads wait behind a waiting write), open the store read-write for one
  short transaction, and close it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from detente.errors import StoreInUseError
from detente.store import EventStore, open_store


class StoreAccess:
    """Read-only opens per request and short exclusive writes, for one store location."""

    def __init__(self, location: str | Path, *, write_wait: float = 10.0) -> None:
        self.location = str(location)
        self._write_wait = write_wait
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0

    @contextmanager
    def reading(self) -> Iterator[EventStore]:
        """The store, open read-only for the duration of the block."""
        deadline = time.monotonic() + self._write_wait
        with self._cond:
            while self._writing or self._writers_waiting:
                if not self._cond.wait(timeout=max(deadline - time.monotonic(), 0)):
                    raise StoreInUseError(
                        f"store {self.location} is busy with a write: retry shortly"
                    )
            self._readers += 1
        try:
            store = open_store(self.location, read_only=True)
            try:
                yield store
            finally:
                store.close()
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def writing(self) -> Iterator[EventStore]:
        """The store, open read-write for the block, once this server's reads are done."""
        deadline = time.monotonic() + self._write_wait
        with self._cond:
            self._writers_waiting += 1
            try:
                while self._writing or self._readers:
                    if not self._cond.wait(timeout=max(deadline - time.monotonic(), 0)):
                        raise StoreInUseError(
                            f"store {self.location} is busy answering reads: retry shortly"
                        )
            finally:
                self._writers_waiting -= 1
                self._cond.notify_all()  # reads held back by this write may go on
            self._writing = True
        try:
            store = open_store(self.location)
            try:
                yield store
            finally:
                store.close()
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()
