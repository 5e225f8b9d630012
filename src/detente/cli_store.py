"""`detente ingest` and `detente events`: the event store on the command line.

Both are thin: they parse options, call `detente.ingest.ingest` or `EventStore.events`,
and print. Progress and summaries go to stderr; events go to stdout.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from detente.cli import friendly_errors

if TYPE_CHECKING:
    from detente.store import EventQuery, StoredEvent

_DB_HELP = "The event store (a DuckDB file). Default: $DETENTE_DB, else ./detente.duckdb."
_DATE = click.DateTime(formats=["%Y-%m-%d"])


def _db_option(func: Any) -> Any:
    return click.option(
        "--db",
        "db",
        envvar="DETENTE_DB",
        default="detente.duckdb",
        show_default=True,
        help=_DB_HELP,
    )(func)


def _csv_columns(text: str | None) -> dict[str, str] | None:
    if not text:
        return None
    columns: dict[str, str] = {}
    for part in text.split(","):
        field, sep, column = part.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise click.BadParameter(
                f"{part!r} is not FIELD=COLUMN: write e.g. --csv-columns text=body,id=uid",
                param_hint="--csv-columns",
            )
        columns[field.strip()] = column.strip()
    return columns


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True)
@_db_option
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Local processes to code on (default: all cores).",
)
@click.option(
    "--scheduler",
    default=None,
    metavar="ADDRESS",
    help="Code on an existing Dask cluster, e.g. tcp://host:8786 (overrides --workers).",
)
@click.option(
    "--date",
    "published",
    type=_DATE,
    default=None,
    help="Publication date (YYYY-MM-DD) for inputs that carry none.",
)
@click.option(
    "--csv-columns",
    default=None,
    metavar="FIELD=COLUMN,...",
    help="CSV column names for id, text, date, title, source, url, e.g. text=body.",
)
@click.option(
    "--dedup",
    default=None,
    metavar="FIELDS",
    help="Fields that make two mentions one event, for a new store "
    "(default actor,recipient,event,mode,date: one a day). See docs/STORE.md.",
)
@click.option(
    "--dictionary",
    "dictionaries",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Extra PETRARCH/CAMEO actor dictionary (repeatable).",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=64,
    show_default=True,
    help="Articles per transaction (at most this much work is redone after a crash).",
)
@click.option("--force", is_flag=True, help="Code every article again, even unchanged ones.")
@click.option(
    "--progress-interval",
    type=click.FloatRange(min=0),
    default=10.0,
    show_default=True,
    help="Seconds between progress lines when stderr is not a terminal.",
)
@friendly_errors
def ingest(
    paths: tuple[str, ...],
    db: str,
    workers: int | None,
    scheduler: str | None,
    published: dt.datetime | None,
    csv_columns: str | None,
    dedup: str | None,
    dictionaries: tuple[Path, ...],
    batch_size: int,
    force: bool,
    progress_interval: float,
) -> None:
    """Code PATH... (files, directories, - for stdin; txt, md, html, jsonl, csv, RSS/Atom)
    into the event store: new and changed articles only, one event per real-world event."""
    from detente.dedup import DedupRule
    from detente.ingest import ingest as run_ingest
    from detente.parallel import CoderSpec
    from detente.progress import IngestDisplay, summary_lines
    from detente.store import open_store

    columns = _csv_columns(csv_columns)
    rule = DedupRule.parse(dedup) if dedup else None
    options = {"dictionaries": tuple(dictionaries)} if dictionaries else {}
    with (
        open_store(db, dedup=rule) as store,
        IngestDisplay(sys.stderr, interval=progress_interval) as display,
    ):
        summary = run_ingest(
            list(paths),
            store,
            coder=CoderSpec.of(options),
            workers=workers,
            scheduler=scheduler,
            batch_size=batch_size,
            published=published.date() if published else None,
            csv_columns=columns,
            force=force,
            on_progress=display,
        )
    for line in summary_lines(summary, store=db):
        click.echo(line, err=True)
    if summary.read == 0 and (summary.failed or summary.notes):
        sys.exit(1)


def _code(actor: Any) -> str:
    if actor is None:
        return ""
    return actor.code or actor.country or actor.text


def _flat(item: StoredEvent, evidence: bool) -> dict[str, Any]:
    e = item.event
    row: dict[str, Any] = {
        "event_id": e.event_id,
        "date": e.date,
        "date_precision": e.date_precision.value if e.date_precision else None,
        "event": e.event,
        "mode": e.mode,
        "cameo": e.cameo,
        "goldstein": e.goldstein,
        "quad_class": int(e.quad_class),
        "actor_code": e.actor.code,
        "actor_name": e.actor.name,
        "actor_country": e.actor.country,
        "recipient_code": e.recipient.code if e.recipient else None,
        "recipient_name": e.recipient.name if e.recipient else None,
        "recipient_country": e.recipient.country if e.recipient else None,
        "location": e.location.name if e.location else None,
        "num_mentions": item.num_mentions,
        "num_articles": item.num_articles,
        "num_sources": item.num_sources,
        "doc_id": e.doc_id,
    }
    if evidence:
        row["sentence"] = e.sentence
    return row


def _print_table(items: list[StoredEvent], evidence: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=evidence)
    for name in (
        "date",
        "event",
        "mode",
        "actor",
        "recipient",
        "cameo",
        "goldstein",
        "mentions",
        "articles",
        "sources",
    ):
        table.add_column(
            name,
            justify="right" if name in ("goldstein", "mentions", "articles", "sources") else "left",
        )
    if evidence:
        table.add_column("evidence", ratio=1)
    for item in items:
        e = item.event
        cells = [
            e.date or "",
            e.event,
            e.mode or "",
            _code(e.actor),
            _code(e.recipient),
            e.cameo,
            f"{e.goldstein:+.1f}",
            str(item.num_mentions),
            str(item.num_articles),
            str(item.num_sources),
        ]
        if evidence:
            cells.append(e.sentence)
        table.add_row(*cells)
    console = Console(file=sys.stdout)
    if not console.is_terminal:
        console.width = max(console.width, 160 if evidence else 120)
    console.print(table)


def event_filters(func: Any) -> Any:
    """The event filter options of `detente events` (also used by `detente export`):
    --actor, --recipient, --dyad, --type, --since, --until, --source."""
    options = [
        click.option(
            "--actor", default=None, help="Actor country or code prefix (PAK, PAKGOV, IGOUNO)."
        ),
        click.option("--recipient", default=None, help="Recipient country or code prefix."),
        click.option(
            "--dyad", default=None, metavar="A,B", help="Actor A doing something to recipient B."
        ),
        click.option(
            "--type",
            "event_type",
            default=None,
            help="PLOVER event type (CONSULT) or CAMEO code prefix (04).",
        ),
        click.option(
            "--since", type=_DATE, default=None, help="Events on or after this day (YYYY-MM-DD)."
        ),
        click.option(
            "--until", type=_DATE, default=None, help="Events on or before this day (YYYY-MM-DD)."
        ),
        click.option(
            "--source", default=None, help="Only events reported by this source (e.g. Guardian)."
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def event_query(
    *,
    actor: str | None,
    recipient: str | None,
    dyad: str | None,
    event_type: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
    source: str | None,
    limit: int | None = None,
    evidence: bool = False,
) -> EventQuery:
    """The `EventQuery` of the `event_filters` options (usage errors for a bad --dyad)."""
    from detente.store import EventQuery

    if dyad:
        if actor or recipient:
            raise click.UsageError("give either --dyad or --actor/--recipient, not both")
        parts = [p.strip() for p in dyad.split(",")]
        if len(parts) != 2 or not all(parts):
            raise click.BadParameter(
                "write the dyad as ACTOR,RECIPIENT, e.g. PAK,RUS", param_hint="--dyad"
            )
        actor, recipient = parts
    return EventQuery(
        actor=actor,
        recipient=recipient,
        event_type=event_type,
        since=since.date() if since else None,
        until=until.date() if until else None,
        source=source,
        limit=limit,
        evidence=evidence,
    )


@click.command("events")
@_db_option
@event_filters
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "jsonl", "csv"]),
    default="table",
    show_default=True,
)
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most this many events.")
@click.option(
    "--evidence",
    is_flag=True,
    help="Show the evidence sentence (jsonl: every mention with its sentence).",
)
@friendly_errors
def events(
    db: str,
    actor: str | None,
    recipient: str | None,
    dyad: str | None,
    event_type: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
    source: str | None,
    fmt: str,
    limit: int | None,
    evidence: bool,
) -> None:
    """List the events in the store, one row per real-world event with its mention counts."""
    from detente.store import open_store

    query = event_query(
        actor=actor,
        recipient=recipient,
        dyad=dyad,
        event_type=event_type,
        since=since,
        until=until,
        source=source,
        limit=limit,
        evidence=evidence and fmt == "jsonl",
    )
    with open_store(db, read_only=True) as store:
        found = store.events(query)
    if fmt == "jsonl":
        for item in found:
            sys.stdout.write(json.dumps(item.to_dict(), ensure_ascii=False) + "\n")
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=_flat_header(evidence), lineterminator="\n")
        writer.writeheader()
        for item in found:
            writer.writerow(_flat(item, evidence))
    elif found:
        _print_table(found, evidence)
    if not found:
        click.echo("detente: no events match", err=True)


def _flat_header(evidence: bool) -> list[str]:
    names = [
        "event_id",
        "date",
        "date_precision",
        "event",
        "mode",
        "cameo",
        "goldstein",
        "quad_class",
        "actor_code",
        "actor_name",
        "actor_country",
        "recipient_code",
        "recipient_name",
        "recipient_country",
        "location",
        "num_mentions",
        "num_articles",
        "num_sources",
        "doc_id",
    ]
    return names + (["sentence"] if evidence else [])
