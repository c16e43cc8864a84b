"""The /api/v1/tickets blueprint and what every ticket view answers with."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, jsonify, make_response, request
from flask_smorest import Blueprint

from hotline.audit.service import record_personal_data_reads
from hotline.core.actor import Actor
from hotline.core.clock import utcnow
from hotline.core.extensions import csrf
from hotline.tickets.models import Ticket
from hotline.tickets.schemas import schema_for, shows_personal_data

blp = Blueprint(
    "tickets",
    __name__,
    description=(
        "Tickets (工单). Unit staff see only their unit's tickets (others answer 404) with the "
        "complainant's phone masked. Every POST accepts an `Idempotency-Key` header; action "
        'endpoints accept `If-Match: "<version>"` or a `version` field (409 when stale).'
    ),
)
csrf.exempt(blp)  # bearer-token calls carry no cookie, so there is nothing to forge

_ERRORS = {
    401: "no or bad bearer token",
    403: "your role may not do this",
    404: "no such ticket (or not your unit's)",
    409: "illegal transition or stale version; `error.current_status` says where it is",
    422: "invalid body; `error.fields` names each bad field",
}


def document_errors(*statuses: int) -> Callable:
    """Add the error answers a view can give to its OpenAPI entry."""

    def decorator(view: Callable) -> Callable:
        for status in statuses:
            view = blp.alt_response(status, description=_ERRORS[status])(view)
        return view

    return decorator


# ---- responses ------------------------------------------------------------------------------


def ticket_response(ticket: Ticket, actor: Actor, status: int = 200) -> Response:
    """The caller's view of one ticket, its version as the ETag; audits unmasked reads."""
    if shows_personal_data(actor, ticket):
        record_personal_data_reads(
            actor=actor, ticket_ids=[ticket.id], now=utcnow(), via=f"api {request.path}"
        )
    response = make_response(jsonify(schema_for(actor).dump(ticket)), status)
    response.set_etag(str(ticket.version))
    return response
