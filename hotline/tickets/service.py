"""Creating, numbering, finding and recording tickets; transitions live in transitions.py."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import phonenumbers
from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from hotline.auth.models import User
from hotline.catalogue import service as catalogue
from hotline.catalogue.models import Category
from hotline.catalogue.routing import CategoryRef, load_catalogue
from hotline.core.actor import Actor
from hotline.core.clock import utcnow
from hotline.core.errors import Forbidden, NotFound, ValidationFailed
from hotline.core.extensions import db
from hotline.core.queue import wake_after_commit
from hotline.tickets import filed
from hotline.tickets.events import event_row
from hotline.tickets.filed import Filer
from hotline.tickets.insert import insert_ticket
from hotline.tickets.models import (
    Channel,
    Escalation,
    Kind,
    Priority,
    Status,
    Ticket,
    TicketEvent,
    TicketRequest,
    ticket_assisting_units,
)
from hotline.units.models import Unit

MAX_DESCRIPTION = 4000
# Beside the pending request types: the ticket's current rating already has an appeal (pending
# or decided). One appeal per rating, so no page offers a second (registry `unless_pending`).
APPEALED = "appealed"


def normalize_phone(raw: str | None, *, field: str = "phone", required: bool = True) -> str | None:
    """A phone number in E.164 (Chinese numbers may omit +86); ValidationFailed names the field."""
    if not raw or not raw.strip():
        if required:
            raise ValidationFailed(f"{field} is required", fields={field: ["required"]})
        return None
    e164, problem = _e164(raw.strip())
    if e164 is None:
        raise ValidationFailed(f"{field} is not a phone number", fields={field: [problem]})
    return e164


# What a typed phone number may hold. phonenumbers reads letters as keypad digits
# ("400-FLOWERS"), so "13800ABCDEF" would become a real stranger's number.
_PHONE_CHARS = re.compile(r"[+\d\s\-().]+")


@lru_cache(maxsize=4096)
def _e164(raw: str) -> tuple[str | None, str]:
    """(E.164, "") or (None, why) — cached: an intake checks the same string twice (schema and
    service), and complainants write again from the same numbers."""
    if not _PHONE_CHARS.fullmatch(raw):
        return None, "only digits, spaces, + - ( ) are allowed"
    try:
        parsed = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException as exc:
        return None, str(exc)
    if not phonenumbers.is_possible_number(parsed):
        return None, "not a number"
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164), ""


def is_link(url: str) -> bool:
    """Whether `url` is an http(s) link with a host: the only media a ticket keeps or shows
    (a `javascript:` or `data:` "media URL" would run in a staff member's browser)."""
    parts = urlsplit(url.strip())
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def media_links(urls: list[str] | None) -> list[str]:
    """The http(s) links among `urls`, in order."""
    return [url.strip() for url in urls or [] if isinstance(url, str) and is_link(url)]


def _choice(value: str | None, enum: type, field: str, default: str | None = None) -> str:
    if value in (None, "") and default is not None:
        return default
    allowed = [m.value for m in enum]
    if value not in allowed:
        raise ValidationFailed(
            f"{field} must be one of {', '.join(allowed)}",
            fields={field: [f"one of {allowed}"]},
        )
    return value


def category_by_code(code: str | None) -> CategoryRef | None:
    """The active category with this code, from the per-process catalogue (a query only for a
    code the cached catalogue does not know yet)."""
    if not code:
        return None
    category = load_catalogue().categories_by_code.get(code)
    if category is None:
        row = db.session.scalar(select(Category).where(Category.code == code))
        # A category the cache has not seen yet: in use only as a leaf under active groups.
        category = row and replace(
            CategoryRef.of(row), active=catalogue.shape().takes_tickets(row.id)
        )
    if category is None or not category.active:
        raise ValidationFailed(f"unknown category {code!r}", fields={"category": ["unknown"]})
    return category


def create(
    *,
    actor: Actor,
    channel: str,
    description: str,
    phone: str | None,
    kind: str | None = None,
    category: str | None = None,
    priority: str | None = None,
    name: str | None = None,
    disclose_identity: bool = False,
    confidential: bool = False,
    publish_consent: bool = False,
    address: str | None = None,
    district: str | None = None,
    lat: float | None = None,
    long: float | None = None,
    media: list[str] | None = None,
    extra: dict[str, Any] | None = None,
    locale: str = "zh_CN",
    now: datetime | None = None,
    delivery: dict[str, Any] | None = None,
    filer: Filer | None = None,
) -> Ticket:
    """Register a complaint as a `new` ticket; routing happens in a worker after commit.

    `delivery` (the webhook delivery the ticket answers): see `insert_ticket`. `filer`: the
    special supervisor filing on the channel `supervisor` (tickets/filed.py), who is then the
    complainant, whatever `phone` and `name` say."""
    now = now or utcnow()
    channel = _choice(channel, Channel, "channel")
    if (channel == Channel.supervisor) != (filer is not None):
        raise Forbidden(
            "only special supervisors file on the channel supervisor",
            fields={"channel": ["only for special supervisors"]},
        )
    if filer is not None:
        phone, name, kind = filer.phone, filer.name, filed.check_kind(kind)
    priority = _choice(priority, Priority, "priority", default="normal")
    cat = category_by_code(category)
    kind = _choice(kind, Kind, "kind", default=cat.kind if cat else "complaint")
    description = (description or "").strip()
    if not description:
        raise ValidationFailed("description is required", fields={"description": ["required"]})
    if len(description) > MAX_DESCRIPTION:
        raise ValidationFailed(
            f"description is longer than {MAX_DESCRIPTION} characters",
            fields={"description": [f"at most {MAX_DESCRIPTION} characters"]},
        )
    if lat is not None and not -90 <= lat <= 90:
        raise ValidationFailed("lat out of range", fields={"lat": ["between -90 and 90"]})
    if long is not None and not -180 <= long <= 180:
        raise ValidationFailed("long out of range", fields={"long": ["between -180 and 180"]})
    # An Open311 client may leave the phone out; a special supervisor may have none on file.
    phone = normalize_phone(phone, required=channel not in (Channel.open311, Channel.supervisor))
    values = {
        "channel": channel,
        "kind": kind,
        "category_id": cat.id if cat else None,
        "priority": priority,
        "status": Status.new,
        "complainant_phone": phone,
        "complainant_name": (name or "").strip() or None,
        "disclose_identity": bool(disclose_identity),
        "confidential": bool(confidential),
        "publish_consent": bool(publish_consent) and not confidential,
        "description": description,
        "address": address,
        "district": district,
        "lat": lat,
        "long": long,
        "media": list(media or []) or None,
        "extra": extra or None,
        "locale": locale if locale in ("zh_CN", "en") else "zh_CN",
        "created_at": now,
        "updated_at": now,
    }
    data: dict[str, Any] = {"channel": channel}
    if filer is not None:
        values |= {"filed_by_id": filer.user_id, "station_id": filer.station_id}
        data["filed_by"] = filer.user_id
    event = event_row("created", actor, now=now, to_status=Status.new, data=data)
    ticket = insert_ticket(values, event, delivery=delivery)
    wake_after_commit("route")
    return ticket


def get_by_number(number: str, *, actor: Actor | None = None) -> Ticket:
    """The ticket with this number; a unit's staff get NotFound for other units' tickets."""
    ticket = db.session.scalar(select(Ticket).where(Ticket.number == number))
    if ticket is None or (actor is not None and not can_see(actor, ticket)):
        raise NotFound(f"no ticket {number}")
    return ticket


def visible(stmt: Any, actor: Actor) -> Any:
    """`stmt` (a select of tickets) narrowed to those `actor` may see: a unit's staff their
    unit's tickets (lead or assisting), a special supervisor their own filings (a station's
    staff their station's), everyone else all."""
    if actor.is_filer:
        return filed.scoped(stmt, actor)
    if not actor.is_unit:
        return stmt
    assisting = select(ticket_assisting_units.c.ticket_id).where(
        ticket_assisting_units.c.unit_id == actor.unit_id
    )
    return stmt.where(or_(Ticket.unit_id == actor.unit_id, Ticket.id.in_(assisting)))


def can_see(actor: Actor, ticket: Ticket) -> bool:
    if actor.is_filer:
        return filed.can_read(actor, ticket)
    if actor.is_unit:
        return ticket.unit_id == actor.unit_id or any(
            u.id == actor.unit_id for u in ticket.assisting_units
        )
    return actor.is_staff or actor.is_system


def events(ticket: Ticket) -> list[TicketEvent]:
    return list(
        db.session.scalars(
            select(TicketEvent).where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id)
        )
    )


