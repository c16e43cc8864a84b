"""Recording inspections and reading them: who may, what is checked, what is written.

Inspectors record a visit with its findings (and evidence files); inspectors and admins read
every inspection, a unit's agents and head only their unit's (another unit's is 404), and the
hotline roles none (403). The findings' rectification is in findings.py, the overdue climb in
climb.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, exists, select
from werkzeug.datastructures import FileStorage

from hotline.campaign.inspections import files, history, notices
from hotline.campaign.inspections.models import (
    Finding,
    FindingStatus,
    Inspection,
    InspectionStatus,
    Kind,
    Severity,
)
from hotline.core.actor import UNIT_ROLES, Actor, Role
from hotline.core.clock import local_tz, to_local, utcnow
from hotline.core.errors import Forbidden, NotFound, ValidationFailed
from hotline.core.extensions import db
from hotline.core.timebounds import OUT_OF_RANGE, instant_in_range
from hotline.sla.deadlines import local_midnight
from hotline.units import service as units

READ_ALL = frozenset({Role.inspector, Role.admin})
RECORD_ROLES = frozenset({Role.inspector})  # DESIGN §1: the oversight office inspects
MAX_TEXT = 4_000
MAX_FINDINGS = 50
KIND_NAMES = {Kind.mystery_visit: "明察暗访", Kind.special: "专项检查"}
SEVERITY_NAMES = {Severity.minor: "一般", Severity.major: "较重", Severity.severe: "严重"}
LIST_STATUSES = ("open", "closed", "overdue")


@dataclass(frozen=True)
class FindingDraft:
    """One finding as sent: checked by `create`, which names the bad field."""

    text: str | None
    severity: str | None
    rectify_due: date | None


def may_read(actor: Actor, unit_id: int) -> bool:
    """Inspectors and admins read every unit's inspections; unit staff their own unit's."""
    return actor.role in READ_ALL or (actor.role in UNIT_ROLES and actor.unit_id == unit_id)


def require_reader(actor: Actor) -> None:
    """403 for the roles that read no inspection at all (the hotline's operators, supervisors)."""
    if actor.role not in READ_ALL and actor.role not in UNIT_ROLES:
        raise Forbidden("only inspectors, admins and the inspected unit read inspections")


def due_at(rectify_due: date) -> datetime:
    """The end of the due day (24:00 local), as every deadline of the hotline ends."""
    return local_midnight(rectify_due + timedelta(days=1), local_tz())


def _text(value: str | None, field: str, *, required: bool = True) -> str | None:
    value = (value or "").strip()
    if not value:
        if required:
            raise ValidationFailed(f"{field} is required", fields={field: ["required"]})
        return None
    if len(value) > MAX_TEXT:
        raise ValidationFailed(f"{field} is too long", fields={field: [f"at most {MAX_TEXT}"]})
    return value


def _nested(index: int, name: str, message: str) -> ValidationFailed:
    """A finding's bad field, named as the API's 422 names nested fields."""
    return ValidationFailed(
        f"findings.{index}.{name} {message}", fields={"findings": {str(index): {name: [message]}}}
    )


def _check_finding(index: int, draft: FindingDraft, visited_on: date, today: date) -> FindingDraft:
    text = (draft.text or "").strip()
    if not text:
        raise _nested(index, "text", "required")
    if len(text) > MAX_TEXT:
        raise _nested(index, "text", f"at most {MAX_TEXT} characters")
    if draft.severity not in set(Severity):
        raise _nested(index, "severity", f"one of {', '.join(Severity)}")
    due = draft.rectify_due
    if due is None:
        raise _nested(index, "rectify_due", "required")
    if not instant_in_range(due):
        raise _nested(index, "rectify_due", OUT_OF_RANGE)
    if due < max(visited_on, today):
        raise _nested(index, "rectify_due", "must not be before the visit or today")
    return FindingDraft(text, draft.severity, due)


def _check_date(visited_on: date | None, today: date) -> date:
    if visited_on is None:
        raise ValidationFailed("date is required", fields={"date": ["required"]})
    if not instant_in_range(visited_on):
        raise ValidationFailed(f"date {OUT_OF_RANGE}", fields={"date": [OUT_OF_RANGE]})
    if visited_on > today:
        raise ValidationFailed(
            f"date must not be in the future (today is {today.isoformat()})",
            fields={"date": ["in the future"]},
        )
    return visited_on


def create(
    *,
    actor: Actor,
    kind: str,
    unit: str,
    visited_on: date | None,
    findings: list[FindingDraft],
    note: str | None = None,
    uploads: list[FileStorage] | None = None,
    now: datetime | None = None,
) -> Inspection:
    """An inspector records a visit of a unit, its findings (each with a rectification due)
    and its evidence files; the unit head is told in-app."""
    now = now or utcnow()
    if actor.role not in RECORD_ROLES:
        raise Forbidden("only inspectors record inspections")
    if kind not in set(Kind):
        raise ValidationFailed(
            f"kind must be one of {', '.join(Kind)}", fields={"kind": [f"one of {', '.join(Kind)}"]}
        )
    target = units.get_by_code(unit, field="unit", active_only=True)
    today = to_local(now).date()
    visited_on = _check_date(visited_on, today)
    note = _text(note, "note", required=False)
    if len(findings) > MAX_FINDINGS:
        raise ValidationFailed(
            "too many findings", fields={"findings": [f"at most {MAX_FINDINGS}"]}
        )
    drafts = [_check_finding(i, d, visited_on, today) for i, d in enumerate(findings)]
    checked_files = files.check(uploads)  # every check before anything is written
    inspection = Inspection(
        kind=kind,
        unit_id=target.id,
        visited_on=visited_on,
        note=note,
        status=InspectionStatus.open if drafts else InspectionStatus.closed,
        inspector_id=actor.user_id,
        created_at=now,
        closed_at=None if drafts else now,
        findings=[
            Finding(
                unit_id=target.id,
                seq=seq,
                text=draft.text,
                severity=draft.severity,
                rectify_due=draft.rectify_due,
                due_at=due_at(draft.rectify_due),  # type: ignore[arg-type]
                status=FindingStatus.open,
                created_at=now,
            )
            for seq, draft in enumerate(drafts, start=1)
        ],
    )
    db.session.add(inspection)
    db.session.flush()
    first_due = min((d.rectify_due for d in drafts), default=None)  # type: ignore[type-var]
    history.step(
        inspection=inspection,
        type_="recorded",
        now=now,
        summary=(
            f"{KIND_NAMES[Kind(kind)]}（检查{inspection.id}，{visited_on.isoformat()}）"
            + (
                f"发现问题{len(drafts)}项，最早整改期限{first_due.isoformat()}"
                if first_due
                else "未发现问题"
            )
        ),
        actor_id=actor.user_id,
        data={"kind": kind, "date": visited_on.isoformat(), "findings": len(drafts)},
    )
    if drafts:
        notices.recorded(inspection, first_due=first_due, now=now)  # type: ignore[arg-type]
    if checked_files:
        files.attach(checked_files, inspection_id=inspection.id, actor_id=actor.user_id, now=now)
    return inspection


def add_files(
    *, inspection_id: int, actor: Actor, uploads: list[FileStorage], now: datetime | None = None
) -> Inspection:
    """An inspector adds evidence files to a visit (photos, recordings' transcripts…)."""
    now = now or utcnow()
    inspection = get(inspection_id=inspection_id, actor=actor)
    if actor.role not in RECORD_ROLES:
        raise Forbidden("only inspectors add evidence to an inspection")
    checked = files.check(uploads)
    if not checked:
        raise ValidationFailed("no file was sent", fields={"files": ["required"]})
    rows = files.attach(checked, inspection_id=inspection.id, actor_id=actor.user_id, now=now)
    history.step(
        inspection=inspection,
        type_="files_added",
        now=now,
        summary=f"检查{inspection.id}补充佐证材料{len(rows)}份",
        actor_id=actor.user_id,
        data={"files": [row.label for row in rows]},
        credit=False,  # evidence of the office's own work, not a step of the unit's
    )
    return inspection


def get(*, inspection_id: int, actor: Actor) -> Inspection:
    """One inspection the actor may read (404 for another unit's, or none)."""
    require_reader(actor)
    if not 0 < inspection_id < 2**31:  # beyond the id column's range: none, not a 500
        raise NotFound(f"no inspection {inspection_id}")
    inspection = db.session.get(Inspection, inspection_id)
    if inspection is None or not may_read(actor, inspection.unit_id):
        raise NotFound(f"no inspection {inspection_id}")
    return inspection


def _overdue_finding(inspection_id: Any) -> Any:
    return exists().where(
        Finding.inspection_id == inspection_id,
        Finding.overdue_at.is_not(None),
        Finding.status != FindingStatus.rectified,
    )


def list_query(
    *,
    actor: Actor,
    unit: str | None = None,
    status: str | None = None,
    kind: str | None = None,
) -> Select:
    """The inspections the actor may read, newest visit first, by unit code, status (open,
    closed, or overdue: some finding overdue and not rectified) and kind."""
    require_reader(actor)
    query = select(Inspection).order_by(Inspection.visited_on.desc(), Inspection.id.desc())
    if unit:
        query = query.where(Inspection.unit_id == units.get_by_code(unit, field="unit").id)
    if actor.role in UNIT_ROLES:
        query = query.where(Inspection.unit_id == actor.unit_id)
    if status == "overdue":
        query = query.where(_overdue_finding(Inspection.id))
    elif status:
        query = query.where(Inspection.status == status)
    if kind:
        query = query.where(Inspection.kind == kind)
    return query
