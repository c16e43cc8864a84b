"""Load and dump schemas of /api/v1/units/{code}/negative-list and /api/v1/milestones/overdue."""

from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from hotline.campaign.lists.checks import LIMITS, MAX_MILESTONES
from hotline.campaign.lists.models import ItemStatus
from hotline.core.schemas import LocalDateTime
from hotline.core.timebounds import OUT_OF_RANGE, instant_in_range
from hotline.units.schemas import UnitRefSchema

ID = validate.Range(min=1, max=2**31 - 1)
# A required text has something besides white space (else the services refuse it as missing).
NOT_BLANK = validate.Regexp(r"\S", error="required")


class InDate(fields.Date):
    """A date the hotline's calendar can hold (2000–2099)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        parsed = super()._deserialize(value, attr, data, **kwargs)
        if not instant_in_range(parsed):
            raise ValidationError(OUT_OF_RANGE)
        return parsed


def _text(limit: int, **kwargs: Any) -> fields.Str:
    return fields.Str(validate=validate.Length(max=limit), **kwargs)


class NegativeListMilestoneBody(Schema):
    id = fields.Int(
        validate=ID,
        metadata={"description": "PATCH only: keep this existing milestone (else a new one)"},
    )
    step = fields.Str(
        required=True, validate=[validate.Length(min=1, max=LIMITS["step"]), NOT_BLANK]
    )
    due = InDate(required=True, metadata={"description": "YYYY-MM-DD: due by 24:00 local"})
    done_at = LocalDateTime(
        allow_none=True,
        metadata={"description": "a step already done when the plan is written (not later)"},
    )


class NegativeListItemBody(Schema):
    title = fields.Str(
        required=True, validate=[validate.Length(min=1, max=LIMITS["title"]), NOT_BLANK]
    )
    description = _text(LIMITS["description"], allow_none=True)
    measures = _text(LIMITS["measures"], allow_none=True)
    responsible_person = _text(
        LIMITS["responsible_person"],
        allow_none=True,
        metadata={"description": "who answers for the plan: name and post"},
    )
    milestones = fields.List(
        fields.Nested(NegativeListMilestoneBody),
        required=True,
        validate=validate.Length(min=1, max=MAX_MILESTONES),
    )


class NegativeListItemPatch(Schema):
    title = fields.Str(validate=[validate.Length(min=1, max=LIMITS["title"]), NOT_BLANK])
    description = _text(LIMITS["description"], allow_none=True)
    measures = _text(LIMITS["measures"], allow_none=True)
    responsible_person = _text(LIMITS["responsible_person"], allow_none=True)
    milestones = fields.List(
        fields.Nested(NegativeListMilestoneBody),
        validate=validate.Length(min=1, max=MAX_MILESTONES),
        metadata={"description": "the whole plan: entries with an id keep that milestone"},
    )
    version = fields.Int(metadata={"description": "the version you edited (409 when stale)"})


class MilestoneDoneBody(Schema):
    note = fields.Str(
        required=True, validate=[validate.Length(min=1, max=LIMITS["note"]), NOT_BLANK]
    )
    done_at = LocalDateTime(metadata={"description": "default: now; never in the future"})


class NegativeListApproveBody(Schema):
    reason = _text(LIMITS["reason"], allow_none=True, metadata={"description": "a remark"})
    version = fields.Int(metadata={"description": "the version you reviewed (409 when stale)"})


class NegativeListSendBackBody(Schema):
    reason = fields.Str(
        required=True, validate=[validate.Length(min=1, max=LIMITS["reason"]), NOT_BLANK]
    )
    version = fields.Int()


class NegativeListArgs(Schema):
    status = fields.Str(validate=validate.OneOf([s.value for s in ItemStatus]))


class OverdueMilestoneArgs(Schema):
    unit = fields.Str(validate=validate.Length(max=40))


class NegativeListMilestoneSchema(Schema):
    id = fields.Int()
    step = fields.Str()
    due = fields.Date()
    done_at = LocalDateTime(allow_none=True)
    done_note = fields.Str(allow_none=True)
    overdue = fields.Bool(metadata={"description": "past its due day and not done"})
    on_time = fields.Bool(
        allow_none=True, metadata={"description": "done by its due day (null: not done)"}
    )


class NegativeListEventSchema(Schema):
    type = fields.Str(
        metadata={"description": "created, edited, approved, returned, milestone_done"}
    )
    at = LocalDateTime()
    actor = fields.Str(attribute="actor_label", allow_none=True)
    note = fields.Str(allow_none=True)
    data = fields.Dict(allow_none=True)


class NegativeListItemSchema(Schema):
    id = fields.Int()
    unit = fields.Nested(UnitRefSchema)
    title = fields.Str()
    description = fields.Str(allow_none=True)
    measures = fields.Str(allow_none=True)
    responsible_person = fields.Str(allow_none=True)
    status = fields.Str(metadata={"description": "pending, approved (public) or returned"})
    created_at = LocalDateTime()
    updated_at = LocalDateTime()
    approved_at = LocalDateTime(allow_none=True)
    returned_at = LocalDateTime(allow_none=True)
    return_reason = fields.Str(allow_none=True)
    version = fields.Int()
    milestones = fields.List(fields.Nested(NegativeListMilestoneSchema))
    history = fields.List(
        fields.Nested(NegativeListEventSchema), metadata={"description": "one item's reads only"}
    )


class NegativeListSchema(Schema):
    items = fields.List(fields.Nested(NegativeListItemSchema))


class OverdueMilestoneSchema(Schema):
    milestone_id = fields.Int()
    item_id = fields.Int()
    unit = fields.Str(attribute="unit_code")
    unit_name = fields.Str()
    title = fields.Str()
    step = fields.Str()
    due = fields.Date()
    days_overdue = fields.Int()


class OverdueMilestoneListSchema(Schema):
    items = fields.List(fields.Nested(OverdueMilestoneSchema))