def timeline(ticket: Ticket) -> list:
    """Every event with the acting user's and the unit's names, oldest first, in one query."""
    who = aliased(User)
    unit = aliased(Unit)
    return list(
        db.session.execute(
            select(TicketEvent, who.username, who.display_name, unit.name, unit.name_en)
            .outerjoin(who, who.id == TicketEvent.actor_id)
            .outerjoin(unit, unit.id == TicketEvent.unit_id)
            .where(TicketEvent.ticket_id == ticket.id)
            .order_by(TicketEvent.at, TicketEvent.id)
        ).all()
    )


def pending_requests(ticket: Ticket) -> dict[str, TicketRequest]:
    """The ticket's pending return and extension requests, by type."""
    return {
        r.type: r
        for r in db.session.scalars(
            select(TicketRequest).where(
                TicketRequest.ticket_id == ticket.id, TicketRequest.status == "pending"
            )
        )
    }


def pending_request_types(ticket_ids: list[int]) -> dict[int, set[str]]:
    """For each of these tickets, the types of its pending requests, plus APPEALED when its
    current rating already has an appeal; in two queries."""
    pending: dict[int, set[str]] = {}
    if ticket_ids:
        for ticket_id, kind in db.session.execute(
            select(TicketRequest.ticket_id, TicketRequest.type).where(
                TicketRequest.ticket_id.in_(ticket_ids), TicketRequest.status == "pending"
            )
        ):
            pending.setdefault(ticket_id, set()).add(kind)
        for ticket_id in appealed(ticket_ids):
            pending.setdefault(ticket_id, set()).add(APPEALED)
    return pending


def appealed(ticket_ids: list[int]) -> set[int]:
    """Those of these tickets whose current rating (its `rated` event, at `rated_at`) already has
    an appeal, pending or decided, in one query."""
    if not ticket_ids:
        return set()
    rated = aliased(TicketEvent)
    return set(
        db.session.scalars(
            select(TicketRequest.ticket_id)
            .join(Ticket, Ticket.id == TicketRequest.ticket_id)
            .join(rated, rated.id == TicketRequest.rating_event_id)
            .where(
                TicketRequest.ticket_id.in_(ticket_ids),
                TicketRequest.type == "appeal",
                rated.at >= Ticket.rated_at,
            )
        )
    )


def escalations(ticket: Ticket) -> list[Escalation]:
    """The ticket's escalations, oldest first."""
    return list(
        db.session.scalars(
            select(Escalation).where(Escalation.ticket_id == ticket.id).order_by(Escalation.id)
        )
    )


def merged_into(ticket: Ticket) -> Ticket | None:
    """The ticket this one was merged into (并单), if any."""
    return db.session.get(Ticket, ticket.merged_into_id) if ticket.merged_into_id else None
