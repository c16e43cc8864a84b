"""The unit credit record (信用档案): an append-only history written beside its cause."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from hotline.core.extensions import db
from hotline.escalations.models import CreditRecord


def entry(
    *,
    unit_id: int,
    type_: str,
    summary: str,
    now: datetime,
    ticket_id: int | None = None,
    interview_id: int | None = None,
    escalation_id: int | None = None,
    actor_id: int | None = None,
    data: dict | None = None,
) -> dict[str, Any]:
    """One credit-record entry as plain column values (the sweep inserts a batch of them)."""
    return {
        "unit_id": unit_id,
        "at": now,
        "type": type_,
        "summary": summary,
        "ticket_id": ticket_id,
        "interview_id": interview_id,
        "escalation_id": escalation_id,
        "actor_id": actor_id,
        "data": data,
    }


def add(**fields: Any) -> CreditRecord:
    """Append one entry to a unit's credit record (`fields` as for `entry`)."""
    created = CreditRecord(**entry(**fields))
    db.session.add(created)
    return created


def list_for_unit(*, unit_id: int, limit: int = 500) -> list[CreditRecord]:
    """A unit's credit record, newest first."""
    return list(
        db.session.scalars(
            select(CreditRecord)
            .where(CreditRecord.unit_id == unit_id)
            .order_by(CreditRecord.at.desc(), CreditRecord.id.desc())
            .limit(limit)
        )
    )
