"""POST /api/v1/tickets: a complaint registered by hotline staff, or filed by a special
supervisor (特邀监督员) on the channel `supervisor` (tickets/filed.py)."""

from __future__ import annotations

from flask import Response, jsonify, make_response, url_for

from hotline.core.actor import FILER_ROLES, HOTLINE_ROLES, Actor
from hotline.core.bearer import token_required
from hotline.core.clock import utcnow
from hotline.core.errors import ValidationFailed
from hotline.core.extensions import db
from hotline.core.idempotency import idempotent
from hotline.core.uow import one_statement
from hotline.tickets import filed
from hotline.tickets import service as tickets
from hotline.tickets.api.blueprint import blp, document_errors
from hotline.tickets.models import Channel
from hotline.tickets.schemas import TicketCreateSchema, TicketSchema, schema_for

# JSON Schema cannot say "required unless the caller is a special supervisor"; the field's
# description in the OpenAPI document does, with this refusal.
COMPLAINANT = "required unless a special supervisor files"


@blp.route("/tickets", methods=["POST"])
@token_required(roles=HOTLINE_ROLES | FILER_ROLES)
@idempotent
@blp.arguments(
    # An instance, not the class: webargs would build the schema (and its nested ones) anew for
    # every request, a measurable share of an intake's CPU.
    TicketCreateSchema(),
    example={
        "kind": "complaint",
        "category": "C001",
        "priority": "normal",
        "description": "小区门口占道经营，噪音扰民",
        "complainant": {
            "phone": "13812345678",
            "name": "王先生",
            "disclose_identity": False,
            "confidential": False,
        },
        "location": {"address": "人民路 1 号", "district": "鼓楼区", "lat": 26.08, "long": 119.3},
    },
)
@blp.response(201, TicketSchema, headers={"Location": {"schema": {"type": "string"}}})
@document_errors(401, 403)
@one_statement  # the ticket's INSERT is all it writes (an Idempotency-Key's row joins it)
def create_ticket(body: dict, *, actor: Actor) -> Response:
    """Register a complaint (operators and supervisors); routing follows in a worker.

    Special supervisors (特邀监督员) file on the channel `supervisor` (the default for them, and
    only for them: 403 for anyone else) a `complaint` or a `report`, as themselves: the
    complainant is their own account, so `complainant` may be left out and is ignored."""
    channel = filed.check_channel(body.get("channel"), actor)
    if channel == Channel.supervisor:
        filer = filed.filer_for(actor, now=utcnow())
        ticket = tickets.create(actor=actor, filer=filer, **filed_arguments(body))
    else:
        ticket = tickets.create(actor=actor, **create_arguments(body))
    db.session.flush()
    response = make_response(jsonify(schema_for(actor).dump(ticket)), 201)
    response.set_etag(str(ticket.version))
    response.headers["Location"] = url_for("tickets.get_ticket", number=ticket.number)
    return response


def create_arguments(body: dict) -> dict:
    """The loaded body as keyword arguments of `tickets.service.create`."""
    person = body.get("complainant")
    if person is None:
        raise ValidationFailed("complainant is required", fields={"complainant": [COMPLAINANT]})
    return {
        **_ticket_arguments(body),
        "channel": body.get("channel") or Channel.api.value,
        "phone": person["phone"],
        "name": person.get("name"),
        "disclose_identity": person["disclose_identity"],
        "confidential": person["confidential"],
        "publish_consent": person["publish_consent"],
    }


def filed_arguments(body: dict) -> dict:
    """A special supervisor's body as keyword arguments of `tickets.service.create`: the
    complainant is the filer (tickets/filed.py), only their privacy choices are kept."""
    person = body.get("complainant") or {}
    return {
        **_ticket_arguments(body),
        "channel": Channel.supervisor.value,
        "phone": None,
        "disclose_identity": bool(person.get("disclose_identity")),
        "confidential": bool(person.get("confidential")),
    }


def _ticket_arguments(body: dict) -> dict:
    place = body["location"]
    return {
        "kind": body.get("kind"),
        "category": body.get("category"),
        "priority": body["priority"],
        "description": body["description"],
        "address": place.get("address"),
        "district": place.get("district"),
        "lat": place.get("lat"),
        "long": place.get("long"),
        "media": body["media"],
    }
