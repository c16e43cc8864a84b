"""What the shared ticket page reads: the ticket's own reads from the tickets domain, together."""

from __future__ import annotations

from dataclasses import dataclass

from hotline.calls import recordings
from hotline.calls.models import CallRecording
from hotline.core.actor import Actor
from hotline.escalations import answers
from hotline.escalations.models import EscalationAnswer
from hotline.tickets import service as tickets
from hotline.tickets.models import Escalation, Ticket, TicketRequest


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
        recordings=recordings.of_ticket(ticket.id),
    )
