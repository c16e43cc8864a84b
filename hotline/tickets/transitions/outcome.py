"""Reply (答复), callback (回访), rating (好差评), reopen (发回重办) and closing.

The staff actions here are unguarded: their rows in registry.py check who may, from which status
and at which version; call them as `hotline.tickets.transitions.<name>`.
"""

from __future__ import annotations

from datetime import datetime

from hotline.core.actor import Actor
from hotline.core.clock import utcnow
from hotline.core.errors import (
    InvalidTransition,
    ValidationFailed,
)
from hotline.core.settings import satisfied_min
from hotline.notify.service import queue_sms
from hotline.sla import service as sla
from hotline.tickets import duplicates
from hotline.tickets.events import record_event as record
from hotline.tickets.models import Status, Ticket
from hotline.tickets.rating_link import rating_url
from hotline.tickets.transitions.common import (
    _deadlines,
    _fmt,
    _require_status,
    _require_text,
    _set_status,
    sla_next_check,
)


def reply(
    ticket: Ticket,
    *,
    actor: Actor,
    text: str,
    media: list[str] | None = None,
    now: datetime | None = None,
) -> Ticket:
    """The unit's answer (答复); the complainant is asked to rate it."""
    now = now or utcnow()
    _require_text(text, "text")
    ticket.reply_text = text.strip()
    ticket.replied_at = now
    limits = sla.limits_for(
        kind=ticket.kind, priority=ticket.priority, category_id=ticket.category_id
    )
    ticket.callback_due_at = sla.callback_due(limits, now)
    ticket.rating_due_at = sla.rating_due(now)
    on_time = ticket.resolve_due_at is None or now <= ticket.resolve_due_at
    ticket.sla_check_at = None
    _set_status(
        ticket,
        "replied",
        actor,
        Status.replied,
        now,
        # was_overdue: the figures counted this window as due at its 催办 already.
        data={"on_time": on_time, "was_overdue": ticket.overdue, "media": media or []},
    )
    queue_sms(
        to=ticket.complainant_phone,
        template="rating_request",
        locale=ticket.locale,
        ticket_id=ticket.id,
        dedupe_key=f"rating:{ticket.id}:{now.isoformat()}",
        now=now,
        number=ticket.number,
        reply=ticket.reply_text[:80],
        link=rating_url(ticket.number),
    )
    # 并单: every complainant whose ticket was folded into this one hears the answer too.
    duplicates.answer_merged(ticket, now=now)
    return ticket


def _reopen(ticket: Ticket, actor: Actor, reason: str, now: datetime, data: dict) -> None:
    before = ticket.status
    unit = ticket.unit
    if unit is None:
        raise InvalidTransition("reopen (no unit)", ticket.status)
    limits = sla.limits_for(
        kind=ticket.kind, priority=ticket.priority, category_id=ticket.category_id
    )
    window = sla.window(limits, now)
    ticket.window_started_at = now
    ticket.resolve_due_at = window.resolve_due_at
    ticket.accept_due_at = None
    ticket.closed_at = ticket.callback_due_at = ticket.rating_due_at = None
    ticket.reopen_count += 1
    ticket.overdue = False
    ticket.escalation_level = None
    ticket.status = Status.accepted
    ticket.sla_check_at = sla_next_check(ticket)
    ticket.updated_at = now
    record(
        ticket,
        "reopened",
        actor,
        now=now,
        from_status=before,
        to_status=Status.accepted,
        reason=reason,
        data=data | _deadlines(ticket),
    )
    queue_sms(
        to=ticket.complainant_phone,
        template="reopened",
        locale=ticket.locale,
        ticket_id=ticket.id,
        dedupe_key=f"reopen:{ticket.id}:{ticket.reopen_count}",
        now=now,
        number=ticket.number,
        due=_fmt(ticket.resolve_due_at),
    )


def _close(ticket: Ticket, actor: Actor, now: datetime, reason: str, data: dict) -> None:
    ticket.closed_at = now
    ticket.sla_check_at = None
    _set_status(ticket, "closed", actor, Status.closed, now, reason=reason, data=data)


def _valid_rating(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ValidationFailed(f"{field} must be 1–5", fields={field: ["an integer 1 to 5"]})
    return value


def callback(
    ticket: Ticket,
    *,
    actor: Actor,
    reached: bool,
    resolved: bool | None = None,
    satisfaction: int | None = None,
    note: str | None = None,
    now: datetime | None = None,
) -> Ticket:
    """An operator's call back (回访): satisfied closes, unresolved or unsatisfied reopens."""
    now = now or utcnow()
    data: dict = {
        "reached": bool(reached),
        "resolved": resolved,
        "satisfaction": satisfaction,
    }
    if not reached:
        _set_status(ticket, "callback", actor, None, now, reason=note, data=data)
        return ticket
    if resolved is None:
        raise ValidationFailed(
            "resolved is required when reached", fields={"resolved": ["required"]}
        )
    if satisfaction is not None:
        satisfaction = _valid_rating(satisfaction, "satisfaction")
    _set_status(ticket, "callback", actor, None, now, reason=note, data=data)
    if satisfaction is not None:
        ticket.rating = satisfaction
        ticket.rated_at = now
        record(
            ticket,
            "rated",
            actor,
            now=now,
            data={"rating": satisfaction, "via": "callback"},
        )
    if not resolved or (satisfaction is not None and satisfaction < satisfied_min()):
        _reopen(ticket, actor, note or "回访未解决或不满意", now, {"via": "callback"})
    else:
        _close(ticket, actor, now, "callback", {"via": "callback"})
    return ticket


def rate(
    ticket: Ticket,
    *,
    actor: Actor,
    rating: int,
    comment: str | None = None,
    now: datetime | None = None,
) -> Ticket:
    """The complainant's 好差评 after a reply; 1–2 reopens, 3–5 closes."""
    now = now or utcnow()
    _require_status(ticket, "rate", (Status.replied,))
    rating = _valid_rating(rating, "rating")
    ticket.rating = rating
    ticket.rated_at = now
    record(ticket, "rated", actor, now=now, reason=comment, data={"rating": rating})
    if rating < satisfied_min():
        _reopen(
            ticket,
            actor,
            comment or "评价不满意",
            now,
            {"via": "rating", "rating": rating},
        )
    else:
        _close(ticket, actor, now, "rated", {"rating": rating})
    return ticket


def reopen(
    ticket: Ticket,
    *,
    actor: Actor,
    reason: str,
    now: datetime | None = None,
) -> Ticket:
    """发回重办 by the hotline: the unit gets the ticket back with a fresh window."""
    now = now or utcnow()
    _require_text(reason, "reason")
    _reopen(ticket, actor, reason, now, {"via": "operator"})
    return ticket


def close_unrated(ticket: Ticket, *, now: datetime | None = None) -> Ticket:
    """No rating within the window: closed as not rated (counted as satisfied only if set so)."""
    now = now or utcnow()
    if ticket.status != Status.replied:
        return ticket
    _close(ticket, Actor.system("rating-timeout"), now, "not rated", {"rated": False})
    return ticket
