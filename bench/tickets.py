"""Set-based ticket generation (INSERT … SELECT generate_series) for the bench and its smoke test.

`generate` writes `n` tickets in one statement: `open_share` of them dispatched or accepted with
deadlines spread over the coming months and `sla_check_at` set, the rest closed (no check due).
`make_due` then moves `count` open tickets' deadlines into the past so a sweep escalates them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hotline.notify.models import Notice, OutboxMessage
from hotline.tickets.models import Escalation, Ticket, TicketEvent

OPEN_SHARE = 0.2
SPREAD_DAYS = 120


def _units_and_categories(session: Session) -> tuple[list[int], list[int]]:
    units = list(session.scalars(sa.text("SELECT id FROM units ORDER BY id")))
    categories = list(session.scalars(sa.text("SELECT id FROM categories ORDER BY id")))
    if not units:
        raise RuntimeError("load reference data (units, categories) before generating tickets")
    return units, categories or [None]


def generate(
    session: Session,
    *,
    n: int,
    now: datetime,
    open_share: float = OPEN_SHARE,
    status: str | None = None,
) -> int:
    """Insert `n` tickets in one INSERT … SELECT; returns the first id.

    Every (1/open_share)-th ticket is open (dispatched or accepted): its window opened 0–4 hours
    ago and its resolve deadline is 3 days to SPREAD_DAYS ahead, so its first ladder instant
    (sla_check_at, the 80 % warning) lies in the future. The rest were closed within the past
    year. `status` forces one status for all (e.g. "new" for the routing bench).
    """
    units, categories = _units_and_categories(session)
    first = session.scalar(sa.text("SELECT coalesce(max(id), 0) + 1 FROM tickets"))
    every = max(1, round(1 / open_share)) if open_share > 0 else 0
    pg = session.get_bind().dialect.name == "postgresql"
    if pg:
        series = "generate_series(CAST(:first AS bigint), CAST(:last AS bigint)) AS g"
        at = "CAST(:now AS timestamptz) + make_interval(secs => {})"
        number = (
            "to_char(DATE '2020-01-01' + CAST(g / 1000000 AS integer), 'YYYYMMDD') || '-' "
            "|| lpad((g % 1000000)::text, 6, '0')"
        )
    else:
        series = (
            "(WITH RECURSIVE s(g) AS (SELECT :first UNION ALL SELECT g + 1 FROM s "
            "WHERE g < :last) SELECT g FROM s) AS gs"
        )
        at = "strftime('%Y-%m-%d %H:%M:%S.000000', :now, ({}) || ' seconds')"
        number = (
            "strftime('%Y%m%d', date('2020-01-01', '+' || (g / 1000000) || ' days')) || '-' "
            "|| substr('000000' || (g % 1000000), -6)"
        )
    day = 86400
    phone = (
        "'+86138' || lpad((g % 100000000)::text, 8, '0')"
        if pg
        else "'+86138' || substr('00000000' || (g % 100000000), -8)"
    )
    is_open = f"(g % {every} = 0)" if every else "(1 = 0)"
    status_sql = (
        f"'{status}'"
        if status
        else f"CASE WHEN {is_open} THEN (CASE WHEN g % 2 = 0 THEN 'dispatched' "
        "ELSE 'accepted' END) ELSE 'closed' END"
    )
    # open: window opened 0-4 h ago, resolve 3..SPREAD_DAYS days ahead
    o_start = "(-3600 * (g % 5))"
    o_resolve = f"({3 * day} + (g * 7919) % ({SPREAD_DAYS} * {day}))"
    o_warning = f"({o_start} + 0.8 * ({o_resolve} - {o_start}))"
    # closed: came in 1-365 days ago, replied 3 days later
    c_start = f"(-{day} - (g * 7919) % (365 * {day}))"
    start = f"CASE WHEN {is_open} THEN {o_start} ELSE {c_start} END"
    resolve = f"CASE WHEN {is_open} THEN {o_resolve} ELSE {c_start} + 5 * {day} END"
    st = f"({status_sql})"
    sql = f"""
        INSERT INTO tickets (
            id, number, channel, kind, category_id, priority, status, complainant_phone,
            disclose_identity, confidential, publish_consent, description, locale, unit_id,
            overdue, reopen_count, version, created_at, updated_at, dispatched_at, accepted_at,
            replied_at, closed_at, rating, accept_due_at, resolve_due_at, window_started_at,
            sla_check_at
        )
        SELECT
            g, {number}, 'phone', 'complaint',
            {_case("g", categories)}, 'normal', {st},
            {phone}, false, false, false,
            'bench ticket ' || g, 'zh_CN', {_case("g", units)}, false, 0, 1,
            {at.format(f"({start}) - 600")}, {at.format(start)}, {at.format(start)},
            CASE WHEN {st} IN ('accepted', 'closed') THEN {at.format(f"({start}) + 3600")} END,
            CASE WHEN {st} = 'closed' THEN {at.format(f"({start}) + 3 * {day}")} END,
            CASE WHEN {st} = 'closed' THEN {at.format(f"({start}) + 4 * {day}")} END,
            CASE WHEN {st} = 'closed' THEN 1 + g % 5 END,
            {at.format(f"({start}) + {day}")}, {at.format(resolve)}, {at.format(start)},
            CASE WHEN {st} IN ('dispatched', 'accepted') THEN {at.format(o_warning)} END
        FROM {series}
    """
    # SQLite stores naive UTC text (hotline.core.dbtypes.UTCDateTime); PostgreSQL takes the
    # datetime.
    bound_now = now if pg else now.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    session.execute(sa.text(sql), {"first": first, "last": first + n - 1, "now": bound_now})
    if pg:
        session.execute(
            sa.text("SELECT setval(pg_get_serial_sequence('tickets', 'id'), :v)"),
            {"v": first + n - 1},
        )
    return first


def _case(expr: str, ids: list) -> str:
    """CASE expr % len(ids) WHEN 0 THEN ids[0] … (spreads rows over units or categories)."""
    whens = " ".join(f"WHEN {i} THEN {x if x is not None else 'NULL'}" for i, x in enumerate(ids))
    return f"CASE {expr} % {len(ids)} {whens} END"


def generate_events(session: Session, *, first: int, last: int) -> int:
    """The life-cycle events the figures read, for tickets first..last with a unit, in one
    INSERT … SELECT ordered by time (ids grow with time, as in the live log): dispatched;
    accepted (in time); replied (on time) and rated for closed ones."""
    pg = session.get_bind().dialect.name == "postgresql"

    def js(expr: str) -> str:
        return f"CAST({expr} AS json)" if pg else expr

    parts = [
        ("dispatched", "dispatched_at", "dispatched_at IS NOT NULL", "NULL"),
        ("accepted", "accepted_at", "accepted_at IS NOT NULL", js("'{\"in_time\": true}'")),
        ("replied", "replied_at", "replied_at IS NOT NULL", js("'{\"on_time\": true}'")),
        ("rated", "closed_at", "rating IS NOT NULL", js("'{\"rating\": ' || rating || '}'")),
    ]
    union = " UNION ALL ".join(
        f"SELECT id AS ticket_id, '{type_}' AS type, {when} AS at, unit_id, {data} AS data "
        f"FROM tickets WHERE id BETWEEN :first AND :last AND unit_id IS NOT NULL AND {cond}"
        for type_, when, cond, data in parts
    )
    result = session.execute(
        sa.text(
            "INSERT INTO ticket_events (ticket_id, type, at, actor_label, unit_id, data) "
            f"SELECT ticket_id, type, at, 'bench', unit_id, data FROM ({union}) AS e ORDER BY at"
        ),
        {"first": first, "last": last},
    )
    return result.rowcount


def make_due(session: Session, *, count: int, now: datetime) -> int:
    """Move `count` open, never escalated tickets' resolve deadline just past `now`."""
    ids = list(
        session.scalars(
            sa.select(Ticket.id)
            .where(Ticket.sla_check_at.is_not(None), Ticket.escalation_level.is_(None))
            .order_by(Ticket.id)
            .limit(count)
        )
    )
    if not ids:
        return 0
    past = now - timedelta(hours=1)
    session.execute(
        sa.update(Ticket)
        .where(Ticket.id.in_(ids))
        .values(
            window_started_at=past - timedelta(days=10),
            accept_due_at=past - timedelta(days=9),
            accepted_at=past - timedelta(days=9, hours=2),
            status="accepted",
            resolve_due_at=past,
            sla_check_at=past,
        ),
        execution_options={"synchronize_session": False},
    )
    return len(ids)


def counts(session: Session) -> dict[str, int]:
    """Rows the sweep writes, for before/after comparisons."""
    return {
        "escalations": session.scalar(sa.select(sa.func.count()).select_from(Escalation)),
        "events": session.scalar(sa.select(sa.func.count()).select_from(TicketEvent)),
        "outbox": session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)),
        "notices": session.scalar(sa.select(sa.func.count()).select_from(Notice)),
    }
