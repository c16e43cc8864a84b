"""Ticket requests that need someone to act, who that is, and who hears how they ended
(DESIGN §11 "Notices reach people").

Two tables, one function each: a transition that leaves a request waiting calls
`needs_someone` with its name and the request, and WAITING_FOR says whose inbox it lands in;
when someone decides the request (`decided`), that notice is resolved for everyone it reached,
showing who decided. A decision the unit must know of goes through `tell_unit` and TOLD.
Assisting requests (协办), when they come, are one more row here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hotline.auth.users import name_of
from hotline.core.actor import Actor, Role
from hotline.notify import inbox
from hotline.notify.inbox import Audience
from hotline.tickets.models import Ticket, TicketRequest

WAITING_FOR: dict[str, Audience] = {
    # 退单: a supervisor approves (back to triage) or denies
    "return_requested": Audience.role(Role.supervisor),
    # 延期: a supervisor grants the days or refuses them
    "extension_requested": Audience.role(Role.supervisor),
    # 差评申诉: an inspector upholds or denies it (DESIGN §11 "Fair figures")
    "appeal_requested": Audience.role(Role.inspector),
}

# What the ticket's unit hears, and which of its roles: agents do the work; the head answers
# for the unit's figures, which an appeal's outcome changes.
TOLD: dict[str, tuple[str, ...]] = {
    "extension_approved": (Role.unit_agent,),
    "extension_granted": (Role.unit_agent,),
    "appeal_upheld": (Role.unit_agent, Role.unit_head),
    "appeal_denied": (Role.unit_agent, Role.unit_head),
    # a caller's 催办 or 补充材料 taken on the phone (hotline/calls/screen_pop.py)
    "urged": (Role.unit_agent,),
    "supplemented": (Role.unit_agent,),
}

# Quotes (a reason) are cut to this in a notice; the whole text is on the ticket's timeline.
QUOTE = 200


def _quoted(text: str | None) -> dict[str, str]:
    text = (text or "").strip()
    if not text:
        return {}
    return {"text": text if len(text) <= QUOTE else text[:QUOTE] + "…"}


def request_key(request: TicketRequest) -> str:
    """The dedupe key of a request's "to decide" notice: its decision resolves it."""
    return f"request:{request.id}"


def needs_someone(
    ticket: Ticket,
    notice: str,
    *,
    now: datetime,
    request: TicketRequest | None = None,
    reason: str | None = None,
    **params: Any,
) -> None:
    """Post the notice of `request` waiting on `ticket` to whoever decides it (without a
    request row, nothing will resolve it: it stays for each reader to mark read)."""
    inbox.post(
        audience=WAITING_FOR[notice],
        template=notice,
        now=now,
        ticket_id=ticket.id,
        dedupe_key=request_key(request) if request is not None else None,
        number=ticket.number,
        unit=ticket.unit.name if ticket.unit else "",
        **_quoted(reason),
        **params,
    )


def decided(request: TicketRequest, *, actor: Actor, now: datetime) -> None:
    """Someone decided `request`: its notice shows who and how for everyone it reached, and is
    no longer unread for any of them."""
    inbox.resolve(
        dedupe_keys=[request_key(request)],
        by_id=actor.user_id,
        by_name=name_of(actor),
        resolution=request.status,  # approved or denied
        now=now,
    )


def tell_unit(
    ticket: Ticket,
    notice: str,
    *,
    now: datetime,
    unit_id: int | None = None,
    reason: str | None = None,
    **params: Any,
) -> None:
    """Tell the roles TOLD names of the ticket's unit (or `unit_id`'s) how a request ended."""
    unit_id = unit_id if unit_id is not None else ticket.unit_id
    if unit_id is None:  # nobody holds the ticket: nobody to tell
        return
    inbox.insert_rows(
        [
            inbox.notice_row(
                audience=Audience.unit(unit_id, role),
                template=notice,
                now=now,
                ticket_id=ticket.id,
                number=ticket.number,
                **_quoted(reason),
                **params,
            )
            for role in TOLD[notice]
        ]
    )
