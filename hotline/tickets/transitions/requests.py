"""Returns (退单) and extensions (延期): the unit asks, a supervisor decides.

A unit asks for one extension per ticket, of at most the ticket's original window; more days,
or a second extension, only an inspector grants (`grant_extension`, docs/TICKETS.md).

The staff actions here are unguarded: their rows in registry.py check who may, from which status
and at which version; call them as `hotline.tickets.transitions.<name>`.
"""

from __future__ import annotations

import math
from datetime import datetime

from sqlalchemy import select

from hotline.core.actor import Actor
from hotline.core.clock import utcnow
from hotline.core.errors import Conflict, ValidationFailed
from hotline.core.extensions import db
from hotline.notify.service import queue_sms
from hotline.notify.texts import plain_deadline
from hotline.sla import service as sla
from hotline.tickets.models import Status, Ticket, TicketRequest
from hotline.tickets.notices import needs_someone, tell_unit
from hotline.tickets.recompute import extended_resolve_due
from hotline.tickets.transitions.common import (
    _decide,
    _deny,
    _fmt,
    _pending,
    _require_text,
    _set_status,
    _unit_by_code,
    sla_next_check,
)

MAX_DAYS = 30  # the schema's bound too (ExtensionSchema)


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
    db.session.flush()  # the request's id keys its notice
    _set_status(
        ticket,
        "return_requested",
        actor,
        None,
        now,
        reason=reason,
        data={"suggested_unit": suggested.code if suggested else None},
    )
    needs_someone(ticket, "return_requested", request=req, now=now, reason=req.reason)
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


def original_window_days(ticket: Ticket) -> int:
    """The ticket's resolve window in working days under its SLA policy: the most a unit may ask
    for in its one extension. An hours window (urgent) counts as whole days, at least one."""
    limits = sla.limits_for(
        kind=ticket.kind, priority=ticket.priority, category_id=ticket.category_id
    )
    if limits.resolve_unit == "hours":
        return max(1, math.ceil(limits.resolve_value / 24))
    return limits.resolve_value


def _valid_days(days: object) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise ValidationFailed(
            f"days must be 1–{MAX_DAYS}", fields={"days": [f"between 1 and {MAX_DAYS}"]}
        )
    return days


def _before_deadline(ticket: Ticket, now: datetime) -> None:
    if ticket.resolve_due_at and now >= ticket.resolve_due_at:
        raise Conflict(
            f"an extension must come before the resolve deadline ({_fmt(ticket.resolve_due_at)})",
            current_status=ticket.status,
        )


def _unit_extension(ticket: Ticket) -> TicketRequest | None:
    """The extension the ticket's unit already asked for and got (its one)."""
    return db.session.scalar(
        select(TicketRequest)
        .where(
            TicketRequest.ticket_id == ticket.id,
            TicketRequest.type == "extension",
            TicketRequest.origin == "unit",
            TicketRequest.unit_id == ticket.unit_id,
            TicketRequest.status == "approved",
        )
        .limit(1)
    )


def request_extension(
    ticket: Ticket,
    *,
    actor: Actor,
    days: int,
    reason: str,
    now: datetime | None = None,
) -> TicketRequest:
    """The unit asks for more working days (延期) before the resolve deadline: once per ticket
    (a denied request does not count), for at most the ticket's original window."""
    now = now or utcnow()
    days = _valid_days(days)
    _require_text(reason, "reason")
    _before_deadline(ticket, now)
    if _pending(ticket, "extension"):
        raise Conflict("an extension request is already pending", current_status=ticket.status)
    used = _unit_extension(ticket)
    if used is not None:
        raise Conflict(
            f"this ticket already had its one extension requested by the unit ({used.days} "
            "working days); only an inspector (督查) can grant more",
            current_status=ticket.status,
        )
    window = original_window_days(ticket)
    if days > window:
        # A cap of this ticket, not of the body: the same days are fine on another ticket, and
        # an inspector may grant them here (409 as for the second extension).
        raise Conflict(
            f"days must be at most {window}, the ticket's original window in working days; "
            "only an inspector (督查) can grant more",
            fields={"days": [f"at most {window}"]},
            current_status=ticket.status,
        )
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
    db.session.flush()  # the request's id keys its notice
    _set_status(
        ticket,
        "extension_requested",
        actor,
        None,
        now,
        reason=reason,
        data={"days": days},
    )
    needs_someone(ticket, "extension_requested", request=req, now=now, reason=req.reason, days=days)
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
    _extend(ticket, req, actor, "extension_approved", reason, now)
    tell_unit(ticket, "extension_approved", now=now, due=_fmt(ticket.resolve_due_at))
    return ticket


def grant_extension(
    ticket: Ticket,
    *,
    actor: Actor,
    days: int,
    reason: str,
    now: datetime | None = None,
) -> Ticket:
    """An inspector grants working days directly: beyond the unit's one request or its cap."""
    now = now or utcnow()
    days = _valid_days(days)
    _require_text(reason, "reason")
    _before_deadline(ticket, now)
    req = TicketRequest(
        ticket_id=ticket.id,
        type="extension",
        origin="inspector",
        status="approved",
        unit_id=ticket.unit_id,
        reason=reason.strip(),
        days=days,
        requested_by_id=actor.user_id,
        requested_at=now,
        decided_by_id=actor.user_id,
        decided_at=now,
        decision_reason=reason.strip(),
    )
    db.session.add(req)
    db.session.flush()  # the recompute below reads the approved days from the table
    _extend(ticket, req, actor, "extension_granted", reason, now)
    tell_unit(ticket, "extension_granted", now=now, days=days, due=_fmt(ticket.resolve_due_at))
    return ticket


def _extend(
    ticket: Ticket, req: TicketRequest, actor: Actor, type_: str, reason: str | None, now: datetime
) -> None:
    """Move the resolve deadline the way the recompute job would (window + every approved
    extension in it), record it, and tell the complainant the new date, never the reason."""
    old = ticket.resolve_due_at
    ticket.resolve_due_at = extended_resolve_due(ticket) if old else None
    ticket.sla_check_at = sla_next_check(ticket)
    _set_status(
        ticket,
        type_,
        actor,
        None,
        now,
        reason=reason,
        data={
            "request": req.id,
            "days": req.days,
            "from": old.isoformat() if old else None,
            "to": ticket.resolve_due_at.isoformat() if ticket.resolve_due_at else None,
        },
    )
    if ticket.resolve_due_at is None:
        return
    queue_sms(
        to=ticket.complainant_phone,
        template="extension_granted",
        locale=ticket.locale,
        ticket_id=ticket.id,
        dedupe_key=f"extension:{req.id}",
        now=now,
        number=ticket.number,
        due=plain_deadline(ticket.resolve_due_at, ticket.locale),
    )


def deny_extension(
    ticket: Ticket,
    *,
    actor: Actor,
    reason: str | None = None,
    now: datetime | None = None,
) -> Ticket:
    """A supervisor refuses the days: the deadline stays where it was."""
    return _deny(ticket, "extension", actor=actor, reason=reason, now=now)
