"""`detente code` as a library call: read sources, code them, write the events."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import IO

from detente.reader import ReadProblem, iter_articles

# Below this many documents one process is faster than starting a pool.
PARALLEL_THRESHOLD = 8


@dataclass(frozen=True)
class CodeSummary:
    """What a `code_sources` run did."""

    articles: int
    events: int
    failed: int
    warnings: int


def code_sources(
    sources: Sequence[str],
    *,
    published: dt.date | None,
    out: IO[str],
    fmt: str = "jsonl",
    jsonl: bool | None = None,
    workers: int | None = None,
    dictionaries: Sequence[Path] = (),
    keep_history: bool = False,
    on_problem: Callable[[ReadProblem], None],
) -> CodeSummary:
    """Code every readable document in `sources` and write its events to `out`
    (`keep_history`: also events dated long before publication, see `Coder.build`).

    Bad documents are reported through `on_problem` and skipped; the rest is coded.
    `workers=None` uses all cores when there are more than a handful of documents.
    """
    from detente.coder import HISTORY_DAYS, Coder
    from detente.output import event_table, write_jsonl

    failed = warnings = 0

    def problem(p: ReadProblem) -> None:
        nonlocal failed, warnings
        if p.fatal:
            failed += 1
        else:
            warnings += 1
        on_problem(p)

    articles = iter_articles(sources, published=published, jsonl=jsonl, on_problem=problem)
    head = list(islice(articles, PARALLEL_THRESHOLD))
    if not head:
        return CodeSummary(0, 0, failed, warnings)
    n_workers = workers if workers is not None else (
        os.cpu_count() or 1 if len(head) >= PARALLEL_THRESHOLD else 1
    )
    coder = Coder.build(
        dictionaries=dictionaries, history_days=None if keep_history else HISTORY_DAYS
    )
    n_articles = n_events = 0
    collected = []
    for _article, events in coder.code_many(chain(head, articles), workers=n_workers):
        n_articles += 1
        n_events += len(events)
        if fmt == "table":
            collected.extend(events)
        else:
            write_jsonl(events, out)
    if fmt == "table":
        from rich.console import Console

        Console(file=out, width=200 if not out.isatty() else None).print(
            event_table(collected, title=f"{n_events} events in {n_articles} documents")
        )
    return CodeSummary(n_articles, n_events, failed, warnings)
