"""Open311 reads and writes: api keys, the service list, requests as the spec shapes them."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from hotline.auth.api_keys import active_api_key
from hotline.auth.models import ApiKey
from hotline.catalogue import service as catalogue
from hotline.catalogue.models import Category
from hotline.core.actor import Actor
from hotline.core.clock import iso_local, local_tz, utcnow
from hotline.core.extensions import db
from hotline.core.models import WebhookDelivery
from hotline.core.timebounds import OUT_OF_RANGE, instant_in_range
from hotline.intake import deliveries
from hotline.notify.texts import status_name
from hotline.tickets import service as tickets
from hotline.tickets.models import FINAL_STATUSES, Status, Ticket

MAX_RANGE = timedelta(days=90)
MAX_RESULTS = 1000
CLOSED = frozenset(FINAL_STATUSES)  # closed, rejected, merged


class Open311Error(Exception):
    """An error the spec reports as [{code, description}] with that HTTP status."""

    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


def authenticate(raw: str | None) -> ApiKey:
    """The active ApiKey matching `raw`; Open311Error 403 otherwise."""
    key = active_api_key(raw)
    if key is None:
        raise Open311Error(403, "api_key is missing or invalid")
    return key


def services() -> list[Category]:
    """The active leaves: a group of the category tree is no service one can request."""
    return catalogue.leaf_categories()


def service(code: str) -> Category:
    category = db.session.scalar(select(Category).where(Category.code == code))
    if category is None or not catalogue.shape().takes_tickets(category.id):
        raise Open311Error(404, f"service_code {code} not found")
    return category


def parse_datetime(value: str, field: str) -> datetime:
    try:
        # An unencoded "+08:00" in a query string arrives as " 08:00".
        parsed = datetime.fromisoformat(re.sub(r" (\d{2}:?\d{2})$", r"+\1", value.strip()))
    except ValueError as exc:
        raise Open311Error(400, f"{field} must be an ISO 8601 datetime") from exc
    if not instant_in_range(parsed):
        raise Open311Error(400, f"{field} {OUT_OF_RANGE}")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=local_tz())


@dataclass(frozen=True)
class Filters:
    ids: list[str] | None = None
    service_codes: list[str] | None = None
    start: datetime | None = None
    end: datetime | None = None
    statuses: set[str] | None = None


def parse_filters(args: Any) -> Filters:
    """The spec's GET requests parameters; a bad one is a 400 naming it."""
    if args.get("service_request_id"):
        ids = [i.strip() for i in args["service_request_id"].split(",") if i.strip()]
        return Filters(ids=ids[:MAX_RESULTS])  # the spec: other parameters are then ignored
    codes = [c.strip() for c in (args.get("service_code") or "").split(",") if c.strip()]
    statuses = {s.strip() for s in (args.get("status") or "").split(",") if s.strip()}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, "status must be open or closed")
    end = parse_datetime(args["end_date"], "end_date") if args.get("end_date") else None
    start = parse_datetime(args["start_date"], "start_date") if args.get("start_date") else None
    if start is None and end is None:
        end = utcnow()
    if start is None:
        start = end - MAX_RANGE
    if end is None:
        end = min(start + MAX_RANGE, utcnow())
    if end < start:
        raise Open311Error(400, "end_date is before start_date")
    if end - start > MAX_RANGE:
        raise Open311Error(400, "start_date to end_date may span at most 90 days")
    return Filters(service_codes=codes or None, start=start, end=end, statuses=statuses or None)


def find_requests(filters: Filters) -> list[Ticket]:
    """Published tickets matching the filters, newest first, at most 1,000."""
    query = select(Ticket).where(Ticket.published_at.is_not(None))
    if filters.ids is not None:
        query = query.where(Ticket.number.in_(filters.ids))
    else:
        query = query.where(Ticket.created_at >= filters.start, Ticket.created_at <= filters.end)
        if filters.service_codes:
            query = query.join(Category, Ticket.category_id == Category.id).where(
                Category.code.in_(filters.service_codes)
            )
        if filters.statuses == {"open"}:
            query = query.where(Ticket.status.not_in(CLOSED))
        elif filters.statuses == {"closed"}:
            query = query.where(Ticket.status.in_(CLOSED))
    query = query.order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(MAX_RESULTS)
    return list(db.session.scalars(query))


def get_request(number: str) -> Ticket:
    """A published ticket; an unpublished one is as unknown as a missing one."""
    ticket = db.session.scalar(
        select(Ticket).where(Ticket.number == number, Ticket.published_at.is_not(None))
    )
    if ticket is None:
        raise Open311Error(404, f"service_request_id {number} not found")
    return ticket


def status_notes(ticket: Ticket) -> str | None:
    """The status in words; never the unit's reply, which may name the complainant."""
    if ticket.status == Status.merged and ticket.merged_into_id:
        target = db.session.get(Ticket, ticket.merged_into_id)
        return f"{status_name(ticket.status)}：{target.number}" if target else None
    return status_name(ticket.status)


