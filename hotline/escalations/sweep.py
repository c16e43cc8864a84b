"""The escalation sweep: due tickets through the indexed sla_check_at, at most once per level."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import Select, bindparam, literal_column, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from hotline.core import bulk
from hotline.core.clock import local_tz
from hotline.core.extensions import db
from hotline.escalations import effects, interviews, notices
from hotline.sla.ladder import LADDER, RANK, Level, TicketClock, levels_due, next_level_at
from hotline.sla.service import get_calendar
from hotline.tickets import transitions
from hotline.tickets.models import Escalation, Ticket
from hotline.tickets.schedule import clock_for, thresholds
from hotline.units.models import Unit

log = logging.getLogger(__name__)

BATCH_SIZE = 500


@dataclass
class SweepSummary:
    """What one sweep did, for the CLI and the job log."""

    checked: int = 0
    levels: Counter = field(default_factory=Counter)
    # levels whose notices went out, and how many of those went as digests (one per unit+level)
    notified: int = 0
    digests: int = 0
    closed_unrated: int = 0
    rectification_overdue: int = 0
    deadlines: list[datetime] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Human-readable summary, one fact a line."""
        out = [f"checked {self.checked} tickets"]
        out += [f"{level}: {self.levels.get(level.value, 0)}" for level in LADDER]
        out.append(f"notified: {self.notified}")
        out.append(f"digests: {self.digests}")
        out.append(f"closed unrated: {self.closed_unrated}")
        out.append(f"rectification overdue: {self.rectification_overdue}")
        return out


def _for_update(query: Select) -> Select:
    # PostgreSQL: concurrent sweeps take disjoint rows. SQLite serializes writers anyway and
    # SQLAlchemy renders no FOR UPDATE there.
    return query.with_for_update(skip_locked=True)


def _take_write_lock() -> None:
    """SQLite: take the database write lock before reading, not on the first write.

    A transaction that read first and then writes cannot wait for a concurrent writer (SQLite
    answers "database is locked" at once to avoid a deadlock); one that starts by writing just
    waits its turn. PostgreSQL needs nothing: FOR UPDATE SKIP LOCKED splits the rows.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(text("UPDATE tickets SET sla_check_at = sla_check_at WHERE 0"))


def due_tickets_query(now: datetime, limit: int) -> Select:
    """The sweep's claim: only rows whose sla_check_at has come, via ix_tickets_sla_check_at."""
    return _for_update(
        select(
            Ticket.id,
            Ticket.number,
            Ticket.status,
            Ticket.unit_id,
            Ticket.window_started_at,
            Ticket.accept_due_at,
            Ticket.resolve_due_at,
            Ticket.accepted_at,
            Ticket.replied_at,
            Ticket.escalation_level,
            Ticket.overdue,
        )
        .where(Ticket.sla_check_at.is_not(None), Ticket.sla_check_at <= now)
        .order_by(Ticket.sla_check_at)
        .limit(limit)
    )


def unrated_query(now: datetime, limit: int) -> Select:
    """Replied tickets whose rating window passed, via ix_tickets_rating_due_replied.

    The status is a literal, not a bound parameter: only then can a planner match the partial
    index's `status = 'replied'` predicate.
    """
    return _for_update(
        select(Ticket.id)
        .where(Ticket.rating_due_at <= now, Ticket.status == literal_column("'replied'"))
        .order_by(Ticket.rating_due_at)
        .limit(limit)
    )


def _insert_escalations(rows: list[dict]) -> dict[tuple[int, str], int]:
    """One INSERT … ON CONFLICT DO NOTHING for a batch's due levels.

    Returns {(ticket_id, level): id} for the rows this statement recorded; a level another
    sweep recorded first is absent, and its effects are that sweep's.
    """
    if not rows:
        return {}
    table = Escalation.__table__
    if db.session.get_bind().dialect.name == "postgresql":
        source = bulk.unnested(rows, {name: table.c[name].type for name in rows[0]})
        statements = [pg_insert(table).from_select(list(rows[0]), source)]
    else:  # multi-row VALUES, well under SQLite's parameter limit per statement
        statements = [
            sqlite_insert(table).values(rows[start : start + 1000])
            for start in range(0, len(rows), 1000)
        ]
    recorded: dict[tuple[int, str], int] = {}
    for stmt in statements:
        stmt = stmt.on_conflict_do_nothing(
            index_elements=["ticket_id", "deadline", "level"]
        ).returning(table.c.id, table.c.ticket_id, table.c.level)
        for esc_id, ticket_id, level in db.session.execute(stmt):
            recorded[(ticket_id, level)] = esc_id
    return recorded


