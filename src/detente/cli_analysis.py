"""`detente dyad`, `actors`, `network`, `alerts`, `export`, `import` and `plot`.

Thin commands over `detente.dyads`, `rankings`, `network`, `alerts`, `exports` and
`charts`: parse options, open the store read-only (`import` writes), call one library
function, print. Tables go to stdout, messages to stderr; a `DetenteError` becomes one
line (exit 1). See docs/ANALYSIS.md.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from detente.cli import friendly_errors
from detente.cli_store import _DATE, _db_option, event_filters, event_query
from detente.errors import AnalysisError

if TYPE_CHECKING:
    from detente.dyads import DyadSeries
    from detente.store import EventStore, StoredEvent

_FREQ = click.Choice(["day", "week", "month"])
_DURATION = re.compile(r"^\s*(\d+)\s*([dw])\s*$", re.IGNORECASE)


def _open(db: str) -> EventStore:
    """The store, read-only, with at least one event (else one clear message)."""
    from detente.store import open_store

    store = open_store(db, read_only=True)
    if store.summary().events == 0:
        store.close()
        raise AnalysisError(f"store {db} has no events: run `detente ingest PATH --db {db}` first")
    return store


def _day(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value else None


def _duration(text: str, option: str) -> dt.timedelta:
    match = _DURATION.match(text)
    if not match or int(match.group(1)) == 0:
        raise click.BadParameter(
            f"{text!r} is not a duration: write days or weeks, e.g. 28d or 4w", param_hint=option
        )
    number, unit = int(match.group(1)), match.group(2).lower()
    return dt.timedelta(days=number) if unit == "d" else dt.timedelta(weeks=number)


def _console() -> Any:
    from rich.console import Console

    console = Console(file=sys.stdout)
    if not console.is_terminal:
        console.width = max(console.width, 140)
    return console


def _fmt(value: float | None, spec: str = "+.2f") -> str:
    return "" if value is None else format(value, spec)


def _actor_code(actor: Any) -> str:
    if actor is None:
        return ""
    return actor.code or actor.country or actor.text


def _event_line(item: StoredEvent) -> str:
    e = item.event
    target = f" -> {_actor_code(e.recipient)}" if e.recipient else ""
    return (
        f"{e.date or '-'}  {e.event:<9} {_actor_code(e.actor)}{target}  "
        f"{e.goldstein:+.1f}  [{e.doc_id}] {e.sentence}"
    )


# --------------------------------------------------------------------------- dyad


@click.command("dyad")
@click.argument("first")
@click.argument("second")
@_db_option
@click.option("--freq", type=_FREQ, default="week", show_default=True, help="Period length.")
@click.option("--since", type=_DATE, default=None, help="First day (YYYY-MM-DD).")
@click.option("--until", type=_DATE, default=None, help="Last day (YYYY-MM-DD).")
@click.option("--directed", is_flag=True, help="Only FIRST acting on SECOND (default: both ways).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@click.option("--evidence", is_flag=True, help="List the events behind each period.")
@friendly_errors
def dyad_command(
    first: str,
    second: str,
    db: str,
    freq: str,
    since: dt.datetime | None,
    until: dt.datetime | None,
    directed: bool,
    fmt: str,
    evidence: bool,
) -> None:
    """Events between FIRST and SECOND per period: counts by QuadClass, summed and mean
    Goldstein, share of conflict. Codes: a country (IRN), a CAMEO code (IRNGOV), an IGO (UNO)."""
    from detente.dyads import dyad_series, period_events, require_actor

    with _open(db) as store:
        a, b = require_actor(store, first), require_actor(store, second)
        series = dyad_series(
            store, a, b, freq=freq, since=_day(since), until=_day(until), directed=directed
        )
        if series.events == 0:
            raise AnalysisError(_no_events(a, b, directed, _day(since), _day(until), freq))
        behind = (
            {
                p.start: period_events(store, a, b, p.start, freq, directed=directed)
                for p in series.periods
                if p.events
            }
            if evidence
            else {}
        )
    if fmt == "json":
        data = series.to_dict()
        if evidence:
            for period in data["periods"]:  # type: ignore[union-attr]
                start = dt.date.fromisoformat(period["start"])
                period["evidence"] = [i.to_dict() for i in behind.get(start, [])]
        click.echo(json.dumps(data, ensure_ascii=False, indent=1))
    elif fmt == "csv":
        _series_csv(series)
    else:
        _series_table(series, behind)


def _no_events(
    a: str, b: str, directed: bool, since: dt.date | None, until: dt.date | None, freq: str
) -> str:
    pair = f"{a} -> {b}" if directed else f"{a} and {b}"
    span = f" from {since or 'the start'} to {until or 'the end'}" if since or until else ""
    return (
        f"no events between {pair}{span} dated within one {freq}: "
        "widen --since/--until, try --freq month, or drop --directed"
    )


def _series_csv(series: DyadSeries) -> None:
    import csv

    names = list(series.periods[0].to_dict())
    writer = csv.DictWriter(sys.stdout, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    for period in series.periods:
        writer.writerow(period.to_dict())


def _series_table(series: DyadSeries, behind: dict[dt.date, list[StoredEvent]]) -> None:
    from rich.table import Table

    arrow = "->" if series.directed else "-"
    table = Table(title=f"{series.first} {arrow} {series.second}, per {series.freq}")
    for name in (
        "from",
        "events",
        "verbal coop",
        "material coop",
        "verbal confl",
        "material confl",
        "Goldstein sum",
        "mean",
        "conflict",
    ):
        table.add_column(name, justify="left" if name == "from" else "right")
    for p in series.periods:
        table.add_row(
            p.start.isoformat(),
            str(p.events),
            str(p.verbal_cooperation),
            str(p.material_cooperation),
            str(p.verbal_conflict),
            str(p.material_conflict),
            _fmt(p.goldstein_sum, "+.1f"),
            _fmt(p.goldstein_mean),
            "" if p.conflict_share is None else f"{p.conflict_share:.0%}",
        )
    console = _console()
    console.print(table)
    for start, items in behind.items():
        console.print(f"\n[bold]{start}[/bold] ({len(items)} events)", highlight=False)
        for item in items:
            console.print("  " + _event_line(item), highlight=False, markup=False)


# --------------------------------------------------------------------------- actors


@click.command("actors")
@_db_option
@click.option("--since", type=_DATE, default=None, help="First day (YYYY-MM-DD).")
@click.option("--until", type=_DATE, default=None, help="Last day (YYYY-MM-DD).")
@click.option(
    "--limit", type=click.IntRange(min=1), default=20, show_default=True, help="Rows of each list."
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@friendly_errors
def actors_command(
    db: str, since: dt.datetime | None, until: dt.datetime | None, limit: int, fmt: str
) -> None:
    """The most active actors and dyads (actor key: country, else CAMEO code)."""
    from detente.rankings import top_actors, top_dyads

    with _open(db) as store:
        actors = top_actors(store, since=_day(since), until=_day(until), limit=limit)
        dyads = top_dyads(store, since=_day(since), until=_day(until), limit=limit)
    if not actors:
        raise AnalysisError("no events with a known actor in that period: widen --since/--until")
    if fmt == "json":
        click.echo(
            json.dumps(
                {"actors": [a.to_dict() for a in actors], "dyads": [d.to_dict() for d in dyads]},
                ensure_ascii=False,
                indent=1,
            )
        )
        return
    from rich.table import Table

    table = Table(title="Most active actors")
    for name in ("code", "name", "events", "as actor", "as recipient", "mean Goldstein"):
        table.add_column(name, justify="left" if name in ("code", "name") else "right")
    for a in actors:
        table.add_row(
            a.code,
            a.name or "",
            str(a.events),
            str(a.as_actor),
            str(a.as_recipient),
            _fmt(a.goldstein_mean),
        )
    dyad_table = Table(title="Most active dyads")
    for name in ("dyad", "events", "cooperation", "conflict", "mean Goldstein", "last"):
        dyad_table.add_column(name, justify="left" if name in ("dyad", "last") else "right")
    for d in dyads:
        dyad_table.add_row(
            f"{d.first}-{d.second}",
            str(d.events),
            str(d.cooperation),
            str(d.conflict),
            _fmt(d.goldstein_mean),
            d.last_date.isoformat() if d.last_date else "",
        )
    console = _console()
    console.print(table)
    console.print(dyad_table)


# --------------------------------------------------------------------------- network


@click.command("network")
@_db_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="File to write: .graphml or .gexf.",
)
@click.option("--format", "fmt", type=click.Choice(["graphml", "gexf"]), default=None)
@click.option("--since", type=_DATE, default=None, help="First day (YYYY-MM-DD).")
@click.option("--until", type=_DATE, default=None, help="Last day (YYYY-MM-DD).")
@click.option("--type", "event_type", default=None, help="Only this PLOVER type or CAMEO prefix.")
@click.option("--directed", is_flag=True, help="Edges A -> B for A acting on B.")
@click.option(
    "--min-events",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Leave out dyads with fewer events.",
)
@friendly_errors
def network_command(
    db: str,
    output: Path,
    fmt: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
    event_type: str | None,
    directed: bool,
    min_events: int,
) -> None:
    """Write the actor network (actors as nodes, dyads as edges weighted by events, with
    mean Goldstein) as GraphML or GEXF, for Gephi, Cytoscape or networkx."""
    from detente.network import actor_network, network_format, write_network

    kind = network_format(output, fmt)
    with _open(db) as store:
        graph = actor_network(
            store,
            since=_day(since),
            until=_day(until),
            directed=directed,
            min_events=min_events,
            event_type=event_type,
        )
    if graph.number_of_nodes() == 0:
        raise AnalysisError("no dyads match: widen the filters or lower --min-events")
    write_network(graph, output, kind)
    click.echo(
        f"network: {graph.number_of_nodes()} actors, {graph.number_of_edges()} dyads -> {output}",
        err=True,
    )


# --------------------------------------------------------------------------- alerts


@click.command("alerts")
@_db_option
@click.option("--window", default="4w", show_default=True, help="Recent window: Nw or Nd.")
@click.option("--baseline", default="26w", show_default=True, help="Baseline before it: Nw or Nd.")
@click.option(
    "--as-of",
    type=_DATE,
    default=None,
    help="Last day of the window (default: the latest event).",
)
@click.option(
    "--alpha",
    type=click.FloatRange(min=0, max=1, min_open=True),
    default=0.01,
    show_default=True,
    help="Report dyads whose adjusted p-value is at most this.",
)
@click.option(
    "--min-events",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="Events of a kind (window + baseline) a count test needs.",
)
@click.option(
    "--evidence",
    type=click.IntRange(min=0),
    default=3,
    show_default=True,
    help="Events shown per alert.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@friendly_errors
def alerts_command(
    db: str,
    window: str,
    baseline: str,
    as_of: dt.datetime | None,
    alpha: float,
    min_events: int,
    evidence: int,
    fmt: str,
) -> None:
    """Dyads whose conflict rose or cooperation collapsed (escalation), or the reverse
    (de-escalation), in the recent window against their own baseline; tests in
    docs/ANALYSIS.md."""
    from detente.alerts import alert_frame, find_alerts

    span, past = _duration(window, "--window"), _duration(baseline, "--baseline")
    with _open(db) as store:
        frame = alert_frame(store, window=span, baseline=past, as_of=_day(as_of))
        found = (
            find_alerts(
                store,
                window=span,
                baseline=past,
                as_of=_day(as_of),
                evidence=evidence,
                alpha=alpha,
                min_events=min_events,
            )
            if frame
            else []
        )
    if fmt == "json":
        click.echo(json.dumps([a.to_dict() for a in found], ensure_ascii=False, indent=1))
    if frame is None:
        click.echo(
            "detente: no dated events before the window, nothing to compare it with: "
            "give an earlier --as-of or a shorter --window",
            err=True,
        )
        return
    header = (
        f"window {frame.window_start} .. {frame.window_end} against baseline "
        f"{frame.baseline_start} .. {frame.baseline_end}"
    )
    if not found:
        click.echo(f"detente: no dyad changed significantly (alpha {alpha}) in {header}", err=True)
        return
    if fmt == "json":
        return
    console = _console()
    console.print(header, highlight=False)
    for n, a in enumerate(found, 1):
        console.print(
            f"\n{n}. [bold]{a.first}-{a.second}[/bold] {a.kind.upper()} "
            f"(score {a.score:.1f}, p={a.p_value:.2g}, by {a.reason})",
            highlight=False,
        )
        console.print(
            f"   window: {a.window_events} events, {a.window_conflict} conflict, "
            f"mean Goldstein {_fmt(a.goldstein_window) or '-'}; baseline: "
            f"{a.baseline_rate:.1f} conflict events expected per window, mean Goldstein "
            f"{_fmt(a.goldstein_baseline) or '-'}",
            highlight=False,
        )
        for item in a.evidence:
            console.print("   " + _event_line(item), highlight=False, markup=False)


# --------------------------------------------------------------------------- export / import


@click.command("export")
@_db_option
@event_filters
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["gdelt", "plover", "csv", "parquet", "jsonl"]),
    required=True,
    help="GDELT 2.0 event table (TSV), PLOVER JSON Lines, CSV, Parquet or JSON Lines.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write (default: stdout; Parquet needs a file).",
)
@click.option(
    "--header/--no-header",
    default=False,
    show_default=True,
    help="gdelt: a first line of GDELT column names (real GDELT files have none).",
)
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most this many events.")
@click.option("--evidence", is_flag=True, help="jsonl: every mention of each event.")
@friendly_errors
def export_command(
    db: str,
    actor: str | None,
    recipient: str | None,
    dyad: str | None,
    event_type: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
    source: str | None,
    fmt: str,
    output: Path | None,
    header: bool,
    limit: int | None,
    evidence: bool,
) -> None:
    """Export events (same filters as `detente events`) as GDELT, PLOVER, CSV, Parquet or JSONL."""
    from detente.exports import export_events

    query = event_query(
        actor=actor,
        recipient=recipient,
        dyad=dyad,
        event_type=event_type,
        since=since,
        until=until,
        source=source,
        limit=limit,
        evidence=evidence,
    )
    if fmt == "parquet" and output is None:
        raise click.UsageError("Parquet is binary: give a file with -o events.parquet")
    with _open(db) as store:
        if output is None:
            count = export_events(store, query, fmt, sys.stdout, header=header)
        elif fmt == "parquet":
            count = export_events(store, query, fmt, path=output)
        else:
            try:
                with output.open("w", encoding="utf-8", newline="") as out:
                    count = export_events(store, query, fmt, out, header=header)
            except OSError as err:
                raise AnalysisError(f"cannot write {output}: {err.strerror}") from None
    if count == 0:
        click.echo("detente: no events match", err=True)
    elif output is not None:
        click.echo(f"export: {count} events -> {output}", err=True)


@click.command("import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@_db_option
@friendly_errors
def import_command(path: Path, db: str) -> None:
    """Read PLOVER JSON (as `detente export --format plover` writes, JSON Lines or an
    array) into a store; its articles must not be in it yet."""
    from detente.exports import import_plover, plover_articles, read_plover
    from detente.store import open_store

    if str(path) == "-":
        text, name = sys.stdin.read(), "<stdin>"
    else:
        try:
            text, name = path.read_text(encoding="utf-8"), str(path)
        except FileNotFoundError:
            raise AnalysisError(f"no such file: {path}") from None
        except (OSError, UnicodeDecodeError) as err:
            raise AnalysisError(f"cannot read {path} as UTF-8 text: {err}") from None
    records = read_plover(text, source=name)
    plover_articles(records)  # every record readable before the store is opened
    with open_store(db) as store:
        summary = import_plover(store, records, source=name)
    click.echo(
        f"import: {summary.records} records, {summary.articles} articles, "
        f"{summary.mentions} mentions -> {db} ({summary.events} events)",
        err=True,
    )


# --------------------------------------------------------------------------- plot


def _plot_options(func: Any) -> Any:
    options = [
        click.option(
            "-o",
            "--output",
            type=click.Path(dir_okay=False, path_type=Path),
            required=True,
            help="File to write: .png, .svg or .html (self-contained).",
        ),
        click.option("--format", "fmt", type=click.Choice(["png", "svg", "html"]), default=None),
        click.option("--since", type=_DATE, default=None, help="First day (YYYY-MM-DD)."),
        click.option("--until", type=_DATE, default=None, help="Last day (YYYY-MM-DD)."),
    ]
    for option in reversed(options):
        func = option(func)
    return _db_option(func)


def _save(chart: Any, output: Path, fmt: str | None) -> None:
    from detente.charts import save_chart

    save_chart(chart, output, fmt)
    click.echo(f"plot: {output}", err=True)


@click.group("plot")
def plot() -> None:
    """Charts to PNG, SVG or self-contained HTML: a dyad, all events, event types, the network."""


@plot.command("dyad")
@click.argument("first")
@click.argument("second")
@_plot_options
@click.option("--freq", type=_FREQ, default="week", show_default=True, help="Period length.")
@click.option("--directed", is_flag=True, help="Only FIRST acting on SECOND.")
@friendly_errors
def plot_dyad(
    first: str,
    second: str,
    db: str,
    output: Path,
    fmt: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
    freq: str,
    directed: bool,
) -> None:
    """Mean Goldstein and events by QuadClass per period between FIRST and SECOND."""
    from detente.charts import chart_format, dyad_chart
    from detente.dyads import dyad_series, require_actor

    chart_format(output, fmt)
    with _open(db) as store:
        a, b = require_actor(store, first), require_actor(store, second)
        series = dyad_series(
            store, a, b, freq=freq, since=_day(since), until=_day(until), directed=directed
        )
    if series.events == 0:
        raise AnalysisError(_no_events(a, b, directed, _day(since), _day(until), freq))
    _save(dyad_chart(series), output, fmt)


@plot.command("events")
@_plot_options
@click.option("--freq", type=_FREQ, default="month", show_default=True, help="Period length.")
@click.option("--actor", default=None, help="Only events of this actor (as actor or recipient).")
@click.option("--type", "event_type", default=None, help="Only this PLOVER type or CAMEO prefix.")
@friendly_errors
def plot_events(
    db: str,
    output: Path,
    fmt: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
    freq: str,
    actor: str | None,
    event_type: str | None,
) -> None:
    """Events per period by QuadClass (all, or of one actor or type)."""
    from detente.charts import chart_format, overview_chart
    from detente.dyads import event_series, require_actor

    chart_format(output, fmt)
    with _open(db) as store:
        code = require_actor(store, actor) if actor else None
        series = event_series(
            store,
            freq=freq,
            since=_day(since),
            until=_day(until),
            actor=code,
            event_type=event_type,
        )
    if series.events == 0:
        raise AnalysisError("no events dated within one period match: widen the filters")
    _save(overview_chart(series), output, fmt)


@plot.command("types")
@_plot_options
@click.option("--actor", default=None, help="Only events where this actor acts.")
@click.option("--dyad", default=None, metavar="A,B", help="Only events between A and B.")
@friendly_errors
def plot_types(
    db: str,
    output: Path,
    fmt: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
    actor: str | None,
    dyad: str | None,
) -> None:
    """Events per PLOVER event type."""
    from detente.charts import chart_format, event_type_chart
    from detente.store import EventQuery

    chart_format(output, fmt)
    pair = _pair(dyad)
    with _open(db) as store:
        counts = store.event_type_counts(
            EventQuery(actor=actor, dyad=pair, since=_day(since), until=_day(until))
        )
    _save(event_type_chart(counts), output, fmt)


@plot.command("network")
@_plot_options
@click.option("--type", "event_type", default=None, help="Only this PLOVER type or CAMEO prefix.")
@click.option(
    "--min-events",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Leave out dyads with fewer events.",
)
@friendly_errors
def plot_network(
    db: str,
    output: Path,
    fmt: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
    event_type: str | None,
    min_events: int,
) -> None:
    """Actors (size: events) linked by their dyads (width: events, colour: mean Goldstein)."""
    from detente.charts import chart_format, network_chart
    from detente.network import actor_network, layout

    chart_format(output, fmt)
    with _open(db) as store:
        graph = actor_network(
            store,
            since=_day(since),
            until=_day(until),
            min_events=min_events,
            event_type=event_type,
        )
    _save(network_chart(graph, layout(graph)), output, fmt)


def _pair(dyad: str | None) -> tuple[str, str] | None:
    if not dyad:
        return None
    parts: Sequence[str] = [p.strip() for p in dyad.split(",")]
    if len(parts) != 2 or not all(parts):
        raise click.BadParameter("write the dyad as A,B, e.g. IRN,USA", param_hint="--dyad")
    return parts[0], parts[1]


COMMANDS = (
    dyad_command,
    actors_command,
    network_command,
    alerts_command,
    export_command,
    import_command,
    plot,
)
