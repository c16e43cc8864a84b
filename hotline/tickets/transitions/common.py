"""Shared checks and helpers of the ticket transitions: permissions, status, events, windows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select

from hotline.core.actor import Actor
from hotline.core.clock import format_local as _fmt
from hotline.core.clock import utcnow
from hotline.core.errors import (
    InvalidTransition,
    ValidationFailed,
)
from hotline.core.extensions import db
from hotline.notify.service import queue_sms
from hotline.sla import service as sla
from hotline.tickets.events import record_event as record
from hotline.tickets.models import Ticket, TicketRequest
from hotline.tickets.notices import decided
from hotline.tickets.schedule import next_check_at
from hotline.units import service as units
from hotline.units.models import Unit


def _require_text(value: str | None, field: str) -> None:
    """A free-text field the action cannot do without (a reason, a reply)."""
    if not (value or "").strip():
        raise ValidationFailed(f"{field} is required", fields={field: ["required"]})


def _require_status(ticket: Ticket, action: str, allowed: Iterable[str]) -> None:
    if ticket.status not in set(allowed):
        raise InvalidTransition(action, ticket.status)


def _set_status(
    ticket: Ticket,
    type_: str,
    actor: Actor,
    to: str | None,
    now: datetime,
    reason: str | None = None,
    data: dict | None = None,
) -> None:
    before = ticket.status
    if to is not None:
        ticket.status = to
    ticket.updated_at = now
    record(
        ticket,
        type_,
        actor,
        now=now,
        from_status=before,
        to_status=to or before,
        reason=reason,
        data=data,
    )


def _unit_by_code(code: str | None, field: str = "unit") -> Unit:
    unit = units.get_by_code(code, field=field, active_only=True)
    return units.check_takes_tickets(unit, field=field)


def _pending(ticket: Ticket, type_: str) -> TicketRequest | None:
    return db.session.scalar(
        select(TicketRequest).where(
            TicketRequest.ticket_id == ticket.id,
            TicketRequest.type == type_,
            TicketRequest.status == "pending",
        )
    )


def _decide(
    ticket: Ticket,
    type_: str,
    actor: Actor,
    approve: bool,
    reason: str | None,
    now: datetime,
) -> TicketRequest:
    req = _pending(ticket, type_)
    if req is None:
        raise InvalidTransition(f"decide a {type_} (none pending) for", ticket.status)
    req.status = "approved" if approve else "denied"
    req.decided_by_id = actor.user_id
    req.decided_at = now
    req.decision_reason = reason
    decided(req, actor=actor, now=now)
    return req


def _deny(
    ticket: Ticket, type_: str, *, actor: Actor, reason: str | None, now: datetime | None
) -> Ticket:
    now = now or utcnow()
    req = _decide(ticket, type_, actor, False, reason, now)
    _set_status(
        ticket, f"{type_}_denied", actor, None, now, reason=reason, data={"request": req.id}
    )
    return ticket


def _open_window(ticket: Ticket, unit: Unit, now: datetime) -> None:
    limits = sla.limits_for(
        kind=ticket.kind, priority=ticket.priority, category_id=ticket.category_id
    )
    window = sla.window(limits, now)
    ticket.unit_id = unit.id
    ticket.unit = unit
    ticket.dispatched_at = now
    ticket.accepted_at = None
    ticket.window_started_at = now
    ticket.accept_due_at = window.accept_due_at
    ticket.resolve_due_at = window.resolve_due_at
    ticket.return_due_at = window.return_due_at
    ticket.overdue = False
    ticket.escalation_level = None
    # sla_check_at is set by the caller once the status says dispatched.


def sla_next_check(ticket: Ticket) -> datetime | None:
    """When the ladder should next look at the ticket; the clock module refines this."""
    return next_check_at(ticket)


def _notify_unit_of_dispatch(ticket: Ticket, unit: Unit, now: datetime) -> None:
    summary = "" if ticket.confidential else ticket.description[:60]
    queue_sms(
        to=unit.duty_phone,
        template="dispatch_unit",
        ticket_id=ticket.id,
        unit_id=unit.id,
        dedupe_key=f"dispatch:{ticket.id}:{unit.id}:{now.isoformat()}",
        now=now,
        number=ticket.number,
        category=ticket.category.name if ticket.category else "-",
        accept_due=_fmt(ticket.accept_due_at),
        resolve_due=_fmt(ticket.resolve_due_at),
        summary=summary,
    )


def _deadlines(ticket: Ticket) -> dict:
    return {
        "accept_due_at": ticket.accept_due_at.isoformat() if ticket.accept_due_at else None,
        "resolve_due_at": ticket.resolve_due_at.isoformat() if ticket.resolve_due_at else None,
    }
