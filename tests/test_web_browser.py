"""The dashboard in a real browser: Debian's Chromium, driven by Playwright's sync API
(launched by its executable path: no `playwright install`, no browser download).

One server (uvicorn on a free loopback port, in a thread) over a store coded by the fake
coder; the test opens the overview, follows a dyad, sees the chart and the events, opens
an article, at laptop and phone width, using the keyboard for part of the way. It fails
on any console error or page error (a CSP violation is one), on any request that leaves
the machine, and if a script in the hostile article runs. Screenshots go to
tests/artifacts/web/ (ignored by git).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "web"
LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def _need_browser() -> None:
    reason = None
    if not CHROMIUM.exists():
        reason = (
            f"{CHROMIUM} is missing: `make test` installs Debian's chromium when run as root "
            "(apt-get install chromium)"
        )
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "playwright is not installed: pip install -e '.[test]'"
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(reason)  # CI must run this test, not skip it
    pytest.skip(reason)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _need_browser()
    pytest.importorskip("fastapi", reason="the web extra (fastapi) is not installed")
    import uvicorn
    from fake_coder import FakeCoderFactory
    from test_web_api import ARTICLES, ingest_articles
    from test_web_safety import HOSTILE

    from detente.web import WebSettings, create_app

    db = tmp_path_factory.mktemp("web") / "events.duckdb"
    ingest_articles(db, [*ARTICLES, {**HOSTILE, "id": "hostile"}])
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(db, WebSettings(coder=FakeCoderFactory()))
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Watch:
    """Console errors, page errors, dialogs and requests to other hosts of one page."""

    def __init__(self, page: object, origin: str) -> None:
        self.problems: list[str] = []
        self.outside: list[str] = []
        host = urlparse(origin).netloc
        page.on(  # type: ignore[attr-defined]
            "console",
            lambda m: (
                self.problems.append(f"console {m.type}: {m.text}")
                if m.type in ("error", "assert")
                else None
            ),
        )
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))  # type: ignore[attr-defined]
        page.on("dialog", lambda d: (self.problems.append(f"dialog: {d.message}"), d.dismiss()))  # type: ignore[attr-defined]

        def route(r: object) -> None:
            url = r.request.url  # type: ignore[attr-defined]
            if urlparse(url).netloc == host or url.startswith("data:"):
                r.continue_()  # type: ignore[attr-defined]
            else:
                self.outside.append(url)
                r.abort()  # type: ignore[attr-defined]

        page.route("**/*", route)  # type: ignore[attr-defined]

    def check(self) -> None:
        assert not self.outside, f"requests left the machine: {self.outside}"
        assert not self.problems, "\n".join(self.problems)


def shot(page: object, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path


def wait_for_chart(page: object) -> None:
    page.wait_for_selector(".chart-box.drawn svg", timeout=15_000)  # type: ignore[attr-defined]


def test_overview_dyad_article_at_laptop_width(browser: object, server: str) -> None:
    page = browser.new_page(viewport=LAPTOP)  # type: ignore[attr-defined]
    watch = Watch(page, server)
    page.goto(server + "/")
    wait_for_chart(page)
    assert page.locator("h1").inner_text() == "Where tension is rising"
    assert page.locator(".chart-box svg .mark-rect path, .chart-box svg .mark-rect").count() > 0
    assert page.get_by_label("Actor", exact=True).count() == 1  # labelled controls
    assert page.get_by_label("Event type", exact=True).count() == 1
    shot(page, "laptop-1-overview")

    dyads = page.get_by_role("region", name="Most active dyads")
    dyads.get_by_role("link", name="IND–PAK").click()
    page.wait_for_url("**/dyads/IND/PAK")
    wait_for_chart(page)
    rows = page.locator("table.events tbody tr")
    assert rows.count() == 13
    assert page.locator("table.events mark.trigger").first.inner_text() == "called"
    assert page.locator(".chart-box svg").count() == 1
    shot(page, "laptop-2-dyad")

    page.locator("table.events a", has_text="Talks on 2019-09-02").click()
    page.wait_for_url("**/articles/talks-2019-09-02*")
    assert page.locator("article .text mark.trigger").inner_text() == "called"
    assert page.locator("article .text mark.actor").inner_text() == "IND"
    assert page.locator("article .text mark.recipient").inner_text() == "PAK"
    shot(page, "laptop-3-article")
    watch.check()
    page.close()


def test_keyboard_filters_and_phone_width(browser: object, server: str) -> None:
    page = browser.new_page(viewport=PHONE)  # type: ignore[attr-defined]
    watch = Watch(page, server)
    page.goto(server + "/")
    wait_for_chart(page)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    # fill the filter form with the keyboard: type the actor, Tab to the type, pick it
    # by typing its first letters, submit with Enter
    actor = page.get_by_label("Actor", exact=True)
    actor.focus()
    page.keyboard.type("IND")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "f-type"
    page.keyboard.type("ASS")
    assert page.get_by_label("Event type", exact=True).input_value() == "ASSAULT"
    actor.press("Enter")
    page.wait_for_url("**/?actor=IND&type=ASSAULT*")
    wait_for_chart(page)
    assert page.locator("#h-time").inner_text().endswith("involving IND, ASSAULT only")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the overview is {width}px wide on a {PHONE['width']}px phone"
    shot(page, "phone-1-overview")

    page.goto(server + "/dyads/IND/PAK?type=ASSAULT")
    wait_for_chart(page)
    assert page.locator("table.events tbody tr").count() == 8
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the dyad page is {width}px wide on a phone"
    shot(page, "phone-2-dyad")
    page.goto(server + "/articles/seed")
    assert page.locator("article .text mark.trigger").count() == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "phone-3-article")
    watch.check()
    page.close()


def test_scripts_in_an_article_never_run(browser: object, server: str) -> None:
    page = browser.new_page(viewport=LAPTOP)  # type: ignore[attr-defined]
    watch = Watch(page, server)
    for url in ("/articles/hostile", "/dyads/PAK/RUS", "/events?actor=PAK"):
        page.goto(server + url)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("typeof window.pwned") == "undefined", url
        assert page.locator("article img, table img, article svg").count() == 0, url
    text = page.goto(server + "/articles/hostile")
    assert text is not None and text.status == 200
    assert "<script>window.pwned = 1;" in page.locator("article .text").inner_text()
    shot(page, "laptop-4-hostile-article")
    watch.check()  # no alert() dialog, no CSP violation, nothing fetched from elsewhere
    page.close()
