"""What the routes of one app share: settings, store access, actor names, the coder lock,
and the chart library's JavaScript (built once, on first use). Held on `app.state`."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from detente.ontology import PLOVER_TYPES
from detente.web.access import StoreAccess
from detente.web.cache import AnswerCache
from detente.web.settings import WebSettings

_GLOBALS = "window.vegaEmbed = vegaEmbed; window.vega = vega; window.vegaLite = vegaLite;"


@dataclass
class ChartScript:
    """The vega-embed bundle (vega, vega-lite, vega-embed) from vl-convert-python, made
    once per app on first request (about a second) and then served from memory."""

    _lock: threading.Lock = field(default_factory=threading.Lock)
    _body: bytes | None = None

    def body(self) -> bytes:
        with self._lock:
            if self._body is None:
                import vl_convert

                self._body = vl_convert.javascript_bundle(_GLOBALS).encode("utf-8")
            return self._body


@dataclass
class WebContext:
    """The resources of one app, built by `create_app` and passed to every route."""

    settings: WebSettings
    access: StoreAccess
    names: Mapping[str, str]  # actor codes to names (built-in knowledge base)
    cache: AnswerCache
    chart_script: ChartScript = field(default_factory=ChartScript)
    coding_lock: threading.Lock = field(default_factory=threading.Lock)


async def web_context(request: Request) -> WebContext:
    """FastAPI dependency: the context of the app answering `request` (a coroutine, so
    FastAPI runs it on the event loop rather than in a worker thread)."""
    context: WebContext = request.app.state.context
    return context


def render(
    request: Request,
    name: str,
    values: dict[str, Any],
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """The template `name` filled with `values` and what every page shows."""
    context: WebContext = request.app.state.context
    values.setdefault("plover_types", PLOVER_TYPES)
    values.setdefault("writable", context.settings.writable)
    values.setdefault("page", "")
    response: Response = request.app.state.templates.TemplateResponse(
        request, name, values, status_code=status_code, headers=headers
    )
    return response
