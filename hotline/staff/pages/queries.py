"""What the shared ticket page reads (the ticket's own reads from the tickets domain, together)
and what the top search box finds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import select

from hotline.calls import recordings
from hotline.calls.models import CallRecording
from hotline.catalogue import service as catalogue
from hotline.catalogue.models import Category
from hotline.core.actor import Actor
from hotline.core.extensions import db
from hotline.escalations import answers
from hotline.escalations.models import EscalationAnswer
from hotline.tickets import duplicates
from hotline.tickets import search as ticket_search
from hotline.tickets import service as tickets
from hotline.tickets.models import Escalation, Ticket, TicketRequest
from hotline.units import service as unit_service
from hotline.units.models import Unit


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
FOUND_MAX = 30
SNIPPET = 80  # characters of a description shown, from a little before its first match


@dataclass(frozen=True)
class Found:
    """What the search page found: best match first for words, newest first otherwise (at most
    FOUND_MAX)."""

    tickets: list[Ticket]
    by_phone: bool  # the words were matched against complainants' phone numbers too
    by_words: bool  # the words of descriptions and addresses were matched
    words: list[str]  # the words looked for, to highlight
    more: bool  # there were more than shown


def search(q: str, *, actor: Actor, filters: dict[str, Any] | None = None) -> Found:
    """Tickets matching `q` (hotline/tickets/search.py: part of a number, a phone for those who
    see phones unmasked, or words) among those `actor` may see, narrowed by `filters` (the
    ticket list's: status, unit, category, district, from_, to); with no `q`, the filtered
    tickets newest first. Others' tickets stay hidden as the ticket list hides them, and a
    unit's staff never match on a number they see masked."""
    stmt = ticket_search.filtered(tickets.visible(select(Ticket), actor), filters or {}, actor)
    q = q.strip()
    if q:
        found = ticket_search.search(stmt, q, actor)
        rows, _total = ticket_search.page(found, offset=0, limit=FOUND_MAX + 1)
        by_phone, by_words, words = found.by_phone, found.by_words, found.words
    else:
        ordered = stmt.order_by(Ticket.created_at.desc(), Ticket.id.desc())
        rows = list(db.session.scalars(ordered.limit(FOUND_MAX + 1)).unique())
        by_phone, by_words, words = False, False, []
    return Found(rows[:FOUND_MAX], by_phone, by_words, words, len(rows) > FOUND_MAX)


def snippet(text: str, words: list[str]) -> Markup:
    """`text` shortened to SNIPPET characters around its first match, escaped, with the
    searched words marked (<mark>)."""
    pattern = (
        re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.I)
        if words
        else None
    )
    first = pattern.search(text) if pattern else None
    start = max(0, first.start() - 10) if first and first.start() > SNIPPET - 20 else 0
    shown = text[start : start + SNIPPET]
    lead = "…" if start else ""
    tail = "…" if start + SNIPPET < len(text) else ""
    if pattern is None:
        return Markup(lead) + escape(shown) + Markup(tail)
    parts: list[Markup] = [Markup(lead)]
    at = 0
    for hit in pattern.finditer(shown):
        parts.append(escape(shown[at : hit.start()]))
        parts.append(Markup("<mark>%s</mark>") % hit.group())
        at = hit.end()
    parts.append(escape(shown[at:]))
    parts.append(Markup(tail))
    return Markup("").join(parts)


@dataclass(frozen=True)
class SearchOptions:
    """The search page's filter choices."""

    categories: list[Category]
    districts: list[str]
    units: list[Unit]  # empty for a unit's staff, who see only their own unit's tickets


def search_options(actor: Actor) -> SearchOptions:
    units = [] if actor.is_unit else unit_service.active_units()
    return SearchOptions(catalogue.active_categories(), catalogue.districts(), units)
