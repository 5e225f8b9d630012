"""`create_app(db, settings)`: the FastAPI app of `detente serve`, built from its parts.

- routes: `pages` (HTML), `api` (JSON under /api), `/docs` (the OpenAPI description as a
  page; the machine-readable one is /openapi.json), static files, and the chart library.
- middleware: answers cached until the store changes (cache.py), a request-body size
  limit (413), and security headers on every answer: a
  Content-Security-Policy that allows scripts, styles and images from this app only (no
  inline script can run, whatever an article contains), nosniff, no framing.
- errors: every error answers with its status code and a JSON body `{"error", "status"}`
  (an HTML page for a browser asking for a page); never a traceback. Unexpected errors
  are logged here and answer 500.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from detente import __version__
from detente.errors import DetenteError, StoreError, StoreInUseError
from detente.web.access import StoreAccess
from detente.web.cache import AnswerCache, CacheAnswers
from detente.web.context import WebContext, render
from detente.web.settings import WebSettings

logger = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
)


def _json_bytes(status: int, message: str) -> bytes:
    return json.dumps({"error": message, "status": status}).encode("utf-8")


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every HTTP answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in SECURITY_HEADERS if n not in names]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyLimit:
    """Answers 413 to a request whose body is larger than `max_body` bytes, before the
    app reads it: from Content-Length, or (a chunked body) by reading up to the limit."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def _refuse(self, send: Send, status: int, message: str) -> None:
        body = _json_bytes(status, message)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_large = f"the request body is larger than {self.max_body} bytes: send less"
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None:
            try:
                size = int(length)
            except ValueError:
                await self._refuse(send, 400, "Content-Length is not a number")
                return
            if size > self.max_body:
                await self._refuse(send, 413, too_large)
                return
            await self.app(scope, receive, send)
            return
        if scope.get("method") not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > self.max_body:
                await self._refuse(send, 413, too_large)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _wants_html(request: Request) -> bool:
    if request.url.path.startswith("/api") or request.url.path == "/openapi.json":
        return False
    return "text/html" in request.headers.get("accept", "")


def error_response(
    request: Request, status: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    """The answer to an error: JSON `{"error", "status"}`, or a page for a browser."""
    if _wants_html(request):
        return render(
            request, "error.html", {"status": status, "message": message}, status, headers
        )
    return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)


def _install_error_handlers(app: FastAPI, settings: WebSettings) -> None:
    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        detail = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
        return error_response(request, exc.status_code, detail, dict(exc.headers or {}))

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        problems = []
        for error in exc.errors():
            where = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
            problems.append(f"{where}: {error.get('msg', 'invalid')}")
        message = "invalid request: " + "; ".join(problems)
        return error_response(request, 422, message)

    async def busy(request: Request, exc: Exception) -> Response:
        return error_response(
            request,
            503,
            f"store busy, retry: {exc}",
            {"Retry-After": str(settings.retry_after)},
        )

    async def store_error(request: Request, exc: Exception) -> Response:
        return error_response(request, 503, str(exc))

    async def detente_error(request: Request, exc: Exception) -> Response:
        return error_response(request, 400, str(exc))

    async def unexpected(request: Request, exc: Exception) -> Response:
        logger.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return error_response(request, 500, "internal error: the server log has the details")

    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(StoreInUseError, busy)
    app.add_exception_handler(StoreError, store_error)
    app.add_exception_handler(DetenteError, detente_error)
    app.add_exception_handler(Exception, unexpected)


def _templates() -> Jinja2Templates:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("detente.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    return Jinja2Templates(env=env)


def create_app(db: str | Path, settings: WebSettings | None = None) -> FastAPI:
    """The web app over the store at `db` (read from an in-memory snapshot, rebuilt when
    the file changes; see access.py)."""
    from detente.rankings import actor_names
    from detente.web import api, docs, pages

    settings = settings or WebSettings()
    context = WebContext(
        settings=settings,
        access=StoreAccess(db, write_wait=settings.write_wait),
        names=actor_names(),
        cache=AnswerCache(str(db), settings.cache_bytes),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.warm_up_coder and settings.writable:
            from detente.web.submit import warm_up

            threading.Thread(
                target=warm_up,
                args=(settings.coder, context.coding_lock),
                name="detente-coder-warm-up",
                daemon=True,
            ).start()
        yield
        context.access.close()

    app = FastAPI(
        title="detente",
        version=__version__,
        summary="Political event data from news: events, dyads, alerts and articles.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.context = context
    app.state.templates = _templates()
    _install_error_handlers(app, settings)
    app.include_router(api.router)
    app.include_router(docs.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(packages=[("detente.web", "static")]), name="static")
    app.add_middleware(CacheAnswers, cache=context.cache, access=context.access)  # type: ignore[arg-type]
    app.add_middleware(BodyLimit, max_body=settings.max_body)  # type: ignore[arg-type]
    app.add_middleware(SecurityHeaders)  # type: ignore[arg-type]
    return app


# `detente serve --workers N` starts N processes that each build the app from these.
SERVE_DB_ENV = "DETENTE_SERVE_DB"
SERVE_CACHE_ENV = "DETENTE_SERVE_CACHE_MB"


def app_from_environment() -> FastAPI:
    """The app of one `detente serve --workers N` process: the store and cache size come
    from DETENTE_SERVE_DB and DETENTE_SERVE_CACHE_MB, the token from DETENTE_TOKEN (set by
    `detente serve` before it starts the processes)."""
    import os

    db = os.environ[SERVE_DB_ENV]
    cache_mb = int(os.environ.get(SERVE_CACHE_ENV, "32"))
    token = os.environ.get("DETENTE_TOKEN") or None
    settings = WebSettings(token=token, warm_up_coder=True, cache_bytes=cache_mb << 20)
    return create_app(db, settings)
