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


if __name__ == "__main__":  # pragma: no cover
    main()
