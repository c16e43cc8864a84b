"""What of a complainant a viewer may see (DESIGN §1): one rule for the API and the pages.

Hotline roles and inspectors see everything. A unit sees the phone masked and the name only if
the complainant agreed to disclosure; on a confidential (保密) ticket it sees neither, nor where
the complainant is (address, district, coordinates).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hotline.core.actor import Actor
from hotline.core.privacy import unit_view as _masked


@dataclass(frozen=True)
class PersonalView:
    phone: str | None
    name: str | None
    address: str | None
    district: str | None
    lat: float | None
    long: float | None
    full: bool  # the viewer sees the complainant's data unmasked (reads are audited)


def personal_view(ticket: Any, actor: Actor) -> PersonalView:
    """The complainant's phone, name and place as `actor` may see them on `ticket`."""
    if actor.sees_full_personal_data:
        return PersonalView(
            ticket.complainant_phone,
            ticket.complainant_name,
            ticket.address,
            ticket.district,
            ticket.lat,
            ticket.long,
            full=True,
        )
    return unit_view(ticket)


def unit_view(ticket: Any) -> PersonalView:
    """What a unit's staff may see of the complainant."""
    if ticket.confidential:
        return PersonalView(None, None, None, None, None, None, full=False)
    phone, name = _masked(
        phone=ticket.complainant_phone,
        name=ticket.complainant_name,
        disclose_identity=ticket.disclose_identity,
        confidential=ticket.confidential,
    )
    return PersonalView(
        phone,
        name,
        ticket.address,
        ticket.district,
        ticket.lat,
        ticket.long,
        full=False,
    )
