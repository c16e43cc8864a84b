"""What the unit workbench reads: the unit's tickets by tab, badge counts, escalations, cases."""

from __future__ import annotations

from sqlalchemy import Select, func, select

from hotline.campaign.inspections.models import Finding
from hotline.core.extensions import db
from hotline.escalations.models import EscalationAnswer, InterviewCase
from hotline.tickets.models import Escalation, Status, Ticket, TicketRequest

TABS = ("to_accept", "in_progress", "returned", "replied", "rating")


def _pending_return(unit_id: int):
    return (
        select(TicketRequest.id)
        .where(
            TicketRequest.ticket_id == Ticket.id,
            TicketRequest.type == "return",
            TicketRequest.status == "pending",
            TicketRequest.unit_id == unit_id,
        )
        .exists()
    )


def tab_query(tab: str, unit_id: int) -> Select:
    """The unit's tickets in one workbench tab, most urgent first."""
    mine = select(Ticket).where(Ticket.unit_id == unit_id)
    if tab == "to_accept":
        return mine.where(Ticket.status == Status.dispatched).order_by(Ticket.accept_due_at)
    if tab == "in_progress":
        return mine.where(Ticket.status == Status.accepted).order_by(Ticket.resolve_due_at)
    if tab == "returned":
        return mine.where(_pending_return(unit_id)).order_by(Ticket.updated_at.desc())
    if tab == "replied":
        return mine.where(Ticket.status.in_([Status.replied, Status.closed])).order_by(
            Ticket.replied_at.desc()
        )
    return mine.where(Ticket.status == Status.replied, Ticket.rating.is_(None)).order_by(
        Ticket.rating_due_at
    )


def tab_counts(unit_id: int) -> dict[str, int]:
    """Badge counts for every tab in two grouped queries."""
    by_status = dict(
        db.session.execute(
            select(Ticket.status, func.count())
            .where(Ticket.unit_id == unit_id)
            .group_by(Ticket.status)
        ).all()
    )
    returned = db.session.scalar(
        select(func.count())
        .select_from(Ticket)
        .where(Ticket.unit_id == unit_id, _pending_return(unit_id))
    )
    return {
        "to_accept": by_status.get(Status.dispatched, 0),
        "in_progress": by_status.get(Status.accepted, 0),
        "returned": returned or 0,
        "replied": by_status.get(Status.replied, 0) + by_status.get(Status.closed, 0),
        "rating": None,
    }


def escalations(unit_id: int) -> Select:
    """The unit's escalations with their ticket's number and status and, for a 督办, the head's
    answer (None for other levels), newest first."""
    return (
        select(Escalation, Ticket.number, Ticket.status, EscalationAnswer)
        .join(Ticket, Ticket.id == Escalation.ticket_id)
        .outerjoin(EscalationAnswer, EscalationAnswer.escalation_id == Escalation.id)
        .where(Escalation.unit_id == unit_id)
        .order_by(Escalation.created_at.desc())
    )


def interview_cases(unit_id: int) -> Select:
    """The unit's interview cases (约谈), newest first."""
    return (
        select(InterviewCase)
        .where(InterviewCase.unit_id == unit_id)
        .order_by(InterviewCase.opened_at.desc())
    )


def finding_counts(unit_id: int) -> dict[str, int]:
    """The unit's findings by status (the tabs' badges), in one grouped query."""
    rows = db.session.execute(
        select(Finding.status, func.count())
        .where(Finding.unit_id == unit_id)
        .group_by(Finding.status)
    )
    return dict(rows.all())
