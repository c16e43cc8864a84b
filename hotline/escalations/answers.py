"""The unit head's written answer to a 督办 (supervision escalation), and a missing one.

The answer is due `SLA_SUPERVISION_ANSWER_WD` (2) working days after the level was reached,
counted as every working-day limit is (次日起算, ending 24:00 local). A head answers once: the
answer is a formal reply on record, so a second one is refused (409) rather than amending it;
a late answer is still taken and marked late. A missing answer is recorded once, on the
ticket's timeline and in the unit's credit record (信用档案).
"""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from sqlalchemy import Select, select

from hotline.core.actor import Actor, Role
from hotline.core.clock import format_local, iso_local, local_tz, to_local, utcnow
from hotline.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hotline.core.extensions import db
from hotline.core.timebounds import OUT_OF_RANGE, instant_in_range
from hotline.escalations import case_notices, record
from hotline.escalations.models import EscalationAnswer
from hotline.sla.deadlines import add_working_days
from hotline.sla.ladder import Level
from hotline.sla.service import get_calendar
from hotline.tickets.events import record_event
from hotline.tickets.models import Escalation, Ticket
from hotline.units.models import Unit

MAX_TEXT = 4_000
SUMMARY_TEXT = 200  # how much of the answer the credit record's one-line summary quotes
JOB = Actor.system("answers-job")


def due_after(reached_at: datetime) -> datetime:
    """When the answer to a 督办 reached at `reached_at` is due."""
    days = int(current_app.config["SLA_SUPERVISION_ANSWER_WD"])
    return add_working_days(reached_at, days, get_calendar(), local_tz())


def awaited_row(*, escalation_id: int, unit_id: int, ticket_id: int, due_at: datetime) -> dict:
    """The answer row the sweep adds when a ticket reaches 督办, as plain column values."""
    return {
        "escalation_id": escalation_id,
        "unit_id": unit_id,
        "ticket_id": ticket_id,
        "due_at": due_at,
    }


def _scoped_escalation(escalation_id: int, actor: Actor) -> Escalation:
    """The escalation if the actor may see it: unit staff only their unit's (else 404)."""
    if not 0 < escalation_id < 2**31:  # beyond the id column's range: no such row, not a 500
        raise NotFound(f"no escalation {escalation_id}")
    esc = db.session.get(Escalation, escalation_id)
    if esc is None or (actor.is_unit and actor.unit_id != esc.unit_id):
        raise NotFound(f"no escalation {escalation_id}")
    return esc


def _checked_text(text: str | None) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed("text is required", fields={"text": ["required"]})
    if len(text) > MAX_TEXT:
        raise ValidationFailed("text is too long", fields={"text": [f"at most {MAX_TEXT}"]})
    return text


def _checked_plan_due(plan_due: date | None, now: datetime) -> date:
    if plan_due is None:
        raise ValidationFailed("plan_due is required", fields={"plan_due": ["required"]})
    if not instant_in_range(plan_due):
        raise ValidationFailed(f"plan_due {OUT_OF_RANGE}", fields={"plan_due": [OUT_OF_RANGE]})
    today = to_local(now).date()
    if plan_due < today:
        raise ValidationFailed(
            f"plan_due must not be in the past (today is {today.isoformat()})",
            fields={"plan_due": ["in the past"]},
        )
    return plan_due


def _locked_answer(esc: Escalation) -> EscalationAnswer:
    """The escalation's answer row, locked; made now for a 督办 reached before answers had rows."""
    # Locking the escalation serializes two heads' (or two tabs') answers to the same 督办.
    db.session.execute(select(Escalation.id).where(Escalation.id == esc.id).with_for_update())
    answer = db.session.scalar(
        select(EscalationAnswer).where(EscalationAnswer.escalation_id == esc.id)
    )
    if answer is None:
        answer = EscalationAnswer(
            escalation_id=esc.id,
            unit_id=esc.unit_id,
            ticket_id=esc.ticket_id,
            due_at=due_after(esc.created_at),
        )
        db.session.add(answer)
    return answer


