"""Rating appeals (差评申诉): the unit appeals a bad rating, an inspector upholds or denies it.

An upheld appeal takes the rating out of the figures without touching the `rated` event: its
own `appeal_upheld` event names the rating, the day and the unit it was counted for, and the
roll-up subtracts it there (hotline/metrics/rollup.py), so a recomputation from the event log
gives the same figures as the live roll-up. The staff actions here are unguarded: their rows in
registry.py check who may, from which status and at which version.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from hotline.core.actor import Actor
from hotline.core.clock import utcnow
from hotline.core.errors import Conflict
from hotline.core.extensions import db
from hotline.core.settings import satisfied_min
from hotline.tickets.models import Ticket, TicketEvent, TicketRequest
from hotline.tickets.notices import needs_someone, tell_unit
from hotline.tickets.service import APPEALED
from hotline.tickets.transitions.common import (
    _decide,
    _pending,
    _require_text,
    _set_status,
)

DECISIONS = {"approved": "upheld", "denied": "denied"}
__all__ = [
    "APPEALED",
    "approve_appeal",
    "deny_appeal",
    "has_bad_rating",
    "is_bad",
    "request_appeal",
]


def is_bad(rating: object) -> bool:
    """A rating below the satisfied levels (FIGURES_SATISFIED_MIN): the ones a unit may appeal."""
    return isinstance(rating, int) and not isinstance(rating, bool) and rating < satisfied_min()


def has_bad_rating(ticket: Ticket) -> bool:
    """Whether the ticket's current rating is a bad one (the page offers the appeal then)."""
    return is_bad(ticket.rating)


def _latest_rating(ticket: Ticket) -> TicketEvent | None:
    """The `rated` event that gave the ticket its current rating."""
    return db.session.scalar(
        select(TicketEvent)
        .where(TicketEvent.ticket_id == ticket.id, TicketEvent.type == "rated")
        .order_by(TicketEvent.id.desc())
        .limit(1)
    )


def _conflict(ticket: Ticket, message: str) -> Conflict:
    return Conflict(message, current_status=ticket.status)


def request_appeal(
    ticket: Ticket,
    *,
    actor: Actor,
    reason: str,
    evidence: str,
    media: list[str] | None = None,
    now: datetime | None = None,
) -> TicketRequest:
    """The unit appeals the ticket's current bad rating, once per rating, one at a time."""
    now = now or utcnow()
    _require_text(reason, "reason")
    _require_text(evidence, "evidence")
    rated = _latest_rating(ticket)
    if rated is None or ticket.rating is None:
        raise _conflict(ticket, f"ticket {ticket.number} has no rating to appeal")
    rating = (rated.data or {}).get("rating")
    if not is_bad(rating):
        raise _conflict(
            ticket,
            f"the rating {rating} counts as satisfied (from {satisfied_min()} up): "
            "only a bad rating can be appealed",
        )
    if rated.unit_id != actor.unit_id:
        raise _conflict(ticket, "the rating was given to another unit's answer")
    if _pending(ticket, "appeal"):
        raise _conflict(ticket, "an appeal is already pending")
    earlier = db.session.scalar(
        select(TicketRequest.status).where(
            TicketRequest.type == "appeal", TicketRequest.rating_event_id == rated.id
        )
    )
    if earlier is not None:
        raise _conflict(
            ticket, f"this rating was already appealed ({DECISIONS.get(earlier, earlier)})"
        )
    req = TicketRequest(
        ticket_id=ticket.id,
        type="appeal",
        unit_id=ticket.unit_id,
        reason=reason.strip(),
        evidence=evidence.strip(),
        rating_event_id=rated.id,
        requested_by_id=actor.user_id,
        requested_at=now,
    )
    db.session.add(req)
    db.session.flush()
    _set_status(
        ticket,
        "appeal_requested",
        actor,
        None,
        now,
        reason=reason,
        data={
            "request": req.id,
            "rating": rating,
            "evidence": req.evidence,
            "media": media or [],
        },
    )
    needs_someone(
        ticket, "appeal_requested", request=req, now=now, reason=req.reason, rating=rating
    )
    return req


def approve_appeal(
    ticket: Ticket,
    *,
    actor: Actor,
    reason: str | None = None,
    now: datetime | None = None,
) -> Ticket:
    """An inspector upholds the appeal: the rating no longer counts in the unit's figures."""
    now = now or utcnow()
    req = _decide(ticket, "appeal", actor, True, reason, now)
    rated = db.session.get(TicketEvent, req.rating_event_id)
    if rated is None:  # the rating's event is append-only; only a broken database lacks it
        raise _conflict(ticket, "the appealed rating is gone")
    _set_status(
        ticket,
        "appeal_upheld",
        actor,
        None,
        now,
        reason=reason,
        data={
            "request": req.id,
            "rating": (rated.data or {}).get("rating"),
            "rated_event": rated.id,
            # Where the rating was counted: the roll-up takes it out of that unit and day.
            "rated_unit": rated.unit_id,
            "rated_at": rated.at.isoformat(),
        },
    )
    tell_unit(ticket, "appeal_upheld", now=now, unit_id=req.unit_id, reason=reason)
    return ticket


def deny_appeal(
    ticket: Ticket,
    *,
    actor: Actor,
    reason: str | None = None,
    now: datetime | None = None,
) -> Ticket:
    """An inspector denies the appeal: the rating keeps counting."""
    now = now or utcnow()
    req = _decide(ticket, "appeal", actor, False, reason, now)
    _set_status(ticket, "appeal_denied", actor, None, now, reason=reason, data={"request": req.id})
    tell_unit(ticket, "appeal_denied", now=now, unit_id=req.unit_id, reason=reason)
    return ticket
