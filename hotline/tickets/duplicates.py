"""Possible duplicates (疑似重复, DESIGN §11): found after intake on every channel, shown to staff,
merged (并单) or dismissed by them; the final answer reaches every merged complainant.

A new ticket is compared with the tickets of the 7 days before it: the same phone; the same
place (district + normalised address) and category; or near-identical text (the same
normalised text, or character-bigram Jaccard ≥ NEAR_TEXT_MIN among the district's latest).
Each rule is one index lookup (ix_tickets_phone_created, ix_tickets_place_key_created,
ix_tickets_text_key_created, ix_tickets_district_created), so the routing job stays fast.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, select

from hotline.core.actor import Actor
from hotline.core.clock import utcnow
from hotline.core.errors import Conflict
from hotline.core.extensions import db
from hotline.notify.models import SmsOptOut
from hotline.notify.service import queue_sms
from hotline.sla import service as sla
from hotline.tickets.events import record_event
from hotline.tickets.models import Status, Ticket, TicketEvent
from hotline.tickets.rating_link import rating_url

WINDOW = timedelta(days=7)
# The console's loose bar while an operator types (suggestions to look at, not flags).
SIMILAR_MIN = 0.3
# The check's bar for "near-identical" text: a flag on a ticket must rarely be wrong.
NEAR_TEXT_MIN = 0.7
# How many of the district's latest tickets the text rule compares (bounded work per ticket).
NEAR_TEXT_CANDIDATES = 200
# A duplicate of these is no one's: a merged ticket lives on in its target; rejected is void.
NOT_TARGETS = (Status.merged, Status.rejected)
SYSTEM = "duplicates"


def _compact(text: str) -> str:
    """NFKC, lower case, letters and digits only: spacing and punctuation do not tell apart."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).lower() if ch.isalnum())


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()  # a lookup key, not a secret


def place_key(district: str | None, address: str | None) -> str | None:
    """The digest of district + normalised address; None without both."""
    where = _compact(address or "")
    if not district or not where:
        return None
    return _digest(f"{district.strip()}|{where}")


def text_key(description: str) -> str | None:
    """The digest of the normalised text; None for a text with no letters or digits."""
    compact = _compact(description)
    return _digest(compact) if compact else None


def _bigrams(text: str) -> set[str]:
    compact = _compact(text)
    return {compact[i : i + 2] for i in range(len(compact) - 1)} or {compact}


def _jaccard(x: set[str], y: set[str]) -> float:
    union = x | y
    return len(x & y) / len(union) if x and y and union != {""} else 0.0


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of character bigrams: works for Chinese without word segmentation."""
    return _jaccard(_bigrams(a), _bigrams(b))


@dataclass(frozen=True)
class Match:
    of_id: int
    of_number: str
    reason: str  # phone | place | text
    score: float


def _recent(ticket: Ticket) -> Select:
    """The live tickets received in the 7 days before this one, newest first (id and number:
    the index finds them, the flag needs nothing else)."""
    return (
        select(Ticket.id, Ticket.number)
        .where(
            Ticket.created_at >= ticket.created_at - WINDOW,
            # Only earlier tickets: of two alike, the later one is the duplicate, never both.
            Ticket.id < ticket.id,
            *(Ticket.status != status for status in NOT_TARGETS),
        )
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
    )


def _first(ticket: Ticket, reason: str, *match: Any) -> Match | None:
    row = db.session.execute(_recent(ticket).where(*match).limit(1)).first()
    return Match(row.id, row.number, reason, 1.0) if row is not None else None


def find(ticket: Ticket) -> Match | None:
    """The ticket this one most likely repeats, by the first rule that finds one."""
    found = None
    if ticket.complainant_phone:
        found = _first(ticket, "phone", Ticket.complainant_phone == ticket.complainant_phone)
    if found is None and ticket.place_key and ticket.category_id is not None:
        found = _first(
            ticket,
            "place",
            Ticket.place_key == ticket.place_key,
            Ticket.category_id == ticket.category_id,
        )
    if found is None and ticket.text_key:
        found = _first(ticket, "text", Ticket.text_key == ticket.text_key)
    if found is None and ticket.district and ticket.text_key:
        found = _near_text(ticket)
    return found


def _near_text(ticket: Ticket) -> Match | None:
    """The most similar of the district's latest texts, at NEAR_TEXT_MIN or more."""
    rows = db.session.execute(
        _recent(ticket)
        .add_columns(Ticket.description)
        .where(Ticket.district == ticket.district)
        .limit(NEAR_TEXT_CANDIDATES)
    )
    best: Match | None = None
    mine = _bigrams(ticket.description)
    for row in rows:
        score = _jaccard(mine, _bigrams(row.description))
        if score >= NEAR_TEXT_MIN and (best is None or score > best.score):
            best = Match(row.id, row.number, "text", round(score, 3))
    return best


def stamp(ticket: Ticket) -> None:
    """Store the keys later tickets look this one up by (pure Python: the routing job sets them
    before routing, so they go out in routing's own UPDATE)."""
    ticket.place_key = place_key(ticket.district, ticket.address)
    ticket.text_key = text_key(ticket.description or "")


