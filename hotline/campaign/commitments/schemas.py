"""Load and dump schemas of /api/v1/commitments."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from hotline.campaign.commitments.breaches import FINDING_REFUSALS, ONE_SOURCE, TICKET_REFUSALS
from hotline.campaign.commitments.models import CommitmentStatus
from hotline.campaign.commitments.service import LIMITS
from hotline.core.schemas import LocalDateTime
from hotline.units.schemas import UnitRefSchema

# A required text has something besides white space (else the services refuse it as missing).
NOT_BLANK = validate.Regexp(r"\S", error="required")


def _text(field: str, **kwargs: object) -> fields.Str:
    return fields.Str(validate=validate.Length(max=LIMITS[field]), **kwargs)


class CommitmentBody(Schema):
    unit = fields.Str(
        required=True,
        validate=validate.Length(min=1, max=40),
        metadata={"description": "the unit's code; a unit head: their own unit"},
    )
    staff_name = _text(
        "staff_name",
        allow_none=True,
        metadata={"description": "the service staff member who commits publicly (else the unit)"},
    )
    text = fields.Str(
        required=True, validate=[validate.Length(min=1, max=LIMITS["text"]), NOT_BLANK]
    )
    measure = _text("measure", allow_none=True, metadata={"description": "how it is kept"})


class CommitmentArgs(Schema):
    unit = fields.Str(validate=validate.Length(max=40))
    status = fields.Str(validate=validate.OneOf([s.value for s in CommitmentStatus]))


class CommitmentRetireBody(Schema):
    reason = fields.Str(
        required=True, validate=[validate.Length(min=1, max=LIMITS["reason"]), NOT_BLANK]
    )


class CommitmentBreachBody(Schema):
    ticket = fields.Str(
        validate=validate.Length(min=1, max=20),
        metadata={
            "description": (
                "the number of a ticket of the commitment's unit, which came in after the "
                "commitment was made; exactly one of ticket and finding. Refused (422) with: "
                + "; ".join((ONE_SOURCE, *TICKET_REFUSALS))
            )
        },
    )
    finding = fields.Int(
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={
            "description": (
                "the id of a spot-check finding about the unit. Refused (422) with: "
                + "; ".join(FINDING_REFUSALS)
            )
        },
    )
    note = _text("note", allow_none=True)

    @validates_schema
    def _one_source(self, data: dict, **kwargs: object) -> None:
        if ("ticket" in data) == ("finding" in data):
            raise ValidationError(ONE_SOURCE, field_name="ticket")


class CommitmentBreachSchema(Schema):
    id = fields.Int()
    ticket = fields.Str(allow_none=True, metadata={"description": "the ticket's number"})
    finding = fields.Int(attribute="finding_id", allow_none=True)
    note = fields.Str(allow_none=True)
    occurred_at = LocalDateTime(metadata={"description": "the year it counts in"})
    recorded_at = LocalDateTime()


class CommitmentEventSchema(Schema):
    type = fields.Str(metadata={"description": "created, breached, retired, kept, broken"})
    at = LocalDateTime()
    actor = fields.Str(attribute="actor_label", allow_none=True)
    note = fields.Str(allow_none=True)
    data = fields.Dict(allow_none=True)


class CommitmentSchema(Schema):
    id = fields.Int()
    unit = fields.Nested(UnitRefSchema)
    staff_name = fields.Str(allow_none=True)
    text = fields.Str()
    measure = fields.Str(allow_none=True)
    status = fields.Str(metadata={"description": "active or retired"})
    created_at = LocalDateTime()
    retired_at = LocalDateTime(allow_none=True)
    retire_reason = fields.Str(allow_none=True)
    breaches = fields.List(fields.Nested(CommitmentBreachSchema))
    history = fields.List(
        fields.Nested(CommitmentEventSchema),
        metadata={"description": "one commitment's reads only"},
    )


class CommitmentListSchema(Schema):
    items = fields.List(fields.Nested(CommitmentSchema))
