"""Whether commitments were kept, year by year (local calendar years), for the credit record,
the assessment and the public site.

A commitment counts in a year if it was in force at any time of it (made before the year ended,
not retired before it began). It is kept in that year when no breach happened in it, broken
otherwise. `commitment_stats` computes this live from the breaches (a year under way too);
`record_year` writes each verdict once the year is over, to the commitment's history and the
unit's credit record (信用档案), and the scheduler runs it for the last year (`close_last_year`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import ColumnElement, and_, case, exists, func, select

from hotline.campaign.commitments.models import (
    Commitment,
    CommitmentBreach,
    CommitmentYear,
)
from hotline.campaign.commitments.service import describe, event
from hotline.core.actor import Actor
from hotline.core.clock import local_tz, to_local, utcnow
from hotline.core.errors import Conflict
from hotline.core.extensions import db
from hotline.escalations import record

JOB = Actor.system("commitments-year")


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The local calendar year as UTC instants [start, end)."""
    tz = local_tz()
    return (
        datetime.combine(date(year, 1, 1), time(0), tzinfo=tz),
        datetime.combine(date(year + 1, 1, 1), time(0), tzinfo=tz),
    )


def _in_force(start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(
        Commitment.created_at < end,
        Commitment.retired_at.is_(None) | (Commitment.retired_at >= start),
    )


def _breached(start: datetime, end: datetime) -> ColumnElement[bool]:
    return exists().where(
        CommitmentBreach.commitment_id == Commitment.id,
        CommitmentBreach.occurred_at >= start,
        CommitmentBreach.occurred_at < end,
    )


def commitment_stats_by_unit(unit_ids: Iterable[int], year: int) -> dict[int, tuple[int, int, int]]:
    """`commitment_stats` for several units in one query: {unit_id: (commitments, kept, broken)}."""
    ids = set(unit_ids)
    if not ids:
        return {}
    start, end = year_bounds(year)
    rows = db.session.execute(
        select(Commitment.unit_id, func.count(), func.count(case((_breached(start, end), 1))))
        .where(Commitment.unit_id.in_(ids), _in_force(start, end))
        .group_by(Commitment.unit_id)
    ).all()
    found = {unit: (total, total - broken, broken) for unit, total, broken in rows}
    return {unit: found.get(unit, (0, 0, 0)) for unit in ids}


def commitment_stats(unit_id: int, year: int) -> tuple[int, int, int]:
    """(commitments, kept, broken) of the unit in `year`: those in force at any time of it, and
    of them those with no breach in the year and those with one or more. During the year,
    "kept" means "not broken so far"."""
    return commitment_stats_by_unit([unit_id], year)[unit_id]


def record_year(*, year: int, now: datetime | None = None) -> int:
    """Write the verdict of `year` (over by `now`) for every commitment in force in it that has
    none yet: its history and the unit's credit record. Safe to run again; how many it wrote."""
    now = now or utcnow()
    start, end = year_bounds(year)
    if now < end:
        raise Conflict(f"the year {year} is not over yet")
    done = exists().where(
        CommitmentYear.commitment_id == Commitment.id, CommitmentYear.year == year
    )
    rows = db.session.execute(
        select(Commitment, _breached(start, end))
        .where(_in_force(start, end), ~done)
        .order_by(Commitment.id)
        .with_for_update(of=Commitment, skip_locked=True)
    ).all()
    for commitment, broken in rows:
        db.session.add(
            CommitmentYear(commitment_id=commitment.id, year=year, kept=not broken, recorded_at=now)
        )
        verdict = "broken" if broken else "kept"
        event(commitment, verdict, JOB, now, data={"year": year})
        record.add(
            unit_id=commitment.unit_id,
            type_=f"commitment_{verdict}",
            summary=f"{year}年度{describe(commitment)}{'未兑现' if broken else '已兑现'}",
            now=now,
            data={"commitment": commitment.id, "year": year},
        )
    db.session.flush()
    return len(rows)


def close_last_year(*, now: datetime | None = None) -> int:
    """The scheduler's daily check: the last local year's verdicts, once."""
    now = now or utcnow()
    return record_year(year=to_local(now).year - 1, now=now)


@dataclass(frozen=True)
class PublicCommitment:
    """A commitment as the public may read it: who committed to what, and its record (counts
    and verdicts only: a breach's ticket and note stay inside)."""

    id: int
    staff_name: str | None  # the service staff member who committed publicly; None: the unit
    text: str
    measure: str | None
    status: str  # active or retired
    made_on: date
    retired_on: date | None
    breaches: int  # every breach on record
    breaches_this_year: int
    years: tuple[tuple[int, bool], ...]  # (year, kept) of every year over and written


def public_commitments(unit_id: int, *, now: datetime | None = None) -> list[PublicCommitment]:
    """The unit's commitments, active first, with their breach counts and yearly verdicts
    (three queries). Retired ones stay listed: retiring does not wipe a record."""
    now = now or utcnow()
    start, end = year_bounds(to_local(now).year)
    commitments = list(
        db.session.scalars(
            select(Commitment)
            .where(Commitment.unit_id == unit_id)
            .order_by(Commitment.status, Commitment.id)
        )
    )
    ids = [c.id for c in commitments]
    counts = {
        cid: (total, this_year)
        for cid, total, this_year in db.session.execute(
            select(
                CommitmentBreach.commitment_id,
                func.count(),
                func.count(
                    case(
                        (
                            (CommitmentBreach.occurred_at >= start)
                            & (CommitmentBreach.occurred_at < end),
                            1,
                        )
                    )
                ),
            )
            .where(CommitmentBreach.commitment_id.in_(ids))
            .group_by(CommitmentBreach.commitment_id)
        )
    }
    years: dict[int, list[tuple[int, bool]]] = {cid: [] for cid in ids}
    for row in db.session.scalars(
        select(CommitmentYear)
        .where(CommitmentYear.commitment_id.in_(ids))
        .order_by(CommitmentYear.year)
    ):
        years[row.commitment_id].append((row.year, row.kept))
    return [
        PublicCommitment(
            id=c.id,
            staff_name=c.staff_name,
            text=c.text,
            measure=c.measure,
            status=c.status,
            made_on=to_local(c.created_at).date(),
            retired_on=to_local(c.retired_at).date() if c.retired_at else None,
            breaches=counts.get(c.id, (0, 0))[0],
            breaches_this_year=counts.get(c.id, (0, 0))[1],
            years=tuple(years[c.id]),
        )
        for c in commitments
    ]
