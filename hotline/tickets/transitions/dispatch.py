"""Routing, dispatch (派单/改派) and accept (签收).

The staff actions here are unguarded: their rows in registry.py check who may, from which status
and at which version; call them as `hotline.tickets.transitions.<name>`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from hotline.catalogue.routing import decide, load_catalogue
from hotline.classify.service import Verdict
from hotline.core.actor import Actor
from hotline.core.clock import utcnow
from hotline.core.extensions import db
from hotline.tickets.classification import classify_untagged
from hotline.tickets.models import Status, Ticket
from hotline.tickets.transitions.common import (
    _deadlines,
    _notify_unit_of_dispatch,
    _open_window,
    _set_status,
    _unit_by_code,
    sla_next_check,
)
from hotline.units.models import Unit


def route(
    ticket: Ticket,
    *,
    now: datetime | None = None,
    classified: Mapping[int, Verdict | None] | None = None,
) -> Ticket:
    """The routing job's decision: an untagged ticket is classified first (rules, then the
    text model; `classified` holds its batch's verdicts); dispatch to a confident unit, else
    triage."""
    now = now or utcnow()
    if ticket.status != Status.new:
        return ticket  # already routed: a repeated job does nothing
    if ticket.category_id is None:
        classify_untagged(ticket, now=now, known=classified)
    decision = decide(
        load_catalogue(),
        category_id=ticket.category_id,
        district=ticket.district,
        description=ticket.description,
    )
    system = Actor.system("router")
    if decision.unit_id is None:
        _set_status(ticket, "triaged", system, Status.triage, now, reason=decision.reason)
        return ticket
    unit = db.session.get(Unit, decision.unit_id)
    _open_window(ticket, unit, now)
    _set_status(
        ticket,
        "dispatched",
        system,
        Status.dispatched,
        now,
        reason=decision.reason,
        data=_deadlines(ticket) | {"unit": unit.code},
    )
    ticket.sla_check_at = sla_next_check(ticket)  # now that the status says dispatched
    _notify_unit_of_dispatch(ticket, unit, now)
    return ticket


def dispatch(
    ticket: Ticket,
    *,
    actor: Actor,
    unit: str,
    reason: str | None = None,
    now: datetime | None = None,
) -> Ticket:
    """An operator sends a ticket to a unit (派单) or re-dispatches it (改派): a full window."""
    now = now or utcnow()
    target = _unit_by_code(unit)
    previous = ticket.unit.code if ticket.unit else None
    _open_window(ticket, target, now)
    _set_status(
        ticket,
        "dispatched" if previous is None else "redispatched",
        actor,
        Status.dispatched,
        now,
        reason=reason,
        data=_deadlines(ticket) | {"unit": target.code, "from_unit": previous},
    )
    ticket.sla_check_at = sla_next_check(ticket)  # now that the status says dispatched
    _notify_unit_of_dispatch(ticket, target, now)
    return ticket


def accept(
    ticket: Ticket,
    *,
    actor: Actor,
    now: datetime | None = None,
) -> Ticket:
    """The unit signs for the ticket (签收)."""
    now = now or utcnow()
    ticket.accepted_at = now
    in_time = ticket.accept_due_at is None or now <= ticket.accept_due_at
    ticket.sla_check_at = sla_next_check(ticket)
    _set_status(ticket, "accepted", actor, Status.accepted, now, data={"in_time": in_time})
    return ticket
