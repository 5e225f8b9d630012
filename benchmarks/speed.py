"""Coding speed: the whole `detente code` process against spaCy's full pipeline alone.

    python benchmarks/speed.py                 # the 249 Guardian articles, 2 processes
    python benchmarks/speed.py --workers 1     # both on one process
    python benchmarks/speed.py --repeat 3      # best of 3 runs each (a busy machine is noisy)
    python benchmarks/speed.py --json out.json # also write the figures

detente: `detente code --jsonl FILE --workers N` run as a subprocess through the installed
console script, events written to a temporary file. Its time is the whole process: Python
start-up, imports, loading spaCy and the knowledge base, reading, coding and writing.

spaCy: `nlp.pipe(texts, n_process=N, batch_size=B)` over the same texts with the model
from `detente.nlp.load_pipeline()`, every component on. Its time excludes loading the model
(reported on its own line) but includes starting its worker processes.

Also shown: CPU seconds (user + system, all processes of the run), which a machine busy
with other work disturbs less than wall time. With --repeat R each side runs R times,
alternately, and the fastest wall time of each is kept.

Peak memory of detente is reported two ways: the largest resident set of any single
process of the first run (getrusage RUSAGE_CHILDREN ru_maxrss, read before spaCy's workers
become children too) and the largest total over the
process tree, sampled from /proc every 50 ms (RSS summed, which counts pages shared by
forked workers once per process, and PSS summed, which splits them fairly). The memory
target is checked on the PSS sum where /proc has it, else on the largest single process.

Targets (the issue's acceptance line): detente articles/s >= spaCy articles/s, and peak
memory <= 1.5 GB. Without ../shared beside the repo it says so and exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "news_guardian" / "articles.jsonl"
TARGET_RATIO = 1.0
TARGET_PEAK_MB = 1.5 * 1024
SAMPLE_SECONDS = 0.05


@dataclass(frozen=True)
class DetenteRun:
    articles: int
    events: int
    seconds: float
    cpu_seconds: float
    peak_mb_single: float
    peak_mb_tree_rss: float | None
    peak_mb_tree_pss: float | None
    stderr_tail: str


@dataclass(frozen=True)
class SpacyRun:
    articles: int
    seconds: float
    cpu_seconds: float
    load_seconds: float
    batch_size: int


# --------------------------------------------------------------------------- /proc sampling
def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children", encoding="ascii") as fh:
                kids.extend(int(k) for k in fh.read().split())
    except OSError:
        pass
    return kids


def _tree(pid: int) -> list[int]:
    todo, seen = [pid], []
    while todo:
        p = todo.pop()
        seen.append(p)
        todo.extend(_children(p))
    return seen


def _memory_kb(pid: int) -> tuple[int, int | None]:
    """(RSS, PSS) of one process in KiB; PSS is None where smaps_rollup is unreadable."""
    rss = 0
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                    break
    except OSError:
        return 0, None
    pss: int | None = None
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1])
                    break
    except OSError:
        pss = None
    return rss, pss


class TreeSampler(threading.Thread):
    """Samples the summed memory of a process and its descendants until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_rss = 0
        self.peak_pss = 0
        self.pss_seen = False
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            rss_sum, pss_sum = 0, 0
            for p in _tree(self.pid):
                rss, pss = _memory_kb(p)
                rss_sum += rss
                if pss is not None:  # None: unreadable here, or the process just ended
                    self.pss_seen = True
                    pss_sum += pss
            self.peak_rss = max(self.peak_rss, rss_sum)
            self.peak_pss = max(self.peak_pss, pss_sum)
            self._stop_event.wait(SAMPLE_SECONDS)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


# --------------------------------------------------------------------------- runs
def _cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _detente_command() -> list[str]:
    """The installed console script (beside this interpreter first), else `python -m detente`."""
    beside = Path(sys.executable).with_name("detente")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("detente")
    return [found] if found else [sys.executable, "-m", "detente"]


def run_detente(corpus: Path, *, workers: int, n_articles: int, workdir: Path) -> DetenteRun:
    out_path = workdir / "events.jsonl"
    err_path = workdir / "stderr.txt"
    cmd = [*_detente_command(), "code", "--jsonl", str(corpus), "--workers", str(workers)]
    with out_path.open("wb") as out, err_path.open("wb") as err:
        cpu_before = _cpu_seconds(resource.RUSAGE_CHILDREN)
        begin = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        returncode = proc.wait()
        seconds = time.perf_counter() - begin
        cpu = _cpu_seconds(resource.RUSAGE_CHILDREN) - cpu_before
        sampler.stop()
    # The largest of all children waited for so far: detente's alone on the first run.
    single_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    stderr = err_path.read_text(encoding="utf-8", errors="replace")
    if returncode != 0:
        raise SystemExit(f"`{' '.join(cmd)}` exited {returncode}:\n{stderr[-3000:]}")
    with out_path.open("rb") as fh:
        events = sum(1 for line in fh if line.strip())
    return DetenteRun(
        articles=n_articles,
        events=events,
        seconds=seconds,
        cpu_seconds=cpu,
        peak_mb_single=single_mb,
        peak_mb_tree_rss=sampler.peak_rss / 1024 if sampler.peak_rss else None,
        peak_mb_tree_pss=sampler.peak_pss / 1024 if sampler.pss_seen else None,
        stderr_tail=stderr[-500:],
    )


