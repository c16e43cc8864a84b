"""Every ticket transition of DESIGN §2: who may, from which status, what it records."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select

from hotline.auth.actor import Actor
from hotline.auth.models import HOTLINE_ROLES, Role
from hotline.catalogue.routing import decide, load_catalogue
from hotline.clock import to_local, utcnow
from hotline.errors import (
    Conflict,
    Forbidden,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from hotline.extensions import db
from hotline.intake.service import rating_url
from hotline.notify.service import queue_sms
from hotline.sla import service as sla
from hotline.tickets.models import FINAL_STATUSES, Status, Ticket, TicketRequest
from hotline.tickets.service import record
from hotline.units.models import Unit

SATISFIED_MIN = 3  # 3 基本满意 and above count as satisfied (DESIGN §7 default)


def _fmt(dt: datetime | None) -> str:
    return to_local(dt).strftime("%Y-%m-%d %H:%M") if dt else "-"


def _require_role(actor: Actor, action: str, roles: Iterable[str]) -> None:
    if actor.role not in set(roles):
        raise Forbidden(f"role {actor.role or actor.label} may not {action}")


def _require_own_unit(actor: Actor, ticket: Ticket, action: str) -> None:
    _require_role(actor, action, (Role.unit_agent, Role.unit_head))
    if ticket.unit_id != actor.unit_id:
        # Another unit's ticket does not exist as far as this user is concerned.
        raise NotFound(f"no ticket {ticket.number}")


def _require_status(ticket: Ticket, action: str, allowed: Iterable[str]) -> None:
    if ticket.status not in set(allowed):
        raise InvalidTransition(action, ticket.status)


def _check_version(ticket: Ticket, expected: int | None) -> None:
    if expected is not None and expected != ticket.version:
        raise Conflict(
            f"ticket {ticket.number} changed (version {ticket.version}, you had {expected})",
            current_status=ticket.status,
            current_version=ticket.version,
        )


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
    unit = db.session.scalar(select(Unit).where(Unit.code == (code or "")))
    if unit is None or not unit.active:
        raise ValidationFailed(f"unknown unit {code!r}", fields={field: ["unknown unit"]})
    return unit


def _pending(ticket: Ticket, type_: str) -> TicketRequest | None:
    return db.session.scalar(
        select(TicketRequest).where(
            TicketRequest.ticket_id == ticket.id,
            TicketRequest.type == type_,
            TicketRequest.status == "pending",
        )
    )


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
    ticket.sla_check_at = sla_next_check(ticket)


def sla_next_check(ticket: Ticket) -> datetime | None:
    """When the ladder should next look at the ticket; the clock module refines this."""
    from hotline.sla.schedule import next_check_at

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


def route(ticket: Ticket, *, now: datetime | None = None) -> Ticket:
    """The routing job's decision: dispatch to a confident unit, else triage."""
    now = now or utcnow()
    if ticket.status != Status.new:
        return ticket  # already routed: a repeated job does nothing
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


def _deadlines(ticket: Ticket) -> dict:
    return {
        "accept_due_at": ticket.accept_due_at.isoformat() if ticket.accept_due_at else None,
        "resolve_due_at": ticket.resolve_due_at.isoformat() if ticket.resolve_due_at else None,
    }


