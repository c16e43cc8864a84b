"""Ticket requests that need someone to act, and who that is (DESIGN §11 "Notices reach people").

One table, one function: a transition that leaves a request waiting calls `needs_someone` with
its name, and the table says whose inbox it lands in. Assisting requests (协办), when they come,
are one more row here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hotline.core.actor import Role
from hotline.notify import inbox
from hotline.notify.inbox import Audience
from hotline.tickets.models import Ticket

WAITING_FOR: dict[str, Audience] = {
    # 退单: a supervisor approves (back to triage) or denies
    "return_requested": Audience.role(Role.supervisor),
    # 延期: a supervisor grants the days or refuses them
    "extension_requested": Audience.role(Role.supervisor),
}


def needs_someone(ticket: Ticket, request: str, *, now: datetime, **params: Any) -> None:
    """Post the notice of a request waiting on `ticket` to whoever decides it."""
    inbox.post(
        audience=WAITING_FOR[request],
        template=request,
        now=now,
        ticket_id=ticket.id,
        number=ticket.number,
        unit=ticket.unit.name if ticket.unit else "",
        **params,
    )
