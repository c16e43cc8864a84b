"""Worker memory across many jobs: a `flask worker --burst` process works through no-op jobs on
Hotline's queues while its RSS is sampled from /proc; flat means no per-job leak."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rq import Queue

from bench.stack import ROOT, Stack

CHUNK = 5000
TIME_LIMIT_SECONDS = 1500


def rss_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


@dataclass
class Run:
    jobs: int
    proc: subprocess.Popen
    queue: Queue
    started: float
    samples: list[tuple[float, int, int]] = field(default_factory=list)  # (s, jobs done, kB)
    thread: threading.Thread | None = None


def start(stack: Stack, *, jobs: int) -> Run:
    """Enqueue `jobs` no-ops on the default queue and start one burst worker on them."""
    from hotline.core.queue import get_queue

    with stack.app.app_context():
        queue = get_queue("default")
    for offset in range(0, jobs, CHUNK):
        n = min(CHUNK, jobs - offset)
        queue.enqueue_many(
            [Queue.prepare_data("bench.routing.noop", result_ttl=0) for _ in range(n)]
        )
    flask = str(Path(sys.executable).parent / "flask")
    proc = subprocess.Popen(
        [flask, "worker", "--burst"],
        cwd=ROOT,
        env=stack.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    run = Run(jobs=jobs, proc=proc, queue=queue, started=time.perf_counter())

    def sample() -> None:
        while run.proc.poll() is None and time.perf_counter() - run.started < TIME_LIMIT_SECONDS:
            kb = rss_kb(run.proc.pid)
            if kb:
                run.samples.append(
                    (round(time.perf_counter() - run.started, 1), jobs - run.queue.count, kb)
                )
            time.sleep(1.0)

    run.thread = threading.Thread(target=sample, daemon=True)
    run.thread.start()
    return run


def finish(run: Run) -> dict[str, Any]:
    """Wait for the worker (bounded), stop it, and summarise RSS by progress."""
    remaining = TIME_LIMIT_SECONDS - (time.perf_counter() - run.started)
    try:
        run.proc.wait(timeout=max(1, remaining))
    except subprocess.TimeoutExpired:
        os.killpg(run.proc.pid, signal.SIGTERM)
        run.proc.wait(timeout=30)
    if run.thread:
        run.thread.join(timeout=5)
    seconds = time.perf_counter() - run.started
    left = run.queue.count
    run.queue.empty()
    done = run.jobs - left
    samples = run.samples
    if len(samples) < 3:
        return {"jobs": run.jobs, "done": done, "error": "too few RSS samples"}
    # after the first 10 % (imports and caches warm up), RSS should stay put
    warm = next((s for s in samples if s[1] >= run.jobs * 0.1), samples[len(samples) // 10])
    last = samples[-1]
    peak = max(s[2] for s in samples)
    return {
        "jobs": run.jobs,
        "done": done,
        "seconds": round(seconds, 1),
        "jobs_per_s": round(done / seconds, 1),
        "rss_mb_at_10pct": round(warm[2] / 1024, 1),
        "rss_mb_at_end": round(last[2] / 1024, 1),
        "rss_mb_peak": round(peak / 1024, 1),
        "growth_mb": round((last[2] - warm[2]) / 1024, 1),
        "samples": [
            {"s": s[0], "done": s[1], "rss_mb": round(s[2] / 1024, 1)}
            for s in samples[:: max(1, len(samples) // 20)]
        ],
    }


def run(stack: Stack, *, jobs: int) -> dict[str, Any]:
    return finish(start(stack, jobs=jobs))
