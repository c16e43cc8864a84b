"""The public site from its cache: /public and every /public/units/{code} under wrk (GET, keep-
alive, the peak), then at half that rate with the paced client, after a year of day figures for
every demo unit and a published commitment; the pages' render time without the cache beside it,
for scale."""

from __future__ import annotations

import logging
import os
import random
import statistics
import time
import urllib.request
from datetime import date, timedelta
from typing import Any

from bench import load
from bench.stack import Stack

log = logging.getLogger("bench.public")

TARGET_P99_MS = 50.0
RENDER_SAMPLES = 5

# GET, each thread walking its own slice of the paths; counts answers not served from the cache
# (X-Cache other than "hit"), so a figure measured on renders instead of the cache shows.
WRK_SCRIPT = r"""
local paths = {}
local idx, step = 0, 1
local counter = 0
local threads = {}
misses = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(PATHS_FILE) do table.insert(paths, line) end
  idx = tid - 1
  step = NTHREADS
end

function request()
  local path = paths[(idx % #paths) + 1]
  idx = idx + step
  return wrk.format("GET", path)
end

function response(status, headers, body)
  if headers["X-Cache"] ~= "hit" then misses = misses + 1 end
end

function done(summary, latency, requests)
  local m = 0
  for _, t in ipairs(threads) do m = m + t:get("misses") end
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "errors": %d, "misses": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration,
    summary.errors.status + summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout, m,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


def seed(stack: Stack, *, today: date) -> list[str]:
    """Twelve months of day figures for every active unit (believable, varied counters), one
    published rectification commitment, the roll-up's time; returns the unit codes."""
    from sqlalchemy import select

    from hotline.core.actor import Actor
    from hotline.core.clock import utcnow
    from hotline.core.extensions import db
    from hotline.escalations import interviews, publication
    from hotline.escalations.triggers import open_by_rule
    from hotline.metrics.models import RollupCursor, UnitDayFigures
    from hotline.units.models import Unit

    rng = random.Random(17)
    with stack.app.app_context():
        units = list(db.session.scalars(select(Unit).where(Unit.active.is_(True))))
        rows = []
        for unit in units:
            volume = rng.choice((0.2, 1, 3, 6))  # some units too small to be ranked
            quality = rng.uniform(0.6, 0.98)
            for back in range(1, 380, 3):
                n = int(rng.expovariate(1 / volume)) if volume else 0
                if not n:
                    continue
                good = round(n * quality)
                rows.append(
                    {
                        "unit_id": unit.id,
                        "day": today - timedelta(days=back),
                        "dispatched": n,
                        "accepted_in_time": good,
                        "due": n,
                        "replied_on_time": round(n * quality * 0.95),
                        "replied": n,
                        "callbacks": n,
                        "callbacks_resolved": round(n * quality * 0.9),
                        "rated": n,
                        "rating_5": good,
                        "rating_2": n - good,
                    }
                )
        db.session.execute(UnitDayFigures.__table__.insert(), rows)
        now = utcnow()
        inspector = Actor(role="inspector", label="bench")
        unit = units[0]
        head = Actor(role="unit_head", unit_id=unit.id, label="bench")
        case = open_by_rule(
            unit_id=unit.id,
            trigger="ranking_last",
            trigger_key=f"bench-public:{unit.id}",
            reason="bench",
            now=now - timedelta(days=9),
        )
        at = now - timedelta(days=3)
        interviews.schedule(case_id=case.id, actor=inspector, at=at, place="会议室", now=at)
        interviews.hold(case_id=case.id, actor=inspector, minutes="纪要", now=at)
        interviews.commit(
            case_id=case.id,
            actor=head,
            commitment="三十日内完成窗口服务流程再造，公开办事指南和办理时限。",
            commitment_due=now + timedelta(days=30),
            now=now,
        )
        publication.publish(case_id=case.id, actor=inspector, now=now)
        db.session.merge(RollupCursor(id=1, last_event_id=0, gaps={}, updated_at=now))
        db.session.commit()
        return sorted(u.code for u in units)