def run_spacy(texts: list[str], *, workers: int, batch_size: int) -> SpacyRun:
    from detente.nlp import load_pipeline

    begin = time.perf_counter()
    nlp = load_pipeline()
    load_seconds = time.perf_counter() - begin
    cpu_before = _cpu_seconds(resource.RUSAGE_SELF) + _cpu_seconds(resource.RUSAGE_CHILDREN)
    begin = time.perf_counter()
    n = sum(1 for _doc in nlp.pipe(texts, n_process=workers, batch_size=batch_size))
    seconds = time.perf_counter() - begin
    cpu = _cpu_seconds(resource.RUSAGE_SELF) + _cpu_seconds(resource.RUSAGE_CHILDREN) - cpu_before
    return SpacyRun(articles=n, seconds=seconds, cpu_seconds=cpu, load_seconds=load_seconds,
                    batch_size=batch_size)


# --------------------------------------------------------------------------- report
def _mb(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f} MB"


def report(det: DetenteRun, spa: SpacyRun, *, workers: int, repeat: int) -> tuple[bool, bool]:
    from rich.console import Console
    from rich.table import Table

    det_rate = det.articles / det.seconds
    spa_rate = spa.articles / spa.seconds
    ratio = det_rate / spa_rate
    memory_mb = det.peak_mb_tree_pss if det.peak_mb_tree_pss is not None else det.peak_mb_single
    speed_ok = ratio >= TARGET_RATIO
    memory_ok = memory_mb <= TARGET_PEAK_MB

    best = f", fastest of {repeat} runs" if repeat > 1 else ""
    table = Table(title=f"{det.articles} articles, {workers} process(es) each, {os.cpu_count()} cores{best}")
    for name in ("run", "what is timed", "seconds", "articles/s", "CPU s", "articles/CPU s"):
        table.add_column(name, justify="left" if name in ("run", "what is timed") else "right")
    table.add_row("detente code", "whole process, start-up included", f"{det.seconds:.1f}", f"{det_rate:.2f}",
                  f"{det.cpu_seconds:.1f}", f"{det.articles / det.cpu_seconds:.2f}")
    table.add_row(f"spaCy nlp.pipe (batch {spa.batch_size})", "pipe only, model load excluded",
                  f"{spa.seconds:.1f}", f"{spa_rate:.2f}",
                  f"{spa.cpu_seconds:.1f}", f"{spa.articles / spa.cpu_seconds:.2f}")
    table.add_row("spaCy model load", "load_pipeline(), not counted", f"{spa.load_seconds:.1f}", "", "", "")
    console = Console(width=max(130, Console().width), soft_wrap=True)
    console.print(table)
    console.print(f"events coded: {det.events:,} ({det.events / det.articles:.1f} per article)")
    console.print(
        f"detente peak memory: largest single process {_mb(det.peak_mb_single)}; "
        f"process tree (sampled) RSS sum {_mb(det.peak_mb_tree_rss)}, PSS sum {_mb(det.peak_mb_tree_pss)}"
    )
    console.print(f"speed ratio detente/spaCy: {ratio:.2f} (target >= {TARGET_RATIO:.1f}) "
                  f"{'PASS' if speed_ok else 'FAIL'}; on CPU time {spa.cpu_seconds / det.cpu_seconds:.2f}")
    basis = "PSS sum" if det.peak_mb_tree_pss is not None else "largest process"
    console.print(f"peak memory ({basis}): {_mb(memory_mb)} (target <= {TARGET_PEAK_MB:,.0f} MB) "
                  f"{'PASS' if memory_ok else 'FAIL'}")
    return speed_ok, memory_ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2, help="processes for both runs (default 2)")
    parser.add_argument("--batch-size", type=int, default=16, help="spaCy nlp.pipe batch size (default 16)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each side; the fastest counts (default 1)")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N articles")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()

    if not CORPUS.exists():
        print(f"benchmarks/speed.py: {CORPUS} is absent (no ../shared beside the repo); nothing to measure")
        return 0

    lines = [ln for ln in CORPUS.read_text(encoding="utf-8").splitlines() if ln.strip()]
    if args.limit:
        lines = lines[: args.limit]
    texts = [json.loads(ln)["text"] for ln in lines]

    with tempfile.TemporaryDirectory(prefix="detente-speed-") as tmp:
        workdir = Path(tmp)
        corpus = CORPUS
        if args.limit:
            corpus = workdir / "corpus.jsonl"
            corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
        dets: list[DetenteRun] = []
        spas: list[SpacyRun] = []
        for i in range(max(1, args.repeat)):
            print(f"[{i + 1}] detente code on {len(lines)} articles ...", file=sys.stderr, flush=True)
            dets.append(run_detente(corpus, workers=args.workers, n_articles=len(lines), workdir=workdir))
            print(f"[{i + 1}] spaCy nlp.pipe ...", file=sys.stderr, flush=True)
            spas.append(run_spacy(texts, workers=args.workers, batch_size=args.batch_size))
    fastest = min(dets, key=lambda r: r.seconds)
    tree = [r for r in dets if r.peak_mb_tree_pss is not None]
    det = DetenteRun(  # fastest wall time; memory: first run's single process, largest tree of all runs
        articles=fastest.articles, events=fastest.events, seconds=fastest.seconds,
        cpu_seconds=fastest.cpu_seconds, peak_mb_single=dets[0].peak_mb_single,
        peak_mb_tree_rss=max((r.peak_mb_tree_rss or 0 for r in dets), default=None) or None,
        peak_mb_tree_pss=max(r.peak_mb_tree_pss or 0 for r in tree) if tree else None,
        stderr_tail=fastest.stderr_tail,
    )
    spa = min(spas, key=lambda r: r.seconds)

    speed_ok, memory_ok = report(det, spa, workers=args.workers, repeat=max(1, args.repeat))
    if args.json:
        args.json.write_text(json.dumps({"workers": args.workers, "repeat": args.repeat, "detente": asdict(det), "spacy": asdict(spa),
                                         "speed_ok": speed_ok, "memory_ok": memory_ok}, indent=2),
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