def respond(
    *,
    escalation_id: int,
    actor: Actor,
    text: str | None,
    plan_due: date | None,
    now: datetime | None = None,
) -> EscalationAnswer:
    """The unit head answers a 督办 in writing, with the date the matter will be dealt with."""
    now = now or utcnow()
    esc = _scoped_escalation(escalation_id, actor)
    if actor.role != Role.unit_head:
        raise Forbidden("only the head of the unit answers a 督办")
    if esc.level != Level.SUPERVISION:
        raise Conflict(
            f"only a 督办 (supervision) is answered; escalation {esc.id} is a {esc.level}",
            level=esc.level,
        )
    text = _checked_text(text)
    plan_due = _checked_plan_due(plan_due, now)
    answer = _locked_answer(esc)
    if answer.answered_at is not None:
        raise Conflict(
            f"this 督办 was answered on {format_local(answer.answered_at)}; an answer on record "
            "is not replaced",
            answered_at=iso_local(answer.answered_at),
        )
    answer.text = text
    answer.plan_due = plan_due
    answer.answered_at = now
    answer.answered_by = actor.user_id
    late = now > answer.due_at
    ticket = db.session.get(Ticket, esc.ticket_id)
    record_event(
        ticket,
        "supervision_answered",
        actor,
        now=now,
        from_status=ticket.status,
        to_status=ticket.status,
        reason=text,
        data={"escalation": esc.id, "plan_due": plan_due.isoformat(), "late": late},
    )
    quoted = text if len(text) <= SUMMARY_TEXT else text[:SUMMARY_TEXT] + "…"
    record.add(
        unit_id=answer.unit_id,
        type_="supervision_answered",
        summary=(
            f"工单{ticket.number}督办{'逾期' if late else ''}答复，计划{plan_due.isoformat()}前"
            f"办结：{quoted}"
        ),
        now=now,
        ticket_id=ticket.id,
        escalation_id=esc.id,
        actor_id=actor.user_id,
        data={"text": text, "plan_due": plan_due.isoformat(), "late": late},
    )
    case_notices.supervision_answered(
        escalation_id=esc.id,
        ticket_id=ticket.id,
        number=ticket.number,
        unit_name=esc.unit.name if esc.unit else "",
        text=text,
        plan_due=plan_due.isoformat(),
        late=late,
        now=now,
    )
    # The head's 督办 notice (and a missed-answer one) asked for this answer: done.
    case_notices.resolved(case_notices.answer_keys(esc.id), by=actor, now=now)
    db.session.flush()
    return answer


def overdue_query(now: datetime, limit: int) -> Select:
    """Answers still awaited past their due, through the partial index of awaited answers;
    concurrent runs take disjoint rows (SKIP LOCKED)."""
    return (
        select(EscalationAnswer)
        .where(
            EscalationAnswer.answered_at.is_(None),
            EscalationAnswer.missed_at.is_(None),
            EscalationAnswer.due_at <= now,
        )
        .order_by(EscalationAnswer.due_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )


def record_missing(*, now: datetime, limit: int = 500) -> int:
    """Record each answer past its due and still missing, once; how many this batch did."""
    awaited = list(db.session.scalars(overdue_query(now, limit)))
    if not awaited:
        return 0
    tickets = {
        row.id: row
        for row in db.session.execute(
            select(Ticket.id, Ticket.unit_id, Ticket.number, Ticket.status).where(
                Ticket.id.in_({a.ticket_id for a in awaited})
            )
        )
    }
    names = select(Unit.id, Unit.name).where(Unit.id.in_({a.unit_id for a in awaited}))
    unit_names: dict[int, str] = dict(db.session.execute(names).all())
    missed: list[case_notices.Missed] = []
    for answer in awaited:
        answer.missed_at = now
        ticket = tickets[answer.ticket_id]
        due = format_local(answer.due_at)
        record_event(
            ticket,
            "supervision_answer_missed",
            JOB,
            now=now,
            from_status=ticket.status,
            to_status=ticket.status,
            data={"escalation": answer.escalation_id, "due": answer.due_at.isoformat()},
        )
        record.add(
            unit_id=answer.unit_id,
            type_="supervision_unanswered",
            summary=f"督办未按时答复：工单{ticket.number}（答复期限{due}）",
            now=now,
            ticket_id=answer.ticket_id,
            escalation_id=answer.escalation_id,
            data={"due_at": answer.due_at.isoformat()},
        )
        missed.append(
            case_notices.Missed(
                escalation_id=answer.escalation_id,
                unit_id=answer.unit_id,
                ticket_id=answer.ticket_id,
                number=ticket.number,
                due_at=answer.due_at,
            )
        )
    case_notices.supervisions_unanswered(missed, unit_names=unit_names, now=now)
    db.session.flush()
    return len(awaited)


def for_escalations(escalation_ids: list[int]) -> dict[int, EscalationAnswer]:
    """The answer rows of these escalations (those that have one), in one query."""
    if not escalation_ids:
        return {}
    rows = db.session.scalars(
        select(EscalationAnswer).where(EscalationAnswer.escalation_id.in_(escalation_ids))
    )
    return {row.escalation_id: row for row in rows}
