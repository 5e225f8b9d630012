"""Dashboard and API speed on a store of 100,000 generated events.

    python benchmarks/web.py                     # 100,000 events, 20 clients, 2,000 requests
    python benchmarks/web.py --events 20000 --requests 500
    python benchmarks/web.py --db big.duckdb     # keep (and reuse) the generated store

Fills a store with generated events (30 states, 16 PLOVER types, two years, five events
per article, with article texts and triggers), starts `detente serve` on it on a free
loopback port in a child process, and measures over HTTP from this process:

- the overview page (`/`) and a dyad page (`/dyads/A/B`): median and worst of 10 loads
  each, after one warm-up load;
- `/api/events` under 20 concurrent clients (threads with keep-alive connections), a
  mix of unfiltered, actor, dyad, type and date filters and pages: p50 and p95 latency.

Both without the answer cache (`--cache-mb 0`) and with it (the default). Without it,
every answer is computed: the server reads from its in-memory snapshot of the store
(made on the warm-up request; see docs/WEB.md), so the figures are those of counting,
paging, building the records and the JSON, and HTTP, not of opening the file. With it,
answers are kept until the store changes; the 10 URLs of the mix repeat, so nearly all
are hits: the figure for many clients reading the same views, not for new queries.

Server and clients share the machine's cores (2 on the development machine), so the
latencies under load are those of a saturated server: p95 grows with the CPU each answer
costs, and with any other work on the machine.

Targets (issue 5): pages < 300 ms, API p95 < 100 ms. Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

STATES = [
    "AFG",
    "CHN",
    "DEU",
    "EGY",
    "FRA",
    "GBR",
    "IND",
    "IRN",
    "IRQ",
    "ISR",
    "JPN",
    "KOR",
    "PAK",
    "PRK",
    "RUS",
    "SAU",
    "SYR",
    "TUR",
    "UKR",
    "USA",
    "BRA",
    "ZAF",
    "NGA",
    "ETH",
    "KEN",
    "MEX",
    "CAN",
    "AUS",
    "IDN",
    "VNM",
]
# PLOVER type, mode, CAMEO code, Goldstein, quad class, verb as written
TYPES = (
    ("AGREE", None, "057", 8.0, 1, "signed an agreement with"),
    ("CONSULT", "phone", "041", 1.0, 1, "called"),
    ("CONSULT", "visit", "042", 1.9, 1, "visited"),
    ("SUPPORT", None, "051", 3.4, 1, "praised"),
    ("CONCEDE", None, "081", 5.0, 2, "eased restrictions on"),
    ("COOPERATE", None, "061", 6.4, 2, "cooperated with"),
    ("AID", "economic", "071", 7.4, 2, "aided"),
    ("RETREAT", None, "087", 9.0, 2, "withdrew troops from"),
    ("REQUEST", None, "020", 3.0, 1, "appealed to"),
    ("ACCUSE", None, "112", -2.0, 3, "accused"),
    ("REJECT", None, "120", -4.0, 3, "rejected a proposal by"),
    ("THREATEN", None, "130", -4.4, 3, "threatened"),
    ("PROTEST", None, "141", -6.5, 3, "protested against"),
    ("SANCTION", None, "163", -8.0, 4, "imposed sanctions on"),
    ("MOBILIZE", None, "152", -7.2, 4, "mobilised troops against"),
    ("COERCE", None, "172", -5.0, 4, "expelled diplomats of"),
    ("ASSAULT", None, "190", -10.0, 4, "attacked"),
)
EVENTS_PER_ARTICLE = 5
FIRST_DAY = dt.date(2022, 1, 1)
DAYS = 730
TARGET_PAGE_MS = 300.0
TARGET_API_P95_MS = 100.0


def _articles(count: int, seed: int) -> Iterator[tuple[object, ...]]:
    """(Article, events) pairs: `count` events in articles of EVENTS_PER_ARTICLE events.

    A few dyads are much more active than the rest (as in real news), so the dyad pages
    have hundreds of events to show.
    """
    from detente.records import Actor, Article, Event, Precision, QuadClass, Sector, Trigger

    rng = random.Random(seed)
    hot = [("RUS", "UKR"), ("USA", "CHN"), ("IND", "PAK"), ("ISR", "IRN"), ("KOR", "PRK")]

    def actor(country: str, sector: Sector) -> Actor:
        return Actor(country, country, country, sector, f"{country}{sector.value}")

    made = 0
    number = 0
    while made < count:
        number += 1
        doc_id = f"gen-{number:06d}"
        published = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
        text_parts: list[str] = []
        offset = 0
        events: list[Event] = []
        for index in range(min(EVENTS_PER_ARTICLE, count - made)):
            if rng.random() < 0.4:
                first, second = rng.choice(hot)
                if rng.random() < 0.5:
                    first, second = second, first
            else:
                first, second = rng.sample(STATES, 2)
            kind, mode, cameo, goldstein, quad, verb = rng.choice(TYPES)
            sector = rng.choice((Sector.GOV, Sector.GOV, Sector.MIL))
            day = published - dt.timedelta(days=rng.randrange(3))
            sentence = f"Officials of {first} {verb} {second} on {day.isoformat()}."
            start = offset + len(f"Officials of {first} ")
            text_parts.append(sentence)
            made += 1
            events.append(
                Event(
                    event_id=hashlib.sha1(f"{doc_id}|{index}".encode()).hexdigest()[:16],
                    doc_id=doc_id,
                    event=kind,
                    mode=mode,
                    context=(),
                    cameo=cameo,
                    goldstein=goldstein,
                    quad_class=QuadClass(quad),
                    actor=actor(first, sector),
                    recipient=actor(second, Sector.GOV),
                    date=day.isoformat(),
                    date_precision=Precision.DAY,
                    location=None,
                    sentence_index=index,
                    sentence=sentence,
                    trigger=Trigger(verb, start, start + len(verb)),
                    confidence=round(0.5 + rng.random() * 0.45, 3),
                    coder_version="benchmark 1.0",
                )
            )
            offset += len(sentence) + 1
        text = " ".join(text_parts)
        article = Article(doc_id, text, published, f"Report {number}", "Generated Wire", None)
        yield article, tuple(events)


def fill_store(path: Path, events: int, *, seed: int = 5) -> float:
    """Write `events` generated events into a new store at `path`; return the seconds."""
    from detente.ingest import content_hash
    from detente.store import ArticleResult, open_store

    began = time.perf_counter()
    batch: list[ArticleResult] = []
    with open_store(path) as store:
        for article, coded in _articles(events, seed):
            batch.append(
                ArticleResult(
                    doc_id=article.doc_id,  # type: ignore[attr-defined]
                    status="ok",
                    content_hash=content_hash(article),  # type: ignore[arg-type]
                    article=article,  # type: ignore[arg-type]
                    events=coded,  # type: ignore[arg-type]
                    coder_version="benchmark 1.0",
                )
            )
            if len(batch) >= 2000:
                store.write_batch(batch)
                batch.clear()
        store.write_batch(batch)
    return time.perf_counter() - began


# --------------------------------------------------------------------------- measuring


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def _server(
    db: Path, port: int, cache_mb: int, workers: int = 1
) -> Iterator[subprocess.Popen[bytes]]:
    """`detente serve` on the store, in its own process (so clients do not share its GIL)."""
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "detente", "serve", "--db", str(db)),
            *("--port", str(port), "--cache-mb", str(cache_mb), "--workers", str(workers)),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    err = proc.stderr.read().decode() if proc.stderr else ""
                    raise SystemExit(f"the server did not start: {err}") from None
                time.sleep(0.1)
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _get(conn: http.client.HTTPConnection, path: str) -> tuple[int, float]:
    began = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    return response.status, (time.perf_counter() - began) * 1000


def time_page(port: int, path: str, loads: int) -> list[float]:
    """Milliseconds of `loads` sequential loads of `path`, after one warm-up load."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    status, _ = _get(conn, path)
    if status != 200:
        raise SystemExit(f"{path} answered {status}")
    times = []
    for _ in range(loads):
        status, ms = _get(conn, path)
        times.append(ms)
    conn.close()
    return times


