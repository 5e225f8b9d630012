"""`detente serve`: the dashboard and REST API over an event store (see docs/WEB.md)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from detente.cli import friendly_errors

TOKEN_ENV = "DETENTE_TOKEN"


@click.command("serve")
@click.option(
    "--db",
    "db",
    envvar="DETENTE_DB",
    default="detente.duckdb",
    show_default=True,
    help="The event store (a DuckDB file). Default: $DETENTE_DB, else ./detente.duckdb.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8000, show_default=True)
@click.option(
    "--cache-mb",
    type=click.IntRange(min=0),
    default=32,
    show_default=True,
    help="Memory for answers kept until the store changes (0: no cache).",
)
@click.option(
    "--access-log/--no-access-log",
    default=False,
    show_default=True,
    help="Log every request to stderr (off: one line per request costs time under load).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Server processes (each keeps its own snapshot of the store and answer cache).",
)
@friendly_errors
def serve(db: str, host: str, port: int, cache_mb: int, access_log: bool, workers: int) -> None:
    """Serve the dashboard (/) and the REST API (/api, described at /docs) over the store.

    Read-only unless the environment variable DETENTE_TOKEN is set: then POST
    /api/articles with `Authorization: Bearer $DETENTE_TOKEN` codes and stores an
    article. Articles ingested meanwhile (`detente ingest`) show up without a restart.
    """
    import uvicorn

    from detente.errors import StoreError
    from detente.store import open_store
    from detente.web import WebSettings, create_app

    token = os.environ.get(TOKEN_ENV) or None
    if not Path(db).exists():
        if token is None:
            raise StoreError(
                f"no event store at {db}: run `detente ingest PATH --db {db}` first, or set "
                f"{TOKEN_ENV} to start with an empty store that accepts POST /api/articles"
            )
        open_store(db).close()  # an empty store, for articles to come by POST
    else:
        with open_store(db, read_only=True):
            pass  # fails now, with its message, if this is no store (or a busy one)
    mode = "accepting articles at POST /api/articles" if token else "read-only"
    click.echo(f"detente: serving {db} on http://{host}:{port}/ ({mode}); Ctrl-C stops", err=True)
    options: dict[str, Any] = {
        "host": host, "port": port, "log_level": "info", "server_header": False,
        "access_log": access_log,
    }
    if workers > 1:
        from detente.web.app import SERVE_CACHE_ENV, SERVE_DB_ENV

        os.environ[SERVE_DB_ENV] = str(Path(db).resolve())
        os.environ[SERVE_CACHE_ENV] = str(cache_mb)
        uvicorn.run("detente.web.app:app_from_environment", factory=True, workers=workers,
                    **options)
        return
    settings = WebSettings(token=token, warm_up_coder=True, cache_bytes=cache_mb << 20)
    uvicorn.run(create_app(db, settings), **options)
