"""Overdue findings climb like the ladder (DESIGN §4): past its rectification due, an open
finding is marked overdue and its unit head told (in app and by SMS); FINDING_INTERVIEW_WD
working days past it, it opens or joins the unit's interview case (约谈, trigger
`finding_overdue`).

Only open findings climb: one the head answered waits on the inspector, not on the unit; sent
back, it is open again and climbs from its own due. Each rung is read through its partial index
(open and not yet at that rung), taken with SKIP LOCKED and written once, so the job is safe to
run twice or concurrently; `now` is the caller's.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from hotline.campaign.inspections import history
from hotline.campaign.inspections.findings import mark_overdue
from hotline.campaign.inspections.models import Finding, FindingStatus
from hotline.core.clock import local_tz
from hotline.core.extensions import db
from hotline.escalations.models import InterviewReason
from hotline.escalations.triggers import TRIGGER_NAMES, open_by_rule
from hotline.sla.deadlines import working_days_overdue
from hotline.sla.service import get_calendar

TRIGGER = "finding_overdue"
BATCH = 200


def interview_after_wd() -> int:
    """Working days past its due after which an open finding brings an interview."""
    return int(current_app.config["FINDING_INTERVIEW_WD"])


def awaiting_overdue_query(now: datetime, limit: int) -> Select:
    """Open findings past their due not yet marked overdue, through their partial index;
    concurrent runs take disjoint rows (SKIP LOCKED)."""
    return (
        select(Finding)
        .where(
            Finding.status == FindingStatus.open,
            Finding.overdue_at.is_(None),
            Finding.due_at <= now,
        )
        .order_by(Finding.due_at)
        .limit(limit)
        .with_for_update(skip_locked=True, of=Finding)
        .options(selectinload(Finding.inspection))  # the unit and head: one query per batch
    )


def awaiting_interview_query(due_before: datetime, limit: int) -> Select:
    """Open findings due by `due_before` not yet brought to an interview, through their
    partial index, the earliest due first (SKIP LOCKED)."""
    return (
        select(Finding)
        .where(
            Finding.status == FindingStatus.open,
            Finding.interview_id.is_(None),
            Finding.due_at <= due_before,
        )
        .order_by(Finding.due_at)
        .limit(limit)
        .with_for_update(skip_locked=True, of=Finding)
        .options(selectinload(Finding.inspection))  # the unit and head: one query per batch
    )


def mark_overdue_batch(*, now: datetime, limit: int = BATCH) -> int:
    """Mark up to `limit` open findings past their due overdue, telling each unit head;
    how many were marked (fewer than `limit`: none left)."""
    due = list(db.session.scalars(awaiting_overdue_query(now, limit)))
    for finding in due:
        mark_overdue(finding, finding.inspection, now, tell=True)
    db.session.flush()
    return len(due)


def _case_of(trigger_key: str) -> int | None:
    """The case a trigger key already brought its unit to (a concurrent run's)."""
    return db.session.scalar(
        select(InterviewReason.interview_id).where(InterviewReason.trigger_key == trigger_key)
    )


def escalate_batch(*, now: datetime, limit: int = BATCH) -> int:
    """Bring up to `limit` open findings FINDING_INTERVIEW_WD working days overdue to their
    unit's interview case; how many were brought (fewer than `limit`: none left)."""
    days = interview_after_wd()
    # N working days overdue take at least N calendar days: the index narrows to those, the
    # calendar decides (a finding just short of it over a holiday is read again next run).
    # The earliest due first: the first one short of N ends the batch.
    candidates = list(
        db.session.scalars(awaiting_interview_query(now - timedelta(days=days), limit))
    )
    calendar, tz = get_calendar(), local_tz()
    brought = 0
    for finding in candidates:
        late = working_days_overdue(finding.due_at, now, calendar, tz)
        if late < days:
            break  # a later due is no more overdue than this one
        inspection = finding.inspection
        mark_overdue(finding, inspection, now, tell=True)  # a job that was down: both rungs
        key = f"{TRIGGER}:{finding.id}"
        reason = (
            f"{TRIGGER_NAMES[TRIGGER]}：{history.finding_label(finding)}逾期{late}个工作日"
            f"（期限{finding.rectify_due.isoformat()}）"
        )
        case = open_by_rule(
            unit_id=finding.unit_id,
            trigger=TRIGGER,
            trigger_key=key,
            reason=reason,
            now=now,
            data={"inspection": inspection.id, "finding": finding.id},
        )
        case_id = case.id if case is not None else _case_of(key)
        finding.interview_id = case_id
        finding.escalated_at = now
        history.step(
            inspection=inspection,
            finding=finding,
            type_="interview",
            now=now,
            summary=f"{reason}，纳入约谈案件{case_id}",
            data={"interview": case_id, "working_days_overdue": late},
            credit=False,  # open_by_rule wrote the case's own credit-record entry
        )
        brought += 1
    db.session.flush()
    return brought