def _get(url: str) -> tuple[float, str]:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:
        response.read()
        return (time.perf_counter() - started) * 1000, response.headers.get("X-Cache", "")


def _wrk(port: int, paths: list[str], *, seconds: int, connections: int) -> dict[str, Any]:
    data = load.run_wrk(
        f"http://127.0.0.1:{port}",
        WRK_SCRIPT,
        files={"PATHS_FILE": paths},
        seconds=seconds,
        connections=connections,
        threads=2,
    )
    secs = data["duration_us"] / 1e6
    return {
        "paths": len(paths),
        "requests": data["requests"],
        "rps": round(data["requests"] / secs, 1),
        "p50_ms": data["p50_us"] / 1000,
        "p90_ms": data["p90_us"] / 1000,
        "p99_ms": data["p99_us"] / 1000,
        "max_ms": data["max_us"] / 1000,
        "errors": data["errors"],
        "not_from_cache": data["misses"],
    }


def _get_request(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()


def _half_peak(port: int, paths: list[str], *, peak_rps: float, seconds: int) -> dict[str, Any]:
    """Open-loop at half the peak rate (bench/load.py's paced client, latency from each request's
    due time): the latency a reader meets when the server is busy but not saturated."""
    requests = [_get_request(path) for path in paths]
    result = load.paced(
        "127.0.0.1",
        port,
        lambda i: requests[i % len(requests)],
        rate=peak_rps / 2,
        seconds=seconds,
    )
    return {
        "target_rps": round(peak_rps / 2, 1),
        "rps": round(result.rps, 1),
        "p50_ms": round(result.p50_ms, 2),
        "p99_ms": round(result.p99_ms, 2),
        "errors": result.errors,
    }


def _render_ms(stack: Stack, port: int, path: str) -> float:
    """Median time of the page rendered afresh (the cache dropped before each request)."""
    from hotline.core import pagecache

    times = []
    for _ in range(RENDER_SAMPLES):
        with stack.app.app_context():
            pagecache.invalidate(pagecache.PUBLIC_SITE)
        ms, cache = _get(f"http://127.0.0.1:{port}{path}")
        if cache != "miss":
            raise RuntimeError(f"{path} answered {cache!r} right after an invalidation")
        times.append(ms)
    return round(statistics.median(times), 2)


def run(stack: Stack, *, seconds: int, connections: int) -> dict[str, Any]:
    from hotline.core.clock import to_local, utcnow

    with stack.app.app_context():
        today = to_local(utcnow()).date()
    codes = seed(stack, today=today)
    proc, port = stack.gunicorn("bench.hotline_app:create()", env=stack.env())
    unit_paths = [f"/public/units/{code}" for code in codes]
    out: dict[str, Any] = {"units": len(codes), "connections": connections, "seconds": seconds}
    # The machine is shared: the 1-minute load average before and after says how much.
    out["load_before"] = round(os.getloadavg()[0], 2)
    try:
        for path in ["/public", *unit_paths]:  # warm: every page in the cache, every worker up
            _get(f"http://127.0.0.1:{port}{path}")
        _wrk(port, ["/public", *unit_paths], seconds=2, connections=connections)
        # Each worker has compiled the templates by now: the render time is the steady one.
        out["render_ms"] = {
            "/public": _render_ms(stack, port, "/public"),
            "/public/units/{code}": _render_ms(stack, port, unit_paths[0]),
        }
        for path in ["/public", *unit_paths]:  # back in the cache after the invalidations
            _get(f"http://127.0.0.1:{port}{path}")
        for key, paths in (("ranking", ["/public"]), ("unit", unit_paths)):
            out[key] = _wrk(port, paths, seconds=seconds, connections=connections)
        for key, paths in (("ranking", ["/public"]), ("unit", unit_paths)):
            out[key]["half"] = _half_peak(port, paths, peak_rps=out[key]["rps"], seconds=seconds)
    finally:
        stack.stop(proc)
    out["load_after"] = round(os.getloadavg()[0], 2)
    out["target_p99_ms"] = TARGET_P99_MS
    return out
