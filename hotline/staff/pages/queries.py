"""What the shared ticket page reads (the ticket's own reads from the tickets domain, together)
and what the top search box finds."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import or_, select

from hotline.calls import recordings
from hotline.calls.models import CallRecording
from hotline.core.actor import Actor
from hotline.core.errors import ValidationFailed
from hotline.core.extensions import db
from hotline.escalations import answers
from hotline.escalations.models import EscalationAnswer
from hotline.tickets import duplicates
from hotline.tickets import service as tickets
from hotline.tickets.models import Escalation, Ticket, TicketRequest
from hotline.tickets.service import normalize_phone


@dataclass(frozen=True)
class TicketPage:
    ticket: Ticket
    pending: dict[str, TicketRequest]
    # What the buttons depend on: the pending types, and APPEALED (tickets.service).
    waiting: set[str]
    escalations: list[Escalation]
    answers: dict[int, EscalationAnswer]  # the head's answer to each 督办, by escalation id
    events: list
    merged_into: Ticket | None
    duplicate: duplicates.Flag | None  # 疑似重复: the flag the duplicate check left
    recordings: list[CallRecording]  # played through /tickets/<number>/recordings/<sid>


def ticket_page(number: str, *, actor: Actor) -> TicketPage:
    """The ticket the actor may see (NotFound otherwise) with everything its page shows."""
    ticket = tickets.get_by_number(number, actor=actor)
    escalations = tickets.escalations(ticket)
    pending = tickets.pending_requests(ticket)
    appealed = {tickets.APPEALED} if tickets.appealed([ticket.id]) else set()
    return TicketPage(
        ticket=ticket,
        pending=pending,
        waiting=set(pending) | appealed,
        escalations=escalations,
        answers=answers.for_escalations([e.id for e in escalations]),
        events=tickets.timeline(ticket),
        merged_into=tickets.merged_into(ticket),
        duplicate=duplicates.flag(ticket),
        recordings=recordings.of_ticket(ticket.id),
    )


# A ticket number in full (YYYYMMDD-NNNNNN): the search box opens it at once.
FULL_NUMBER = re.compile(r"^\d{8}-\d{6}$")
# What may be part of a ticket number or of a phone number.
_PART = re.compile(r"^[0-9-]{3,16}$")
FOUND_MAX = 30


@dataclass(frozen=True)
class Found:
    """What the top search box found, newest first (at most FOUND_MAX)."""

    tickets: list[Ticket]
    by_phone: bool  # the words were matched against complainants' phone numbers too
    more: bool  # there were more than shown


def search(q: str, *, actor: Actor) -> Found:
    """Tickets whose number contains `q` (part of a number: `000123`, `20261012-`) and, for
    those who see complainants' numbers, whose phone is `q` (`138 1234 5678`, `+86…`) or
    contains its digits (the last four a caller gives); others' tickets stay hidden as the
    ticket list hides them, and a unit's staff never match on a number they see masked."""
    q = q.strip()
    digits = re.sub(r"[\s()-]", "", q)
    match = []
    if _PART.match(q):
        match.append(Ticket.number.contains(q, autoescape=True))
    by_phone = actor.sees_full_personal_data and len(digits.lstrip("+")) >= 4
    if by_phone:
        try:
            phone = normalize_phone(q)
        except ValidationFailed:
            phone = None
        if phone:
            match.append(Ticket.complainant_phone == phone)
        if digits.isdigit():
            match.append(Ticket.complainant_phone.contains(digits, autoescape=True))
    if not match:
        return Found([], by_phone, False)
    rows = list(
        db.session.scalars(
            tickets.visible(select(Ticket), actor)
            .where(or_(*match))
            .order_by(Ticket.created_at.desc(), Ticket.id.desc())
            .limit(FOUND_MAX + 1)
        )
    )
    return Found(rows[:FOUND_MAX], by_phone, len(rows) > FOUND_MAX)
