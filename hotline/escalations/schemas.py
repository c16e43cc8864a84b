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


class EscalationAnswerSchema(Schema):
    state = fields.Str(
        metadata={"description": "awaited, answered, late (answered after due_at) or missed"}
    )
    due_at = LocalDateTime()
    text = fields.Str(allow_none=True)
    plan_due = fields.Date(allow_none=True)
    answered_at = LocalDateTime(allow_none=True)
    missed_at = LocalDateTime(
        allow_none=True, metadata={"description": "when the missing answer was recorded"}
    )


class EscalationSchema(Schema):
    id = fields.Int()
    ticket = fields.Str(attribute="number")
    unit = fields.Nested(EscalationUnitSchema, allow_none=True)
    level = fields.Str()
    clock = fields.Str(metadata={"description": "accept or resolve: which deadline ran out"})
    deadline = LocalDateTime()
    created_at = LocalDateTime()
    answer = fields.Nested(
        EscalationAnswerSchema,
        allow_none=True,
        metadata={"description": "the unit head's written answer to a 督办 (supervision only)"},
    )


class RespondBody(Schema):
    text = fields.Str(required=True, validate=validate.Length(min=1, max=4_000))
    plan_due = fields.Date(
        required=True,
        metadata={"description": "YYYY-MM-DD, today or later: when the matter will be dealt with"},
    )


class EscalationListSchema(ListEnvelope):
    items = fields.List(fields.Nested(EscalationSchema))


class InterviewArgs(Schema):
    unit = fields.Str(validate=validate.Length(max=40))


class InterviewReasonSchema(Schema):
    trigger = fields.Str()
    reason = fields.Str()
    ticket = fields.Str(allow_none=True, metadata={"description": "the overdue ticket's number"})
    added_at = LocalDateTime()


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
    committed_at = LocalDateTime(
        allow_none=True,
        metadata={"description": "when the unit head wrote the commitment (null: not yet)"},
    )
    evidence = fields.Str(allow_none=True)
    rectified_at = LocalDateTime(allow_none=True)
    rejected_at = LocalDateTime(allow_none=True)
    rejection_reason = fields.Str(allow_none=True)
    closed_at = LocalDateTime(allow_none=True)
    published_at = LocalDateTime(
        allow_none=True,
        metadata={
            "description": "since when the commitment is shown on the public site (null: not)"
        },
    )
    parent_id = fields.Int(allow_none=True)
    tickets = fields.List(fields.Str())
    reasons = fields.List(
        fields.Nested(InterviewReasonSchema),
        metadata={"description": "every trigger that opened or joined the case, oldest first"},
    )


class InterviewListSchema(ListEnvelope):
    items = fields.List(fields.Nested(InterviewSchema))


class ScheduleBody(Schema):
    at = LocalDateTime(required=True)
    place = fields.Str(required=True, validate=validate.Length(min=1, max=200))


class HoldBody(Schema):
    minutes = fields.Str(required=True, validate=validate.Length(min=1, max=10_000))
    # Before the head wrote the commitment (/commit) the inspector typed it here; still taken,
    # both or neither, and kept as noted at the hearing until the head's own.
    commitment = fields.Str(
        validate=validate.Length(min=1, max=10_000),
        metadata={"description": "deprecated: the head writes it with /commit"},
    )
    commitment_due = LocalDateTime(metadata={"description": "deprecated, with commitment"})


class CommitBody(Schema):
    commitment = fields.Str(required=True, validate=validate.Length(min=1, max=10_000))
    commitment_due = LocalDateTime(required=True)


class RejectBody(Schema):
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=10_000))


class UnpublishBody(Schema):
    reason = fields.Str(validate=validate.Length(max=10_000))


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
