"""A finding's rectification, tracked like an interview commitment:

    open ──answer (head, text + evidence)──▶ answered ──accept (inspector)──▶ rectified
      ▲                                          │
      └────────reject (inspector, reason)────────┘

Another unit's staff get 404, the wrong role 403, the wrong state 409 naming it. Each step is
written to the history and the unit's credit record, and the next person is told.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import FileStorage

from hotline.campaign.commitments.findings import FindingRef, finding_lookup
from hotline.campaign.inspections import files, history, notices
from hotline.campaign.inspections.models import (
    Finding,
    FindingAnswer,
    FindingStatus,
    Inspection,
    InspectionStatus,
)
from hotline.campaign.inspections.service import (
    RECORD_ROLES,
    may_read,
    require_reader,
)
from hotline.core.actor import UNIT_ROLES, Actor, Role
from hotline.core.clock import format_local, utcnow
from hotline.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hotline.core.extensions import db
from hotline.units import service as units

S = FindingStatus
MAX_TEXT = 4_000


def get(*, finding_id: int, actor: Actor, lock: bool = False) -> Finding:
    """One finding the actor may read (404 for another unit's, or none); `lock` holds its row
    until the commit, so two answers or decisions on it are taken one after the other."""
    require_reader(actor)
    if not 0 < finding_id < 2**31:
        raise NotFound(f"no finding {finding_id}")
    query = select(Finding).where(Finding.id == finding_id)
    finding = db.session.scalar(query.with_for_update(of=Finding) if lock else query)
    if finding is None or not may_read(actor, finding.unit_id):
        raise NotFound(f"no finding {finding_id}")
    return finding


def _require(finding: Finding, action: str, *allowed: str) -> None:
    if finding.status not in allowed:
        raise Conflict(
            f"cannot {action} finding {finding.id}: it is {finding.status}",
            current_status=finding.status,
        )


def _text(value: str | None, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(f"{field} is required", fields={field: ["required"]})
    if len(value) > MAX_TEXT:
        raise ValidationFailed(f"{field} is too long", fields={field: [f"at most {MAX_TEXT}"]})
    return value


def latest_answer(finding: Finding) -> FindingAnswer | None:
    """The head's last answer (the one under review while the finding is answered)."""
    return finding.answers[-1] if finding.answers else None


def mark_overdue(finding: Finding, inspection: Inspection, now: datetime, *, tell: bool) -> None:
    """Record once that the finding was open past its due (the climb's first rung)."""
    if finding.overdue_at is not None:
        return
    finding.overdue_at = now
    history.step(
        inspection=inspection,
        finding=finding,
        type_="overdue",
        now=now,
        summary=(
            f"{history.finding_label(finding)}逾期未整改（期限{finding.rectify_due.isoformat()}）："
            f"{history.quote(finding.text)}"
        ),
        data={"due": finding.rectify_due.isoformat()},
    )
    if tell:
        notices.overdue(finding, inspection, now)


def answer(
    *,
    finding_id: int,
    actor: Actor,
    text: str | None,
    uploads: list[FileStorage] | None = None,
    now: datetime | None = None,
) -> Finding:
    """The unit head answers a finding: what was rectified, with evidence files."""
    now = now or utcnow()
    finding = get(finding_id=finding_id, actor=actor, lock=True)
    if actor.role != Role.unit_head:
        raise Forbidden("only the head of the unit answers a finding")
    _require(finding, "answer", S.open)
    text = _text(text, "text")
    checked = files.check(uploads)
    inspection = finding.inspection
    if now > finding.due_at:  # the climb had not found it yet: it was overdue all the same
        mark_overdue(finding, inspection, now, tell=False)
    reply = FindingAnswer(
        text=text,
        submitted_at=now,
        submitted_by=actor.user_id,
        on_time=now <= finding.due_at,
    )
    finding.answers.append(reply)
    finding.status = S.answered
    finding.answered_at = now
    db.session.flush()
    history.step(
        inspection=inspection,
        finding=finding,
        type_="answered",
        now=now,
        summary=(
            f"{history.finding_label(finding)}{'逾期' if not reply.on_time else ''}提交整改情况："
            f"{history.quote(text)}"
        ),
        actor_id=actor.user_id,
        data={"answer": reply.id, "on_time": reply.on_time},
    )
    notices.answered(finding, inspection, reply, now)
    if checked:
        files.attach(
            checked,
            inspection_id=inspection.id,
            actor_id=actor.user_id,
            now=now,
            answer_id=reply.id,
        )
    return finding


def _require_inspector(actor: Actor, action: str) -> None:
    if actor.role not in RECORD_ROLES:
        raise Forbidden(f"only inspectors {action} a finding's rectification")


def accept(*, finding_id: int, actor: Actor, now: datetime | None = None) -> Finding:
    """The inspector accepts the head's answer: the finding is rectified (on time or not, by
    when that answer came); the inspection closes with its last finding."""
    now = now or utcnow()
    finding = get(finding_id=finding_id, actor=actor, lock=True)
    _require_inspector(actor, "accept")
    _require(finding, "accept", S.answered)
    reply = latest_answer(finding)
    assert reply is not None  # answered means answered
    reply.decision, reply.decided_at, reply.decided_by = "accepted", now, actor.user_id
    finding.status = S.rectified
    finding.rectified_at = now
    finding.rectified_on_time = reply.on_time
    inspection = finding.inspection
    history.step(
        inspection=inspection,
        finding=finding,
        type_="accepted",
        now=now,
        summary=(
            f"{history.finding_label(finding)}整改{'按期' if reply.on_time else '逾期'}完成，"
            f"经督查确认：{history.quote(finding.text)}"
        ),
        actor_id=actor.user_id,
        data={"answer": reply.id, "on_time": reply.on_time},
    )
    notices.decided(finding, reply, now)
    db.session.flush()
    if all(f.status == S.rectified for f in inspection.findings):
        inspection.status = InspectionStatus.closed
        inspection.closed_at = now
        history.step(
            inspection=inspection,
            type_="closed",
            now=now,
            summary=f"检查{inspection.id}发现的问题已全部整改",
            actor_id=actor.user_id,
        )
    return finding


def reject(
    *, finding_id: int, actor: Actor, reason: str | None, now: datetime | None = None
) -> Finding:
    """The inspector sends the answer back with a reason: the finding is open again, and its
    due stands (past it, the climb goes on)."""
    now = now or utcnow()
    finding = get(finding_id=finding_id, actor=actor, lock=True)
    _require_inspector(actor, "send back")
    _require(finding, "send back", S.answered)
    reason = _text(reason, "reason")
    reply = latest_answer(finding)
    assert reply is not None
    reply.decision, reply.decided_at, reply.decided_by = "rejected", now, actor.user_id
    reply.reason = reason
    finding.status = S.open
    history.step(
        inspection=finding.inspection,
        finding=finding,
        type_="rejected",
        now=now,
        summary=(
            f"{history.finding_label(finding)}整改情况被退回（{format_local(reply.submitted_at)}"
            f"提交）：{history.quote(reason)}"
        ),
        actor_id=actor.user_id,
        data={"answer": reply.id, "reason": reason},
    )
    notices.decided(finding, reply, now)
    db.session.flush()
    return finding


def list_query(
    *,
    actor: Actor,
    unit: str | None = None,
    status: str | None = None,
    overdue: bool | None = None,
) -> Select:
    """Findings the actor may read, the soonest due first: by unit code, status (open,
    answered, rectified) and overdue (marked overdue and not rectified)."""
    require_reader(actor)
    # Each finding names its inspection: loaded for the whole page in one query.
    query = (
        select(Finding)
        .options(selectinload(Finding.inspection))
        .order_by(Finding.due_at, Finding.id)
    )
    if unit:
        query = query.where(Finding.unit_id == units.get_by_code(unit, field="unit").id)
    if actor.role in UNIT_ROLES:
        query = query.where(Finding.unit_id == actor.unit_id)
    if status:
        query = query.where(Finding.status == status)
    if overdue is not None:
        late = Finding.overdue_at.is_not(None) & (Finding.status != S.rectified)
        query = query.where(late if overdue else ~late)
    return query


@finding_lookup
def finding_ref(finding_id: int) -> FindingRef | None:
    """What a commitment breach needs of a finding (hotline/campaign/commitments/findings.py):
    its unit and when it was found (its inspection was recorded)."""
    row = db.session.execute(
        select(Finding.id, Finding.unit_id, Inspection.created_at)
        .join(Inspection, Inspection.id == Finding.inspection_id)
        .where(Finding.id == finding_id)
    ).first()
    return FindingRef(id=row.id, unit_id=row.unit_id, found_at=row.created_at) if row else None
