"""POST /tickets/{number}/publish and /unpublish: a supervisor approves (or withdraws) showing a
ticket, redacted, on Open311 and the public site (tickets/publication.py)."""

from __future__ import annotations

from flask import Response
from marshmallow import Schema, fields, validate

from hotline.core.actor import Actor
from hotline.core.bearer import token_required
from hotline.core.idempotency import idempotent
from hotline.tickets import publication
from hotline.tickets import service as tickets
from hotline.tickets.api.blueprint import blp, document_errors, ticket_response
from hotline.tickets.schemas import TicketSchema
from hotline.tickets.service import MAX_DESCRIPTION


class PublishSchema(Schema):
    text = fields.Str(
        validate=validate.Length(min=1, max=MAX_DESCRIPTION),
        metadata={"description": "the public text (default: the description, redacted)"},
    )


class UnpublishSchema(Schema):
    reason = fields.Str(validate=validate.Length(max=500))


@blp.route("/tickets/<string:number>/publish", methods=["POST"])
@token_required(publication.PUBLISHERS)
@idempotent
@blp.arguments(PublishSchema, required=False)
@blp.response(200, TicketSchema)
@document_errors(401, 403, 404, 409, 422)
def ticket_publish(body: dict, *, number: str, actor: Actor) -> Response:
    """Approve publication (supervisors; needs the complainant's consent)."""
    ticket = tickets.get_by_number(number, actor=actor)
    publication.publish(ticket, actor=actor, text=body.get("text"))
    return ticket_response(ticket, actor)


@blp.route("/tickets/<string:number>/unpublish", methods=["POST"])
@token_required(publication.PUBLISHERS)
@idempotent
@blp.arguments(UnpublishSchema, required=False)
@blp.response(200, TicketSchema)
@document_errors(401, 403, 404, 409)
def ticket_unpublish(body: dict, *, number: str, actor: Actor) -> Response:
    """Take a ticket off the public channels (supervisors)."""
    ticket = tickets.get_by_number(number, actor=actor)
    publication.unpublish(ticket, actor=actor, reason=body.get("reason"))
    return ticket_response(ticket, actor)
