"""API: /callbacks, the missed calls (漏接回拨) operators call back, and each try's outcome;
thin views over calls/callbacks.py."""

from __future__ import annotations

import math

from flask import current_app
from flask_smorest import Blueprint

from hotline.audit.service import record_caller_reads
from hotline.calls import callbacks
from hotline.calls.callback_schemas import (
    AttemptBody,
    AttemptSchema,
    CallbackArgs,
    MissedCallPageSchema,
    missed_call_view,
)
from hotline.core.actor import HOTLINE_ROLES, Actor
from hotline.core.bearer import BEARER, token_required
from hotline.core.clock import utcnow
from hotline.core.extensions import csrf
from hotline.core.idempotency import idempotent

blp = Blueprint(
    "callbacks",
    __name__,
    description=(
        "Missed calls (漏接回拨): operators and supervisors see each caller's number in full "
        "(every read is audited), the ticket it belongs to, why it was missed and the tries so "
        "far, and record each try. A callback continues the caller's ticket."
    ),
)
csrf.exempt(blp)  # bearer-token calls carry no cookie, so there is nothing to forge


def _max_attempts() -> int:
    return int(current_app.config["CALLBACK_MAX_ATTEMPTS"])


@blp.route("/callbacks")
@blp.doc(security=BEARER)
@blp.arguments(CallbackArgs, location="query")
@blp.response(200, MissedCallPageSchema)
@token_required(HOTLINE_ROLES)
def list_callbacks(args: dict, *, actor: Actor) -> dict:
    """Missed calls in a status (`open` by default: the longest waiting first), paged."""
    page, per_page = args["page"], args["per_page"]
    items, total = callbacks.missed_calls(status=args["status"], page=page, per_page=per_page)
    record_caller_reads(
        actor=actor, subjects=callbacks.audit_subjects(items), now=utcnow(), via="api_callbacks"
    )
    limit = _max_attempts()
    return {
        "items": [missed_call_view(item, max_attempts=limit) for item in items],
        "page": page,
        "per_page": per_page,
        "total": total,
        "pages": math.ceil(total / per_page) if total else 0,
    }


@blp.route("/callbacks/<int:task_id>/attempts", methods=["POST"])
@blp.doc(security=BEARER)
@token_required(HOTLINE_ROLES)
@idempotent
@blp.arguments(AttemptBody)
@blp.response(201, AttemptSchema)
@blp.alt_response(404, description="no such missed call")
@blp.alt_response(409, description="the missed call is already done or closed")
def record_attempt(body: dict, *, task_id: int, actor: Actor) -> dict:
    """Record one try at calling back: `reached` ends the task; the last failed try (of
    `max_attempts`) closes it and texts the caller to call 12345 again. The try is an event
    on the caller's ticket."""
    attempt = callbacks.record_attempt(
        task_id=task_id,
        actor=actor,
        reached=body["reached"],
        note=body["note"],
        call_sid=body["call_sid"],
        now=utcnow(),
    )
    item = callbacks.view_of(callbacks.get(task_id))
    record_caller_reads(
        actor=actor, subjects=callbacks.audit_subjects([item]), now=attempt.at, via="api_callbacks"
    )
    return {
        "id": attempt.id,
        "at": attempt.at,
        "reached": attempt.reached,
        "note": attempt.note,
        "callback": missed_call_view(item, max_attempts=_max_attempts()),
    }