def as_request(ticket: Ticket) -> dict[str, Any]:
    """A published ticket as a GeoReport v2 request (DESIGN §11): category, status, district
    and the supervisor-approved redacted text; never a name, phone number, house number,
    coordinates or recording."""
    return {
        "service_request_id": ticket.number,
        "status": "closed" if ticket.status in CLOSED else "open",
        "status_notes": status_notes(ticket),
        "service_name": ticket.category.name if ticket.category else None,
        "service_code": ticket.category.code if ticket.category else "",
        "description": ticket.public_text,
        "agency_responsible": ticket.unit.name if ticket.unit else None,
        "service_notice": None,
        "requested_datetime": iso_local(ticket.created_at),
        "updated_datetime": iso_local(ticket.updated_at),
        "expected_datetime": iso_local(ticket.resolve_due_at),
        "address": ticket.district,
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


def _float(form: Any, field: str) -> float | None:
    value = (form.get(field) or "").strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError as exc:
        raise Open311Error(400, f"{field} must be a number") from exc


def _attributes(category: Category, form: Any) -> dict[str, Any]:
    """attribute[code] answers checked against the service definition."""
    answers: dict[str, Any] = {}
    for attr in category.attributes or []:
        code = attr.get("code")
        values = [v for v in form.getlist(f"attribute[{code}]") if v != ""]
        if not values:
            if attr.get("required") and attr.get("variable", True):
                raise Open311Error(400, f"attribute[{code}] is required")
            continue
        allowed = {str(v.get("key")) for v in attr.get("values") or []}
        is_list = attr.get("datatype") in ("singlevaluelist", "multivaluelist")
        if is_list and any(v not in allowed for v in values):
            raise Open311Error(400, f"attribute[{code}] has a value that is not in its list")
        answers[code] = values if attr.get("datatype") == "multivaluelist" else values[0]
    return answers


def create_request(*, form: Any, api_key: ApiKey, now: datetime | None = None) -> dict[str, str]:
    """POST requests: a `new` ticket (channel open311) and its id plus a token for the client."""
    now = now or utcnow()
    code = (form.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, "service_code is required")
    category = db.session.scalar(select(Category).where(Category.code == code))
    if category is None or not category.active:
        raise Open311Error(400, f"service_code {code} is not a known service")
    lat, long = _float(form, "lat"), _float(form, "long")
    address = (form.get("address_string") or "").strip() or None
    address_id = (form.get("address_id") or "").strip() or None
    if (lat is None) != (long is None):
        raise Open311Error(400, "lat and long must be given together")
    if lat is None and not address and not address_id:
        raise Open311Error(
            400, "a location is required: lat and long, address_string or address_id"
        )
    description = (form.get("description") or "").strip()
    if len(description) > tickets.MAX_DESCRIPTION:
        raise Open311Error(400, f"description is longer than {tickets.MAX_DESCRIPTION} characters")
    if address and len(address) > 300:
        raise Open311Error(400, "address_string is longer than 300 characters")
    name = " ".join(p.strip() for p in (form.get("last_name"), form.get("first_name")) if p)
    extra: dict[str, Any] = {"open311": {"api_key_id": api_key.id}}
    for field in ("email", "device_id", "account_id", "address_id"):
        if form.get(field):
            extra[field] = form[field].strip()[:200]
    answers = _attributes(category, form)
    if answers:
        extra["attributes"] = answers
    media_url = (form.get("media_url") or "").strip()
    if media_url and not tickets.is_link(media_url):
        raise Open311Error(400, "media_url must be an http(s) URL")
    try:
        ticket = tickets.create(
            actor=Actor.system(f"open311:{api_key.prefix}"),
            channel="open311",
            category=category.code,
            description=description or category.name,
            phone=form.get("phone") or None,
            name=name[:60] or None,
            address=address,
            lat=lat,
            long=long,
            media=[media_url] if media_url else None,
            extra=extra,
            now=now,
        )
    except tickets.ValidationFailed as exc:
        field = next(iter(exc.fields), "request")
        raise Open311Error(400, f"{field}: {exc.message}") from exc
    token = secrets.token_urlsafe(16)
    db.session.add(
        WebhookDelivery(key=f"open311-token:{token}", ticket_id=ticket.id, created_at=now)
    )
    db.session.flush()
    return {"service_request_id": ticket.number, "token": token}


def resolve_token(token: str) -> dict[str, str]:
    """tokens/{token}: we create synchronously, so a token always names its request."""
    delivery = deliveries.find(f"open311-token:{token}")
    ticket = db.session.get(Ticket, delivery.ticket_id) if delivery and delivery.ticket_id else None
    if ticket is None:
        raise Open311Error(404, f"token {token} not found")
    return {"service_request_id": ticket.number, "token": token}
