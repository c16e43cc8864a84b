"""Every step of an inspection, written twice in the step's transaction: the campaign history
(InspectionEvent) and the unit's credit record (信用档案, hotline/escalations/record.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from hotline.campaign.inspections.models import Finding, Inspection, InspectionEvent
from hotline.core.extensions import db
from hotline.escalations import record

# A finding's text as the one-line credit-record summary quotes it.
QUOTE = 60


def quote(text: str) -> str:
    """A finding's text shortened for a summary, a notice or an SMS."""
    return text if len(text) <= QUOTE else text[:QUOTE] + "…"


def finding_label(finding: Finding) -> str:
    """How a summary names a finding: 检查{inspection}第{seq}项."""
    return f"检查{finding.inspection_id}第{finding.seq}项"


def step(
    *,
    inspection: Inspection,
    type_: str,
    now: datetime,
    summary: str,
    finding: Finding | None = None,
    actor_id: int | None = None,
    data: dict[str, Any] | None = None,
    credit: bool = True,
) -> None:
    """Record one step in the history and, unless `credit` is off, the unit's credit record.

    The credit-record entry's type is `inspection_<type_>` or `finding_<type_>`; its data
    names the inspection and finding, so the record links back to them.
    """
    details = {"inspection": inspection.id} | (
        {"finding": finding.id} if finding is not None else {}
    )
    db.session.add(
        InspectionEvent(
            inspection_id=inspection.id,
            finding_id=finding.id if finding is not None else None,
            unit_id=inspection.unit_id,
            type=type_,
            at=now,
            actor_id=actor_id,
            data=data,
        )
    )
    if credit:
        record.add(
            unit_id=inspection.unit_id,
            type_=f"{'finding' if finding is not None else 'inspection'}_{type_}",
            summary=summary,
            now=now,
            interview_id=finding.interview_id if finding is not None else None,
            actor_id=actor_id,
            data=details | (data or {}),
        )


def events_of(inspection_id: int) -> list[InspectionEvent]:
    """An inspection's history, oldest first."""
    return list(
        db.session.scalars(
            select(InspectionEvent)
            .where(InspectionEvent.inspection_id == inspection_id)
            .order_by(InspectionEvent.id)
        )
    )
