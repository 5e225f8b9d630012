"""Show how an ingest is going: a rich progress bar on a terminal, plain lines otherwise.

`IngestDisplay` is the `on_progress` callback of `detente.ingest.ingest`, used by the CLI
as a context manager; `summary_lines` is the closing summary. Both write to the stream
they are given (stderr in the CLI), never to stdout.
"""

from __future__ import annotations

import time
from types import TracebackType
from typing import Any, Self, TextIO

from detente.ingest import IngestProgress, IngestSummary


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def _eta(p: IngestProgress) -> str | None:
    eta = p.eta
    if eta is not None and (p.total is None or p.done < p.total):
        return _duration(eta)
    return None


def _finished(p: IngestProgress) -> bool:
    return p.total is not None and p.done >= p.total


def progress_line(p: IngestProgress) -> str:
    """One plain line: "ingest: 120/249 items (48%), 110 coded, 3.1 articles/s, ETA 42s,
    310 mentions, 2 failed"; without a known total: "ingest: 120 items, ..." and no ETA."""
    if p.total is None:
        line = f"ingest: {p.done} items"
    else:
        share = f" ({min(100 * p.done // p.total, 100)}%)" if p.total else ""
        line = f"ingest: {p.done}/{max(p.total, p.done)} items{share}"
    line += f", {p.coded} coded, {p.rate:.1f} articles/s"
    eta = _eta(p)
    if eta:
        line += f", ETA {eta}"
    line += f", {p.mentions} mentions"
    if p.failed:
        line += f", {p.failed} failed"
    return line


class IngestDisplay:
    """Progress of an ingest on `stream`: live bar when it is a terminal, else a line
    every `interval` seconds (and one at the end)."""

    def __init__(self, stream: TextIO, *, interval: float = 10.0, live: bool | None = None) -> None:
        self.stream = stream
        self.interval = interval
        self.live = stream.isatty() if live is None else live
        self._last = float("-inf")
        self._latest: IngestProgress | None = None
        self._shown_latest = False
        self._last_shown: IngestProgress | None = None
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> Self:
        if self.live:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self._bar = Progress(
                TextColumn("ingest"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("items, {task.fields[coded]} coded"),
                TextColumn("{task.fields[rate]:.1f} articles/s"),
                TextColumn("ETA {task.fields[eta]}"),
                TimeElapsedColumn(),
                TextColumn("{task.fields[failed]} failed"),
                console=Console(file=self.stream),
                transient=False,
            )
            self._bar.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.__exit__(exc_type, exc, tb)
            self._bar = None
        elif self._latest is not None and self._latest.done and not self._shown_latest:
            self._write(self._latest)

    def _write(self, p: IngestProgress) -> None:
        if self._last_shown is not None and (p.done, p.coded, p.failed) == (
            self._last_shown.done,
            self._last_shown.coded,
            self._last_shown.failed,
        ):
            self._shown_latest = True
            return
        self._last_shown = p
        self.stream.write(progress_line(p) + "\n")
        self.stream.flush()
        self._shown_latest = True

    def __call__(self, p: IngestProgress) -> None:
        self._latest = p
        self._shown_latest = False
        if self._bar is not None:
            if self._task is None:
                self._task = self._bar.add_task(
                    "ingest", total=p.total, coded=0, rate=0.0, failed=0, eta="-"
                )
            self._bar.update(
                self._task,
                total=max(p.total, p.done) if p.total is not None else None,
                completed=p.done,
                coded=p.coded,
                rate=p.rate,
                failed=p.failed,
                eta=_eta(p) or "-",
            )
            return
        now = time.monotonic()
        if now - self._last >= self.interval or _finished(p):
            self._last = now
            self._write(p)


def summary_lines(s: IngestSummary, *, store: str) -> list[str]:
    """The closing summary: counts, then each failed item with its reason."""
    lines = [
        (
            f"ingest: read {s.read} articles: {s.new} new, {s.changed} changed, "
            f"{s.unchanged} unchanged; {s.failed} failed"
        ),
        (
            f"ingest: {s.mentions} mentions written, {s.events_added} new events; "
            f"{store} now holds {s.events_in_store} events from {s.mentions_in_store} mentions"
        ),
    ]
    if s.new + s.changed:
        lines.append(
            f"ingest: {s.new + s.changed} articles coded in {_duration(s.seconds)} "
            f"({s.rate:.1f} articles/s on {s.workers} worker{'s' if s.workers != 1 else ''}; "
            f"{_duration(s.startup_seconds)} to start them)"
        )
    lines += [f"ingest: {note}" for note in s.notes]
    if s.failures:
        lines.append("ingest: failed:")
        lines += [f"  {f.item}: {f.reason}" for f in s.failures]
    return lines