def check(ticket: Ticket, *, now: datetime | None = None) -> Match | None:
    """Flag the ticket `possible_duplicate_of` the ticket it repeats, with a `possible_duplicate`
    event (reason and score). Run once per ticket, after routing."""
    stamp(ticket)  # unchanged values when the routing job stamped it: no second UPDATE
    if ticket.possible_duplicate_of_id is not None or ticket.status in NOT_TARGETS:
        return None
    match = find(ticket)
    if match is None:
        return None
    ticket.possible_duplicate_of_id = match.of_id
    record_event(
        ticket,
        "possible_duplicate",
        Actor.system(SYSTEM),
        now=now or utcnow(),
        data={"of": match.of_number, "reason": match.reason, "score": match.score},
    )
    return match


def dismiss(
    ticket: Ticket, *, actor: Actor, reason: str | None = None, now: datetime | None = None
) -> Ticket:
    """不是重复: staff clear the flag; the event keeps which ticket it named. 409 unflagged."""
    if ticket.possible_duplicate_of_id is None:
        raise Conflict(
            f"ticket {ticket.number} is not flagged as a possible duplicate",
            current_status=ticket.status,
        )
    of = (
        db.session.get(Ticket, ticket.possible_duplicate_of_id)
        if ticket.possible_duplicate_of_id
        else None
    )
    ticket.possible_duplicate_of_id = None
    ticket.updated_at = now or utcnow()
    record_event(
        ticket,
        "duplicate_dismissed",
        actor,
        now=now or utcnow(),
        reason=reason,
        data={"of": of.number if of else None},
    )
    return ticket


@dataclass(frozen=True)
class Flag:
    of: Ticket
    reason: str
    score: float


def flag(ticket: Ticket) -> Flag | None:
    """The ticket's standing flag (疑似重复) with the reason its latest check gave."""
    if ticket.possible_duplicate_of_id is None:
        return None
    of = db.session.get(Ticket, ticket.possible_duplicate_of_id)
    data = (
        db.session.scalar(
            select(TicketEvent.data)
            .where(TicketEvent.ticket_id == ticket.id, TicketEvent.type == "possible_duplicate")
            .order_by(TicketEvent.at.desc(), TicketEvent.id.desc())
            .limit(1)
        )
        or {}
    )
    return Flag(of, data.get("reason", ""), data.get("score", 0.0)) if of else None


def flagged_of(tickets: list[Ticket]) -> dict[int, Ticket]:
    """For a page of tickets, the tickets they are flagged as possible duplicates of (by id)."""
    ids = {t.possible_duplicate_of_id for t in tickets if t.possible_duplicate_of_id}
    if not ids:
        return {}
    return {t.id: t for t in db.session.scalars(select(Ticket).where(Ticket.id.in_(ids)))}


def merged_into(target: Ticket) -> list[Ticket]:
    """The tickets merged into `target` (并单), oldest first."""
    return list(
        db.session.scalars(
            select(Ticket).where(Ticket.merged_into_id == target.id).order_by(Ticket.id)
        )
    )


def answer_merged(target: Ticket, *, now: datetime, only: Ticket | None = None) -> int:
    """The final answer of `target` to the complainants of the tickets merged into it: the reply
    on their ticket (a `merged_answer` event) and the reply SMS with their own rating link.
    Opted-out numbers and the target's own complainant (already told) get no SMS. `only`: the
    one ticket just merged into an answered target. Returns how many SMS were queued."""
    if not target.reply_text:
        return 0
    queued = 0
    for merged in [only] if only is not None else merged_into(target):
        merged.reply_text = target.reply_text
        merged.replied_at = now
        merged.rating_due_at = sla.rating_due(now)  # as long as any complainant may rate
        record_event(
            merged,
            "merged_answer",
            Actor.system(SYSTEM),
            now=now,
            data={"from": target.number, "text": target.reply_text},
        )
        phone = merged.complainant_phone
        if not phone or phone == target.complainant_phone:
            continue
        if db.session.get(SmsOptOut, phone) is not None:
            continue
        if queue_sms(
            to=phone,
            template="rating_request",
            locale=merged.locale,
            ticket_id=merged.id,
            dedupe_key=f"merged-answer:{merged.id}:{now.isoformat()}",
            now=now,
            number=merged.number,
            reply=target.reply_text[:80],
            link=rating_url(merged.number),
        ):
            queued += 1
    return queued


def can_rate_merged(ticket: Ticket, *, now: datetime | None = None) -> bool:
    """A merged ticket whose target answered may be rated once by its own complainant, within
    the rating window."""
    now = now or utcnow()
    return (
        ticket.status == Status.merged
        and ticket.replied_at is not None
        and ticket.rating is None
        and (ticket.rating_due_at is None or now <= ticket.rating_due_at)
    )


def merged_awaiting_rating(*, phone: str, now: datetime | None = None) -> Ticket | None:
    """The phone's latest merged ticket whose answer it may still rate (an SMS digit)."""
    now = now or utcnow()
    return db.session.scalar(
        select(Ticket)
        .where(
            Ticket.complainant_phone == phone,
            Ticket.status == Status.merged,
            Ticket.replied_at.is_not(None),
            Ticket.rating.is_(None),
            Ticket.rating_due_at >= now,
        )
        .order_by(Ticket.replied_at.desc(), Ticket.id.desc())
        .limit(1)
    )


def rate_merged(
    ticket: Ticket,
    *,
    actor: Actor,
    rating: int,
    comment: str | None = None,
    now: datetime | None = None,
) -> Ticket:
    """The merged complainant's 好差评 of the answer they got; the ticket stays merged."""
    now = now or utcnow()
    ticket.rating = rating
    ticket.rated_at = now
    record_event(
        ticket, "rated", actor, now=now, reason=comment, data={"rating": rating, "via": "merged"}
    )
    return ticket
