"""Breaches of a commitment: a ticket (linked by an operator, a supervisor or an inspector) or a
spot-check finding (by an inspector) that shows it broken.

A breach is written three times, each where its readers look: the commitment's history, the
unit's credit record (信用档案), and for a ticket its own timeline. It counts in the local year
it happened (the ticket came in, the finding was made); if that year's verdict was already
written as kept, it turns to broken, and the record says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select

from hotline.campaign.commitments import findings
from hotline.campaign.commitments.models import (
    Commitment,
    CommitmentBreach,
    CommitmentStatus,
    CommitmentYear,
)
from hotline.campaign.commitments.service import clean_text, describe, event, get
from hotline.core.actor import Actor, Role
from hotline.core.clock import format_local, to_local, utcnow
from hotline.core.errors import Conflict, Forbidden, ValidationFailed
from hotline.core.extensions import db
from hotline.escalations import record
from hotline.notify import inbox
from hotline.notify.inbox import Audience
from hotline.tickets.events import record_event
from hotline.tickets.models import Ticket

# DESIGN §11: "an operator or inspector links a ticket to the commitment it breaks".
LINKERS = frozenset({Role.operator, Role.supervisor, Role.inspector})
# What a schema-valid request may still be refused for (each the 422's field message, and
# documented on the field): tickets and findings are checked against the data.
ONE_SOURCE = "give a ticket or a finding (one of them)"
TICKET_REFUSALS = ("unknown ticket", "another unit's ticket", "predates the commitment")
FINDING_REFUSALS = ("findings are not available", "unknown finding", "another unit's finding")


def _ticket(number: str, commitment: Commitment) -> Ticket:
    ticket = db.session.scalar(select(Ticket).where(Ticket.number == number.strip()))
    if ticket is None:
        raise ValidationFailed(f"no ticket {number}", fields={"ticket": ["unknown ticket"]})
    if ticket.unit_id != commitment.unit_id:
        raise ValidationFailed(
            f"ticket {ticket.number} is not with {commitment.unit.name}",
            fields={"ticket": ["another unit's ticket"]},
        )
    if ticket.created_at < commitment.created_at:
        raise ValidationFailed(
            f"ticket {ticket.number} came in before the commitment was made",
            fields={"ticket": ["predates the commitment"]},
        )
    return ticket


def _finding(finding_id: int, commitment: Commitment) -> findings.FindingRef:
    ref = findings.find(finding_id)
    if ref.unit_id != commitment.unit_id:
        raise ValidationFailed(
            f"finding {finding_id} is not about {commitment.unit.name}",
            fields={"finding": ["another unit's finding"]},
        )
    return ref


def _already(commitment_id: int, *, ticket_id: int | None, finding_id: int | None) -> bool:
    query = select(CommitmentBreach.id).where(CommitmentBreach.commitment_id == commitment_id)
    if ticket_id is not None:
        query = query.where(CommitmentBreach.ticket_id == ticket_id)
    else:
        query = query.where(CommitmentBreach.finding_id == finding_id)
    return db.session.scalar(query.limit(1)) is not None


def add_breach(
    *,
    commitment_id: int,
    actor: Actor,
    ticket: str | None = None,
    finding: int | None = None,
    note: str | None = None,
    now: datetime | None = None,
) -> CommitmentBreach:
    """Record that a ticket or a finding (exactly one) breaks an active commitment."""
    now = now or utcnow()
    commitment = get(commitment_id=commitment_id, actor=actor)
    if actor.role not in LINKERS:
        raise Forbidden(f"role {actor.role} may not record a breach")
    if (ticket is None) == (finding is None):
        raise ValidationFailed(
            "name the ticket or the finding that breaks the commitment (one of them)",
            fields={"ticket": [ONE_SOURCE]},
        )
    note = clean_text(note, "note")
    if commitment.status != CommitmentStatus.active:
        raise Conflict(f"commitment {commitment.id} is retired; a breach needs an active one")
    linked = _ticket(ticket, commitment) if ticket is not None else None
    ref = _finding(finding, commitment) if finding is not None else None
    ticket_id = linked.id if linked else None
    if _already(commitment.id, ticket_id=ticket_id, finding_id=finding):
        what = f"ticket {linked.number}" if linked else f"finding {finding}"
        raise Conflict(f"{what} is already recorded as breaking commitment {commitment.id}")
    occurred = linked.created_at if linked else ref.found_at  # type: ignore[union-attr]
    breach = CommitmentBreach(
        commitment_id=commitment.id,
        unit_id=commitment.unit_id,
        ticket_id=ticket_id,
        finding_id=finding,
        note=note,
        occurred_at=occurred,
        recorded_at=now,
        actor_id=actor.user_id,
    )
    db.session.add(breach)
    db.session.flush()
    source = f"工单{linked.number}" if linked else f"督查发现问题#{finding}"
    number = linked.number if linked else None
    data = {"commitment": commitment.id, "breach": breach.id, "ticket": number, "finding": finding}
    event(commitment, "breached", actor, now, note=note, data=data)
    record.add(
        unit_id=commitment.unit_id,
        type_="commitment_breached",
        summary=f"违反{describe(commitment)}：{source}" + (f"。{note}" if note else ""),
        now=now,
        ticket_id=ticket_id,
        actor_id=actor.user_id,
        data=data,
    )
    if linked is not None:
        record_event(
            linked,
            "commitment_breached",
            actor,
            now=now,
            from_status=linked.status,
            to_status=linked.status,
            reason=note,
            data={"commitment": commitment.id},
        )
    quoted = commitment.text if len(commitment.text) <= 40 else commitment.text[:40] + "…"
    inbox.post(
        audience=Audience.unit(commitment.unit_id, Role.unit_head),
        template="commitment_breached" if linked else "commitment_breached_finding",
        now=now,
        ticket_id=ticket_id,
        number=number,
        finding=finding,
        text=quoted,
    )
    _turn_kept_year(commitment, occurred, actor, now)
    db.session.flush()
    return breach


def _turn_kept_year(
    commitment: Commitment, occurred: datetime, actor: Actor, now: datetime
) -> None:
    """A breach in a year already written as kept makes that year broken, on the record."""
    year = to_local(occurred).year
    verdict = db.session.get(CommitmentYear, (commitment.id, year))
    if verdict is None or not verdict.kept:
        return
    verdict.kept = False
    verdict.recorded_at = now
    event(commitment, "broken", actor, now, data={"year": year, "late": True})
    record.add(
        unit_id=commitment.unit_id,
        type_="commitment_broken",
        summary=(
            f"{year}年度{describe(commitment)}改记为未兑现：补录违诺（发生于"
            f"{format_local(occurred, 'day')}）"
        ),
        now=now,
        actor_id=actor.user_id,
        data={"commitment": commitment.id, "year": year, "late": True},
    )


def linkable(unit_id: int | None, actor: Actor) -> list[Commitment]:
    """The active commitments a ticket of this unit could break, for those who link breaches
    (none for anyone else, or for a ticket with no unit)."""
    if actor.role not in LINKERS or unit_id is None:
        return []
    return list(
        db.session.scalars(
            select(Commitment)
            .where(Commitment.unit_id == unit_id, Commitment.status == CommitmentStatus.active)
            .order_by(Commitment.id)
        )
    )


def breaches_of(
    commitment_ids: Iterable[int],
) -> dict[int, list[tuple[CommitmentBreach, str | None]]]:
    """Each commitment's breaches with the ticket number (None for a finding), oldest first,
    in one query."""
    ids = set(commitment_ids)
    found: dict[int, list[tuple[CommitmentBreach, str | None]]] = {i: [] for i in ids}
    if ids:
        rows = db.session.execute(
            select(CommitmentBreach, Ticket.number)
            .outerjoin(Ticket, Ticket.id == CommitmentBreach.ticket_id)
            .where(CommitmentBreach.commitment_id.in_(ids))
            .order_by(CommitmentBreach.occurred_at, CommitmentBreach.id)
        )
        for breach, number in rows:
            found[breach.commitment_id].append((breach, number))
    return found
