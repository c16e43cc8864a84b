"""What the operator console reads: caller history, suggestions, duplicates and its queues."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import joinedload

from hotline.calls.models import CallbackTask
from hotline.catalogue import service as catalogue
from hotline.catalogue.models import Category
from hotline.catalogue.routing import decide, load_catalogue
from hotline.core.clock import utcnow
from hotline.core.extensions import db
from hotline.tickets import duplicates as dup_rules
from hotline.tickets.models import FINAL_STATUSES, Status, Ticket, TicketEvent, TicketRequest
from hotline.units.models import Unit

# A classifier suggestion after the first is offered only from this probability on: a 0 %
# button is noise on a busy triage page.
GUESS_SHOWN_MIN = 0.05


def callback_task(task_id: int) -> CallbackTask | None:
    """The missed-call task the console was opened from, if it exists."""
    return db.session.get(CallbackTask, task_id)


def caller_history(*, phone: str, limit: int = 10) -> list[Ticket]:
    """The caller's most recent tickets, newest first."""
    return list(
        db.session.scalars(
            select(Ticket)
            .where(Ticket.complainant_phone == phone)
            .order_by(Ticket.created_at.desc())
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class Duplicate:
    ticket: Ticket
    score: float
    same_phone: bool


def duplicates(
    *,
    description: str,
    phone: str | None,
    district: str | None,
    exclude_id: int | None = None,
    now: datetime | None = None,
    limit: int = 5,
) -> list[Duplicate]:
    """并单 candidates: open tickets of the past 7 days, same phone or district, similar text."""
    now = now or utcnow()
    match = []
    if phone:
        match.append(Ticket.complainant_phone == phone)
    if district:
        match.append(Ticket.district == district)
    if not match or not description.strip():
        return []
    stmt = (
        select(Ticket)
        .where(
            Ticket.created_at >= now - dup_rules.WINDOW,
            Ticket.status.not_in(list(FINAL_STATUSES)),
            or_(*match),
        )
        .order_by(Ticket.created_at.desc())
        .limit(200)
    )
    if exclude_id is not None:
        stmt = stmt.where(Ticket.id != exclude_id)
    found = []
    for ticket in db.session.scalars(stmt):
        score = dup_rules.similarity(description, ticket.description)
        same_phone = bool(phone) and ticket.complainant_phone == phone
        if score >= dup_rules.SIMILAR_MIN:
            found.append(Duplicate(ticket, score, same_phone))
    found.sort(key=lambda d: (d.score, d.same_phone), reverse=True)
    return found[:limit]


@dataclass(frozen=True)
class Suggestion:
    category: Category | None
    unit: Unit | None
    reason: str


def suggest(*, description: str, district: str | None, category_code: str | None) -> Suggestion:
    """A category from its keywords (unless chosen) and the unit the routing rules would pick."""
    categories = sorted(catalogue.active_categories(), key=lambda c: c.id)
    chosen = next((c for c in categories if c.code == category_code), None)
    if chosen is None and description:
        best, hits = None, 0
        for cat in categories:
            words = [k.strip() for k in (cat.keywords or "").split(",") if k.strip()]
            count = sum(1 for w in words if w in description)
            if count > hits:
                best, hits = cat, count
        chosen = best
    decision = decide(
        load_catalogue(),
        category_id=chosen.id if chosen else None,
        district=district or None,
        description=description,
    )
    unit = db.session.get(Unit, decision.unit_id) if decision.unit_id else None
    return Suggestion(chosen, unit, decision.reason)


def triage_queue() -> Select:
    """Unroutable and returned tickets (triage), plus `new` ones waiting for the router."""
    return (
        select(Ticket)
        .where(Ticket.status.in_([Status.triage, Status.new]))
        .order_by(Ticket.created_at)
    )


@dataclass(frozen=True)
class Guess:
    """One of the classifier's suggestions for a triaged ticket, with where it would go."""

    category: Category
    probability: float


def classifier_guesses(tickets: list[Ticket]) -> dict[int, list[Guess]]:
    """The suggestions of each ticket's latest `auto_classified` event that left the choice to a
    person (category null), by ticket id; two queries for the whole page."""
    ids = [t.id for t in tickets if t.category_id is None]
    if not ids:
        return {}
    latest: dict[int, dict] = {}
    for ticket_id, data in db.session.execute(
        select(TicketEvent.ticket_id, TicketEvent.data)
        .where(TicketEvent.ticket_id.in_(ids), TicketEvent.type == "auto_classified")
        .order_by(TicketEvent.id)
    ):
        latest[ticket_id] = data or {}
    codes = {code for data in latest.values() for code, _ in data.get("suggestions") or []}
    by_code = {
        c.code: c
        for c in db.session.scalars(
            select(Category).where(Category.code.in_(codes), Category.active.is_(True))
        )
    }
    return {
        ticket_id: [
            Guess(by_code[code], float(p))
            for rank, (code, p) in enumerate(data.get("suggestions") or [])
            if code in by_code and (rank == 0 or p >= GUESS_SHOWN_MIN)
        ]
        for ticket_id, data in latest.items()
        if data.get("category") is None
    }


def callback_queue() -> Select:
    """Replied tickets to call back (回访), oldest callback deadline first."""
    return (
        select(Ticket)
        .where(Ticket.status == Status.replied)
        .order_by(Ticket.callback_due_at.is_(None), Ticket.callback_due_at, Ticket.id)
    )


def pending_requests() -> Select:
    """Returns and extensions awaiting a supervisor, with their tickets in the same query
    (rating appeals are the inspectors' to decide, on the dashboard)."""
    return (
        select(TicketRequest)
        .options(joinedload(TicketRequest.ticket), joinedload(TicketRequest.suggested_unit))
        .where(TicketRequest.status == "pending", TicketRequest.type.in_(("return", "extension")))
        .order_by(TicketRequest.requested_at)
    )
