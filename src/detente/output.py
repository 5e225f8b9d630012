"""Writing events: JSON Lines (the output contract) and a readable terminal table."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING

from detente.records import Actor, Event

if TYPE_CHECKING:
    from rich.table import Table


def write_jsonl(events: Iterable[Event], out: IO[str]) -> int:
    """Write one JSON object per event; returns how many were written."""
    n = 0
    for event in events:
        out.write(json.dumps(event.to_dict(), ensure_ascii=False) + "\n")
        n += 1
    return n


def _who(actor: Actor | None) -> str:
    if actor is None:
        return "-"
    label = actor.code or actor.country or actor.sector and actor.sector.value or "?"
    name = actor.name or actor.text
    return f"{label} ({name})" if name else label


def event_table(events: Iterable[Event], *, title: str | None = None) -> Table:
    """A rich table of events: who did what to whom, when, with the trigger and confidence."""
    from rich.table import Table

    table = Table(title=title, show_lines=False, expand=False)
    for col, kw in (
        ("doc", {"overflow": "fold", "max_width": 18}),
        ("#", {"justify": "right"}),
        ("date", {}),
        ("event", {}),
        ("cameo", {}),
        ("gold.", {"justify": "right"}),
        ("actor", {"overflow": "fold", "max_width": 30}),
        ("recipient", {"overflow": "fold", "max_width": 30}),
        ("trigger", {}),
        ("where", {"overflow": "fold", "max_width": 16}),
        ("conf", {"justify": "right"}),
    ):
        table.add_column(col, **kw)
    for e in events:
        event = e.event + (f"/{e.mode}" if e.mode else "")
        table.add_row(
            e.doc_id,
            str(e.sentence_index),
            e.date or "-",
            event,
            e.cameo,
            f"{e.goldstein:+.1f}",
            _who(e.actor),
            _who(e.recipient),
            e.trigger.text,
            e.location.name if e.location else "-",
            f"{e.confidence:.2f}",
        )
    return table
