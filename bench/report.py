"""docs/PERFORMANCE.md from a results dict: the machine, the command, every figure as value and
ratio, each target with whether it holds, and the previous run's figures beside it (noise)."""

from __future__ import annotations

from typing import Any

from bench.report_classify import classify_targets, section_classify
from bench.report_desk import section_desk
from bench.report_format import dig, mark, num, ratio_of, rev_label
from bench.report_hotspots import hotspot_targets, section_hotspots
from bench.report_public import public_targets, section_public
from bench.report_search import search_targets, section_search
from bench.report_sections import (
    section_compare,
    section_embedded,
    section_figures,
    section_intake,
    section_memory,
    section_peer,
    section_routing,
    section_sweep,
)
from bench.report_sweep_compare import section_sweep_compare, sweep_compare_target

GUNICORN_NOTE = (
    "gunicorn `-w 4 -k gthread --threads 2` (4 processes × 2 threads on 2 cores; measured "
    "better than 4 sync workers and 2×4 gthread for the bare app), the same for the bare app "
    "and Hotline"
)
LOAD_NOTE = (
    "peak: Debian's `wrk` (closed loop, 2 threads, keep-alive connections, a Lua script for "
    "POST bodies; SMS bodies each carry their own MessageSid and X-Twilio-Signature), in 2-second "
    "rounds taken in turn (bare, API, SMS, bare, …) with both servers up, so other work on the "
    "machine weighs on the bound and on Hotline alike; p50 is the median round's, p99 the worst "
    "round's; "
    "half-peak: the bench's open-loop asyncio client (`bench/load.py`, latency measured from "
    "each request's scheduled time, so queueing is not hidden; its own heap frozen, so a "
    "collection in the client is not charged to the server), at half of each endpoint's peak, "
    "in 2-second rounds taken in turn like the peaks; p50 and p99 over all of an endpoint's "
    "requests"
)


def targets(r: dict) -> list[tuple[str, str, str, bool | None]]:
    """(target, measured, ratio/detail, holds) for every target of issue 6."""
    s = r.get("sections", {})
    rows: list[tuple[str, str, str, bool | None]] = []
    bare = dig(s, "intake", "bare", "peak", "rps")
    for name, label in (("api", "POST /api/v1/tickets"), ("sms", "signed POST /twilio/sms")):
        rps = dig(s, "intake", name, "peak", "rps")
        ratio = ratio_of(rps, bare)
        rows.append(
            (
                f"{label} ≥ 0.8 × bare-stack bound",
                f"{num(rps, 0)} req/s vs bound {num(bare, 0)} req/s",
                f"{ratio:.2f}×" if ratio is not None else "—",
                None if ratio is None else ratio >= 0.8,
            )
        )
        p99 = dig(s, "intake", name, "half", "p99_ms")
        rate = dig(s, "intake", name, "half", "target_rps")
        rows.append(
            (
                f"{label} p99 < 50 ms at half peak",
                f"p99 {num(p99)} ms at {num(rate, 0)} req/s",
                f"{p99 / 50:.2f}× the limit" if isinstance(p99, float) else "—",
                None if p99 is None else p99 < 50,
            )
        )
    small = dig(s, "sweep", "nothing_due_small", "median_ms")
    big = dig(s, "sweep", "nothing_due_big", "median_ms")
    ratio = ratio_of(big, small)
    rows.append(
        (
            "nothing-due sweep at 1 M within 1.5× of 10 k",
            f"{num(big, 2)} ms vs {num(small, 2)} ms",
            f"{ratio:.2f}×" if ratio is not None else "—",
            None if ratio is None else ratio <= 1.5,
        )
    )
    ok = dig(s, "sweep", "explain", "ok")
    n_stmts = len(dig(s, "sweep", "explain", "statements") or [])
    rows.append(
        (
            "sweep queries use indexes (EXPLAIN)",
            f"{n_stmts} distinct statements checked",
            "no sequential scan of a table over 10,000 rows" if ok else "see plans below",
            ok,
        )
    )
    esc = dig(s, "sweep", "escalate_big", "seconds")
    rows.append(
        (
            "10,000 due tickets escalated in < 10 s (at 1 M)",
            f"{num(esc, 2)} s",
            f"{esc / 10:.2f}× the limit" if isinstance(esc, float) else "—",
            None if esc is None else esc < 10,
        )
    )
    rows += sweep_compare_target(s)
    growth = dig(s, "memory", "growth_mb")
    rss_start, rss_end = dig(s, "memory", "rss_mb_at_10pct"), dig(s, "memory", "rss_mb_at_end")
    done = dig(s, "memory", "done")
    rows.append(
        (
            "worker RSS flat across 100,000 jobs",
            f"{num(growth)} MB growth over {num(done)} jobs ({num(rss_start)} → {num(rss_end)} MB)",
            "growth after the first 10 %",
            None if growth is None else (abs(growth) < 5 and (done or 0) >= 100_000),
        )
    )
    for key, label in (("month", "a month"), ("year", "a year")):
        ms = dig(s, "figures", key, "median_ms")
        rows.append(
            (
                f"unit figures for {label} over 1 M tickets < 200 ms",
                f"{num(ms, 2)} ms",
                f"{ms / 200:.2f}× the limit" if isinstance(ms, float) else "—",
                None if ms is None else ms < 200,
            )
        )
    one = dig(s, "routing", "one_worker", "tickets_per_s")
    two = dig(s, "routing", "two_workers", "tickets_per_s")
    noop = dig(s, "routing", "rq_noop", "jobs_per_s")
    rows.append(
        (
            "routing tickets/s against RQ no-op jobs/s (a comparison, no target)",
            f"{num(one)} / {num(two)} tickets/s (1 / 2 workers) vs {num(noop)} jobs/s",
            f"{ratio_of(one, noop):.2f}× / {ratio_of(two, noop):.2f}×"
            if one and two and noop
            else "—",
            None,
        )
    )
    rows += classify_targets(s)
    rows += public_targets(s)
    rows += hotspot_targets(s)
    rows += search_targets(s)
    rows += _intake_comparisons(s)
    rows += _embedded_targets(s)
    peer = s.get("peer", {})
    if peer.get("ok"):
        rows.append(
            (
                "peer: django-helpdesk escalate_tickets vs Hotline sweep (same tickets, same due)",
                f"{num(peer.get('seconds'), 1)} s vs {num(peer.get('hotline_seconds'), 2)} s",
                f"django-helpdesk / Hotline = {num(peer.get('ratio_peer_to_hotline'), 2)}",
                None,
            )
        )
    else:
        rows.append(
            (
                "peer: django-helpdesk escalate_tickets",
                "not measured",
                str(peer.get("reason") or peer.get("error") or "section not run"),
                None,
            )
        )
    return rows


