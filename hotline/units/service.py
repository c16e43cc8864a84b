"""Looking up responsible units: by code, the active list, names by id; used by every caller."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from hotline.core.errors import NotFound, ValidationFailed
from hotline.core.extensions import db
from hotline.units.models import Unit, UnitKind


def find_by_code(code: str | None) -> Unit | None:
    """The unit with this code, active or not; None if there is none."""
    if not code:
        return None
    return db.session.scalar(select(Unit).where(Unit.code == code))


def get_by_code(code: str | None, *, field: str | None = None, active_only: bool = False) -> Unit:
    """The unit with this code; NotFound otherwise (also when inactive and `active_only`).

    `field` names the request field the code came from: an unknown code is then a
    ValidationFailed on that field (422) rather than a missing resource (404).
    """
    unit = find_by_code(code)
    if unit is not None and (unit.active or not active_only):
        return unit
    if field is not None:
        raise ValidationFailed(f"unknown unit {code!r}", fields={field: ["unknown unit"]})
    raise NotFound(f"no unit {code}")


def active_units() -> list[Unit]:
    """The units that take tickets, by code (the pickers on dispatch, return and triage);
    monitoring stations take none."""
    return list(
        db.session.scalars(
            select(Unit)
            .where(Unit.active.is_(True), Unit.kind == UnitKind.responsible)
            .order_by(Unit.code)
        )
    )


def stations(*, active_only: bool = True) -> list[Unit]:
    """The monitoring stations (监督测评站点), by code."""
    stmt = select(Unit).where(Unit.kind == UnitKind.station)
    if active_only:
        stmt = stmt.where(Unit.active.is_(True))
    return list(db.session.scalars(stmt.order_by(Unit.code)))


def check_takes_tickets(unit: Unit, *, field: str) -> Unit:
    """`unit`, unless it is a monitoring station: ValidationFailed on `field` then (a station
    is never dispatched to, routed to or staffed by unit roles)."""
    if unit.is_station:
        raise ValidationFailed(
            f"{unit.code} is a monitoring station, which takes no tickets",
            fields={field: ["a monitoring station takes no tickets"]},
        )
    return unit


def all_units() -> list[Unit]:
    """Every unit, active or not, by code (admin forms and the dashboard filters)."""
    return list(db.session.scalars(select(Unit).order_by(Unit.code)))


def names_by_id(unit_ids: Iterable[int]) -> dict[int, str]:
    """Unit names for these ids, in one query (none for an empty set)."""
    ids = set(unit_ids)
    if not ids:
        return {}
    return dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(ids))).all())
