"""The dashboard and REST API over an event store (`detente serve`).

    from detente.web import WebSettings, create_app
    app = create_app("events.duckdb", WebSettings(token="s3cret"))   # an ASGI app

The app is a client of the library: every query goes through `detente.store`
(`EventQuery`, `article`) and the analysis modules (`dyads`, `rankings`, `alerts`,
`charts`); it holds no query of its own. See docs/WEB.md for the pages, the API, how the
server shares the store with `detente ingest`, and the security rules.
"""

from __future__ import annotations

from detente.web.app import create_app
from detente.web.settings import WebSettings

__all__ = ["WebSettings", "create_app"]