API_PATHS = (
    "/api/events?limit=50",
    "/api/events?limit=50&offset=50",
    "/api/events?limit=50&offset=500",
    "/api/events?actor=RUS",
    "/api/events?recipient=CHN&limit=20",
    "/api/events?actor=USA&type=ASSAULT",
    "/api/events?dyad=RUS,UKR",
    "/api/events?dyad=IND,PAK&since=2023-01-01",
    "/api/events?type=CONSULT&since=2023-06-01&until=2023-06-30",
    "/api/events?type=19&since=2022-03-01&until=2022-03-31&limit=100",
)


def load_api(port: int, clients: int, requests: int) -> tuple[list[float], int, float]:
    """`requests` GETs of API_PATHS from `clients` concurrent keep-alive connections:
    latencies (ms), errors, and the seconds it all took."""
    per_client = max(requests // clients, 1)

    def client(number: int) -> tuple[list[float], int]:
        rng = random.Random(number)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        times, errors = [], 0
        for _ in range(per_client):
            status, ms = _get(conn, rng.choice(API_PATHS))
            times.append(ms)
            errors += status != 200
        conn.close()
        return times, errors

    for path in API_PATHS:  # warm up: one of each
        time_page(port, path, 0)
    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(client, range(clients)))
    took = time.perf_counter() - began
    times = [t for r in results for t in r[0]]
    return times, sum(r[1] for r in results), took


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(q * len(ordered)), len(ordered) - 1)]


