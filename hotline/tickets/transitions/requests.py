"""Returns (退单) and extensions (延期): the unit asks, a supervisor decides.

The staff actions here are unguarded: their rows in registry.py check who may, from which status
and at which version; call them as `hotline.tickets.transitions.<name>`.
"""

from __future__ import annotations

from datetime import datetime

from hotline.core.actor import Actor
from hotline.core.clock import utcnow
from hotline.core.errors import (
    Conflict,
    InvalidTransition,
    ValidationFailed,
)
from hotline.core.extensions import db
from hotline.notify.service import queue_sms
from hotline.sla import service as sla
from hotline.tickets.models import Status, Ticket, TicketRequest
from hotline.tickets.notices import needs_someone
from hotline.tickets.transitions.common import (
    _fmt,
    _pending,
    _require_text,
    _set_status,
    _unit_by_code,
    sla_next_check,
)


def request_return(
    ticket: Ticket,
    *,
    actor: Actor,
    reason: str,
    suggested_unit: str | None = None,
    now: datetime | None = None,
) -> TicketRequest:
    """The unit says the ticket is not theirs (退单), within the return window."""
    now = now or utcnow()
    _require_text(reason, "reason")
    if ticket.return_due_at and now > ticket.return_due_at:
        raise Conflict(
            f"the return window closed at {_fmt(ticket.return_due_at)}",
            current_status=ticket.status,
        )
    if _pending(ticket, "return"):
        raise Conflict("a return request is already pending", current_status=ticket.status)
    suggested = _unit_by_code(suggested_unit, "suggested_unit") if suggested_unit else None
    req = TicketRequest(
        ticket_id=ticket.id,
        type="return",
        unit_id=ticket.unit_id,
        reason=reason.strip(),
        suggested_unit_id=suggested.id if suggested else None,
        requested_by_id=actor.user_id,
        requested_at=now,
    )
    db.session.add(req)
    _set_status(
        ticket,
        "return_requested",
        actor,
        None,
        now,
        reason=reason,
        data={"suggested_unit": suggested.code if suggested else None},
    )
    needs_someone(ticket, "return_requested", now=now)
    return req


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
    return req


def approve_return(
    ticket: Ticket,
    *,
    actor: Actor,
    reason: str | None = None,
    now: datetime | None = None,
) -> Ticket:
    """A supervisor agrees: back to triage, the unit's clocks stop (re-dispatch restarts them)."""
    now = now or utcnow()
    req = _decide(ticket, "return", actor, True, reason, now)
    from_unit = ticket.unit.code if ticket.unit else None
    _set_status(
        ticket,
        "return_approved",
        actor,
        Status.triage,
        now,
        reason=reason,
        data={"from_unit": from_unit, "request": req.id},
    )
    ticket.unit_id = None
    ticket.unit = None
    ticket.accept_due_at = ticket.resolve_due_at = ticket.return_due_at = None
    ticket.window_started_at = ticket.accepted_at = None
    ticket.sla_check_at = None
    ticket.overdue = False
    ticket.escalation_level = None
    return ticket


def deny_return(
    ticket: Ticket,
    *,
    actor: Actor,
    reason: str | None = None,
    now: datetime | None = None,
) -> Ticket:
    """A supervisor refuses: the ticket stays with the unit and its clock keeps running."""
    return _deny(ticket, "return", actor=actor, reason=reason, now=now)


def request_extension(
    ticket: Ticket,
    *,
    actor: Actor,
    days: int,
    reason: str,
    now: datetime | None = None,
) -> TicketRequest:
    """The unit asks for more working days (延期) before the resolve deadline."""
    now = now or utcnow()
    if not isinstance(days, int) or not 1 <= days <= 30:
        raise ValidationFailed("days must be 1–30", fields={"days": ["between 1 and 30"]})
    _require_text(reason, "reason")
    if ticket.resolve_due_at and now >= ticket.resolve_due_at:
        raise Conflict(
            "an extension must be requested before the deadline",
            current_status=ticket.status,
        )
    if _pending(ticket, "extension"):
        raise Conflict("an extension request is already pending", current_status=ticket.status)
    req = TicketRequest(
        ticket_id=ticket.id,
        type="extension",
        unit_id=ticket.unit_id,
        reason=reason.strip(),
        days=days,
        requested_by_id=actor.user_id,
        requested_at=now,
    )
    db.session.add(req)
    _set_status(
        ticket,
        "extension_requested",
        actor,
        None,
        now,
        reason=reason,
        data={"days": days},
    )
    needs_someone(ticket, "extension_requested", now=now, days=days)
    return req


def approve_extension(
    ticket: Ticket,
    *,
    actor: Actor,
    reason: str | None = None,
    now: datetime | None = None,
) -> Ticket:
    """A supervisor grants the days: the resolve deadline moves and the complainant is told."""
    now = now or utcnow()
    req = _decide(ticket, "extension", actor, True, reason, now)
    old = ticket.resolve_due_at
    ticket.resolve_due_at = sla.extended(old, req.days) if old else None
    ticket.sla_check_at = sla_next_check(ticket)
    _set_status(
        ticket,
        "extension_approved",
        actor,
        None,
        now,
        reason=reason,
        data={
            "days": req.days,
            "from": old.isoformat() if old else None,
            "to": ticket.resolve_due_at.isoformat() if ticket.resolve_due_at else None,
        },
    )
    queue_sms(
        to=ticket.complainant_phone,
        template="extension_granted",
        locale=ticket.locale,
        ticket_id=ticket.id,
        dedupe_key=f"extension:{req.id}",
        now=now,
        number=ticket.number,
        due=_fmt(ticket.resolve_due_at),
        reason=req.reason,
    )
    return ticket


def deny_extension(
    ticket: Ticket,
    *,
    actor: Actor,
    reason: str | None = None,
    now: datetime | None = None,
) -> Ticket:
    """A supervisor refuses the days: the deadline stays where it was."""
    return _deny(ticket, "extension", actor=actor, reason=reason, now=now)


def _deny(
    ticket: Ticket, type_: str, *, actor: Actor, reason: str | None, now: datetime | None
) -> Ticket:
    now = now or utcnow()
    req = _decide(ticket, type_, actor, False, reason, now)
    _set_status(
        ticket, f"{type_}_denied", actor, None, now, reason=reason, data={"request": req.id}
    )
    return ticket
