"""One POST per life-cycle transition, generated from `transitions.registry.TRANSITIONS`.

Each view loads the row's schema, takes the version from the body or If-Match, and lets the
row guard and apply the change; the answer is the caller's view of the ticket.
"""

from __future__ import annotations

from flask import Response, request
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from hotline.core import uow
from hotline.core.actor import Actor
from hotline.core.bearer import token_required
from hotline.core.errors import Conflict, ValidationFailed
from hotline.core.extensions import db
from hotline.core.idempotency import idempotent
from hotline.tickets import service as tickets
from hotline.tickets.api.blueprint import blp, document_errors, ticket_response
from hotline.tickets.models import Ticket
from hotline.tickets.schemas import TicketSchema
from hotline.tickets.transitions import TRANSITIONS, Transition


def _expected_version(body: dict) -> int | None:
    """The version the caller based its change on: the body's `version`, else If-Match."""
    if body.get("version") is not None:
        return body["version"]
    header = request.headers.get("If-Match")
    if not header or header.strip() == "*":
        return None
    tag = header.split(",")[0].strip().removeprefix("W/").strip('"')
    if not tag.isdigit():
        raise ValidationFailed(
            'If-Match must be a ticket version such as "3"', fields={"If-Match": ["not a version"]}
        )
    return int(tag)


def _act(transition: Transition, number: str, actor: Actor, body: dict) -> Response:
    """Load the ticket as the caller sees it, apply the transition (it checks the version)."""
    ticket = tickets.get_by_number(number, actor=actor)
    body = {**body, "version": _expected_version(body)}
    try:
        transition.perform(ticket, actor, body)
        db.session.flush()
    except StaleDataError as exc:
        # Someone committed a change between our read and our UPDATE … WHERE version = n.
        uow.rollback()
        current = db.session.execute(
            select(Ticket.status, Ticket.version).where(Ticket.number == number)
        ).one()
        raise Conflict(
            f"ticket {number} was changed by someone else",
            current_status=current.status,
            current_version=current.version,
        ) from exc
    return ticket_response(ticket, actor)


def _register(transition: Transition) -> None:
    """POST /tickets/{number}/{slug}: the row's schema in, the ticket out, its errors listed."""

    def view(body: dict, *, number: str, actor: Actor) -> Response:
        return _act(transition, number, actor, body)

    view.__name__ = "ticket_" + transition.slug.replace("/", "_")
    view.__doc__ = transition.summary
    wrapped = document_errors(401, 403, 404, 409)(view)
    wrapped = blp.response(200, TicketSchema)(wrapped)
    wrapped = blp.arguments(transition.schema, required=transition.body_required)(wrapped)
    wrapped = token_required()(idempotent(wrapped))
    blp.route(f"/tickets/<string:number>/{transition.slug}", methods=["POST"])(wrapped)


for _transition in TRANSITIONS:
    _register(_transition)
