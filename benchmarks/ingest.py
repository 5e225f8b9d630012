"""Ingest throughput: 1 worker, 2 workers, a 2-worker Dask LocalCluster, and `detente code`.

    python benchmarks/ingest.py                  # the 249 Guardian articles
    python benchmarks/ingest.py --limit 60       # quick look
    python benchmarks/ingest.py --json out.json  # also write the figures

Each configuration runs in a fresh child process (so peak memory is its own) and ingests
../shared/data/news_guardian/articles.jsonl into a fresh store. Printed per run: wall
time (everything: start-up, reading, coding, writing), coding time once the workers are
ready, articles/s on both, and peak memory (largest resident set of the run's process
and of its worker processes, from resource.getrusage). Then the speed-up of 2 workers
over 1 (target >= 1.7) and the speed of ingest relative to `detente code` on the same
texts with 1 worker (target >= 0.9). Speed-ups are measured on coding time, as the
start-up (loading spaCy and the knowledge base once per worker) does not grow with the
corpus. Without ../shared or without detente.coder it says so and exits 0.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
CORPUS = SHARED_DATA / "news_guardian" / "articles.jsonl"
CONFIGS = ("code-1", "ingest-1", "ingest-2", "dask-2")
TARGET_SPEEDUP = 1.7
TARGET_STORE_COST = 0.9


def _peak_mb() -> tuple[float, float]:
    """Peak resident memory (MB) of this process and of its largest child (Linux: KiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def run_one(config: str, corpus: Path, workdir: Path) -> dict[str, Any]:
    """Run one configuration in this process; return its figures."""
    from detente.ingest import ingest
    from detente.store import open_store

    begin = time.perf_counter()
    if config == "code-1":
        from detente.coding import code_sources

        summary = code_sources(
            [str(corpus)], published=None, out=io.StringIO(), workers=1, on_problem=lambda p: None
        )
        wall = time.perf_counter() - begin
        articles = summary.articles
        coding = None
    else:
        db = workdir / f"{config}.duckdb"
        with open_store(db) as store:
            if config == "dask-2":
                from distributed import LocalCluster

                with LocalCluster(
                    n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
                ) as cluster:
                    result = ingest([str(corpus)], store, scheduler=cluster.scheduler_address)
            else:
                result = ingest([str(corpus)], store, workers=int(config.split("-")[1]))
        wall = time.perf_counter() - begin
        articles = result.new + result.changed
        coding = result.seconds
    own, children = _peak_mb()
    return {
        "config": config,
        "articles": articles,
        "wall_s": wall,
        "coding_s": coding,
        "peak_mb_main": own,
        "peak_mb_worker": children,
    }


def _child(config: str, corpus: Path, workdir: Path) -> dict[str, Any]:
    proc = subprocess.run(
        [
            sys.executable,
            __file__,
            "--one",
            config,
            "--corpus",
            str(corpus),
            "--workdir",
            str(workdir),
        ],
        check=False,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{config} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="use only the first N articles")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument("--one", choices=CONFIGS, help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.one:
        print(json.dumps(run_one(args.one, args.corpus, args.workdir)))
        return 0
    if not CORPUS.exists():
        print(
            f"benchmarks/ingest.py: {CORPUS} is absent (no ../shared beside the repo); nothing to measure"
        )
        return 0
    try:
        import detente.coder  # noqa: F401
    except ImportError:
        print("benchmarks/ingest.py: detente.coder is not there yet; nothing to measure")
        return 0

    from rich.console import Console
    from rich.table import Table

    with tempfile.TemporaryDirectory(prefix="detente-bench-") as tmp:
        workdir = Path(tmp)
        corpus = CORPUS
        if args.limit:
            corpus = workdir / "corpus.jsonl"
            lines = CORPUS.read_text(encoding="utf-8").splitlines()[: args.limit]
            corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
        rows = []
        for config in CONFIGS:
            print(f"running {config} ...", file=sys.stderr, flush=True)
            rows.append(_child(config, corpus, workdir))

    by = {r["config"]: r for r in rows}
    table = Table(title=f"ingest of {by['ingest-1']['articles']} articles ({os.cpu_count()} cores)")
    for name in (
        "run",
        "articles",
        "wall s",
        "articles/s (wall)",
        "coding s",
        "articles/s (coding)",
        "peak MB main",
        "peak MB worker",
    ):
        table.add_column(name, justify="left" if name == "run" else "right")
    for r in rows:
        coding = r["coding_s"]
        table.add_row(
            r["config"],
            str(r["articles"]),
            f"{r['wall_s']:.1f}",
            f"{r['articles'] / r['wall_s']:.2f}",
            f"{coding:.1f}" if coding is not None else "-",
            f"{r['articles'] / coding:.2f}" if coding else "-",
            f"{r['peak_mb_main']:.0f}",
            f"{r['peak_mb_worker']:.0f}" if r["peak_mb_worker"] else "-",
        )
    console = Console(width=max(Console().width, 110))
    console.print(table)

    speedup = by["ingest-1"]["coding_s"] / by["ingest-2"]["coding_s"]
    speedup_wall = by["ingest-1"]["wall_s"] / by["ingest-2"]["wall_s"]
    dask_speedup = by["ingest-1"]["coding_s"] / by["dask-2"]["coding_s"]
    store_cost = by["code-1"]["wall_s"] / by["ingest-1"]["wall_s"]
    figures = {
        "runs": rows,
        "speedup_2_workers": speedup,
        "speedup_2_workers_wall": speedup_wall,
        "speedup_dask_2_workers": dask_speedup,
        "ingest_speed_vs_code": store_cost,
    }
    verdict = lambda ok: "[green]ok[/]" if ok else "[red]below target[/]"
    console.print(
        f"speed-up of 2 workers over 1 (coding): {speedup:.2f}x (target >= {TARGET_SPEEDUP}) "
        f"{verdict(speedup >= TARGET_SPEEDUP)}; wall, with start-up: {speedup_wall:.2f}x"
    )
    console.print(
        f"speed-up of the 2-worker Dask LocalCluster over 1 worker (coding): {dask_speedup:.2f}x"
    )
    console.print(
        f"ingest (1 worker) runs at {store_cost:.2f}x the speed of `detente code` (1 worker) "
        f"on the same texts, end to end (target >= {TARGET_STORE_COST}) {verdict(store_cost >= TARGET_STORE_COST)}"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
