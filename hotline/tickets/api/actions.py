"""One POST per life-cycle transition: load, check the version, call transitions.py, answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
from hotline.tickets import transitions as tx
from hotline.tickets.api.blueprint import blp, document_errors, ticket_response
from hotline.tickets.models import Ticket
from hotline.tickets.schemas import (
    ActionSchema,
    CallbackSchema,
    DecisionSchema,
    DispatchSchema,
    ExtensionSchema,
    MergeSchema,
    ReasonSchema,
    ReplySchema,
    ReturnSchema,
    TicketSchema,
)


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


def _act(number: str, actor: Actor, body: dict, change: Callable[[Ticket], Any]) -> Response:
    """Load the ticket as the caller sees it, check the version, apply `change`, answer."""
    ticket = tickets.get_by_number(number, actor=actor)
    expected = _expected_version(body)
    if expected is not None and expected != ticket.version:
        raise Conflict(
            f"ticket {ticket.number} changed (version {ticket.version}, you had {expected})",
            current_status=ticket.status,
            current_version=ticket.version,
        )
    try:
        change(ticket)
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


# ---- transitions ----------------------------------------------------------------------------


def _action(
    path: str,
    schema: type,
    summary: str,
    change: Callable[[Ticket, Actor, dict], Any],
    *,
    body_required: bool = True,
) -> None:
    """Register POST /tickets/{number}/{path} calling `change(ticket, actor, body)`."""

    def view(body: dict, *, number: str, actor: Actor) -> Response:
        return _act(number, actor, body, lambda ticket: change(ticket, actor, body))

    view.__name__ = "ticket_" + path.replace("/", "_")
    view.__doc__ = summary
    wrapped = document_errors(401, 403, 404, 409)(view)
    wrapped = blp.response(200, TicketSchema)(wrapped)
    wrapped = blp.arguments(schema, required=body_required)(wrapped)
    wrapped = token_required()(idempotent(wrapped))
    blp.route(f"/tickets/<string:number>/{path}", methods=["POST"])(wrapped)


_action(
    "accept",
    ActionSchema,
    "签收: the unit takes the ticket (unit staff).",
    lambda t, a, b: tx.accept(t, actor=a),
    body_required=False,
)
_action(
    "dispatch",
    DispatchSchema,
    "派单/改派 to a unit by code (hotline staff).",
    lambda t, a, b: tx.dispatch(t, actor=a, unit=b["unit"], reason=b.get("reason")),
)
_action(
    "return",
    ReturnSchema,
    "退单: the unit says it is not theirs (unit staff).",
    lambda t, a, b: tx.request_return(
        t, actor=a, reason=b["reason"], suggested_unit=b.get("suggested_unit")
    ),
)
_action(
    "return/approve",
    DecisionSchema,
    "Approve the pending return: back to triage.",
    lambda t, a, b: tx.approve_return(t, actor=a, reason=b.get("reason")),
    body_required=False,
)
_action(
    "return/deny",
    DecisionSchema,
    "Deny the pending return: stays with the unit.",
    lambda t, a, b: tx.deny_return(t, actor=a, reason=b.get("reason")),
    body_required=False,
)
_action(
    "extension",
    ExtensionSchema,
    "延期: ask for more working days (unit staff).",
    lambda t, a, b: tx.request_extension(t, actor=a, days=b["days"], reason=b["reason"]),
)
_action(
    "extension/approve",
    DecisionSchema,
    "Grant the pending extension (supervisors).",
    lambda t, a, b: tx.approve_extension(t, actor=a, reason=b.get("reason")),
    body_required=False,
)
_action(
    "extension/deny",
    DecisionSchema,
    "Refuse the pending extension (supervisors).",
    lambda t, a, b: tx.deny_extension(t, actor=a, reason=b.get("reason")),
    body_required=False,
)
_action(
    "reply",
    ReplySchema,
    "答复: the unit's answer to the complainant (unit staff).",
    lambda t, a, b: tx.reply(t, actor=a, text=b["text"], media=b["media"]),
)
_action(
    "callback",
    CallbackSchema,
    "回访: satisfied closes; unresolved/unsatisfied reopens.",
    lambda t, a, b: tx.callback(
        t,
        actor=a,
        reached=b["reached"],
        resolved=b.get("resolved"),
        satisfaction=b.get("satisfaction"),
        note=b.get("note"),
    ),
)
_action(
    "reopen",
    ReasonSchema,
    "发回重办: back to the unit with a fresh window.",
    lambda t, a, b: tx.reopen(t, actor=a, reason=b["reason"]),
)
_action(
    "merge",
    MergeSchema,
    "并单: fold this duplicate into another ticket.",
    lambda t, a, b: tx.merge(t, actor=a, into=b["into"], reason=b.get("reason")),
)
_action(
    "reject",
    ReasonSchema,
    "Reject out of scope / emergency / abuse (supervisors).",
    lambda t, a, b: tx.reject(t, actor=a, reason=b["reason"]),
)
