"""Interview (约谈) cases: opened by the ladder or a unit rule, then scheduled, held, rectified."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from hotline.core.actor import Actor, Role
from hotline.core.clock import format_local, utcnow
from hotline.core.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from hotline.core.extensions import db
from hotline.escalations import notices, record
from hotline.escalations.models import InterviewCase, InterviewStatus, interview_tickets
from hotline.notify.service import queue_sms
from hotline.tickets.models import Ticket
from hotline.units.models import Unit

S = InterviewStatus
READ_ALL_ROLES = frozenset({Role.inspector, Role.admin, Role.supervisor, Role.operator})
# DESIGN §1: the oversight office runs interviews; admins own the system, not its verdicts.
RUN_ROLES = frozenset({Role.inspector})
MAX_TEXT = 10_000

TRIGGER_NAMES = {
    "ticket_overdue": "工单超期办理",
    "supervision_count": "30日内多次被督办",
    "ranking_last": "考核排名末位",
    "on_time_rate": "按时办结率低于标准",
    "commitment_overdue": "整改承诺逾期未兑现",
}


def _notify_head(unit: Unit, case: InterviewCase, reason: str, now: datetime) -> None:
    queue_sms(
        to=unit.head_phone,
        template="interview",
        unit_id=unit.id,
        dedupe_key=f"interview:{case.id}:opened",
        now=now,
        unit=unit.name,
        reason=reason,
    )


def _lock_unit(unit_id: int) -> Unit:
    # Serializes concurrent sweeps that would each open a proposed case for the same unit.
    unit = db.session.scalar(select(Unit).where(Unit.id == unit_id).with_for_update(key_share=True))
    if unit is None:
        raise NotFound(f"no unit {unit_id}")
    return unit


def open_for_ticket(
    *, unit_id: int, ticket_id: int, number: str, escalation_id: int | None, now: datetime
) -> InterviewCase:
    """The ladder's interview level: add the ticket to the unit's proposed case, or open one.

    The head hears of it with the level's notices (notices.send_pending); inspectors, of a new case.
    """
    unit = _lock_unit(unit_id)
    case = db.session.scalar(
        select(InterviewCase)
        .where(
            InterviewCase.unit_id == unit_id,
            InterviewCase.status == S.proposed,
            InterviewCase.trigger == "ticket_overdue",
        )
        .order_by(InterviewCase.id)
        .limit(1)
    )
    reason = f"工单{number}超期未办结"
    if case is None:
        case = InterviewCase(
            unit_id=unit_id,
            status=S.proposed,
            trigger="ticket_overdue",
            reason=reason,
            opened_at=now,
        )
        db.session.add(case)
        db.session.flush()
        record.add(
            unit_id=unit_id,
            type_="interview_opened",
            summary=f"因{reason}启动约谈（案件{case.id}）",
            now=now,
            ticket_id=ticket_id,
            interview_id=case.id,
            escalation_id=escalation_id,
            data={"trigger": "ticket_overdue"},
        )
        notices.case_opened(case, unit_name=unit.name, reason=reason, now=now, tell_head=False)
    else:
        record.add(
            unit_id=unit_id,
            type_="interview_ticket_added",
            summary=f"{reason}，并入约谈案件{case.id}",
            now=now,
            ticket_id=ticket_id,
            interview_id=case.id,
            escalation_id=escalation_id,
        )
    db.session.execute(insert(interview_tickets).values(interview_id=case.id, ticket_id=ticket_id))
    return case


def open_by_rule(
    *,
    unit_id: int,
    trigger: str,
    trigger_key: str,
    reason: str,
    now: datetime,
    parent_id: int | None = None,
    data: dict | None = None,
) -> InterviewCase | None:
    """A unit rule fired: open one case per trigger_key; None when that key already has one."""
    exists = db.session.scalar(
        select(InterviewCase.id).where(InterviewCase.trigger_key == trigger_key)
    )
    if exists is not None:
        return None
    unit = _lock_unit(unit_id)
    # Savepoint: a concurrent run that inserted the same key first makes ours a no-op.
    try:
        with db.session.begin_nested():
            case = InterviewCase(
                unit_id=unit_id,
                status=S.proposed,
                trigger=trigger,
                trigger_key=trigger_key,
                reason=reason,
                opened_at=now,
                parent_id=parent_id,
            )
            db.session.add(case)
            db.session.flush()
    except IntegrityError:
        return None
    record.add(
        unit_id=unit_id,
        type_="interview_opened",
        summary=f"因{reason}启动约谈（案件{case.id}）",
        now=now,
        interview_id=case.id,
        data={"trigger": trigger, "trigger_key": trigger_key} | (data or {}),
    )
    notices.case_opened(case, unit_name=unit.name, reason=reason, now=now, tell_head=True)
    _notify_head(unit, case, reason, now)
    return case


def get(*, case_id: int, actor: Actor) -> InterviewCase:
    """One case, if the actor may see it (unit staff see only their unit's)."""
    if not 0 < case_id < 2**31:  # beyond the id column's range: no such case, not a 500
        raise NotFound(f"no interview case {case_id}")
    case = db.session.get(InterviewCase, case_id)
    if case is None or not _may_read(actor, case.unit_id):
        raise NotFound(f"no interview case {case_id}")
    return case


def _may_read(actor: Actor, unit_id: int) -> bool:
    if actor.role in READ_ALL_ROLES:
        return True
    return actor.role in (Role.unit_agent, Role.unit_head) and actor.unit_id == unit_id


def list_cases(*, actor: Actor, unit_id: int | None = None) -> list[InterviewCase]:
    """Cases the actor may see, newest first, optionally for one unit."""
    if actor.role not in READ_ALL_ROLES:
        if actor.role not in (Role.unit_agent, Role.unit_head):
            raise Forbidden("only staff may read interview cases")
        if unit_id is not None and unit_id != actor.unit_id:
            return []
        unit_id = actor.unit_id
    query = select(InterviewCase).order_by(InterviewCase.id.desc())
    if unit_id is not None:
        query = query.where(InterviewCase.unit_id == unit_id)
    return list(db.session.scalars(query.limit(500)))


def ticket_numbers(case: InterviewCase) -> list[str]:
    """Numbers of the tickets that brought the unit to this interview."""
    return list(
        db.session.scalars(
            select(Ticket.number)
            .join(interview_tickets, interview_tickets.c.ticket_id == Ticket.id)
            .where(interview_tickets.c.interview_id == case.id)
            .order_by(Ticket.number)
        )
    )


def _require_runner(actor: Actor, action: str) -> None:
    if actor.role not in RUN_ROLES:
        raise Forbidden(f"only inspectors may {action} an interview")


def _require_status(case: InterviewCase, action: str, allowed: tuple[str, ...]) -> None:
    if case.status not in allowed:
        raise InvalidTransition(f"{action} (interview)", case.status)


def _text(value: str | None, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(f"{field} is required", fields={field: ["required"]})
    if len(value) > MAX_TEXT:
        raise ValidationFailed(f"{field} is too long", fields={field: [f"at most {MAX_TEXT}"]})
    return value


def schedule(
    *, case_id: int, actor: Actor, at: datetime, place: str, now: datetime | None = None
) -> InterviewCase:
    """An inspector sets (or moves) the time and place of a proposed or scheduled interview."""
    now = now or utcnow()
    _require_runner(actor, "schedule")
    case = get(case_id=case_id, actor=actor)
    _require_status(case, "schedule", (S.proposed, S.scheduled))
    if at.tzinfo is None:
        raise ValidationFailed("at needs a time zone offset", fields={"at": ["timezone-aware"]})
    place = _text(place, "place")
    case.status = S.scheduled
    case.scheduled_for = at
    case.place = place
    case.inspector_id = actor.user_id
    record.add(
        unit_id=case.unit_id,
        type_="interview_scheduled",
        summary=f"约谈案件{case.id}定于{format_local(at)}在{place}进行",
        now=now,
        interview_id=case.id,
        actor_id=actor.user_id,
        data={"at": at.isoformat(), "place": place},
    )
    queue_sms(
        to=case.unit.head_phone,
        template="interview_scheduled",
        unit_id=case.unit_id,
        # A moved interview is announced again; the same time and place only once.
        dedupe_key=f"interview:{case.id}:scheduled:{at.isoformat()}:{place}"[:120],
        now=now,
        unit=case.unit.name,
        at=format_local(at),
        place=place,
    )
    db.session.flush()
    return case


def hold(
    *,
    case_id: int,
    actor: Actor,
    minutes: str,
    commitment: str,
    commitment_due: datetime,
    now: datetime | None = None,
) -> InterviewCase:
    """The interview took place: minutes and the head's rectification commitment with its due."""
    now = now or utcnow()
    _require_runner(actor, "hold")
    case = get(case_id=case_id, actor=actor)
    _require_status(case, "hold", (S.scheduled,))
    minutes, commitment = _text(minutes, "minutes"), _text(commitment, "commitment")
    if commitment_due.tzinfo is None:
        raise ValidationFailed(
            "commitment_due needs a time zone offset", fields={"commitment_due": ["timezone-aware"]}
        )
    if commitment_due <= now:
        raise ValidationFailed(
            "commitment_due must be in the future", fields={"commitment_due": ["in the past"]}
        )
    case.status = S.held
    case.held_at = now
    case.minutes = minutes
    case.commitment = commitment
    case.commitment_due = commitment_due
    if case.inspector_id is None:
        case.inspector_id = actor.user_id
    record.add(
        unit_id=case.unit_id,
        type_="interview_held",
        summary=f"约谈案件{case.id}已约谈，整改承诺期限{format_local(commitment_due)}",
        now=now,
        interview_id=case.id,
        actor_id=actor.user_id,
        data={"commitment": commitment, "commitment_due": commitment_due.isoformat()},
    )
    queue_sms(
        to=case.unit.head_phone,
        template="interview_held",
        unit_id=case.unit_id,
        dedupe_key=f"interview:{case.id}:held",
        now=now,
        unit=case.unit.name,
        due=format_local(commitment_due),
    )
    db.session.flush()
    return case


def rectify(
    *,
    case_id: int,
    actor: Actor,
    evidence: str,
    commitment: str | None = None,
    now: datetime | None = None,
) -> InterviewCase:
    """The unit head submits the rectification evidence (and may restate the commitment)."""
    now = now or utcnow()
    case = get(case_id=case_id, actor=actor)
    if actor.role != Role.unit_head or actor.unit_id != case.unit_id:
        raise Forbidden("only the head of the interviewed unit may submit rectification")
    _require_status(case, "rectify", (S.held,))
    case.evidence = _text(evidence, "evidence")
    if commitment is not None:
        case.commitment = _text(commitment, "commitment")
    case.status = S.rectified
    case.rectified_at = now
    on_time = case.commitment_due is None or now <= case.commitment_due
    record.add(
        unit_id=case.unit_id,
        type_="rectified",
        summary=f"约谈案件{case.id}整改完成并提交佐证材料",
        now=now,
        interview_id=case.id,
        actor_id=actor.user_id,
        data={"on_time": on_time},
    )
    db.session.flush()
    return case


def close(*, case_id: int, actor: Actor, now: datetime | None = None) -> InterviewCase:
    """An inspector closes a rectified (or given-up overdue) case."""
    now = now or utcnow()
    _require_runner(actor, "close")
    case = get(case_id=case_id, actor=actor)
    _require_status(case, "close", (S.rectified, S.rectification_overdue))
    if case.closed_at is not None:
        raise InvalidTransition("close (already closed)", case.status)
    case.closed_at = now
    record.add(
        unit_id=case.unit_id,
        type_="interview_closed",
        summary=f"约谈案件{case.id}已结案",
        now=now,
        interview_id=case.id,
        actor_id=actor.user_id,
    )
    db.session.flush()
    return case


def mark_overdue_commitments(*, now: datetime, limit: int = 200) -> int:
    """Held cases past their commitment due without evidence: overdue, and a follow-up case."""
    cases = list(
        db.session.scalars(
            select(InterviewCase)
            .where(InterviewCase.status == S.held, InterviewCase.commitment_due <= now)
            .order_by(InterviewCase.commitment_due)
            .limit(limit)
            .with_for_update(skip_locked=True, of=InterviewCase)
        )
    )
    for case in cases:
        case.status = S.rectification_overdue
        record.add(
            unit_id=case.unit_id,
            type_="rectification_overdue",
            summary=f"约谈案件{case.id}整改承诺逾期（期限{format_local(case.commitment_due)}）",
            now=now,
            interview_id=case.id,
        )
        open_by_rule(
            unit_id=case.unit_id,
            trigger="commitment_overdue",
            trigger_key=f"commitment_overdue:{case.id}",
            reason=TRIGGER_NAMES["commitment_overdue"],
            now=now,
            parent_id=case.id,
        )
    db.session.flush()
    return len(cases)
