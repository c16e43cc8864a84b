"""What the printed documents show: a ticket as its reader may see it (交办单), and the facts of
a 督办 for the unit it is addressed to (督办函)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from hotline.core.actor import Actor
from hotline.core.clock import local_tz
from hotline.core.errors import Conflict, NotFound
from hotline.core.extensions import db
from hotline.escalations import answers
from hotline.sla.deadlines import working_days_overdue
from hotline.sla.ladder import RANK, Level, clock_running, overdue_from
from hotline.sla.service import get_calendar
from hotline.tickets import service as tickets
from hotline.tickets.models import Escalation, Ticket, TicketEvent
from hotline.tickets.schedule import clock_for, thresholds
from hotline.tickets.visibility import PersonalView, personal_view
from hotline.units.models import Unit


@dataclass(frozen=True)
class TicketSheet:
    """A 交办单: the ticket, the complainant as the reader may see them, who printed it when."""

    ticket: Ticket
    person: PersonalView
    printed_by: str
    printed_at: datetime


def ticket_sheet(number: str, *, actor: Actor, now: datetime) -> TicketSheet:
    """The ticket the actor may see (NotFound otherwise), masked as the ticket page masks it."""
    ticket = tickets.get_by_number(number, actor=actor)
    return TicketSheet(ticket, personal_view(ticket, actor), actor.label or "", now)


@dataclass(frozen=True)
class LetterItem:
    """One ticket a 督办函 is about."""

    ticket: Ticket
    escalation: Escalation
    # The deadline the unit missed: the accept deadline of a ticket never accepted, else the
    # resolve deadline the escalation is keyed by.
    missed: datetime
    # The levels reached before the 督办 against the same deadline (预警, 催办), oldest first.
    earlier: list[Escalation]
    # Working days overdue when the 督办 was issued (as its SMS said), and at printing while
    # the unit has still not answered the complainant (None once it has).
    overdue_days: int
    overdue_days_now: int | None


@dataclass(frozen=True)
class SupervisionLetter:
    """A 督办函 to a unit's head: every ticket of the unit the same sweep put under 督办."""

    number: int
    unit: Unit
    issued_at: datetime
    answer_due: datetime
    interview_after_wd: int
    items: list[LetterItem]
    printed_by: str
    printed_at: datetime


def supervision_letter(escalation_id: int, *, actor: Actor, now: datetime) -> SupervisionLetter:
    """The letter of a 督办 escalation: NotFound for another unit's staff, Conflict for a level
    that is not 督办."""
    escalation = db.session.get(Escalation, escalation_id)
    if escalation is None or (actor.is_unit and escalation.unit_id != actor.unit_id):
        raise NotFound(f"no escalation {escalation_id}")
    if escalation.level != Level.SUPERVISION or escalation.unit is None:
        raise Conflict(
            f"escalation {escalation_id} is a {escalation.level} with no 督办函; "
            "a letter is issued for a supervision (督办) escalation of a unit",
            level=escalation.level,
        )
    # One sweep puts a unit's tickets under 督办 at one instant: one letter names them all.
    batch = list(
        db.session.scalars(
            select(Escalation)
            .where(
                Escalation.unit_id == escalation.unit_id,
                Escalation.level == Level.SUPERVISION,
                Escalation.created_at == escalation.created_at,
            )
            .order_by(Escalation.id)
        )
    )
    ids = [e.ticket_id for e in batch]
    by_id = {t.id: t for t in db.session.scalars(select(Ticket).where(Ticket.id.in_(ids)))}
    ladder: dict[int, list[Escalation]] = {}
    for row in db.session.scalars(
        select(Escalation).where(Escalation.ticket_id.in_(ids)).order_by(Escalation.id)
    ):
        ladder.setdefault(row.ticket_id, []).append(row)
    recorded = _overdue_days_recorded(ids)
    cal, tz = get_calendar(), local_tz()
    items = []
    for esc in batch:
        ticket = by_id[esc.ticket_id]
        days = recorded.get(esc.id)
        if days is None:  # no sweep event (a hand-made row): the same count from its deadline
            days = working_days_overdue(esc.deadline, esc.created_at, cal, tz)
        items.append(
            LetterItem(
                ticket=ticket,
                escalation=esc,
                missed=_missed_deadline(ticket, esc),
                earlier=[
                    e
                    for e in ladder.get(ticket.id, [])
                    if e.deadline == esc.deadline and RANK[e.level] < RANK[Level.SUPERVISION]
                ],
                overdue_days=days,
                overdue_days_now=_overdue_now(ticket, esc, now),
            )
        )
    return SupervisionLetter(
        number=batch[0].id,
        unit=escalation.unit,
        issued_at=escalation.created_at,
        answer_due=answers.due_after(escalation.created_at),
        interview_after_wd=thresholds().interview_after_wd,
        items=items,
        printed_by=actor.label or "",
        printed_at=now,
    )


def _overdue_days_recorded(ticket_ids: list[int]) -> dict[int, int]:
    """{escalation id: working days overdue} as the sweep's `escalated` events recorded them."""
    found: dict[int, int] = {}
    for data in db.session.scalars(
        select(TicketEvent.data).where(
            TicketEvent.ticket_id.in_(ticket_ids), TicketEvent.type == "escalated"
        )
    ):
        data = data or {}
        if isinstance(data.get("escalation"), int) and "overdue_working_days" in data:
            found[data["escalation"]] = int(data["overdue_working_days"])
    return found


def _missed_deadline(ticket: Ticket, escalation: Escalation) -> datetime:
    same_window = ticket.resolve_due_at == escalation.deadline
    if escalation.clock == "accept" and same_window and ticket.accept_due_at is not None:
        return ticket.accept_due_at
    return escalation.deadline


def _overdue_now(ticket: Ticket, escalation: Escalation, now: datetime) -> int | None:
    """Working days overdue at `now` if the unit still holds the ticket unanswered against the
    deadline the 督办 was about; None once it answered or the ticket moved on."""
    clock = clock_for(ticket)
    if ticket.resolve_due_at != escalation.deadline or not clock_running(clock):
        return None
    start = overdue_from(clock)
    return working_days_overdue(start, now, get_calendar(), local_tz()) if start else None
