"""Public commitments (承诺): made by a unit's head for the unit or one of its service staff, or
by the oversight office (inspectors, admins) for any unit; retired, never deleted. Every change
is a row of the commitment's history (commitment_events), written by `event` here.

Breaches are in breaches.py, the yearly verdict and the figures in fulfilment.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select

from hotline.campaign.commitments.models import Commitment, CommitmentEvent, CommitmentStatus
from hotline.core.actor import Actor, Role
from hotline.core.clock import utcnow
from hotline.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hotline.core.extensions import db
from hotline.core.grouped import rows_by
from hotline.core.pagecache import PUBLIC_SITE, invalidate_after_commit
from hotline.escalations import record
from hotline.units import service as units

# The office makes commitments for any unit; a head for their own unit only.
OFFICE = frozenset({Role.inspector, Role.admin})
MAKERS = OFFICE | {Role.unit_head}
LIMITS = {"staff_name": 60, "text": 2_000, "measure": 2_000, "reason": 2_000, "note": 2_000}
LIST_LIMIT = 500


def clean_text(value: Any, field: str, *, required: bool = False) -> str | None:
    """A stripped text field within its limit (422 naming the field otherwise)."""
    if value is not None and not isinstance(value, str):
        raise ValidationFailed(f"{field} must be text", fields={field: ["text"]})
    value = (value or "").strip()
    if not value:
        if required:
            raise ValidationFailed(f"{field} is required", fields={field: ["required"]})
        return None
    if len(value) > LIMITS[field]:
        raise ValidationFailed(
            f"{field} is too long", fields={field: [f"at most {LIMITS[field]} characters"]}
        )
    return value


def event(
    commitment: Commitment,
    type_: str,
    actor: Actor,
    now: datetime,
    *,
    note: str | None = None,
    data: dict | None = None,
) -> None:
    """Append one row to the commitment's history; the public site shows the change at once."""
    invalidate_after_commit(PUBLIC_SITE)
    db.session.add(
        CommitmentEvent(
            commitment_id=commitment.id,
            unit_id=commitment.unit_id,
            type=type_,
            at=now,
            actor_id=actor.user_id,
            actor_label=actor.label,
            note=note,
            data=data,
        )
    )


def describe(commitment: Commitment) -> str:
    """How the credit record names a commitment: by whom, then the start of its text."""
    who = f"{commitment.staff_name}的" if commitment.staff_name else "单位"
    quoted = commitment.text if len(commitment.text) <= 40 else commitment.text[:40] + "…"
    return f"{who}承诺（#{commitment.id}）“{quoted}”"


# ---- reads -----------------------------------------------------------------------------------


def _may_read(actor: Actor, unit_id: int) -> bool:
    return actor.is_staff and (not actor.is_unit or actor.unit_id == unit_id)


def get(*, commitment_id: int, actor: Actor) -> Commitment:
    """One commitment, if the actor may see it (unit staff: their unit's only; else 404)."""
    found = db.session.get(Commitment, commitment_id) if 0 < commitment_id < 2**31 else None
    if found is None or not _may_read(actor, found.unit_id):
        raise NotFound(f"no commitment {commitment_id}")
    return found


def list_commitments(
    *, actor: Actor, unit_code: str | None = None, status: str | None = None
) -> list[Commitment]:
    """Commitments the actor may see, by unit then oldest first (at most 500)."""
    query = select(Commitment)
    if unit_code:
        unit = units.get_by_code(unit_code, field="unit")
        if not _may_read(actor, unit.id):
            raise NotFound(f"no unit {unit_code}")
        query = query.where(Commitment.unit_id == unit.id)
    elif actor.is_unit:
        query = query.where(Commitment.unit_id == actor.unit_id)
    if status:
        query = query.where(Commitment.status == status)
    return list(
        db.session.scalars(query.order_by(Commitment.unit_id, Commitment.id).limit(LIST_LIMIT))
    )


def commitments_query(*, status: str | None = None, unit_id: int | None = None) -> Select:
    """Every unit's commitments for the oversight office, active first, by unit then oldest
    first (a paged list hands this to its paginator)."""
    query = select(Commitment).order_by(Commitment.status, Commitment.unit_id, Commitment.id)
    if status:
        query = query.where(Commitment.status == status)
    if unit_id is not None:
        query = query.where(Commitment.unit_id == unit_id)
    return query


def history(commitment_ids: Iterable[int]) -> dict[int, list[CommitmentEvent]]:
    """The histories of these commitments in one query, oldest first each."""
    return rows_by(
        CommitmentEvent.commitment_id, commitment_ids, CommitmentEvent.at, CommitmentEvent.id
    )


# ---- writes ----------------------------------------------------------------------------------


def _require_maker(actor: Actor, unit_id: int, what: str) -> None:
    if actor.role not in MAKERS:
        raise Forbidden(f"role {actor.role} may not {what}")
    if actor.role == Role.unit_head and actor.unit_id != unit_id:
        raise NotFound("no such unit")


def create(
    *,
    actor: Actor,
    unit: str | None,
    text: str | None,
    staff_name: str | None = None,
    measure: str | None = None,
    now: datetime | None = None,
) -> Commitment:
    """A public commitment of a unit (or of its named service staff member); active at once."""
    now = now or utcnow()
    if actor.role not in MAKERS:
        raise Forbidden(f"role {actor.role} may not make a commitment")
    target = units.get_by_code(unit, field="unit")
    _require_maker(actor, target.id, "make a commitment")
    commitment = Commitment(
        unit_id=target.id,
        staff_name=clean_text(staff_name, "staff_name"),
        text=clean_text(text, "text", required=True),
        measure=clean_text(measure, "measure"),
        status=CommitmentStatus.active,
        created_at=now,
        created_by=actor.user_id,
    )
    commitment.unit = target
    db.session.add(commitment)
    db.session.flush()
    event(commitment, "created", actor, now)
    record.add(
        unit_id=target.id,
        type_="commitment_made",
        summary=f"作出{describe(commitment)}",
        now=now,
        actor_id=actor.user_id,
        data={"commitment": commitment.id},
    )
    db.session.flush()
    return commitment


def retire(
    *, commitment_id: int, actor: Actor, reason: str | None, now: datetime | None = None
) -> Commitment:
    """The unit head (own unit) or the office retires a commitment, with the reason; its
    breaches and years stay in the record."""
    now = now or utcnow()
    commitment = get(commitment_id=commitment_id, actor=actor)
    _require_maker(actor, commitment.unit_id, "retire a commitment")
    reason = clean_text(reason, "reason", required=True)
    if commitment.status != CommitmentStatus.active:
        raise Conflict(f"commitment {commitment.id} is already retired")
    commitment.status = CommitmentStatus.retired
    commitment.retired_at = now
    commitment.retired_by = actor.user_id
    commitment.retire_reason = reason
    event(commitment, "retired", actor, now, note=reason)
    record.add(
        unit_id=commitment.unit_id,
        type_="commitment_retired",
        summary=f"撤销{describe(commitment)}：{reason}",
        now=now,
        actor_id=actor.user_id,
        data={"commitment": commitment.id},
    )
    db.session.flush()
    return commitment
