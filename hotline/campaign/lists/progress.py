"""How the negative lists' plans are going, for the dashboard, the assessment and the public site.

- `overdue_milestones(unit_id=None, now=...)`: steps whose due day has ended (24:00 local) and
  that are not done, the longest overdue first; read through the partial indexes of open
  milestones, never by scanning the plans.
- `milestone_stats(unit_id, year)` -> (due, done_on_time): the assessment's figures (below).
- `approved_items(unit_id)`: what the public site may show, approved items only.

Every item counts, whatever its approval: a plan sent back or edited since approval still binds
the unit, and a unit cannot step out of its figures by editing an item at the end of the year.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, case, func, select

from hotline.campaign.lists.models import ItemStatus, Milestone, NegativeListItem
from hotline.core.clock import to_local, utcnow
from hotline.core.extensions import db
from hotline.units.models import Unit


@dataclass(frozen=True)
class OverdueMilestone:
    """One step past its due day and not done, with what the lists show about it."""

    milestone_id: int
    item_id: int
    unit_id: int
    unit_code: str
    unit_name: str
    title: str
    step: str
    due: date
    days_overdue: int  # local days since the due date (1 on the day after it)


def overdue_query(*, now: datetime, unit_id: int | None = None) -> Select:
    """Open milestones whose due instant has passed, the longest overdue first: the partial
    index of open milestones by due (or by unit and due) finds them."""
    query = (
        select(
            Milestone.id,
            Milestone.item_id,
            Milestone.unit_id,
            Milestone.step,
            Milestone.due,
            NegativeListItem.title,
            Unit.code,
            Unit.name,
        )
        .join(NegativeListItem, NegativeListItem.id == Milestone.item_id)
        .join(Unit, Unit.id == Milestone.unit_id)
        .where(Milestone.done_at.is_(None), Milestone.due_at <= now)
        .order_by(Milestone.due_at, Milestone.id)
    )
    if unit_id is not None:
        query = query.where(Milestone.unit_id == unit_id)
    return query


def overdue_milestones(
    unit_id: int | None = None, *, now: datetime | None = None, limit: int = 500
) -> list[OverdueMilestone]:
    """Milestones past their due and not done (everywhere, or in one unit), oldest due first."""
    now = now or utcnow()
    today = to_local(now).date()
    rows = db.session.execute(overdue_query(now=now, unit_id=unit_id).limit(limit)).all()
    return [
        OverdueMilestone(
            milestone_id=row.id,
            item_id=row.item_id,
            unit_id=row.unit_id,
            unit_code=row.code,
            unit_name=row.name,
            title=row.title,
            step=row.step,
            due=row.due,
            days_overdue=max(1, (today - row.due).days),
        )
        for row in rows
    ]


def overdue_count(*, now: datetime | None = None, unit_id: int | None = None) -> int:
    """How many milestones are overdue now (the dashboard's badge), from the same index."""
    now = now or utcnow()
    query = select(func.count()).where(Milestone.done_at.is_(None), Milestone.due_at <= now)
    if unit_id is not None:
        query = query.where(Milestone.unit_id == unit_id)
    return db.session.scalar(query) or 0


def milestone_stats_by_unit(
    unit_ids: Iterable[int], year: int, *, now: datetime | None = None
) -> dict[int, tuple[int, int]]:
    """`milestone_stats` for several units in one query: {unit_id: (due, done_on_time)}."""
    ids = set(unit_ids)
    if not ids:
        return {}
    now = now or utcnow()
    counted = (Milestone.done_at.is_not(None)) | (Milestone.due_at <= now)
    on_time = Milestone.done_at.is_not(None) & (Milestone.done_at < Milestone.due_at)
    rows = db.session.execute(
        select(
            Milestone.unit_id,
            func.count(case((counted, 1))),
            func.count(case((on_time, 1))),
        )
        .where(
            Milestone.unit_id.in_(ids),
            Milestone.due >= date(year, 1, 1),
            Milestone.due <= date(year, 12, 31),
        )
        .group_by(Milestone.unit_id)
    ).all()
    found = {unit: (due, done) for unit, due, done in rows}
    return {unit: found.get(unit, (0, 0)) for unit in ids}


def milestone_stats(unit_id: int, year: int, *, now: datetime | None = None) -> tuple[int, int]:
    """(due, done_on_time) for the unit's milestones due in `year` (local dates).

    `due` counts the milestones whose due day has ended by `now`, plus those already done
    (early steps count as soon as they are done); a step not yet due and not done is not
    counted yet. `done_on_time` counts those done by the end of their due day.
    """
    return milestone_stats_by_unit([unit_id], year, now=now)[unit_id]


@dataclass(frozen=True)
class PublicMilestone:
    step: str
    due: date
    done_at: datetime | None
    overdue: bool  # past its due day and not done


@dataclass(frozen=True)
class PublicItem:
    """An approved item as the public may read it (no history, no staff accounts)."""

    id: int
    title: str
    description: str | None
    measures: str | None
    responsible_person: str | None
    approved_at: datetime | None
    milestones: tuple[PublicMilestone, ...]


def approved_items(unit_id: int, *, now: datetime | None = None) -> list[PublicItem]:
    """The unit's approved items with their milestones, in list order (two queries)."""
    now = now or utcnow()
    items = db.session.scalars(
        select(NegativeListItem)
        .where(
            NegativeListItem.unit_id == unit_id,
            NegativeListItem.status == ItemStatus.approved,
        )
        .order_by(NegativeListItem.id)
    )
    return [
        PublicItem(
            id=item.id,
            title=item.title,
            description=item.description,
            measures=item.measures,
            responsible_person=item.responsible_person,
            approved_at=item.approved_at,
            milestones=tuple(
                PublicMilestone(
                    step=m.step,
                    due=m.due,
                    done_at=m.done_at,
                    overdue=m.done_at is None and m.due_at <= now,
                )
                for m in item.milestones
            ),
        )
        for item in items
    ]
