"""How special supervisors read in the JSON API, and what an admin sends to appoint or retire."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from hotline.core.schemas import LocalDateTime
from hotline.units.schemas import UnitRefSchema


class AppointBody(Schema):
    username = fields.Str(required=True, validate=validate.Length(min=1, max=60))
    password = fields.Str(
        required=True,
        load_only=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "at least 8 characters"},
    )
    name = fields.Str(
        required=True,
        validate=validate.Length(min=1, max=60),
        metadata={"description": "the name they file under (their tickets' complainant)"},
    )
    phone = fields.Str(
        required=True,
        validate=validate.Length(min=1, max=30),
        metadata={"description": "their mobile: replies and rating requests reach them by SMS"},
    )
    affiliation = fields.Str(
        allow_none=True,
        validate=validate.Length(max=120),
        metadata={"example": "区人大代表，个体工商户"},
    )
    appointed_on = fields.Date(allow_none=True, metadata={"description": "default: today"})
    term_ends_on = fields.Date(
        allow_none=True, metadata={"description": "the last day of the term; none: open-ended"}
    )
    station = fields.Str(
        allow_none=True,
        validate=validate.Length(max=40),
        metadata={"description": "a monitoring station's code, for the station's staff"},
    )


class RetireBody(Schema):
    reason = fields.Str(allow_none=True, validate=validate.Length(max=500))


class AppointmentSchema(Schema):
    affiliation = fields.Str(allow_none=True)
    appointed_on = fields.Date()
    term_ends_on = fields.Date(allow_none=True)
    retired_at = LocalDateTime(allow_none=True)
    retire_reason = fields.Str(allow_none=True)


class SupervisorSchema(Schema):
    id = fields.Int(attribute="user.id")
    username = fields.Str(attribute="user.username")
    name = fields.Str(attribute="user.display_name")
    phone = fields.Str(attribute="user.phone", allow_none=True)
    station = fields.Nested(UnitRefSchema, allow_none=True, attribute="user.unit")
    appointment = fields.Nested(AppointmentSchema, allow_none=True)
    serving = fields.Bool(
        metadata={"description": "may sign in and file today: appointed, in term, not retired"}
    )
    filed = fields.Int(metadata={"description": "tickets filed"})
    answered = fields.Int(metadata={"description": "of those, replied or closed"})
