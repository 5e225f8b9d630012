"""Safety of `detente serve`: article text is escaped everywhere, every filter is bound as
a parameter (SQL-injection strings find nothing and change nothing), errors are JSON
without tracebacks, and every answer carries a CSP that lets no inline script run.
(tests/test_web_browser.py opens the hostile article in a real browser as well.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fake_coder import dump_store

pytest.importorskip("fastapi", reason="the web extra (fastapi) is not installed")

from test_web_api import client_for, ingest_articles

HOSTILE = {
    "id": "<script>alert('id')</script>",
    "title": "</title><script>alert('title')</script>",
    "source": '"><img src=x onerror=alert(1)>',
    "url": "javascript:alert('url')",
    "date": "2020-01-21",
    "text": "<script>window.pwned = 1; alert('text')</script>\n"
    "PAK called RUS on 2020-01-10 <img src=x onerror=alert(2)> said <b>officials</b>.\n"
    "<svg onload=alert(3)></svg> RUS aided PAK on 2020-01-12 </textarea></script><script>alert(4)</script>.",
}

INJECTIONS = (
    "' OR 1=1 --",
    "PAK' OR '1'='1",
    "PAK'; DROP TABLE events; --",
    '" OR ""="',
    "%",
    "_",
    "\\",
    "PAK) OR (1=1",
    "1; SELECT * FROM articles",
)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "events.duckdb"
    ingest_articles(
        path,
        [
            HOSTILE,
            {"id": "plain", "text": "USA called IRN on 2020-01-15.", "source": "Guardian"},
        ],
    )
    return path


OUR_SCRIPTS = re.compile(
    r'<script (?:src="/static/app\.js" defer|src="/assets/vega-embed\.js" defer'
    r'|type="application/json" id="[a-z-]+-spec")>'
)


def assert_no_markup_from_the_article(html: str) -> None:
    """Every <script> of the page is one of ours, and no tag of the article survived."""
    for tag in re.findall(r"<script[^>]*>", html, flags=re.IGNORECASE):
        assert OUR_SCRIPTS.fullmatch(tag), tag
    for needle in ("<img", "<svg", "<b>", "</textarea>", 'href="javascript:'):
        assert needle not in html, needle
    for tag in re.findall(r"<[a-z][^>]*>", html, flags=re.IGNORECASE):
        assert not re.search(r"\son[a-z]+=", tag, flags=re.IGNORECASE), tag  # no handlers


def test_article_markup_is_escaped_on_every_page(db: Path) -> None:
    with client_for(db) as c:
        doc = c.get("/api/events", params={"source": "Guardian"}).json()["events"][0]["doc_id"]
        assert doc == "plain"
        (hostile,) = [
            e["doc_id"] for e in c.get("/api/events", params={"dyad": "PAK,RUS"}).json()["events"]
        ][:1]
        assert hostile == HOSTILE["id"]
        article = c.get("/api/articles/" + hostile.replace("/", "%2F"))
        assert article.status_code == 200 and article.json()["text"] == HOSTILE["text"]
        pages = [
            "/",
            "/events",
            "/events?actor=PAK",
            "/dyads/PAK/RUS",
            "/articles/%3Cscript%3Ealert('id')%3C%2Fscript%3E",
        ]
        for url in pages:
            page = c.get(url)
            assert page.status_code == 200, url
            assert_no_markup_from_the_article(page.text)
        text = c.get(pages[-1]).text
        assert "&lt;script&gt;window.pwned = 1; alert(&#39;text&#39;)&lt;/script&gt;" in text
        assert "&lt;/title&gt;&lt;script&gt;alert(&#39;title&#39;)" in text
        assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in text  # the source


def test_every_answer_has_a_csp_forbidding_inline_scripts(db: Path) -> None:
    with client_for(db) as c:
        for url in ("/", "/api/events", "/docs", "/static/app.css", "/nowhere"):
            headers = c.get(url).headers
            csp = headers["content-security-policy"]
            script = next(p for p in csp.split(";") if p.strip().startswith("script-src"))
            assert script.split() == ["script-src", "'self'"]
            assert "default-src 'self'" in csp and "object-src 'none'" in csp
            assert headers["x-content-type-options"] == "nosniff"
            assert headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("value", INJECTIONS)
def test_sql_injection_through_every_filter_finds_nothing_and_changes_nothing(
    db: Path, value: str
) -> None:
    before = dump_store(db)
    with client_for(db) as c:
        for name in ("actor", "recipient", "type", "source", "doc_id"):
            answer = c.get("/api/events", params={name: value})
            assert answer.status_code == 200, (name, answer.text)
            assert answer.json()["total"] == 0, name
        for params in (
            {"dyad": f"{value},RUS"},
            {"dyad": f"PAK,{value}"},
            {"since": value},
            {"until": value},
            {"limit": value},
            {"offset": value},
        ):
            answer = c.get("/api/events", params=params)
            assert answer.status_code in (200, 422), params
            assert answer.status_code == 422 or answer.json()["total"] == 0, params
        for url, params in (
            ("/api/dyads/PAK/RUS", {"type": value}),
            ("/api/dyads/PAK/RUS", {"freq": value}),
            ("/api/actors", {"since": value}),
            ("/api/alerts", {"as_of": value}),
            ("/events", {"actor": value, "type": value, "source": value}),
            ("/", {"type": value}),
        ):
            answer = c.get(url, params=params)
            assert answer.status_code in (200, 400, 422), (url, params, answer.text)
            assert "Traceback" not in answer.text
        quoted = value.replace("%", "%25").replace("\\", "%5C").replace("/", "%2F")
        for url in (f"/api/dyads/{quoted}/RUS", f"/dyads/PAK/{quoted}"):
            answer = c.get(url)
            assert answer.status_code in (400, 404), url  # not an actor code
            assert "error" in answer.json()
        assert c.get(f"/api/articles/{quoted}").status_code == 404
        assert c.get(f"/articles/{quoted}").status_code == 404
        assert c.get("/api/events").json()["total"] == 3
    assert dump_store(db) == before


def test_a_huge_or_odd_query_is_refused_cleanly(db: Path) -> None:
    with client_for(db) as c:
        for params in (
            {"actor": "A" * 5000},
            {"offset": "-1"},
            {"limit": "99999999999999999999"},
            {"since": "2020-01-01" * 100},
        ):
            answer = c.get("/api/events", params=params)
            assert answer.status_code == 422, params
            assert answer.json()["status"] == 422
            if "limit" in params:
                continue  # pages have a fixed page size
            page = c.get("/events", params=params, headers={"Accept": "text/html"})
            assert page.status_code == 422 and "<script>" not in page.text
            assert "Traceback" not in page.text