def _store_events(db: Path) -> int:
    from detente.store import open_store

    with open_store(db, read_only=True) as store:
        return store.summary().mentions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--events", type=int, default=100_000, help="events to generate")
    parser.add_argument("--clients", type=int, default=20, help="concurrent API clients")
    parser.add_argument("--requests", type=int, default=2000, help="API requests in all")
    parser.add_argument("--loads", type=int, default=10, help="loads of each page")
    parser.add_argument("--db", type=Path, default=None, help="keep the store here (reused)")
    parser.add_argument("--workers", type=int, default=1, help="detente serve --workers")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "web-bench.duckdb"
        if db.exists() and _store_events(db) == args.events:
            print(f"reusing {db}", file=sys.stderr)
        else:
            db.unlink(missing_ok=True)
            seconds = fill_store(db, args.events)
            print(f"generated {args.events} events into {db} in {seconds:.1f}s", file=sys.stderr)
        runs = {}
        for cache_mb in (0, 32):
            port = _free_port()
            with _server(db, port, cache_mb, args.workers):
                pages = {
                    "overview /": time_page(port, "/", args.loads),
                    "dyad /dyads/RUS/UKR": time_page(port, "/dyads/RUS/UKR", args.loads),
                    "article /articles/gen-000042": time_page(
                        port, "/articles/gen-000042", args.loads
                    ),
                }
                runs[cache_mb] = (pages, *load_api(port, args.clients, args.requests))
        from detente.store import open_store

        with open_store(db, read_only=True) as store:
            summary = store.summary()

    print(
        f"store: {summary.events} events ({summary.mentions} mentions) in "
        f"{summary.articles_ok} articles; {os.cpu_count()} CPUs; server: detente serve "
        f"(uvicorn, {args.workers} process(es)), clients in another process, loopback"
    )
    for cache_mb, (pages, times, errors, took) in runs.items():
        label = (
            "no cache (--cache-mb 0)" if cache_mb == 0 else f"answer cache (--cache-mb {cache_mb})"
        )
        print(f"\n== {label}")
        print(f"{'page (server time, ms)':34} {'median':>8} {'worst':>8} {'target':>8}  ok")
        for name, values in pages.items():
            target = TARGET_PAGE_MS if not name.startswith("article") else None
            ok = "" if target is None else ("yes" if max(values) < target else "NO")
            print(
                f"{name:34} {statistics.median(values):8.1f} {max(values):8.1f} "
                f"{target or '':>8}  {ok}"
            )
        p50, p95, p99 = (_quantile(times, q) for q in (0.5, 0.95, 0.99))
        print(
            f"/api/events, {args.clients} concurrent clients, {len(times)} requests "
            f"({len(API_PATHS)} filter mixes), {errors} errors, {len(times) / took:.0f} requests/s"
        )
        print(f"{'latency (ms)':34} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}  p95 ok")
        print(
            f"{'':34} {p50:8.1f} {p95:8.1f} {p99:8.1f} {max(times):8.1f}  "
            f"{'yes' if p95 < TARGET_API_P95_MS else 'NO'} (target < {TARGET_API_P95_MS:.0f})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