def dispatch(
    ticket: Ticket,
    *,
    actor: Actor,
    unit: str,
    reason: str | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Ticket:
    """An operator sends a ticket to a unit (派单) or re-dispatches it (改派): a full window."""
    now = now or utcnow()
    _require_role(actor, "dispatch", HOTLINE_ROLES)
    _check_version(ticket, expected_version)
    _require_status(ticket, "dispatch", (Status.new, Status.triage, Status.dispatched))
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
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Ticket:
    """The unit signs for the ticket (签收)."""
    now = now or utcnow()
    _require_own_unit(actor, ticket, "accept")
    _check_version(ticket, expected_version)
    _require_status(ticket, "accept", (Status.dispatched,))
    ticket.accepted_at = now
    in_time = ticket.accept_due_at is None or now <= ticket.accept_due_at
    ticket.sla_check_at = sla_next_check(ticket)
    _set_status(ticket, "accepted", actor, Status.accepted, now, data={"in_time": in_time})
    return ticket


def request_return(
    ticket: Ticket,
    *,
    actor: Actor,
    reason: str,
    suggested_unit: str | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> TicketRequest:
    """The unit says the ticket is not theirs (退单), within the return window."""
    now = now or utcnow()
    _require_own_unit(actor, ticket, "return")
    _check_version(ticket, expected_version)
    _require_status(ticket, "return", (Status.dispatched, Status.accepted))
    if not (reason or "").strip():
        raise ValidationFailed("reason is required", fields={"reason": ["required"]})
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
    return req


def _decide(
    ticket: Ticket,
    type_: str,
    actor: Actor,
    approve: bool,
    reason: str | None,
    now: datetime,
) -> TicketRequest:
    _require_role(actor, f"decide a {type_}", (Role.supervisor,))
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
    _require_status(ticket, "approve a return of", (Status.dispatched, Status.accepted))
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
    now = now or utcnow()
    req = _decide(ticket, "return", actor, False, reason, now)
    _set_status(
        ticket,
        "return_denied",
        actor,
        None,
        now,
        reason=reason,
        data={"request": req.id},
    )
    return ticket


def request_extension(
    ticket: Ticket,
    *,
    actor: Actor,
    days: int,
    reason: str,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> TicketRequest:
    """The unit asks for more working days (延期) before the resolve deadline."""
    now = now or utcnow()
    _require_own_unit(actor, ticket, "request an extension")
    _check_version(ticket, expected_version)
    _require_status(ticket, "extend", (Status.dispatched, Status.accepted))
    if not isinstance(days, int) or not 1 <= days <= 30:
        raise ValidationFailed("days must be 1–30", fields={"days": ["between 1 and 30"]})
    if not (reason or "").strip():
        raise ValidationFailed("reason is required", fields={"reason": ["required"]})
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
    _require_status(ticket, "extend", (Status.dispatched, Status.accepted))
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
    now = now or utcnow()
    req = _decide(ticket, "extension", actor, False, reason, now)
    _set_status(
        ticket,
        "extension_denied",
        actor,
        None,
        now,
        reason=reason,
        data={"request": req.id},
    )
    return ticket


def reply(
    ticket: Ticket,
    *,
    actor: Actor,
    text: str,
    media: list[str] | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Ticket:
    """The unit's answer (答复); the complainant is asked to rate it."""
    now = now or utcnow()
    _require_own_unit(actor, ticket, "reply")
    _check_version(ticket, expected_version)
    _require_status(ticket, "reply", (Status.accepted,))
    if not (text or "").strip():
        raise ValidationFailed("text is required", fields={"text": ["required"]})
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
    _require_role(actor, "call back", HOTLINE_ROLES)
    _require_status(ticket, "call back", (Status.replied,))
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
    if not resolved or (satisfaction is not None and satisfaction < SATISFIED_MIN):
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
    if rating < SATISFIED_MIN:
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
    _require_role(actor, "reopen", HOTLINE_ROLES)
    _require_status(ticket, "reopen", (Status.replied, Status.closed))
    if not (reason or "").strip():
        raise ValidationFailed("reason is required", fields={"reason": ["required"]})
    _reopen(ticket, actor, reason, now, {"via": "operator"})
    return ticket


def close_unrated(ticket: Ticket, *, now: datetime | None = None) -> Ticket:
    """No rating within the window: closed as not rated (counted as satisfied only if set so)."""
    now = now or utcnow()
    if ticket.status != Status.replied:
        return ticket
    _close(ticket, Actor.system("rating-timeout"), now, "not rated", {"rated": False})
    return ticket


def merge(
    ticket: Ticket,
    *,
    actor: Actor,
    into: str,
    reason: str | None = None,
    now: datetime | None = None,
) -> Ticket:
    """并单: fold a duplicate into another open ticket."""
    from hotline.tickets.service import get_by_number

    now = now or utcnow()
    _require_role(actor, "merge", HOTLINE_ROLES)
    _require_status(
        ticket, "merge", (Status.new, Status.triage, Status.dispatched, Status.accepted)
    )
    try:
        target = get_by_number(into or "")
    except NotFound as exc:
        raise ValidationFailed(f"no ticket {into}", fields={"into": ["unknown ticket"]}) from exc
    if target.id == ticket.id:
        raise ValidationFailed("a ticket cannot be merged into itself", fields={"into": ["self"]})
    if target.status in FINAL_STATUSES:
        raise Conflict(f"ticket {target.number} is {target.status}", current_status=target.status)
    ticket.merged_into_id = target.id
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
    _require_role(actor, "reject", (Role.supervisor,))
    _require_status(ticket, "reject", (Status.new, Status.triage))
    if not (reason or "").strip():
        raise ValidationFailed("reason is required", fields={"reason": ["required"]})
    ticket.sla_check_at = None
    ticket.closed_at = now
    _set_status(ticket, "rejected", actor, Status.rejected, now, reason=reason)
    return ticket
