"""Writing the audit log: who changed what, who read whose personal data."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import insert

from hotline.audit.models import AuditEntry
from hotline.core.actor import Actor
from hotline.core.extensions import db

READ_PERSONAL_DATA = "read_personal_data"


def record_personal_data_reads(
    *, actor: Actor, ticket_ids: Iterable[int], now: datetime, via: str
) -> None:
    """One audit row per ticket whose unmasked complainant data `actor` was shown (one INSERT)."""
    record_caller_reads(
        actor=actor,
        subjects=[(ticket_id, {}) for ticket_id in dict.fromkeys(ticket_ids)],
        now=now,
        via=via,
    )


def record_caller_reads(
    *,
    actor: Actor,
    subjects: Iterable[tuple[int | None, dict[str, Any]]],
    now: datetime,
    via: str,
) -> None:
    """One audit row per (ticket id or None, what was read) whose personal data `actor` was
    shown, in one INSERT: a missed call without a ticket is read by its task's id."""
    rows = [
        {
            "at": now,
            "actor_id": actor.user_id,
            "action": READ_PERSONAL_DATA,
            "ticket_id": ticket_id,
            "detail": {**what, "via": via, "actor": actor.label, "role": actor.role},
        }
        for ticket_id, what in subjects
    ]
    if rows:
        db.session.execute(insert(AuditEntry), rows)


def record_action(*, actor_id: int | None, action: str, detail: dict, now: datetime) -> None:
    """One audit row for a change someone made (configuration, accounts, appointments)."""
    db.session.add(AuditEntry(at=now, actor_id=actor_id, action=action, detail=detail))
