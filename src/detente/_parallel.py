"""Coding articles on several local processes, each with its own Coder built once.

Input is consumed in bounded windows, so a huge JSONL stream never sits in memory; output
keeps the input order. On Linux the pool forks from a process that already holds a built
Coder, so workers start without loading anything again.
"""

from __future__ import annotations

import multiprocessing as mp
import sys
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TYPE_CHECKING, Any

from detente.records import Article, Event

if TYPE_CHECKING:
    from detente.coder import Coder

_worker: dict[str, Any] = {}  # the coder of this worker process (set by the pool initializer)


def _init(coder: Coder | None, options: dict[str, Any]) -> None:
    if coder is None:
        from detente.coder import Coder

        coder = Coder.build(**options)
    _worker["coder"] = coder


def _code(article: Article) -> list[Event]:
    return _worker["coder"].code_article(article)


def code_in_parallel(
    articles: Iterable[Article],
    *,
    workers: int,
    coder: Coder | None = None,
    options: dict[str, Any] | None = None,
    window: int = 64,
) -> Iterator[tuple[Article, list[Event]]]:
    """Yield (article, events) in input order, coding on `workers` processes."""
    use_fork = sys.platform.startswith("linux")
    ctx = mp.get_context("fork" if use_fork else "spawn")
    init_args = (coder if use_fork else None, options or {})
    it = iter(articles)
    with ctx.Pool(workers, initializer=_init, initargs=init_args) as pool:
        while chunk := list(islice(it, window * workers)):
            for article, events in zip(chunk, pool.imap(_code, chunk, chunksize=2), strict=True):
                yield article, events
