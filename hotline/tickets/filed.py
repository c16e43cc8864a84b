"""Tickets filed by special supervisors (特邀监督员) and monitoring stations (DESIGN §11).

A special supervisor files on the channel `supervisor` as themselves: the ticket's complainant
is the supervisor's own account (name and phone), whatever a request body says, and the ticket
records who filed it (`filed_by_id`) and, for a station's staff, the station (`station_id`).
Such tickets are routed and handled like any other. A special supervisor reads back only what
they filed; a station's staff read their station's filings. Nothing else, no unit's tickets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from hotline.auth.models import User
from hotline.auth.supervisors import serving
from hotline.core.actor import Actor
from hotline.core.errors import Forbidden, ValidationFailed
from hotline.core.extensions import db
from hotline.tickets.models import Channel, Kind, Ticket

# What a special supervisor files: a complaint (投诉), or a report of what they found on a spot
# check (监督报告, the `report` kind of DESIGN §0).
FILED_KINDS = (Kind.complaint.value, Kind.report.value)


@dataclass(frozen=True)
class Filer:
    """Who files a supervisor ticket: the ticket's complainant and its flags."""

    user_id: int
    station_id: int | None
    phone: str | None
    name: str | None


def filer_for(actor: Actor, *, now: datetime) -> Filer:
    """The special supervisor `actor` as a filer; Forbidden (naming `channel`) for anyone else,
    and for a supervisor whose appointment has ended or not begun."""
    if not actor.is_filer or actor.user_id is None:
        raise Forbidden(
            "only special supervisors file on the channel supervisor",
            fields={"channel": ["only for special supervisors"]},
        )
    user = db.session.get(User, actor.user_id)
    if user is None or not user.active or not serving(user.id, now=now):
        raise Forbidden("your appointment as a special supervisor is not in force")
    return Filer(
        user_id=user.id,
        station_id=user.unit_id,
        phone=user.phone,
        name=user.display_name or user.username,
    )


def check_kind(kind: str | None) -> str:
    """The kind of a supervisor's filing (default complaint); 422 naming `kind` otherwise."""
    if kind in (None, ""):
        return Kind.complaint.value
    if kind not in FILED_KINDS:
        raise ValidationFailed(
            f"a special supervisor files a {' or a '.join(FILED_KINDS)}",
            fields={"kind": [f"one of {list(FILED_KINDS)}"]},
        )
    return kind


def check_channel(channel: str | None, actor: Actor) -> str | None:
    """The channel a creation names, checked against who files: `supervisor` is a special
    supervisor's (403 for anyone else), and a special supervisor files on no other (422)."""
    if actor.is_filer:
        if channel not in (None, Channel.supervisor):
            raise ValidationFailed(
                "special supervisors file on the channel supervisor",
                fields={"channel": ["must be supervisor"]},
            )
        return Channel.supervisor.value
    if channel == Channel.supervisor:
        raise Forbidden(
            "only special supervisors file on the channel supervisor",
            fields={"channel": ["only for special supervisors"]},
        )
    return channel


def scoped(stmt: Any, actor: Actor) -> Any:
    """Narrow a ticket query to what the special supervisor `actor` may read."""
    if actor.unit_id is not None:
        return stmt.where(Ticket.station_id == actor.unit_id)
    return stmt.where(Ticket.filed_by_id == actor.user_id)


def can_read(actor: Actor, ticket: Ticket) -> bool:
    """Whether the special supervisor `actor` filed `ticket` (or their station did)."""
    if actor.user_id is None:
        return False
    if actor.unit_id is not None:
        return ticket.station_id == actor.unit_id
    return ticket.filed_by_id == actor.user_id


def own_filings(actor: Actor, *, limit: int = 50) -> list[Ticket]:
    """The filings `actor` may read, newest first (the /supervise home)."""
    stmt = scoped(select(Ticket), actor)
    return list(
        db.session.scalars(stmt.order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(limit))
    )
