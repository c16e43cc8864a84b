"""Special supervisors for tests: a user with the role and an appointment, alone or at a station."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hotline.auth.models import SupervisorAppointment, User
from hotline.core.extensions import db
from hotline.units.models import Unit, UnitKind
from tests.factories import UnitFactory, UserFactory


def station(**fields: object) -> Unit:
    """A monitoring station (监督测评站点): a unit of kind station."""
    return UnitFactory(
        kind=UnitKind.station, name=fields.pop("name", "市民中心监督测评站点"), **fields
    )


def appointed(
    *,
    name: str = "刘建华",
    phone: str = "+8613905710001",
    unit: Unit | None = None,
    appointed_on: date = date(2026, 1, 1),
    term_ends_on: date | None = date(2027, 12, 31),
    retired_at: datetime | None = None,
    **fields: object,
) -> User:
    """A special supervisor (a station's staff with `unit`) and their appointment row."""
    user = UserFactory(
        role="special_supervisor",
        unit=unit,
        display_name=name,
        phone=phone,
        active=retired_at is None,
        **fields,
    )
    db.session.add(
        SupervisorAppointment(
            user_id=user.id,
            affiliation="区人大代表",
            appointed_on=appointed_on,
            term_ends_on=term_ends_on,
            retired_at=retired_at,
            created_at=datetime(2026, 1, 1, 1, 0, tzinfo=UTC),
        )
    )
    db.session.flush()
    return user
