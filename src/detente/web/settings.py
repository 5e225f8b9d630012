"""What a web app is built with: its store, its write token and its limits."""

from __future__ import annotations

from dataclasses import dataclass

from detente.parallel import CoderFactory

DEFAULT_MAX_BODY = 1 << 20  # bytes of a request body (1 MiB)
DEFAULT_CACHE_BYTES = 32 << 20  # bytes of cached answers (see cache.py)


@dataclass(frozen=True)
class WebSettings:
    """Settings of one app (`create_app(db, settings)`); nothing is read from the environment.

    token: writes (POST /api/articles) need `Authorization: Bearer TOKEN`; None (the
        default) makes the app read-only and POST answers 403.
    coder: the factory of the coder that codes posted articles (default `CoderSpec()`,
        the full detente coder, built on the first POST or by `warm_up_coder`).
    """

    token: str | None = None
    max_body: int = DEFAULT_MAX_BODY
    page_size: int = 50
    max_page_size: int = 500
    retry_after: int = 2  # seconds a client should wait when the store is busy
    write_wait: float = 10.0  # seconds a write waits for in-flight reads of this server
    coder: CoderFactory | None = None
    warm_up_coder: bool = False  # build the coder in the background at start-up
    cache_bytes: int = DEFAULT_CACHE_BYTES  # answers kept until the store changes (0: none)

    @property
    def writable(self) -> bool:
        return bool(self.token)
