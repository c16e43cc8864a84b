"""The performance report's lines for the staff search (bench/search.py)."""

from __future__ import annotations

from bench.report_format import num


def _section(s: dict) -> dict | None:
    x = s.get("search")
    return x if isinstance(x, dict) and not x.get("error") else None


def search_targets(s: dict) -> list[tuple[str, str, str, bool | None]]:
    """p95 of every timed search (each query, both roles) under the target."""
    x = _section(s)
    if x is None:
        return []
    limit = x.get("target_p95_ms") or 200.0
    p95 = x.get("p95_ms")
    return [
        (
            f"search GET /api/v1/tickets?q= p95 < {limit:g} ms over "
            f"{num(x.get('tickets'), 0)} tickets",
            f"p95 {num(p95)} ms, p50 {num(x.get('p50_ms'))} ms ({num(x.get('requests'), 0)} "
            "requests, one at a time)",
            f"{p95 / limit:.2f}× the limit" if isinstance(p95, int | float) else "—",
            None if p95 is None else p95 < limit,
        )
    ]


def section_search(s: dict) -> list[str]:
    x = _section(s)
    if x is None:
        return []
    r = x.get("reindex") or {}
    out = [
        "",
        "## Search",
        "",
        f"{num(x.get('tickets'), 0)} tickets with varied Chinese descriptions and addresses "
        f"(bench/search.py: matters, details and streets combined), their words and GIN index "
        f"written set-based in {num(x.get('describe_and_index_s'))} s. The real indexing path "
        f"(`flask tickets reindex`, jieba per ticket) wrote {num(r.get('tickets'), 0)} tickets "
        f"in {num(r.get('seconds'), 2)} s ({num(r.get('per_s'), 0)} tickets/s in one process). "
        "Each query is sent through the Flask test client (no HTTP server), warm, "
        "one at a time; the unit agent belongs to the unit with the most tickets.",
        "",
        "| role: query | p50 ms | p95 ms | matches (total) |",
        "|---|---|---|---|",
    ]
    for label, q in (x.get("queries") or {}).items():
        out.append(
            f"| {label} | {num(q.get('p50_ms'))} | {num(q.get('p95_ms'))} | "
            f"{num(q.get('total'), 0)} |"
        )
    return out