def _intake_comparisons(s: dict) -> list[tuple[str, str, str, bool | None]]:
    """The peer's public form beside Hotline's intake, and intake before/after a revision."""
    rows: list[tuple[str, str, str, bool | None]] = []
    peer = dig(s, "intake", "peer")
    if isinstance(peer, dict) and peer.get("ok"):
        rps, api = dig(peer, "peak", "rps"), dig(s, "intake", "api", "peak", "rps")
        rows.append(
            (
                "peer: django-helpdesk public ticket form vs Hotline POST /api/v1/tickets (intake)",
                f"{num(rps, 1)} req/s (p50 {num(dig(peer, 'peak', 'p50_ms'))} ms, p99 "
                f"{num(dig(peer, 'peak', 'p99_ms'))} ms, {num(peer.get('errors_total'))} errors, "
                f"{num(peer.get('rows_created'))} tickets created) vs {num(api, 0)} req/s",
                f"peer / its bound = {num(peer.get('ratio_to_bound'), 3)}; "
                f"Hotline API / peer = {num(ratio_of(api, rps), 1)}",
                None,
            )
        )
    elif isinstance(peer, dict):
        rows.append(
            (
                "peer: django-helpdesk public ticket form",
                "not measured",
                str(peer.get("reason")),
                None,
            )
        )
    c = s.get("compare")
    if isinstance(c, dict) and not c.get("error") and c.get("api"):
        rev = rev_label(c)
        rows.append(
            (
                f"intake now vs {rev} (A/B in turns, one run; a comparison, no target)",
                "; ".join(
                    f"{label} {num(dig(c, k, 'current', 'rps'), 0)} vs "
                    f"{num(dig(c, k, 'rev', 'rps'), 0)} req/s"
                    for k, label in (("api", "API"), ("sms", "SMS"))
                ),
                "now / before: "
                + "; ".join(
                    f"{label} {num(dig(c, k, 'ratio'), 2)}×"
                    for k, label in (("api", "API"), ("sms", "SMS"))
                ),
                None,
            )
        )
    elif isinstance(c, dict) and c.get("error"):
        rows.append(("intake before/after a revision", "not measured", str(c["error"]), None))
    return rows


EMBEDDED_TARGET = "embedded default ≥ 3× the 93 tickets/s of the review, no routing failure"