def _lock_units(unit_ids: set[int]) -> None:
    """Lock, in id order, the units whose interview case this batch may open or extend.

    All at once and ordered, so two sweeps never wait on each other in a cycle; FOR NO KEY
    UPDATE does not block the foreign-key checks of concurrent inserts.
    """
    if unit_ids:
        db.session.execute(
            select(Unit.id)
            .where(Unit.id.in_(sorted(unit_ids)))
            .order_by(Unit.id)
            .with_for_update(key_share=True)
        )


def _levels_to_record(row, clock: TicketClock, due: list[Level], now: datetime) -> list[dict]:
    return [
        {
            "ticket_id": row.id,
            "unit_id": row.unit_id,
            "level": level.value,
            "clock": "resolve" if level == Level.WARNING else effects.which_clock(clock),
            "deadline": row.resolve_due_at,
            "created_at": now,
        }
        for level in due
    ]


def _escalate(
    *,
    row,
    clock: TicketClock,
    due: list[Level],
    recorded: dict[tuple[int, str], int],
    unit: Unit | None,
    now: datetime,
    summary: SweepSummary,
    writes: effects.Writes,
) -> TicketClock:
    """Apply the effects of each due level this sweep recorded; the clock reaches them all."""
    for level in due:
        clock = replace(clock, reached=clock.reached | {level.value})
        esc_id = recorded.get((row.id, level.value))
        if esc_id is None:
            continue  # another sweep recorded it first: its effects are its own
        summary.levels[level.value] += 1
        effects.apply(
            level=level, esc_id=esc_id, row=row, unit=unit, clock=clock, now=now, writes=writes
        )
        log.info("ticket %s reached %s (escalation %s)", row.number, level.value, esc_id)
    return clock


def sweep_batch(*, now: datetime, limit: int = BATCH_SIZE, summary: SweepSummary) -> int:
    """Escalate one batch of due tickets; returns how many were claimed (0: nothing left)."""
    _take_write_lock()
    rows = db.session.execute(due_tickets_query(now, limit)).all()
    if not rows:
        return 0
    reached: dict[tuple[int, datetime], set[str]] = {}
    for tid, deadline, level in db.session.execute(
        select(Escalation.ticket_id, Escalation.deadline, Escalation.level).where(
            Escalation.ticket_id.in_([r.id for r in rows])
        )
    ):
        reached.setdefault((tid, deadline), set()).add(level)
    unit_ids = {r.unit_id for r in rows if r.unit_id is not None}
    units = (
        {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids)))}
        if unit_ids
        else {}
    )
    cal, tz, th = get_calendar(), local_tz(), thresholds()
    plans = []
    for row in rows:
        clock = clock_for(row, reached.get((row.id, row.resolve_due_at), set()))
        # Escalations are keyed by the resolve deadline: without one there is nothing to key.
        due = levels_due(clock, now, cal, tz, th) if row.resolve_due_at is not None else []
        plans.append((row, clock, due))
    _lock_units({row.unit_id for row, _, due in plans if Level.INTERVIEW in due and row.unit_id})
    changes = []
    recorded = _insert_escalations(
        [values for row, clock, due in plans for values in _levels_to_record(row, clock, due, now)]
    )
    # Events, pending notices and credit entries pile up as plain rows: one INSERT per table.
    writes = effects.Writes()
    with db.session.no_autoflush:
        for row, clock, due in plans:
            clock = _escalate(
                row=row,
                clock=clock,
                due=due,
                recorded=recorded,
                unit=units.get(row.unit_id),
                now=now,
                summary=summary,
                writes=writes,
            )
            top = max(clock.reached, key=RANK.__getitem__) if clock.reached else None
            changes.append(
                {
                    "t_id": row.id,
                    "t_level": top or row.escalation_level,
                    "t_overdue": row.overdue or bool(clock.reached - {Level.WARNING.value}),
                    "t_check": (next_level_at(clock, cal, tz, th) if row.resolve_due_at else None),
                }
            )
            if row.resolve_due_at is not None:
                summary.deadlines.append(row.resolve_due_at)
    writes.write()
    writes.tell_joined(now)
    db.session.flush()
    if changes:
        _update_tickets(changes)
        _expire_loaded({c["t_id"] for c in changes})
    summary.checked += len(rows)
    return len(rows)


