"""Load and dump schemas of /api/v1/inspections and /api/v1/findings."""

from __future__ import annotations

from flask import url_for
from marshmallow import Schema, fields, validate

from hotline.campaign.inspections.models import FindingStatus, Kind, Severity
from hotline.campaign.inspections.service import LIST_STATUSES, MAX_FINDINGS, MAX_TEXT
from hotline.core.schemas import LocalDateTime, PageArgsSchema, PageSchema

TEXT = validate.Length(min=1, max=MAX_TEXT)


class FindingBody(Schema):
    text = fields.Str(required=True, validate=TEXT)
    severity = fields.Str(required=True, validate=validate.OneOf([s.value for s in Severity]))
    rectify_due = fields.Date(
        required=True,
        metadata={
            "description": "YYYY-MM-DD, not before the visit nor today: the rectification is "
            "due by the end of that day (local time)"
        },
    )


class InspectionBody(Schema):
    kind = fields.Str(required=True, validate=validate.OneOf([k.value for k in Kind]))
    unit = fields.Str(
        required=True,
        validate=validate.Length(min=1, max=40),
        metadata={"description": "the inspected unit's code (unknown: 422 `unknown unit`)"},
    )
    date = fields.Date(
        required=True, metadata={"description": "YYYY-MM-DD, the day of the visit (not later)"}
    )
    note = fields.Str(
        allow_none=True,
        validate=validate.Length(max=MAX_TEXT),
        metadata={"description": "what was checked, and how"},
    )
    findings = fields.List(
        fields.Nested(FindingBody),
        load_default=list,
        validate=validate.Length(max=MAX_FINDINGS),
        metadata={"description": "the problems found; none for a clean visit"},
    )


class InspectionArgs(PageArgsSchema):
    unit = fields.Str(validate=validate.Length(max=40))
    status = fields.Str(
        validate=validate.OneOf(LIST_STATUSES),
        metadata={"description": "open, closed, or overdue (a finding overdue, not rectified)"},
    )
    kind = fields.Str(validate=validate.OneOf([k.value for k in Kind]))


class FindingArgs(PageArgsSchema):
    unit = fields.Str(validate=validate.Length(max=40))
    status = fields.Str(validate=validate.OneOf([s.value for s in FindingStatus]))
    overdue = fields.Boolean(
        metadata={"description": "1: marked overdue and not rectified; 0: the others"}
    )


class FindingAnswerBody(Schema):
    text = fields.Str(required=True, validate=TEXT)


class FindingRejectBody(Schema):
    reason = fields.Str(required=True, validate=TEXT)


class InspectedUnitSchema(Schema):
    code = fields.Str()
    name = fields.Str()


class EvidenceFileSchema(Schema):
    id = fields.Int()
    name = fields.Str(attribute="label", metadata={"description": "the name as uploaded"})
    size = fields.Int()
    uploaded_at = LocalDateTime()
    url = fields.Function(
        lambda row: url_for("inspections.get_file", inspection_id=row.inspection_id, name=row.name),
        metadata={"type": "string", "description": "GET it with the bearer token"},
    )


class FindingAnswerSchema(Schema):
    id = fields.Int()
    text = fields.Str()
    submitted_at = LocalDateTime()
    on_time = fields.Bool(metadata={"description": "submitted by the finding's due"})
    decision = fields.Str(allow_none=True, metadata={"description": "accepted, rejected or null"})
    decided_at = LocalDateTime(allow_none=True)
    reason = fields.Str(allow_none=True, metadata={"description": "why it was sent back"})
    files = fields.List(fields.Nested(EvidenceFileSchema))


class FindingSchema(Schema):
    id = fields.Int()
    inspection = fields.Int(attribute="inspection_id")
    unit = fields.Nested(InspectedUnitSchema)
    seq = fields.Int(metadata={"description": "the item's number within the inspection"})
    text = fields.Str()
    severity = fields.Str()
    rectify_due = fields.Date()
    due_at = LocalDateTime(metadata={"description": "the end of rectify_due, local time"})
    status = fields.Str(metadata={"description": "open, answered or rectified"})
    overdue = fields.Bool(
        attribute="is_overdue", metadata={"description": "found open past its due, not rectified"}
    )
    overdue_at = LocalDateTime(allow_none=True)
    interview = fields.Int(
        attribute="interview_id",
        allow_none=True,
        metadata={"description": "the interview case it climbed to"},
    )
    answered_at = LocalDateTime(allow_none=True)
    rectified_at = LocalDateTime(allow_none=True)
    rectified_on_time = fields.Bool(allow_none=True)
    answers = fields.List(fields.Nested(FindingAnswerSchema))


class InspectionHistorySchema(Schema):
    type = fields.Str(
        metadata={
            "description": "recorded, files_added, answered, accepted, rejected, overdue, "
            "interview, closed"
        }
    )
    at = LocalDateTime()
    finding = fields.Int(attribute="finding_id", allow_none=True)
    data = fields.Dict(allow_none=True)


class InspectionSchema(Schema):
    id = fields.Int()
    kind = fields.Str(metadata={"description": "mystery_visit (明察暗访) or special (专项检查)"})
    unit = fields.Nested(InspectedUnitSchema)
    date = fields.Date(attribute="visited_on")
    note = fields.Str(allow_none=True)
    status = fields.Str(metadata={"description": "open, or closed when all is rectified"})
    created_at = LocalDateTime()
    closed_at = LocalDateTime(allow_none=True)
    findings = fields.List(fields.Nested(FindingSchema))
    files = fields.List(
        fields.Nested(EvidenceFileSchema),
        metadata={"description": "the visit's evidence (one only)"},
    )
    history = fields.List(
        fields.Nested(InspectionHistorySchema), metadata={"description": "(one only)"}
    )


class InspectionPageSchema(PageSchema):
    items = fields.List(fields.Nested(InspectionSchema))


class FindingPageSchema(PageSchema):
    items = fields.List(fields.Nested(FindingSchema))
