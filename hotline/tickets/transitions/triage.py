"""Merge (并单) and reject: folding duplicates and refusing what is not ours.

The staff actions here are unguarded: their rows in registry.py check who may, from which status
and at which version; call them as `hotline.tickets.transitions.<name>`.
"""

from __future__ import annotations

from datetime import datetime

from hotline.core.actor import Actor
from hotline.core.clock import utcnow
from hotline.core.errors import (
    Conflict,
    NotFound,
    ValidationFailed,
)
from hotline.tickets import duplicates
from hotline.tickets.events import record_event as record
from hotline.tickets.models import Status, Ticket
from hotline.tickets.service import get_by_number
from hotline.tickets.transitions.common import (
    _require_text,
    _set_status,
)


def merge(
    ticket: Ticket,
    *,
    actor: Actor,
    into: str,
    reason: str | None = None,
    now: datetime | None = None,
) -> Ticket:
    """并单: fold a duplicate into another ticket. Into an answered one (replied or closed), the
    merged complainant gets its answer at once; a rejected or merged ticket takes none."""
    now = now or utcnow()
    try:
        target = get_by_number(into or "")
    except NotFound as exc:
        raise ValidationFailed(f"no ticket {into}", fields={"into": ["unknown ticket"]}) from exc
    if target.id == ticket.id:
        raise ValidationFailed("a ticket cannot be merged into itself", fields={"into": ["self"]})
    if target.status in duplicates.NOT_TARGETS:
        raise Conflict(f"ticket {target.number} is {target.status}", current_status=target.status)
    ticket.merged_into_id = target.id
    ticket.possible_duplicate_of_id = None  # settled: the flag is no longer a question
    ticket.sla_check_at = None
    _set_status(
        ticket,
        "merged",
        actor,
        Status.merged,
        now,
        reason=reason,
        data={"into": target.number},
    )
    record(target, "merged_in", actor, now=now, data={"from": ticket.number})
    if target.status in (Status.replied, Status.closed):
        duplicates.answer_merged(target, now=now, only=ticket)
    return ticket


def reject(
    ticket: Ticket,
    *,
    actor: Actor,
    reason: str,
    now: datetime | None = None,
) -> Ticket:
    """A supervisor rejects an out-of-scope, emergency (110/119/120/122) or abusive ticket."""
    now = now or utcnow()
    _require_text(reason, "reason")
    ticket.sla_check_at = None
    ticket.closed_at = now
    _set_status(ticket, "rejected", actor, Status.rejected, now, reason=reason)
    return ticket
