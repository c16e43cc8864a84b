"""Special supervisors' (特邀监督员) standing: whether an appointment lets them act today.

Appointing and retiring them is the campaign's (hotline/campaign/supervisors/service.py); the
sign-in (auth/service.py) and the filing rule (tickets/filed.py) ask here, below both.
"""

from __future__ import annotations

from datetime import datetime

from hotline.auth.models import SupervisorAppointment, User
from hotline.core.actor import Role
from hotline.core.clock import to_local
from hotline.core.extensions import db


def appointment(user_id: int) -> SupervisorAppointment | None:
    """The appointment of this user, if they have one."""
    return db.session.get(SupervisorAppointment, user_id)


def serving(user_id: int, *, now: datetime) -> bool:
    """Whether the special supervisor `user_id` is appointed, in term and not retired on the
    local day of `now`; one without an appointment row (`flask users create`) has no term."""
    row = appointment(user_id)
    return row is None or row.serving_on(to_local(now).date())


def may_sign_in(user: User, *, now: datetime) -> bool:
    """False only for a special supervisor whose term has not begun or has ended (a retired one
    is deactivated as well); everyone else's standing is their `active` flag."""
    return user.role != Role.special_supervisor or serving(user.id, now=now)
