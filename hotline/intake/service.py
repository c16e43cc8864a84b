"""What every channel asks of tickets: estimates, lookups by complainant, rating, opt-out."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from hotline.core.actor import Actor
from hotline.core.clock import utcnow
from hotline.core.extensions import db
from hotline.notify.models import SmsOptOut
from hotline.sla import service as sla
from hotline.tickets import transitions
from hotline.tickets.models import Status, Ticket


def expected_due(ticket: Ticket, *, now: datetime | None = None) -> datetime:
    """The resolve deadline the policy gives this ticket; before dispatch an estimate as if the
    unit's window opened now (routing follows within seconds)."""
    if ticket.resolve_due_at is not None:
        return ticket.resolve_due_at
    return policy_due(
        kind=ticket.kind, priority=ticket.priority, category_id=ticket.category_id, now=now
    )


def policy_due(
    *, kind: str, priority: str, category_id: int | None, now: datetime | None = None
) -> datetime:
    """The resolve deadline the policy gives a ticket of this kind, priority and category if
    the unit's window opened at `now` (before the ticket exists)."""
    limits = sla.limits_for(kind=kind, priority=priority, category_id=category_id)
    return sla.window(limits, now or utcnow()).resolve_due_at


def find_for_complainant(*, number: str, phone: str | None) -> Ticket | None:
    """The ticket with this number if it was filed from this phone; None otherwise (no hint
    whether the number exists, so numbers cannot be probed)."""
    if not phone:
        return None
    return db.session.scalar(
        select(Ticket).where(Ticket.number == number.strip(), Ticket.complainant_phone == phone)
    )


def latest_for_phone(*, phone: str) -> Ticket | None:
    """The complainant's most recent ticket."""
    return db.session.scalar(
        select(Ticket)
        .where(Ticket.complainant_phone == phone)
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .limit(1)
    )


def awaiting_rating(*, phone: str, now: datetime | None = None) -> Ticket | None:
    """The most recently answered ticket of this phone still waiting for its 好差评."""
    now = now or utcnow()
    return db.session.scalar(
        select(Ticket)
        .where(
            Ticket.complainant_phone == phone,
            Ticket.status == Status.replied,
            (Ticket.rating_due_at.is_(None)) | (Ticket.rating_due_at >= now),
        )
        .order_by(Ticket.replied_at.desc(), Ticket.id.desc())
        .limit(1)
    )


def rate(
    ticket: Ticket, *, rating: int, comment: str | None = None, now: datetime | None = None
) -> Ticket:
    """The complainant rates the answer (1–2 reopen, 3–5 close)."""
    return transitions.rate(
        ticket, actor=Actor.complainant(), rating=rating, comment=comment, now=now
    )


def opt_out(*, phone: str, now: datetime | None = None) -> SmsOptOut:
    """Record that this phone wants no more notifications (idempotent)."""
    existing = db.session.get(SmsOptOut, phone)
    if existing is not None:
        return existing
    row = SmsOptOut(phone=phone, at=now or utcnow())
    db.session.add(row)
    db.session.flush()
    return row
