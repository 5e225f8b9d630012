"""The REST API and the pages of `detente serve`, through FastAPI's TestClient, on a store
coded by the fake coder (tests/fake_coder.py) through the real ingest."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_coder import FakeCoderFactory

from detente.ingest import ingest
from detente.store import open_store

fastapi = pytest.importorskip("fastapi", reason="the web extra (fastapi) is not installed")
from fastapi.testclient import TestClient

from detente.web import WebSettings, create_app
from detente.web.highlight import sentence_segments

TOKEN = "test-token-0123456789"


def _baseline() -> list[dict[str, object]]:
    """IND and PAK talk for months, then fight: an escalation alert by February 2020."""
    talks = [
        {
            "id": f"talks-{day}",
            "text": f"IND called PAK on {day}.",
            "date": day,
            "source": "Dawn",
            "title": f"Talks on {day}",
        }
        for day in ("2019-09-02", "2019-09-16", "2019-10-07", "2019-10-21", "2019-11-04")
    ]
    clashes = [
        {
            "id": f"clash-{day}",
            "text": f"IND attacked PAK on {day}.",
            "date": day,
            "source": "Wire",
            "title": f"Clash on {day}",
        }
        for day in (
            "2020-02-03",
            "2020-02-05",
            "2020-02-07",
            "2020-02-10",
            "2020-02-12",
            "2020-02-14",
            "2020-02-18",
            "2020-02-21",
        )
    ]
    return talks + clashes


ARTICLES: list[dict[str, object]] = [
    {
        "id": "seed",
        "text": "PAK called RUS on 2020-01-10 and RUS called PAK on 2020-01-11.\n"
        "RUS aided PAK on 2020-01-12.",
        "date": "2020-01-21",
        "title": "Qureshi calls Lavrov",
        "source": "Arab News",
    },
    {
        "id": "usa",
        "text": "Yesterday USA called IRN on 2020-01-15.",
        "date": "2020-01-16",
        "source": "Guardian",
    },
    *_baseline(),
]


def write_jsonl(path: Path, articles: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
    return path


def ingest_articles(db: Path, articles: list[dict[str, object]], name: str = "in") -> None:
    """Code `articles` with the fake coder and store them, as `detente ingest` does."""
    source = write_jsonl(db.parent / f"{name}.jsonl", articles)
    with open_store(db) as store:
        ingest([str(source)], store, coder=FakeCoderFactory(), workers=1)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "events.duckdb"
    ingest_articles(path, ARTICLES)
    return path


def client_for(db: Path, **settings: object) -> TestClient:
    settings.setdefault("coder", FakeCoderFactory())
    app = create_app(db, WebSettings(**settings))  # type: ignore[arg-type]
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture
def client(db: Path) -> Iterator[TestClient]:
    with client_for(db) as c:
        yield c


# --------------------------------------------------------------------------- /api/events


def test_events_pages_with_total_and_next_link(client: TestClient) -> None:
    first = client.get("/api/events", params={"limit": 5}).json()
    assert first["total"] == 17 and first["limit"] == 5 and first["offset"] == 0
    assert len(first["events"]) == 5
    assert first["next"] == "/api/events?limit=5&offset=5"
    pages = [first]
    while pages[-1]["next"]:
        pages.append(client.get(pages[-1]["next"]).json())
    ids = [e["event_id"] for p in pages for e in p["events"]]
    assert len(ids) == len(set(ids)) == 17  # every event once, in store order
    dates = [e["date"] for p in pages for e in p["events"]]
    assert dates == sorted(dates)


def test_events_filters(client: TestClient) -> None:
    def total(**params: object) -> int:
        answer = client.get("/api/events", params=params)
        assert answer.status_code == 200, answer.text
        return answer.json()["total"]

    assert total(actor="PAK") == 1  # PAK acting: only "PAK called RUS"
    assert total(recipient="PAK") == 15
    assert total(actor="INDGOV", type="ASSAULT") == 8
    assert total(type="19") == 8  # CAMEO prefix
    assert total(type="consult") == 8
    assert total(dyad="PAK,RUS") == 3 and total(dyad="PAK,RUS", directed=True) == 1
    assert total(since="2020-02-10", until="2020-02-14") == 3
    assert total(source="guardian") == 1
    assert total(doc_id="seed") == 3
    assert total(actor="") == 17  # an empty form field is no filter


def test_events_record_is_the_event_schema_with_counts_and_evidence(client: TestClient) -> None:
    (record,) = client.get("/api/events", params={"source": "Guardian", "evidence": True}).json()[
        "events"
    ]
    assert record["event"] == "CONSULT" and record["actor"]["code"] == "USAGOV"
    assert record["recipient"]["country"] == "IRN" and record["date"] == "2020-01-15"
    assert {"goldstein", "quad_class", "trigger", "sentence", "coder_version"} <= set(record)
    assert (record["num_mentions"], record["num_articles"]) == (1, 1)
    assert record["mentions"][0]["doc_id"] == "usa"


def test_page_beyond_the_end_is_empty_not_an_error(client: TestClient) -> None:
    answer = client.get("/api/events", params={"offset": 1000}).json()
    assert answer["events"] == [] and answer["next"] is None and answer["total"] == 17


# --------------------------------------------------------------------------- dyads, actors, alerts


def test_dyad_has_series_with_empty_weeks_and_its_events(client: TestClient) -> None:
    answer = client.get("/api/dyads/pak/rus", params={"freq": "day"}).json()
    assert (answer["first"], answer["second"], answer["freq"]) == ("PAK", "RUS", "day")
    assert [p["start"] for p in answer["series"]] == ["2020-01-10", "2020-01-11", "2020-01-12"]
    assert [p["events"] for p in answer["series"]] == [1, 1, 1]
    assert answer["total"] == 3 and [e["event"] for e in answer["events"]] == [
        "CONSULT",
        "CONSULT",
        "AID",
    ]
    weekly = client.get("/api/dyads/IND/PAK", params={"since": "2020-02-01"}).json()
    assert weekly["series"][0]["start"] == "2020-01-27"  # the Monday of the week
    assert weekly["total"] == 8 and all(e["event"] == "ASSAULT" for e in weekly["events"])
    directed = client.get("/api/dyads/RUS/PAK", params={"directed": True}).json()
    assert directed["total"] == 2


def test_actors_are_ranked_with_names_and_paged(client: TestClient) -> None:
    answer = client.get("/api/actors", params={"limit": 2}).json()
    assert [a["code"] for a in answer["actors"]] == ["PAK", "IND"]
    assert answer["actors"][0]["name"] == "Pakistan"
    assert answer["next"] == "/api/actors?limit=2&offset=2"
    rest = client.get(answer["next"]).json()
    assert [a["code"] for a in rest["actors"]] == ["RUS", "IRN"]  # IRN and USA tie: by code


def test_alerts_find_the_escalation_with_its_evidence(client: TestClient) -> None:
    answer = client.get("/api/alerts", params={"evidence": 2}).json()
    assert answer["as_of"] == "2020-02-21"
    (alert,) = [a for a in answer["alerts"] if {a["first"], a["second"]} == {"IND", "PAK"}]
    assert alert["kind"] == "escalation"
    assert len(alert["evidence"]) == 2 and alert["evidence"][0]["event"] == "ASSAULT"


def test_alerts_of_an_empty_store_are_none(tmp_path: Path) -> None:
    empty = tmp_path / "empty.duckdb"
    open_store(empty).close()
    with client_for(empty) as c:
        answer = c.get("/api/alerts").json()
        assert answer["alerts"] == [] and answer["total"] == 0
        assert c.get("/").status_code == 200


# --------------------------------------------------------------------------- articles


def test_article_has_text_and_its_events_with_offsets_into_it(client: TestClient) -> None:
    article = client.get("/api/articles/seed").json()
    assert article["title"] == "Qureshi calls Lavrov" and article["published"] == "2020-01-21"
    text = article["text"]
    assert [e["event"] for e in article["events"]] == ["CONSULT", "CONSULT", "AID"]
    for event in article["events"]:
        trigger = event["trigger"]
        assert text[trigger["start"] : trigger["end"]] == trigger["text"]
        assert event["event_key"]
    missing = client.get("/api/articles/nope")
    assert missing.status_code == 404
    assert missing.json() == {"error": "no article 'nope' in the store", "status": 404}


def test_summary_counts_the_store(client: TestClient) -> None:
    answer = client.get("/api/summary").json()
    assert answer["events"] == 17 and answer["articles_ok"] == 15 and answer["writable"] is False


# --------------------------------------------------------------------------- POST /api/articles


POSTED = {"id": "posted-1", "text": "USA aided UKR on 2020-03-02.", "date": "2020-03-03"}


def test_post_is_refused_when_the_server_is_read_only(client: TestClient) -> None:
    answer = client.post("/api/articles", json=POSTED, headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 403 and "DETENTE_TOKEN" in answer.json()["error"]
    assert client.get("/api/articles/posted-1").status_code == 404


@pytest.mark.parametrize(
    "header",
    [None, "", f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", TOKEN, f"Basic {TOKEN}", "Bearer "],
)
def test_post_without_a_valid_token_is_401(db: Path, header: str | None) -> None:
    with client_for(db, token=TOKEN) as c:
        headers = {"Authorization": header} if header is not None else {}
        answer = c.post("/api/articles", json=POSTED, headers=headers)
        assert answer.status_code == 401
        assert answer.headers["www-authenticate"] == "Bearer"
        assert c.get("/api/events", params={"doc_id": "posted-1"}).json()["total"] == 0


def test_post_codes_and_stores_an_article_that_then_shows_everywhere(db: Path) -> None:
    with client_for(db, token=TOKEN) as c:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        answer = c.post("/api/articles", json=POSTED, headers=auth)
        assert answer.status_code == 201, answer.text
        assert answer.json() == {
            "doc_id": "posted-1",
            "status": "ok",
            "events": 1,
            "error": None,
            "url": "/api/articles/posted-1",
        }
        (event,) = c.get("/api/events", params={"dyad": "USA,UKR"}).json()["events"]
        assert event["event"] == "AID" and event["doc_id"] == "posted-1"
        assert c.get("/api/events", params={"dyad": "USA,UKR"}).headers["x-detente-cache"] == "hit"
        assert c.get("/api/articles/posted-1").json()["published"] == "2020-03-03"
        assert "posted-1" in c.get("/dyads/USA/UKR").text
        again = c.post("/api/articles", json=POSTED, headers=auth)
        assert again.status_code == 200 and again.json()["status"] == "unchanged"
        changed = c.post(
            "/api/articles", json={**POSTED, "text": "USA attacked UKR."}, headers=auth
        )
        assert changed.status_code == 201  # same id, new text: replaces the stored article
        (event,) = c.get("/api/events", params={"dyad": "USA,UKR"}).json()["events"]
        assert event["event"] == "ASSAULT" and event["date"] == "2020-03-03"
        # no id: one is made from the text; a coder failure is stored as failed and is 422
        failed = c.post("/api/articles", json={"text": "RAISE-ERROR please"}, headers=auth)
        assert failed.status_code == 422 and failed.json()["status"] == "failed"
        assert failed.json()["doc_id"].startswith("api-")
        assert c.get(failed.json()["url"]).json()["status"] == "failed"


def test_post_body_is_checked(db: Path) -> None:
    with client_for(db, token=TOKEN) as c:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        for body in ({}, {"text": ""}, {"text": "x", "date": "soon"}, {"text": "x", "id": "a\nb"}):
            answer = c.post("/api/articles", json=body, headers=auth)
            assert answer.status_code == 422, body
            assert answer.json()["error"].startswith("invalid request")


def test_request_bodies_over_the_limit_are_413(db: Path) -> None:
    with client_for(db, token=TOKEN, max_body=1000) as c:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        big = {"id": "big", "text": "PAK called RUS. " * 100}
        answer = c.post("/api/articles", json=big, headers=auth)
        assert answer.status_code == 413 and answer.json()["status"] == 413

        def chunks() -> Iterator[bytes]:  # no Content-Length: read up to the limit only
            yield json.dumps(big).encode()[:600]
            yield json.dumps(big).encode()[600:]

        chunked = c.post(
            "/api/articles", content=chunks(), headers={**auth, "Content-Type": "application/json"}
        )
        assert chunked.status_code == 413
        assert c.get("/api/articles/big").status_code == 404
        small = c.post(
            "/api/articles", json={"id": "small", "text": "PAK called RUS."}, headers=auth
        )
        assert small.status_code == 201


# --------------------------------------------------------------------------- sharing the store


def test_an_article_ingested_after_the_server_started_appears(db: Path) -> None:
    with client_for(db) as c:
        assert c.get("/api/events", params={"actor": "SYR"}).json()["total"] == 0
        cached = c.get("/api/events", params={"actor": "SYR"})
        assert cached.headers["x-detente-cache"] == "hit"  # served again while unchanged
        ingest_articles(db, [{"id": "late", "text": "SYR called TUR on 2020-02-20."}], "late")
        fresh = c.get("/api/events", params={"actor": "SYR"})
        assert "x-detente-cache" not in fresh.headers  # the store changed: made anew
        answer = fresh.json()
        assert answer["total"] == 1 and answer["events"][0]["doc_id"] == "late"
        assert "SYR" in c.get("/events", params={"actor": "SYR"}).text


def test_without_cache_every_answer_is_made_anew(db: Path) -> None:
    with client_for(db, cache_bytes=0) as c:
        for _ in range(2):
            answer = c.get("/api/events")
            assert answer.status_code == 200 and "x-detente-cache" not in answer.headers


def test_store_held_by_another_writer_is_503_with_retry_after(db: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys, duckdb; c = duckdb.connect(sys.argv[1]); "
                "print('ready', flush=True); sys.stdin.read()"
            ),
            str(db),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with client_for(db) as c:
            busy = c.get("/api/events")
            assert busy.status_code == 503 and busy.headers["retry-after"] == "2"
            assert busy.json()["error"].startswith("store busy, retry")
            page = c.get("/", headers={"Accept": "text/html"})
            assert page.status_code == 503 and "try again shortly" in page.text
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
    with client_for(db) as c:
        assert c.get("/api/events").status_code == 200  # free again, no restart


def test_while_another_process_writes_the_last_snapshot_answers(db: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys, duckdb; sys.stdin.readline(); c = duckdb.connect(sys.argv[1]); "
                "c.execute(\"INSERT INTO store_meta VALUES ('note', 'written')\"); "
                "print('written', flush=True); sys.stdin.read()"
            ),
            str(db),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdin is not None and holder.stdout is not None
    with client_for(db) as c:
        try:
            before = c.get("/api/events").json()  # makes the snapshot, then lets go
            holder.stdin.write("go\n")
            holder.stdin.flush()
            assert holder.stdout.readline().strip() == "written"  # the file changed, held
            for _ in range(2):
                answer = c.get("/api/events")
                assert answer.status_code == 200 and answer.json() == before
                # made from the old snapshot: never kept as the answer for the new content
                assert "x-detente-cache" not in answer.headers
        finally:
            holder.stdin.close()
            holder.wait(timeout=30)
        ingest_articles(db, [{"id": "late", "text": "SYR called TUR on 2020-02-20."}], "late")
        after = c.get("/api/events", params={"actor": "SYR"}).json()
        assert after["total"] == 1  # free again: a new snapshot, no restart


def test_a_post_waits_out_another_process_holding_the_file_briefly(db: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys, time, duckdb; c = duckdb.connect(sys.argv[1], read_only=True); "
                "print('ready', flush=True); time.sleep(0.6)"
            ),
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        with client_for(db, token=TOKEN) as c:
            assert c.get("/api/summary").status_code == 200  # the snapshot, before the hold
            assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
            answer = c.post(
                "/api/articles", json=POSTED, headers={"Authorization": f"Bearer {TOKEN}"}
            )
            assert answer.status_code == 201, answer.text  # stored once the hold ended
            assert c.get("/api/articles/posted-1").status_code == 200
    finally:
        holder.wait(timeout=30)


# --------------------------------------------------------------------------- detente serve


def test_serve_command_reads_the_token_and_needs_a_store(
    tmp_path: Path, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn
    from click.testing import CliRunner

    from detente.cli import main

    started: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.update(app=app, **kw))
    missing = tmp_path / "none.duckdb"
    refused = CliRunner().invoke(main, ["serve", "--db", str(missing)], env={"DETENTE_TOKEN": ""})
    assert refused.exit_code == 1 and "no event store at" in refused.output
    assert not missing.exists() and not started

    served = CliRunner().invoke(
        main, ["serve", "--db", str(db), "--port", "8123"], env={"DETENTE_TOKEN": ""}
    )
    assert served.exit_code == 0, served.output
    assert (started["host"], started["port"]) == ("127.0.0.1", 8123)
    settings = started["app"].state.context.settings  # type: ignore[attr-defined]
    assert settings.token is None and not settings.writable and "read-only" in served.output

    fresh = CliRunner().invoke(
        main, ["serve", "--db", str(missing), "--cache-mb", "0"], env={"DETENTE_TOKEN": TOKEN}
    )
    assert fresh.exit_code == 0 and missing.exists()  # an empty store, for POSTed articles
    settings = started["app"].state.context.settings  # type: ignore[attr-defined]
    assert settings.token == TOKEN and settings.cache_bytes == 0


def test_serve_workers_start_processes_that_build_the_app_from_the_environment(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn
    from click.testing import CliRunner

    from detente.cli import main
    from detente.web.app import SERVE_CACHE_ENV, SERVE_DB_ENV, app_from_environment

    started: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.update(app=app, **kw))
    monkeypatch.setenv(SERVE_DB_ENV, "unset")  # restored after the test
    monkeypatch.setenv(SERVE_CACHE_ENV, "unset")
    served = CliRunner().invoke(
        main, ["serve", "--db", str(db), "--workers", "2", "--cache-mb", "0"],
        env={"DETENTE_TOKEN": ""},
    )
    assert served.exit_code == 0, served.output
    assert started["app"] == "detente.web.app:app_from_environment"
    assert started["factory"] is True and started["workers"] == 2
    assert started["access_log"] is False
    import os

    assert os.environ[SERVE_DB_ENV] == str(db.resolve()) and os.environ[SERVE_CACHE_ENV] == "0"
    app = app_from_environment()  # what each worker process builds
    with TestClient(app) as worker:
        assert worker.get("/api/summary").json()["writable"] is False


# --------------------------------------------------------------------------- errors, docs


def test_errors_are_json_with_a_status(client: TestClient) -> None:
    cases = {
        "/api/events?since=2020-13-01": 422,
        "/api/events?since=2020-02-01&until=2020-01-01": 422,
        "/api/events?limit=0": 422,
        "/api/events?dyad=PAK": 422,
        "/api/dyads/PAK/RUS?freq=hour": 422,
        "/api/dyads/P%20K/RUS": 400,
        "/api/nothing": 404,
    }
    for url, status in cases.items():
        answer = client.get(url)
        assert answer.status_code == status, url
        body = answer.json()
        assert body["status"] == status and body["error"], url


def test_an_unexpected_error_is_500_json_without_a_traceback(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import detente.web.access

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(detente.web.access, "open_store", broken)
    with client_for(db) as c:
        for accept in ("application/json", "text/html"):
            answer = c.get("/api/events", headers={"Accept": accept})
            assert answer.status_code == 500
            assert answer.json() == {
                "error": "internal error: the server log has the details",
                "status": 500,
            }
            assert "secret" not in answer.text and "Traceback" not in answer.text
        page = c.get("/events", headers={"Accept": "text/html"})
        assert page.status_code == 500 and "Traceback" not in page.text


def test_openapi_describes_the_api_and_docs_shows_it_without_a_cdn(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    assert {
        "/api/events",
        "/api/dyads/{first}/{second}",
        "/api/alerts",
        "/api/actors",
        "/api/articles/{doc_id}",
        "/api/articles",
    } <= paths
    assert not any(p.startswith("/dyads") or p == "/" for p in paths)  # pages are not API
    params = {p["name"] for p in spec["paths"]["/api/events"]["get"]["parameters"]}
    assert {"actor", "type", "since", "until", "limit", "offset", "dyad"} <= params
    docs = client.get("/docs")
    assert docs.status_code == 200 and "POST /api/articles" in docs.text
    assert '<script src="http' not in docs.text and "cdn" not in docs.text.lower()


# --------------------------------------------------------------------------- pages


def test_pages_render_with_shareable_filter_links(client: TestClient) -> None:
    overview = client.get("/", params={"actor": "PAK"})
    assert overview.status_code == 200
    assert 'href="/dyads/IND/PAK"' in overview.text  # most active dyad
    assert 'href="/events?actor=PAK"' in overview.text  # the events behind the chart
    week = 'href="/events?actor=PAK&amp;since=2020-02-17&amp;until=2020-02-23"'
    assert week in overview.text  # and behind each week of it
    assert "escalation" in overview.text
    events = client.get("/events", params={"type": "ASSAULT", "since": "2020-02-10"})
    assert events.text.count('<tr class="q4"') == 5
    assert 'value="2020-02-10"' in events.text  # the form shows the filter it applied
    paged = client.get("/dyads/IND/PAK")
    assert paged.status_code == 200 and "Events 1–13 of 13" in paged.text
    article = client.get("/articles/seed")
    assert '<mark class="trigger" title="CONSULT (041)" id="m-0">called</mark>' in article.text
    assert 'href="/articles/seed#m-1"' in article.text  # each event row links to its trigger


def test_dyad_pages_link_each_period_to_its_events(client: TestClient) -> None:
    page = client.get("/dyads/IND/PAK", params={"freq": "month"}).text
    assert 'href="/dyads/IND/PAK?freq=month&amp;since=2020-02-01&amp;until=2020-02-29"' in page
    chart = page.split('id="dyad-chart-spec">', 1)[1].split("</script>", 1)[0]
    assert json.loads(chart)["$schema"].startswith("https://vega.github.io/schema/vega-lite/")


def test_open_dyad_form_redirects_and_refuses_bad_codes(client: TestClient) -> None:
    answer = client.get("/dyad", params={"first": "pak", "second": "rus"}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/dyads/PAK/RUS"
    bad = client.get("/dyad", params={"first": "P K", "second": "RUS"})
    assert bad.status_code == 400


def test_assets_are_served_by_the_app(client: TestClient) -> None:
    css = client.get("/static/app.css")
    assert css.status_code == 200 and "text/css" in css.headers["content-type"]
    assert client.get("/static/app.js").status_code == 200
    script = client.get("/assets/vega-embed.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert b"window.vegaEmbed" in script.content
    assert "max-age" in script.headers["cache-control"]


# --------------------------------------------------------------------------- highlighting


def test_the_trigger_of_the_second_event_is_its_own_word_not_the_first() -> None:
    from fake_coder import FakeCoder

    from detente.records import Article

    text = "PAK called RUS on 2020-01-10 and RUS called PAK on 2020-01-11."
    first, second = FakeCoder().code_article(Article("d", text, dt.date(2020, 1, 12)))
    pieces = "".join(f"[{s.text}]" if s.mark else s.text for s in sentence_segments(second, text))
    assert pieces == "PAK called RUS on 2020-01-10 and [RUS] [called] [PAK] on 2020-01-11."
    pieces = "".join(f"[{s.text}]" if s.mark else s.text for s in sentence_segments(first, text))
    assert pieces == "[PAK] [called] [RUS] on 2020-01-10 and RUS called PAK on 2020-01-11."


def test_headline_triggers_are_marked_in_the_title_and_overlaps_keep_the_trigger() -> None:
    from dataclasses import replace

    from fake_coder import make_event

    from detente.records import Trigger
    from detente.web.highlight import article_segments

    title = "Pakistan calls Russia"
    text = "PAK called RUS on 2020-01-10."
    headline = replace(
        make_event("d", "PAK", "RUS", sentence_index=-1, sentence=title),
        trigger=Trigger("calls", 9, 14),
    )
    body = replace(make_event("d", "PAK", "RUS", sentence=text), trigger=Trigger("called", 4, 10))
    # an actor whose words overlap the trigger loses: the trigger is what the event is
    odd = replace(body, actor=replace(body.actor, text="PAK called"))
    heading, segments = article_segments(text, title, [headline, body, odd])
    assert [(s.text, s.mark.kind if s.mark else None) for s in heading] == [
        ("Pakistan ", None),
        ("calls", "trigger"),
        (" Russia", None),
    ]
    assert heading[1].mark is not None and heading[1].mark.anchor == "m-0"
    marked = [(s.text, s.mark.kind, s.mark.anchor) for s in segments if s.mark]
    assert marked == [
        ("PAK", "actor", None),
        ("called", "trigger", "m-1"),
        ("RUS", "recipient", None),
    ]
