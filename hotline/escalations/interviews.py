"""Interview (约谈) cases once opened (triggers.py): scheduled, held, committed, rectified."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from hotline.core.actor import Actor, Role
from hotline.core.clock import format_local, iso_local, utcnow
from hotline.core.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from hotline.core.extensions import db
from hotline.core.timebounds import OUT_OF_RANGE, instant_in_range
from hotline.escalations import case_notices, record
from hotline.escalations.models import InterviewCase, InterviewStatus, interview_tickets
from hotline.escalations.triggers import TRIGGER_NAMES, open_by_rule
from hotline.notify.service import queue_sms
from hotline.tickets.models import Ticket

S = InterviewStatus
READ_ALL_ROLES = frozenset({Role.inspector, Role.admin, Role.supervisor, Role.operator})
# DESIGN §1: the oversight office runs interviews; admins own the system, not its verdicts.
RUN_ROLES = frozenset({Role.inspector})
MAX_TEXT = 10_000


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


def require_runner(actor: Actor, action: str) -> None:
    """Forbidden unless the actor runs interviews (inspectors): scheduling, holding, publishing."""
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
    case = get(case_id=case_id, actor=actor)  # another unit's staff: 404, as for any case
    require_runner(actor, "schedule")
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
    # Every inspector was asked to schedule it (notices.case_opened): one did.
    case_notices.step_done(case, "opened:inspectors", by=actor, now=now)
    db.session.flush()
    return case


def _due(value: datetime, field: str, now: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValidationFailed(
            f"{field} needs a time zone offset", fields={field: ["timezone-aware"]}
        )
    if not instant_in_range(value):
        raise ValidationFailed(f"{field} {OUT_OF_RANGE}", fields={field: [OUT_OF_RANGE]})
    if value <= now:
        raise ValidationFailed(f"{field} must be in the future", fields={field: ["in the past"]})
    return value


def _require_head(actor: Actor, case: InterviewCase, what: str) -> None:
    if actor.role != Role.unit_head or actor.unit_id != case.unit_id:
        raise Forbidden(f"only the head of the interviewed unit may {what}")


def hold(
    *,
    case_id: int,
    actor: Actor,
    minutes: str,
    commitment: str | None = None,
    commitment_due: datetime | None = None,
    now: datetime | None = None,
) -> InterviewCase:
    """The interview took place, not before its scheduled time: the inspector's minutes.

    The head then writes the commitment (`commit`). A commitment passed here (the API before
    the head wrote it) is kept as noted at the hearing, with its due, until the head's own.
    """
    now = now or utcnow()
    case = get(case_id=case_id, actor=actor)
    require_runner(actor, "hold")
    _require_status(case, "hold", (S.scheduled,))
    if case.scheduled_for is not None and now < case.scheduled_for:
        raise Conflict(
            f"the interview is scheduled for {format_local(case.scheduled_for)}: it can be "
            "held from then on",
            current_status=case.status,
            at=iso_local(case.scheduled_for),
        )
    minutes = _text(minutes, "minutes")
    if (commitment is None) != (commitment_due is None):
        missing = "commitment_due" if commitment_due is None else "commitment"
        raise ValidationFailed(
            f"{missing} goes with the other: send both or neither", fields={missing: ["required"]}
        )
    data: dict = {}
    if commitment is not None and commitment_due is not None:
        case.commitment = _text(commitment, "commitment")
        case.commitment_due = _due(commitment_due, "commitment_due", now)
        data = {"noted_commitment": case.commitment, "commitment_due": commitment_due.isoformat()}
    case.status = S.held
    case.held_at = now
    case.minutes = minutes
    if case.inspector_id is None:
        case.inspector_id = actor.user_id
    record.add(
        unit_id=case.unit_id,
        type_="interview_held",
        summary=f"约谈案件{case.id}已约谈，待单位负责人书面提交整改承诺",
        now=now,
        interview_id=case.id,
        actor_id=actor.user_id,
        data=data or None,
    )
    if case.commitment_due is not None:
        queue_sms(
            to=case.unit.head_phone,
            template="interview_held",
            unit_id=case.unit_id,
            dedupe_key=f"interview:{case.id}:held",
            now=now,
            unit=case.unit.name,
            due=format_local(case.commitment_due),
        )
    case_notices.held(case, now=now)
    db.session.flush()
    return case


def commit(
    *,
    case_id: int,
    actor: Actor,
    commitment: str,
    commitment_due: datetime,
    now: datetime | None = None,
) -> InterviewCase:
    """The unit head writes the rectification commitment (整改承诺) and its due, once."""
    now = now or utcnow()
    case = get(case_id=case_id, actor=actor)
    _require_head(actor, case, "write its rectification commitment")
    _require_status(case, "commit", (S.held,))
    if case.committed_at is not None:
        raise Conflict(
            f"the commitment of case {case.id} was written on {format_local(case.committed_at)}",
            current_status=case.status,
        )
    case.commitment = _text(commitment, "commitment")
    case.commitment_due = _due(commitment_due, "commitment_due", now)
    case.committed_at = now
    case.committed_by = actor.user_id
    record.add(
        unit_id=case.unit_id,
        type_="commitment_submitted",
        summary=f"约谈案件{case.id}单位负责人提交整改承诺，期限{format_local(case.commitment_due)}",
        now=now,
        interview_id=case.id,
        actor_id=actor.user_id,
        data={"commitment": case.commitment, "commitment_due": commitment_due.isoformat()},
    )
    case_notices.committed(case, by=actor, now=now)
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
    _require_head(actor, case, "submit rectification")
    _require_status(case, "rectify", (S.held,))
    if case.committed_at is None:
        raise Conflict(
            f"write the rectification commitment first (POST /api/v1/interviews/{case.id}/commit)",
            current_status=case.status,
        )
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
    case_notices.evidence_in(case, by=actor, now=now)
    db.session.flush()
    return case


def reject(
    *, case_id: int, actor: Actor, reason: str, now: datetime | None = None
) -> InterviewCase:
    """An inspector sends weak evidence back: the case returns to held, the evidence to the
    credit record (the history), and the head submits again before the commitment's due."""
    now = now or utcnow()
    case = get(case_id=case_id, actor=actor)
    require_runner(actor, "reject evidence of")
    _require_status(case, "reject evidence of", (S.rectified,))
    if case.closed_at is not None:
        raise Conflict(f"case {case.id} is closed", current_status=case.status)
    reason = _text(reason, "reason")
    case_notices.evidence_sent_back(case, by=actor, reason=reason, now=now)
    record.add(
        unit_id=case.unit_id,
        type_="rectification_rejected",
        summary=f"约谈案件{case.id}整改材料被退回：{reason}",
        now=now,
        interview_id=case.id,
        actor_id=actor.user_id,
        data={
            "reason": reason,
            "evidence": case.evidence,
            "rectified_at": case.rectified_at.isoformat() if case.rectified_at else None,
        },
    )
    case.status = S.held
    case.evidence = None
    case.rectified_at = None
    case.rejected_at = now
    case.rejection_reason = reason
    db.session.flush()
    return case


def close(*, case_id: int, actor: Actor, now: datetime | None = None) -> InterviewCase:
    """An inspector closes a rectified (or given-up overdue) case."""
    now = now or utcnow()
    case = get(case_id=case_id, actor=actor)
    require_runner(actor, "close")
    _require_status(case, "close", (S.rectified, S.rectification_overdue))
    if case.closed_at is not None:
        raise InvalidTransition("close (already closed)", case.status)
    case.closed_at = now
    case_notices.reviewed(case, by=actor, now=now, resolution="approved")
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
