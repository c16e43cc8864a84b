"""Load and dump schemas of the escalations, interviews and credit-record API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from hotline.core.schemas import LocalDateTime
from hotline.sla.ladder import LADDER


class EscalationUnitSchema(Schema):
    code = fields.Str()
    name = fields.Str()


class ListEnvelope(Schema):
    warnings = fields.List(
        fields.Str(), metadata={"description": "e.g. calendar for YEAR not loaded"}
    )


class EscalationArgs(Schema):
    ticket = fields.Str(validate=validate.Length(max=15))
    unit = fields.Str(validate=validate.Length(max=40))
    level = fields.Str(validate=validate.OneOf([level.value for level in LADDER]))


class EscalationSchema(Schema):
    id = fields.Int()
    ticket = fields.Str(attribute="number")
    unit = fields.Nested(EscalationUnitSchema, allow_none=True)
    level = fields.Str()
    clock = fields.Str(metadata={"description": "accept or resolve: which deadline ran out"})
    deadline = LocalDateTime()
    created_at = LocalDateTime()


class EscalationListSchema(ListEnvelope):
    items = fields.List(fields.Nested(EscalationSchema))


class InterviewArgs(Schema):
    unit = fields.Str(validate=validate.Length(max=40))


class InterviewSchema(Schema):
    id = fields.Int()
    unit = fields.Nested(EscalationUnitSchema)
    status = fields.Str()
    trigger = fields.Str()
    trigger_key = fields.Str(allow_none=True)
    reason = fields.Str(allow_none=True)
    opened_at = LocalDateTime()
    at = LocalDateTime(attribute="scheduled_for", allow_none=True)
    place = fields.Str(allow_none=True)
    inspector_id = fields.Int(allow_none=True)
    held_at = LocalDateTime(allow_none=True)
    minutes = fields.Str(allow_none=True)
    commitment = fields.Str(allow_none=True)
    commitment_due = LocalDateTime(allow_none=True)
    evidence = fields.Str(allow_none=True)
    rectified_at = LocalDateTime(allow_none=True)
    closed_at = LocalDateTime(allow_none=True)
    parent_id = fields.Int(allow_none=True)
    tickets = fields.List(fields.Str())


class InterviewListSchema(ListEnvelope):
    items = fields.List(fields.Nested(InterviewSchema))


class ScheduleBody(Schema):
    at = LocalDateTime(required=True)
    place = fields.Str(required=True, validate=validate.Length(min=1, max=200))


class HoldBody(Schema):
    minutes = fields.Str(required=True, validate=validate.Length(min=1, max=10_000))
    commitment = fields.Str(required=True, validate=validate.Length(min=1, max=10_000))
    commitment_due = LocalDateTime(required=True)


class RectifyBody(Schema):
    evidence = fields.Str(required=True, validate=validate.Length(min=1, max=10_000))
    commitment = fields.Str(validate=validate.Length(min=1, max=10_000))


class CreditEntrySchema(Schema):
    id = fields.Int()
    at = LocalDateTime()
    type = fields.Str()
    summary = fields.Str()
    ticket = fields.Str(allow_none=True)
    interview_id = fields.Int(allow_none=True)
    escalation_id = fields.Int(allow_none=True)
    data = fields.Dict(allow_none=True)


class UnitRecordSchema(Schema):
    unit = fields.Nested(EscalationUnitSchema)
    open_interviews = fields.Int()
    items = fields.List(fields.Nested(CreditEntrySchema))
