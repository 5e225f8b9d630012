"""A cache of whole answers, valid until the store changes.

Every page and GET of the API is a function of its URL and of the store's content, so an
answer can be served again until the store is written. The store's *fingerprint* is the
inode, modification time and size of its file and of its write-ahead log
(`detente.web.access.store_fingerprint`): any committed write, by this server or by a
`detente ingest` in another process, changes it, and every cached answer made before is
then stale (checked on each request: two `stat` calls). An answer is kept with the
fingerprint of the snapshot it was read from (see access.py), not the one of the moment it
was asked for: one answered from an older snapshot while a newer one was being made, or
while an ingest held the file, is never served as the answer for the newer content. The
server's own writes also clear the cache at once.

Only 200 answers of GET requests are kept, least recently used first out, up to a total
size in bytes; errors, static files and anything else pass through.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from detente.web.access import Fingerprint, StoreAccess, store_fingerprint

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CACHED_PREFIXES = ("/api/", "/events", "/dyads/", "/articles/", "/docs")
MAX_ANSWER = 2 << 20  # bytes: bigger answers are not kept


@dataclass(frozen=True)
class Answer:
    fingerprint: Fingerprint
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes


class AnswerCache:
    """Answers by URL, each with the store fingerprint it was made under."""

    def __init__(self, location: str, max_bytes: int) -> None:
        self.location = location
        self.max_bytes = max_bytes
        self._answers: OrderedDict[str, Answer] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def fingerprint(self) -> Fingerprint:
        return store_fingerprint(self.location)

    def get(self, key: str, fingerprint: Fingerprint) -> Answer | None:
        with self._lock:
            answer = self._answers.get(key)
            if answer is None:
                return None
            if answer.fingerprint != fingerprint:
                self._drop(key)
                return None
            self._answers.move_to_end(key)
            return answer

    def put(self, key: str, answer: Answer) -> None:
        if len(answer.body) > min(MAX_ANSWER, self.max_bytes):
            return
        with self._lock:
            self._drop(key)
            self._answers[key] = answer
            self._size += len(answer.body)
            while self._size > self.max_bytes:
                self._drop(next(iter(self._answers)))

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()
            self._size = 0

    def _drop(self, key: str) -> None:
        old = self._answers.pop(key, None)
        if old is not None:
            self._size -= len(old.body)


class CacheAnswers:
    """ASGI middleware: serve GET answers from `cache` while the store is unchanged."""

    def __init__(self, app: ASGIApp, cache: AnswerCache, access: StoreAccess) -> None:
        self.app = app
        self.cache = cache
        self.access = access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (
            scope["type"] != "http"
            or scope.get("method") != "GET"
            or self.cache.max_bytes <= 0
            or not (path == "/" or path.startswith(CACHED_PREFIXES))
        ):
            await self.app(scope, receive, send)
            return
        query = scope.get("query_string", b"").decode("latin-1")
        key = path + "?" + query
        fingerprint = self.cache.fingerprint()
        found = self.cache.get(key, fingerprint)
        if found is not None:
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [*found.headers, (b"x-detente-cache", b"hit")],
                }
            )
            await send({"type": "http.response.body", "body": found.body})
            return
        status = 0
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []

        async def keep(message: Message) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body" and status == 200:
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    made_under = _made_under(served, fingerprint)
                    if made_under is not None:
                        answer = Answer(made_under, tuple(headers), b"".join(chunks))
                        self.cache.put(key, answer)
            await send(message)

        with self.access.tracking() as served:
            await self.app(scope, receive, keep)


def _made_under(served: list[Fingerprint], asked: Fingerprint) -> Fingerprint | None:
    """The fingerprint an answer belongs to: that of the snapshot it was read from (the
    request's, when it read none); None when it read two different ones (not kept)."""
    if not served:
        return asked
    first = served[0]
    return first if all(mark == first for mark in served) else None
