"""Schemas shared by every /api/v1 blueprint: the error body and the page envelope."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from hotline.core.clock import iso_local
from hotline.core.timebounds import OUT_OF_RANGE, instant_in_range


class LocalDateTime(fields.DateTime):
    """ISO 8601 in the hotline's local time with its offset; input must carry an offset."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        metadata = {
            "description": f"ISO 8601 with an offset; the year {OUT_OF_RANGE} (else 422)",
            **kwargs.pop("metadata", {}),
        }
        super().__init__(*args, metadata=metadata, **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return iso_local(value)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        parsed = super()._deserialize(value, attr, data, **kwargs)
        if parsed.tzinfo is None:
            raise ValidationError("needs a time zone offset, e.g. +08:00")
        if not instant_in_range(parsed):
            raise ValidationError(OUT_OF_RANGE)
        return parsed


class ErrorDetailSchema(Schema):
    code = fields.Str(metadata={"example": "validation_failed"})
    message = fields.Str()
    # data_key: a class attribute named `fields` would hide the marshmallow module below.
    bad_fields = fields.Dict(
        data_key="fields", metadata={"description": "bad field → list of messages (422)"}
    )
    current_status = fields.Str(metadata={"description": "409 on a ticket: its status now"})


class ErrorSchema(Schema):
    """Every API error: `{"error": {"code", "message", "fields"}}` (DESIGN §5)."""

    error = fields.Nested(ErrorDetailSchema)


class PageArgsSchema(Schema):
    # Bounded so the OFFSET it makes stays a number the database takes (a page past the last
    # is simply empty); the schema says so, and a client generated from it never overflows.
    page = fields.Int(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Int(load_default=20, validate=validate.Range(min=1, max=100))


class PageSchema(Schema):
    """The envelope of a paged list; `items` is set by each list's subclass."""

    page = fields.Int()
    per_page = fields.Int()
    total = fields.Int(metadata={"description": "items matching the filters"})
    pages = fields.Int(metadata={"description": "number of pages"})
