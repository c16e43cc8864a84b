"""Hotline service figures of the phone line (DESIGN §11): calls offered, answered and
abandoned, answer rate, answered within 15 s, average wait, resolved at source (直接办结), and
per operator. Computed on demand by a few aggregate queries over the call records and the ticket
events, so they are always recomputable and need no stored roll-up (docs/FIGURES.md).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select

from hotline.auth.models import User
from hotline.calls.models import CallRecord
from hotline.core.clock import local_tz
from hotline.core.errors import ValidationFailed
from hotline.core.extensions import db
from hotline.metrics.service import MAX_DAYS
from hotline.tickets.models import Channel, Ticket, TicketEvent

ANSWER_WITHIN_SECONDS = 15
RESOLVED_AT_SOURCE = "resolved_at_source"  # the ticket event the knowledge base's 直接办结 writes


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def _mean(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The UTC instants of local midnight before `start` and after `end` ([low, high))."""
    if end < start:
        raise ValidationFailed("to is before from", fields={"to": ["before from"]})
    if (end - start).days > MAX_DAYS:
        raise ValidationFailed("at most 3 years at once", fields={"from": ["range too long"]})
    tz = local_tz()
    low = datetime.combine(start, time.min, tz).astimezone(UTC)
    high = datetime.combine(end + timedelta(days=1), time.min, tz).astimezone(UTC)
    return low, high


def _seconds_between(earlier: Any, later: Any) -> ColumnElement:
    """`later - earlier` in seconds, in SQL (PostgreSQL intervals, SQLite Julian days)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", later - earlier)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0


def _calls(low: datetime, high: datetime) -> dict[str, Any]:
    answered = CallRecord.outcome == "answered"
    row = db.session.execute(
        select(
            func.count().filter(CallRecord.outcome != "closed"),
            func.count().filter(answered),
            func.count().filter(CallRecord.outcome == "abandoned"),
            func.count().filter(CallRecord.outcome == "timeout"),
            func.count().filter(CallRecord.outcome == "closed"),
            func.count().filter(and_(answered, CallRecord.wait_seconds <= ANSWER_WITHIN_SECONDS)),
            func.avg(CallRecord.wait_seconds).filter(answered),
        ).where(CallRecord.offered_at >= low, CallRecord.offered_at < high)
    ).one()
    offered, n_answered, abandoned, timed_out, closed, quick, wait = row
    return {
        "calls_offered": offered,
        "calls_answered": n_answered,
        "calls_abandoned": abandoned,
        "calls_timed_out": timed_out,
        "calls_out_of_hours": closed,
        "answer_rate": _ratio(n_answered, offered),
        "answered_within_15s_rate": _ratio(quick, offered),
        "average_wait_seconds": _mean(wait),
    }


def _operator(user_id: int, username: str, display_name: str | None) -> dict[str, Any]:
    return {"id": user_id, "username": username, "name": display_name or username}


def _phone_tickets(low: datetime, high: datetime) -> tuple[int, int, dict[int, tuple]]:
    """(phone tickets created in the period, of them resolved at source, {operator id:
    (operator, tickets they resolved at source)})."""
    created = and_(
        Ticket.channel == Channel.phone, Ticket.created_at >= low, Ticket.created_at < high
    )
    total = db.session.scalar(select(func.count()).select_from(Ticket).where(created)) or 0
    resolved = (
        select(TicketEvent.ticket_id, TicketEvent.actor_id)
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .where(created, TicketEvent.type == RESOLVED_AT_SOURCE)
        .distinct()
        .subquery()
    )
    n_resolved = db.session.scalar(select(func.count(func.distinct(resolved.c.ticket_id))))
    by_actor = db.session.execute(
        select(
            User.id,
            User.username,
            User.display_name,
            func.count(func.distinct(resolved.c.ticket_id)),
        )
        .join(User, User.id == resolved.c.actor_id)
        .group_by(User.id, User.username, User.display_name)
    )
    per_actor = {uid: (_operator(uid, name, shown), n) for uid, name, shown, n in by_actor}
    return total, n_resolved or 0, per_actor


def _per_operator(low: datetime, high: datetime, resolved: dict[int, tuple]) -> list[dict]:
    """Answered calls and mean handle time per operator, with what each resolved at source;
    most calls first."""
    handle = _seconds_between(CallRecord.answered_at, CallRecord.ended_at)
    rows = db.session.execute(
        select(User.id, User.username, User.display_name, func.count(), func.avg(handle))
        .join(User, User.id == CallRecord.operator_id)
        .where(
            CallRecord.offered_at >= low,
            CallRecord.offered_at < high,
            CallRecord.outcome == "answered",
        )
        .group_by(User.id, User.username, User.display_name)
    )
    out = {
        uid: {
            "operator": _operator(uid, name, shown),
            "answered": count,
            "average_handle_seconds": _mean(avg),
            "resolved_at_source": resolved[uid][1] if uid in resolved else 0,
        }
        for uid, name, shown, count, avg in rows
    }
    for uid, (operator, count) in resolved.items():
        out.setdefault(
            uid,
            {
                "operator": operator,
                "answered": 0,
                "average_handle_seconds": None,
                "resolved_at_source": count,
            },
        )
    return sorted(out.values(), key=lambda r: (-r["answered"], r["operator"]["id"]))


def figures(*, start: date, end: date) -> dict[str, Any]:
    """The phone line's service figures over the local days [start, end]: calls by the day
    they were offered, tickets by the day they were created."""
    low, high = bounds(start, end)
    phone_tickets, resolved, per_actor = _phone_tickets(low, high)
    return {
        "from_": start,
        "to": end,
        **_calls(low, high),
        "phone_tickets": phone_tickets,
        "resolved_at_source": resolved,
        "resolved_at_source_rate": _ratio(resolved, phone_tickets),
        "per_operator": _per_operator(low, high, per_actor),
    }
