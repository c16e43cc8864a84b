"""Writing the audit log: who changed what, who read whose personal data."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import insert

from hotline.audit.models import AuditEntry
from hotline.core.actor import Actor
from hotline.core.extensions import db

READ_PERSONAL_DATA = "read_personal_data"


def record_personal_data_reads(
    *, actor: Actor, ticket_ids: Iterable[int], now: datetime, via: str
) -> None:
    """One audit row per ticket whose unmasked complainant data `actor` was shown (one INSERT)."""
    rows = [
        {
            "at": now,
            "actor_id": actor.user_id,
            "action": READ_PERSONAL_DATA,
            "ticket_id": ticket_id,
            "detail": {"via": via, "actor": actor.label, "role": actor.role},
        }
        for ticket_id in dict.fromkeys(ticket_ids)
    ]
    if rows:
        db.session.execute(insert(AuditEntry), rows)


def record_action(*, actor_id: int | None, action: str, detail: dict, now: datetime) -> None:
    """One audit row for a change someone made (configuration, accounts, appointments)."""
    db.session.add(AuditEntry(at=now, actor_id=actor_id, action=action, detail=detail))
