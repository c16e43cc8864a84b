"""Creating staff users (CLI, seed, admin): role and unit checked, password hashed; and the
name a user goes by on what they did."""

from __future__ import annotations

from sqlalchemy import select

from hotline.auth.models import User
from hotline.core.actor import FILER_ROLES, UNIT_ROLES, Actor, Role
from hotline.core.clock import utcnow
from hotline.core.errors import Conflict, ValidationFailed
from hotline.core.extensions import db
from hotline.units import service as units
from hotline.units.models import Unit

MIN_PASSWORD = 8


def create_user(
    *,
    username: str,
    password: str,
    role: str,
    unit: str | None = None,
    display_name: str | None = None,
    phone: str | None = None,
) -> User:
    """Add a staff user; unit roles need a unit, hotline and oversight roles have none, and a
    special supervisor may belong to a monitoring station (the station's staff)."""
    username = (username or "").strip()
    if not username:
        raise ValidationFailed("username is required", fields={"username": ["required"]})
    roles = [r.value for r in Role]
    if role not in roles:
        raise ValidationFailed(
            f"unknown role {role!r}; one of {', '.join(roles)}", fields={"role": ["unknown role"]}
        )
    if len(password or "") < MIN_PASSWORD:
        raise ValidationFailed(
            f"password must have at least {MIN_PASSWORD} characters",
            fields={"password": [f"at least {MIN_PASSWORD} characters"]},
        )
    unit_row = None
    if unit:
        unit_row = units.get_by_code(unit, field="unit")
    check_unit(role, unit_row)
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise Conflict(f"username {username!r} is taken", fields={"username": ["taken"]})
    user = User(
        username=username,
        role=role,
        unit_id=unit_row.id if unit_row else None,
        display_name=display_name or username,
        phone=phone,
        active=True,
        created_at=utcnow(),
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def check_unit(role: str, unit: Unit | None) -> None:
    """ValidationFailed on `unit` unless it fits `role`: a unit role needs a unit that takes
    tickets, a special supervisor has none or a monitoring station, other roles have none."""
    if role in UNIT_ROLES:
        if unit is None:
            raise ValidationFailed(f"role {role} needs --unit", fields={"unit": ["required"]})
        units.check_takes_tickets(unit, field="unit")
    elif role in FILER_ROLES:
        if unit is not None and not unit.is_station:
            raise ValidationFailed(
                f"a special supervisor belongs to no unit, or to a monitoring station; "
                f"{unit.code} is not one",
                fields={"unit": ["only a monitoring station"]},
            )
    elif unit is not None:
        raise ValidationFailed(f"role {role} has no unit", fields={"unit": ["only for unit roles"]})


def name_of(actor: Actor) -> str | None:
    """The name `actor` goes by (display name, else username); the label of the system."""
    if actor.user_id is None:
        return actor.label
    user = db.session.get(User, actor.user_id)  # usually in the session already: no query
    if user is None:
        return actor.label
    return user.display_name or user.username
