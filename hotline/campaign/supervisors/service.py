"""Appointing and retiring special supervisors, and the roster with what each has filed.

An appointment makes a sign-in with the role `special_supervisor` (for a monitoring station's
staff: with the station as their unit) and its record (affiliation, term); retiring deactivates
the sign-in and voids its sessions and tokens at once. Both are admins' acts, audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from hotline.audit.service import record_action
from hotline.auth.models import SupervisorAppointment, User
from hotline.auth.tokens import revoke_credentials
from hotline.auth.users import create_user
from hotline.core.actor import Actor, Role
from hotline.core.clock import to_local
from hotline.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hotline.core.extensions import db
from hotline.core.timebounds import OUT_OF_RANGE, year_in_range
from hotline.tickets.models import Status, Ticket
from hotline.tickets.service import normalize_phone

APPOINT = "supervisor.appoint"
RETIRE = "supervisor.retire"
MAX_AFFILIATION = 120
MAX_REASON = 500


@dataclass(frozen=True)
class RosterEntry:
    """One special supervisor as the roster lists them."""

    user: User
    appointment: SupervisorAppointment | None
    serving: bool
    filed: int
    answered: int

    @property
    def station(self) -> Any:
        return self.user.unit


def _require_admin(actor: Actor) -> None:
    if actor.role != Role.admin:
        raise Forbidden("only admins appoint and retire special supervisors")


def _text(value: str | None, field: str, limit: int, *, required: bool = False) -> str | None:
    value = (value or "").strip()
    if not value:
        if required:
            raise ValidationFailed(f"{field} is required", fields={field: ["required"]})
        return None
    if len(value) > limit:
        raise ValidationFailed(f"{field} is too long", fields={field: [f"at most {limit}"]})
    return value


def _day(value: date | None, field: str) -> date | None:
    if value is not None and not year_in_range(value.year):
        raise ValidationFailed(f"{field} {OUT_OF_RANGE}", fields={field: [OUT_OF_RANGE]})
    return value


def appoint(
    *,
    actor: Actor,
    username: str,
    password: str,
    name: str,
    phone: str,
    now: datetime,
    affiliation: str | None = None,
    appointed_on: date | None = None,
    term_ends_on: date | None = None,
    station: str | None = None,
) -> SupervisorAppointment:
    """An admin appoints a special supervisor: their sign-in (a station's staff: `station` is
    its code) and their record; the term runs from `appointed_on` (default today) to
    `term_ends_on` inclusive (open-ended if None)."""
    _require_admin(actor)
    display = _text(name, "name", 60, required=True)
    phone_e164 = normalize_phone(phone, field="phone")
    starts = _day(appointed_on, "appointed_on") or to_local(now).date()
    ends = _day(term_ends_on, "term_ends_on")
    affiliation = _text(affiliation, "affiliation", MAX_AFFILIATION)
    if ends is not None and ends < starts:
        raise ValidationFailed(
            "term_ends_on is before appointed_on", fields={"term_ends_on": ["before appointed_on"]}
        )
    user = create_user(
        username=username,
        password=password,
        role=Role.special_supervisor,
        unit=station or None,
        display_name=display,
        phone=phone_e164,
    )
    row = SupervisorAppointment(
        user_id=user.id,
        affiliation=affiliation,
        appointed_on=starts,
        term_ends_on=ends,
        appointed_by_id=actor.user_id,
        created_at=now,
    )
    row.user = user
    db.session.add(row)
    db.session.flush()
    record_action(
        actor_id=actor.user_id,
        action=APPOINT,
        now=now,
        detail={
            "user": user.username,
            "station": station or None,
            "appointed_on": starts.isoformat(),
            "term_ends_on": ends.isoformat() if ends else None,
        },
    )
    return row


def retire(
    *, actor: Actor, user_id: int, now: datetime, reason: str | None = None
) -> SupervisorAppointment:
    """An admin retires a special supervisor: they can no longer sign in, and their sessions and
    tokens stop working at once; what they filed stays. 404 for a user who is not one, 409 for
    one already retired."""
    _require_admin(actor)
    user = db.session.get(User, user_id)
    if user is None or user.role != Role.special_supervisor:
        raise NotFound(f"no special supervisor {user_id}")
    row = db.session.get(SupervisorAppointment, user_id)
    if row is None:  # made by `flask users create`: its record starts now
        created = user.created_at or now
        row = SupervisorAppointment(
            user_id=user.id, appointed_on=to_local(created).date(), created_at=now
        )
        db.session.add(row)
    if row.retired_at is not None:
        raise Conflict(f"{user.username} was retired already", fields={"user": ["retired"]})
    row.retired_at = now
    row.retired_by_id = actor.user_id
    row.retire_reason = _text(reason, "reason", MAX_REASON)
    user.active = False
    revoke_credentials(user)
    db.session.flush()
    record_action(
        actor_id=actor.user_id,
        action=RETIRE,
        now=now,
        detail={"user": user.username, "reason": row.retire_reason},
    )
    return row


def roster(*, now: datetime) -> list[RosterEntry]:
    """Every special supervisor (serving first, then by name) with their appointment and how
    many tickets they filed and how many of those were answered, in two queries."""
    rows = db.session.execute(
        select(User, SupervisorAppointment)
        .outerjoin(SupervisorAppointment, SupervisorAppointment.user_id == User.id)
        .where(User.role == Role.special_supervisor)
    ).all()
    counts = filing_counts([user.id for user, _ in rows])
    today = to_local(now).date()
    entries = [
        RosterEntry(
            user=user,
            appointment=row,
            serving=user.active and (row is None or row.serving_on(today)),
            filed=counts.get(user.id, (0, 0))[0],
            answered=counts.get(user.id, (0, 0))[1],
        )
        for user, row in rows
    ]
    entries.sort(key=lambda e: (not e.serving, e.user.unit_id or 0, e.user.username))
    return entries


def entry(row: SupervisorAppointment, *, now: datetime) -> RosterEntry:
    """The roster entry of one appointment (after appointing or retiring)."""
    filed, answered = filing_counts([row.user_id]).get(row.user_id, (0, 0))
    return RosterEntry(
        user=row.user,
        appointment=row,
        serving=row.user.active and row.serving_on(to_local(now).date()),
        filed=filed,
        answered=answered,
    )


def filing_counts(user_ids: list[int]) -> dict[int, tuple[int, int]]:
    """{user id: (tickets filed, of them replied or closed)} in one query."""
    if not user_ids:
        return {}
    answered = Ticket.status.in_([Status.replied, Status.closed])
    rows = db.session.execute(
        select(
            Ticket.filed_by_id,
            func.count(),
            func.count().filter(answered),
        )
        .where(Ticket.filed_by_id.in_(user_ids))
        .group_by(Ticket.filed_by_id)
    )
    return {user_id: (filed, done) for user_id, filed, done in rows}
