"""Load and dump schemas of the missed-calls API (/api/v1/callbacks)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from hotline.calls.callbacks import NOTE_MAX, REASONS, STATUSES, MissedCall
from hotline.core.schemas import LocalDateTime, PageArgsSchema, PageSchema


class StrictBool(fields.Boolean):
    """JSON true or false only: "yes", 1 or "false" are refused (422), not guessed at."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError("must be true or false")
        return value


class CallbackArgs(PageArgsSchema):
    status = fields.Str(
        load_default="open",
        validate=validate.OneOf(STATUSES),
        metadata={"description": "open (default), done (reached) or closed (gave up)"},
    )


class AttemptBody(Schema):
    reached = StrictBool(required=True, metadata={"description": "the caller answered"})
    note = fields.Str(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=NOTE_MAX),
        metadata={"description": f"what was said (at most {NOTE_MAX} characters)"},
    )
    call_sid = fields.Str(
        load_default=None,
        allow_none=True,
        validate=validate.Regexp(r"^CA[0-9a-fA-F]{32}$"),
        metadata={"description": "the softphone call that made the try (CA…), if any"},
    )


class MissedCallSchema(Schema):
    id = fields.Int()
    status = fields.Str(metadata={"enum": list(STATUSES)})
    phone = fields.Str(
        metadata={
            "description": "the caller's number in full (read audited); unknown when the "
            "caller ID was withheld"
        }
    )
    ticket = fields.Str(allow_none=True, metadata={"description": "the caller's ticket number"})
    reason = fields.Str(
        allow_none=True, metadata={"enum": list(REASONS), "description": "why it was missed"}
    )
    attempts = fields.Int(metadata={"description": "callback tries so far"})
    max_attempts = fields.Int(metadata={"description": "tries before it is closed with an SMS"})
    last_attempt_at = LocalDateTime(allow_none=True)
    created_at = LocalDateTime()
    done_at = LocalDateTime(allow_none=True)
    recording = fields.Bool(metadata={"description": "the caller left a recording"})
    callable = fields.Bool(metadata={"description": "the number may be called back"})
    not_callable_reason = fields.Str(
        allow_none=True,
        metadata={"description": "opted_out (the caller sent TD/STOP) or no_number"},
    )


class MissedCallPageSchema(PageSchema):
    items = fields.List(fields.Nested(MissedCallSchema))


class AttemptSchema(Schema):
    id = fields.Int()
    at = LocalDateTime()
    reached = fields.Bool()
    note = fields.Str(allow_none=True)
    callback = fields.Nested(MissedCallSchema, metadata={"description": "the task as it is now"})


def missed_call_view(item: MissedCall, *, max_attempts: int) -> dict[str, Any]:
    """A task as the API shows it."""
    task = item.task
    return {
        "id": task.id,
        "status": task.status,
        "phone": task.phone,
        "ticket": item.ticket_number,
        "reason": task.reason,
        "attempts": task.attempts or 0,
        "max_attempts": max_attempts,
        "last_attempt_at": task.last_attempt_at,
        "created_at": task.created_at,
        "done_at": task.done_at,
        "recording": bool(item.recordings),
        "callable": item.cannot_call is None,
        "not_callable_reason": item.cannot_call,
    }
