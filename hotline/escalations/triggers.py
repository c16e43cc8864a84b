"""What brings a unit to an interview (约谈): the ladder's interview level and the unit rules.

A unit has at most one open case, one still awaiting its interview (proposed or scheduled): a
new trigger joins it, adding its reason (and ticket), instead of opening a parallel case. Each
unit rule fires once per trigger_key, whichever case it went to.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import exists, insert, select
from sqlalchemy.exc import IntegrityError

from hotline.core.errors import NotFound
from hotline.core.extensions import db
from hotline.escalations import case_notices, notices, record
from hotline.escalations.models import (
    OPEN_STATUSES,
    InterviewCase,
    InterviewReason,
    InterviewStatus,
    interview_tickets,
)
from hotline.notify.service import queue_sms
from hotline.tickets.models import Ticket
from hotline.units.models import Unit

TRIGGER_NAMES = {
    "ticket_overdue": "工单超期办理",
    "supervision_count": "30日内多次被督办",
    "ranking_last": "考核排名末位",
    "on_time_rate": "按时办结率低于标准",
    "commitment_overdue": "整改承诺逾期未兑现",
    "assessment": "年度目标考核不合格或末位",
    # hotline/campaign/inspections/climb.py: a spot-check finding far past its due
    "finding_overdue": "明察暗访发现问题逾期未整改",
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
    # Serializes whoever would open or join a case of this unit (sweeps, the rules job), so two
    # of them never both find no open case and open one each.
    unit = db.session.scalar(select(Unit).where(Unit.id == unit_id).with_for_update(key_share=True))
    if unit is None:
        raise NotFound(f"no unit {unit_id}")
    return unit


def open_case(unit_id: int) -> InterviewCase | None:
    """The unit's case still awaiting its interview (the oldest, should several predate the
    one-open-case rule), via ix_interview_cases_unit_status."""
    return db.session.scalar(
        select(InterviewCase)
        .where(InterviewCase.unit_id == unit_id, InterviewCase.status.in_(OPEN_STATUSES))
        .order_by(InterviewCase.id)
        .limit(1)
    )


def _new_case(
    *,
    unit_id: int,
    trigger: str,
    reason: str,
    now: datetime,
    trigger_key: str | None = None,
    parent_id: int | None = None,
) -> InterviewCase:
    case = InterviewCase(
        unit_id=unit_id,
        status=InterviewStatus.proposed,
        trigger=trigger,
        trigger_key=trigger_key,
        reason=reason,
        opened_at=now,
        parent_id=parent_id,
    )
    db.session.add(case)
    db.session.flush()
    return case


def _reason(
    case: InterviewCase,
    *,
    trigger: str,
    reason: str,
    now: datetime,
    trigger_key: str | None = None,
    ticket_id: int | None = None,
) -> None:
    db.session.add(
        InterviewReason(
            interview_id=case.id,
            trigger=trigger,
            trigger_key=trigger_key,
            reason=reason,
            ticket_id=ticket_id,
            added_at=now,
        )
    )


def open_for_ticket(
    *,
    unit_id: int,
    ticket_id: int,
    number: str,
    escalation_id: int | None,
    now: datetime,
    joined: list[dict[str, Any]],
) -> InterviewCase:
    """The ladder's interview level: add the ticket to the unit's open case, or open one.

    The head hears of it with the level's notices (notices.send_pending); inspectors, of a new
    case. A ticket that joins an open case is added to `joined`, whose notices the sweep batch
    writes at once (case_notices.tickets_added).
    """
    unit = _lock_unit(unit_id)
    case = open_case(unit_id)
    reason = f"工单{number}超期未办结"
    if case is None:
        case = _new_case(unit_id=unit_id, trigger="ticket_overdue", reason=reason, now=now)
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
        joined.append(
            case_notices.joined_row(case, unit_name=unit.name, ticket_id=ticket_id, number=number)
        )
        record.add(
            unit_id=unit_id,
            type_="interview_ticket_added",
            summary=f"{reason}，并入约谈案件{case.id}",
            now=now,
            ticket_id=ticket_id,
            interview_id=case.id,
            escalation_id=escalation_id,
        )
    _reason(case, trigger="ticket_overdue", reason=reason, now=now, ticket_id=ticket_id)
    linked = exists().where(
        interview_tickets.c.interview_id == case.id, interview_tickets.c.ticket_id == ticket_id
    )
    # A reopened ticket can reach the level again while the same case is still open.
    if not db.session.scalar(select(linked)):
        db.session.execute(
            insert(interview_tickets).values(interview_id=case.id, ticket_id=ticket_id)
        )
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
    """A unit rule fired: its reason joins the unit's open case, or opens one.

    Returns that case; None when this trigger_key already brought the unit to a case.
    """
    known = select(InterviewReason.id).where(InterviewReason.trigger_key == trigger_key)
    if db.session.scalar(known) is not None:
        return None
    unit = _lock_unit(unit_id)
    case = open_case(unit_id)
    opened = case is None
    # Savepoint: a concurrent run that recorded the same key first makes ours a no-op.
    try:
        with db.session.begin_nested():
            if case is None:
                case = _new_case(
                    unit_id=unit_id,
                    trigger=trigger,
                    trigger_key=trigger_key,
                    reason=reason,
                    now=now,
                    parent_id=parent_id,
                )
            _reason(case, trigger=trigger, trigger_key=trigger_key, reason=reason, now=now)
            db.session.flush()
    except IntegrityError:
        return None
    details = {"trigger": trigger, "trigger_key": trigger_key} | (data or {})
    if opened:
        record.add(
            unit_id=unit_id,
            type_="interview_opened",
            summary=f"因{reason}启动约谈（案件{case.id}）",
            now=now,
            interview_id=case.id,
            data=details,
        )
        notices.case_opened(case, unit_name=unit.name, reason=reason, now=now, tell_head=True)
        _notify_head(unit, case, reason, now)
        return case
    if parent_id is not None and case.parent_id is None:
        case.parent_id = parent_id
    case_notices.reason_added(case, unit_name=unit.name, reason=reason, now=now)
    record.add(
        unit_id=unit_id,
        type_="interview_reason_added",
        summary=f"因{reason}，并入约谈案件{case.id}",
        now=now,
        interview_id=case.id,
        data=details,
    )
    return case


def reasons_by_case(case_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Every case's triggers in the order they came ({trigger, reason, ticket, added_at}, the
    ticket as its number), in one query."""
    found: dict[int, list[dict[str, Any]]] = {case_id: [] for case_id in case_ids}
    if case_ids:
        rows = db.session.execute(
            select(InterviewReason, Ticket.number)
            .outerjoin(Ticket, Ticket.id == InterviewReason.ticket_id)
            .where(InterviewReason.interview_id.in_(case_ids))
            .order_by(InterviewReason.id)
        )
        for row, number in rows:
            found[row.interview_id].append(
                {
                    "trigger": row.trigger,
                    "reason": row.reason,
                    "ticket": number,
                    "added_at": row.added_at,
                }
            )
    return found