def _embedded_summary(x: dict) -> str:
    load, logs = x.get("load") or {}, x.get("log") or {}
    return (
        f"{num(load.get('rps'), 0)} req/s, {num(x.get('tickets_created'))} tickets, "
        f"{num(logs.get('routing_failures'))} routing failures, "
        f"{num(logs.get('database_is_locked'))} 'database is locked' lines"
    )


def _embedded_targets(s: dict) -> list[tuple[str, str, str, bool | None]]:
    e = s.get("embedded")
    if not isinstance(e, dict):
        return []
    if e.get("error") or not isinstance(e.get("current"), dict):
        return [(EMBEDDED_TARGET, "not measured", str(e.get("error")), None)]
    now = e["current"]
    rps = dig(now, "load", "rps")
    target = e.get("target_rps") or 279.0
    failures = dig(now, "log", "routing_failures")
    rows = [
        (
            EMBEDDED_TARGET,
            _embedded_summary(now),
            f"{num(ratio_of(rps, e.get('review_rps') or 93.0), 2)}× the review's rate",
            None
            if rps is None
            else (rps >= target and failures == 0 and bool(now.get("all_routed"))),
        )
    ]
    before = e.get("before")
    if isinstance(before, dict):
        rows.append(
            (
                f"embedded default now vs {rev_label(e)} (one run, one after the other; "
                "a comparison, no target)",
                f"{_embedded_summary(now)} vs {_embedded_summary(before)}",
                f"now / before: {num(e.get('ratio'), 2)}×",
                None,
            )
        )
    return rows


def markdown(results: dict[str, Any], previous: dict[str, Any] | None = None) -> str:
    m = results.get("machine", {})
    s = results.get("sections", {})
    out = [
        "# Performance",
        "",
        "Generated by `make bench` (`python -m bench.run`); do not edit by hand. Every figure "
        "comes from one run on this machine, so the ratios hold even when the machine is noisy. "
        "Raw figures: `bench/results/latest.json` (the run before: `previous.json`).",
        "",
        "## Run",
        "",
        "| | |",
        "|---|---|",
        f"| command | `{results.get('command', '')}` |",
        f"| started / finished (UTC) | {results.get('started_at', '')} / "
        f"{results.get('finished_at', '')} |",
        f"| machine | `nproc` = {m.get('nproc')}, {m.get('cpu', '?')}, "
        f"{m.get('memory_gb')} GB RAM, Linux {m.get('kernel', '?')} |",
        f"| versions | Python {m.get('python')}, PostgreSQL {m.get('postgresql')}, "
        f"Redis {m.get('redis')}, gunicorn {m.get('gunicorn')}, Flask {m.get('flask')}, "
        f"SQLAlchemy {m.get('sqlalchemy')}, RQ {m.get('rq')}, psycopg {m.get('psycopg')}, "
        f"{m.get('wrk')} |",
        f"| server | {GUNICORN_NOTE} |",
        f"| load | {LOAD_NOTE}; all traffic on 127.0.0.1 |",
        f"| sizes | {', '.join(f'{k} {v:,}' for k, v in results.get('sizes', {}).items())} |",
        "",
        "This machine's speed drifts by as much as a third within seconds (see the per-round "
        "rates below); compare ratios, not absolute rates, and see the previous run's column "
        "for the noise.",
        "",
        "## Targets",
        "",
        "| target | measured | ratio | verdict | previous run |",
        "|---|---|---|---|---|",
    ]
    prev_rows = {t[0]: t for t in targets(previous)} if previous else {}
    for target, measured, ratio, ok in targets(results):
        prev = prev_rows.get(target)
        prev_text = f"{prev[1]} ({prev[2]})" if prev else "—"
        out.append(f"| {target} | {measured} | {ratio} | {mark(ok)} | {prev_text} |")
    out += (
        section_intake(s)
        + section_compare(s)
        + section_embedded(s)
        + section_routing(s)
        + section_classify(s)
        + section_sweep(s)
        + section_sweep_compare(s)
        + section_figures(s)
        + section_hotspots(s)
        + section_public(s)
        + section_desk(s)
        + section_search(s)
        + section_memory(s)
        + section_peer(s)
    )
    carried = [
        (k, v["carried_from"])
        for k, v in s.items()
        if isinstance(v, dict) and v.get("carried_from")
    ]
    if carried:
        out += ["", "## Carried over", ""]
        out += [
            f"- **{k}** was not run this time; its figures are from the run started {w}."
            for k, w in carried
        ]
    errors = [(k, v["error"]) for k, v in s.items() if isinstance(v, dict) and v.get("error")]
    if errors:
        out += ["", "## Sections that failed", ""]
        out += [f"- **{k}**: `{e}`" for k, e in errors]
    return "\n".join(out) + "\n"
