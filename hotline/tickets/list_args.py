"""The ticket list's query arguments (`GET /api/v1/tickets`): its filters and the search `q`."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema
from webargs.fields import DelimitedList

from hotline.core.fulltext import MAX_QUERY_CHARS
from hotline.core.schemas import PageArgsSchema
from hotline.core.timebounds import OUT_OF_RANGE, year_in_range
from hotline.tickets.models import Channel, Kind, Priority
from hotline.tickets.schemas import STATUSES, _one_of, _valid_phone
from hotline.tickets.search import RANKED_MAX


class TicketListArgsSchema(PageArgsSchema):
    status = DelimitedList(
        fields.Str(validate=validate.OneOf(STATUSES)),
        metadata={"description": "comma-separated statuses"},
    )
    unit = fields.Str(metadata={"description": "unit code (lead unit)"})
    channel = fields.Str(validate=_one_of(Channel))
    kind = fields.Str(validate=_one_of(Kind))
    priority = fields.Str(validate=_one_of(Priority))
    category = fields.Str()
    phone = fields.Str(
        validate=_valid_phone,
        metadata={
            "description": "complainant phone (hotline roles only); a number outside the "
            "numbering plan is refused with 422 `not a valid phone number`"
        },
    )
    overdue = fields.Bool()
    q = fields.Str(
        validate=validate.Length(max=10_000),
        metadata={
            "description": "a ticket number or part of one, a complainant phone (matched for "
            "hotline roles only) or words of the description and address (Chinese full text, "
            f"best match first among the newest {RANKED_MAX} matches; only the first "
            f"{MAX_QUERY_CHARS} characters are read); empty: the plain list"
        },
    )
    from_ = fields.Date(
        data_key="from",
        metadata={"description": f"first local day received; the year {OUT_OF_RANGE}"},
    )
    to = fields.Date(
        metadata={"description": f"last local day received, inclusive; the year {OUT_OF_RANGE}"}
    )
    district = fields.Str(validate=validate.Length(max=60))

    @validates_schema
    def _days(self, data: dict, **_kwargs: object) -> None:
        for key, name in (("from_", "from"), ("to", "to")):
            if key in data and not year_in_range(data[key].year):
                raise ValidationError(OUT_OF_RANGE, field_name=name)
        if "from_" in data and "to" in data and data["to"] < data["from_"]:
            raise ValidationError("before from", field_name="to")