def _update_tickets(changes: list[dict]) -> None:
    """Write each claimed ticket's new level, overdue flag and next check instant.

    A Core UPDATE, so the ticket's version (the units' optimistic lock) is not bumped by the
    sweep: one UPDATE … FROM unnested arrays on PostgreSQL, one executemany elsewhere.
    """
    table = Ticket.__table__
    if db.session.get_bind().dialect.name == "postgresql":
        source = bulk.unnested(
            changes,
            {
                "t_id": table.c.id.type,
                "t_level": table.c.escalation_level.type,
                "t_overdue": table.c.overdue.type,
                "t_check": table.c.sla_check_at.type,
            },
        ).subquery("changes")
        db.session.execute(
            update(table)
            .where(table.c.id == source.c.t_id)
            .values(
                escalation_level=source.c.t_level,
                overdue=source.c.t_overdue,
                sla_check_at=source.c.t_check,
            )
        )
        return
    db.session.execute(
        update(table)
        .where(table.c.id == bindparam("t_id"))
        .values(
            escalation_level=bindparam("t_level"),
            overdue=bindparam("t_overdue"),
            sla_check_at=bindparam("t_check", type_=Ticket.sla_check_at.type),
        ),
        changes,
    )


def _expire_loaded(ticket_ids: set[int]) -> None:
    """Tickets this session already holds must reread what the Core UPDATE changed."""
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Ticket) and obj.id in ticket_ids:
            db.session.expire(obj, ["escalation_level", "overdue", "sla_check_at"])


def close_unrated_batch(*, now: datetime, limit: int = BATCH_SIZE) -> int:
    """Close replied tickets whose rating window passed without a rating."""
    _take_write_lock()
    ids = list(db.session.scalars(unrated_query(now, limit)))
    if not ids:
        return 0
    tickets = db.session.scalars(select(Ticket).where(Ticket.id.in_(ids)).order_by(Ticket.id))
    tickets = list(tickets.unique())
    for ticket in tickets:
        transitions.close_unrated(ticket, now=now)
    db.session.flush()
    return len(tickets)


def sweep(
    *,
    now: datetime,
    batch_size: int = BATCH_SIZE,
    commit: Callable[[], None] | None = None,
) -> SweepSummary:
    """One sweep as of `now`: the ladder, its notices, unrated replies, overdue commitments.

    `commit` (the job's or CLI's) runs after every batch so row locks are held briefly; without
    it everything stays in the caller's transaction.
    """
    summary = SweepSummary()
    seen_batches = 0
    while sweep_batch(now=now, limit=batch_size, summary=summary):
        seen_batches += 1
        if commit:
            commit()
        if seen_batches > 10_000:  # a bug must not spin forever
            log.error("sweep stopped after %s batches", seen_batches)
            break
    # The ladder is done: its notices now, so a unit's many tickets at a level make one digest.
    while True:
        _take_write_lock()
        taken, digests = notices.send_pending(now=now, limit=notices.CHUNK)
        summary.notified += taken
        summary.digests += digests
        if taken and commit:
            commit()
        if taken < notices.CHUNK:  # drained (what another sweep holds, that sweep sends)
            break
    while count := close_unrated_batch(now=now, limit=batch_size):
        summary.closed_unrated += count
        if commit:
            commit()
    _take_write_lock()
    summary.rectification_overdue = interviews.mark_overdue_commitments(now=now)
    if commit:
        commit()
    return summary
