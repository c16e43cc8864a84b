"""The performance report's lines for the public site (bench/public.py)."""

from __future__ import annotations

from bench.report_format import dig, num

PAGES = (("ranking", "GET /public"), ("unit", "GET /public/units/{code}"))


def _verdict(p99: float | None, limit: float, *clean: object) -> bool | None:
    return None if p99 is None else (p99 < limit and not any(clean))


def public_targets(s: dict) -> list[tuple[str, str, str, bool | None]]:
    """p99 under the limit for each page served from the cache: at wrk's peak (every answer a
    cache hit) and at half that rate."""
    p = s.get("public")
    if not isinstance(p, dict) or p.get("error"):
        return []
    limit = p.get("target_p99_ms") or 50.0
    rows = []
    for key, label in PAGES:
        x = p.get(key) or {}
        p99 = x.get("p99_ms")
        rows.append(
            (
                f"{label} p99 < {limit:g} ms from the cache at wrk's peak",
                f"p99 {num(p99)} ms, p50 {num(x.get('p50_ms'))} ms at {num(x.get('rps'), 0)} req/s"
                f", {num(x.get('not_from_cache'))} not from the cache",
                f"{p99 / limit:.2f}× the limit" if isinstance(p99, float) else "—",
                _verdict(p99, limit, x.get("errors"), x.get("not_from_cache")),
            )
        )
        half = x.get("half") or {}
        p99 = half.get("p99_ms")
        rows.append(
            (
                f"{label} p99 < {limit:g} ms from the cache at half peak",
                f"p99 {num(p99)} ms, p50 {num(half.get('p50_ms'))} ms at "
                f"{num(half.get('rps'), 0)} req/s",
                f"{p99 / limit:.2f}× the limit" if isinstance(p99, float) else "—",
                _verdict(p99, limit, half.get("errors")),
            )
        )
    return rows


def section_public(s: dict) -> list[str]:
    p = s.get("public")
    if not p or p.get("error"):
        return []
    renders = p.get("render_ms") or {}
    out = [
        "",
        "## Public site",
        "",
        f"`bench/public.py`: a year of day figures for the {num(p.get('units'))} demo units and "
        "one published rectification commitment; every page rendered into the cache (Redis and "
        "each process's copy, `hotline/core/pagecache.py`), then per page kind: wrk GETs with "
        f"{num(p.get('connections'))} keep-alive connections for {num(p.get('seconds'))} s "
        "(peak, closed loop; the unit pages in turn; answers without `X-Cache: hit` counted), "
        "then the paced client at half that peak for as long (latency from each request's due "
        "time). Same gunicorn as the other sections. Rendered afresh (the cache dropped before "
        f"each request, median of 5): /public {num(dig(renders, '/public'), 2)} ms, a unit page "
        f"{num(dig(renders, '/public/units/{code}'), 2)} ms. The machine is shared: 1-minute "
        f"load average {num(p.get('load_before'), 2)} before the section and "
        f"{num(p.get('load_after'), 2)} after it (2 cores).",
        "",
        "| page | pages | peak req/s | p50 ms | p90 ms | p99 ms | max ms | errors "
        "| not from the cache | half-peak req/s | p50 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for key, label in PAGES:
        x = p.get(key) or {}
        half = x.get("half") or {}
        out.append(
            f"| {label} | {num(x.get('paths'))} | {num(x.get('rps'), 0)} | "
            f"{num(x.get('p50_ms'), 2)} | {num(x.get('p90_ms'), 2)} | {num(x.get('p99_ms'), 2)} | "
            f"{num(x.get('max_ms'), 2)} | {num(x.get('errors'))} | {num(x.get('not_from_cache'))} "
            f"| {num(half.get('rps'), 0)} | {num(half.get('p50_ms'), 2)} | "
            f"{num(half.get('p99_ms'), 2)} | {num(half.get('errors'))} |"
        )
    return out
