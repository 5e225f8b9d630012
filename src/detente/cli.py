"""The `detente` command line: a thin layer over the library.

Each command parses options, calls one library function and turns a `DetenteError`
into one line on stderr (exit 1; usage errors exit 2). Heavy imports happen inside
commands so that `detente --help` is instant. Commands of other parts of detente
(store, analysis, web) live in their own `cli_*.py` modules and are added below.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from detente import __version__
from detente.errors import DetenteError

F = TypeVar("F", bound=Callable[..., Any])


def friendly_errors(func: F) -> F:
    """Turn a DetenteError (and Ctrl-C) into a one-line message and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except DetenteError as err:
            click.echo(f"detente: error: {err}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("detente: interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            sys.exit(0)

    return wrapper  # type: ignore[return-value]


@click.group()
@click.version_option(__version__, prog_name="detente")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
def main(verbose: int) -> None:
    """detente: political event data (PLOVER, CAMEO, Goldstein) from news text."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="detente: %(levelname)s: %(message)s", stream=sys.stderr)


# --------------------------------------------------------------------------- code
@main.command("code")
@click.argument("sources", nargs=-1)
@click.option("--jsonl", "jsonl_path", type=str, default=None,
              help='JSON Lines input: {"id", "text", "date", "title", "source", "url"} per line.')
@click.option("--date", "published", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Publication date (YYYY-MM-DD) for inputs that carry none.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "table"]), default="jsonl",
              show_default=True, help="JSON Lines (the event record) or a readable table.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes to code on (default: all cores for more than a few documents).")
@click.option("--dictionary", "dictionaries", multiple=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Extra PETRARCH/CAMEO actor dictionary (repeatable).")
@click.option("--keep-history", is_flag=True,
              help="Also code events dated more than two years before publication "
                   "(history an article recalls; left out by default).")
@friendly_errors
def code_command(
    sources: tuple[str, ...],
    jsonl_path: str | None,
    published: Any,
    fmt: str,
    workers: int | None,
    dictionaries: tuple[Path, ...],
    keep_history: bool,
) -> None:
    """Code documents into events: FILE... (txt, md, html, jsonl, csv), a directory, or - for stdin."""
    from detente.coding import code_sources

    paths = list(sources) + ([jsonl_path] if jsonl_path else [])
    if not paths:
        raise click.UsageError("give at least one FILE, a directory, - for stdin, or --jsonl FILE")
    summary = code_sources(
        paths,
        published=published.date() if published else None,
        jsonl=True if jsonl_path and not sources else None,
        workers=workers,
        dictionaries=dictionaries,
        keep_history=keep_history,
        out=sys.stdout,
        fmt=fmt,
        on_problem=lambda p: click.echo(f"detente: {p}", err=True),
    )
    if summary.articles == 0 and summary.failed > 0:
        sys.exit(1)


# --------------------------------------------------------------------------- evaluate
@main.command("evaluate")
@click.argument("gold", type=click.Path(path_type=Path))
@click.option("--kind", type=click.Choice(["plover_gsr", "synthetic", "sentences", "articles"]),
              default=None, help="Gold format (detected from the content by default).")
@click.option("--articles", type=click.Path(path_type=Path), default=None,
              help="Article texts (JSONL) for whole-article gold; default: articles.jsonl beside it.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Score only the first N items.")
@click.option("--errors", "show_errors", type=click.IntRange(min=0), default=0,
              help="Show N example mistakes.")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the figures to this JSON file.")
@friendly_errors
def evaluate_command(
    gold: Path,
    kind: str | None,
    articles: Path | None,
    limit: int | None,
    show_errors: int,
    json_out: Path | None,
) -> None:
    """Score the coder on gold data (PLOVER gold sentences, synthetic stories, news sentences or articles)."""
    import json

    from rich.console import Console

    from detente.coder import Coder
    from detente.errors import EvaluationError
    from detente.evaluate import evaluate_file, render_report, report_to_dict

    if not gold.exists():
        raise EvaluationError(f"no such gold file: {gold} — check the path")
    report = evaluate_file(gold, Coder.build(), kind=kind, articles=articles, limit=limit)
    render_report(report, console=Console(), show_errors=show_errors)
    if json_out:
        json_out.write_text(json.dumps(report_to_dict(report), indent=2), encoding="utf-8")


from detente.cli_store import events, ingest  # noqa: E402  (store commands; module imports click only)

main.add_command(ingest)
main.add_command(events)

from detente.cli_analysis import COMMANDS as _ANALYSIS  # noqa: E402  (dyad, actors, alerts, export, plot...)

for _command in _ANALYSIS:
    main.add_command(_command)

from detente.cli_web import serve  # noqa: E402  (the dashboard and REST API; imports click only)

main.add_command(serve)
