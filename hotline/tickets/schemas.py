"""Ticket JSON: what a client may send (load schemas) and what each role reads back (dump).

Dump schemas come in two views (CTFd's "views" idea): hotline staff and inspectors read the
complainant in full; a unit's staff read the phone masked (138****5678), the name only when the
complainant agreed to disclosure, and nothing personal at all on a confidential ticket.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate
from webargs.fields import DelimitedList

from hotline.catalogue.routing import load_catalogue
from hotline.core.actor import Actor
from hotline.core.errors import ValidationFailed
from hotline.core.extensions import db
from hotline.core.schemas import LocalDateTime, PageArgsSchema, PageSchema
from hotline.tickets.models import Channel, Kind, Priority, Status, Ticket
from hotline.tickets.service import MAX_DESCRIPTION, media_links, normalize_phone
from hotline.tickets.visibility import unit_view
from hotline.units.schemas import UnitRefSchema

STATUSES = [s.value for s in Status]


# ---- fields -------------------------------------------------------------------------------


class Inline(fields.Nested):
    """A nested JSON object made of the parent's own columns (complainant, location…)."""

    def __init__(
        self, nested: Any, *, present: Callable[[Any], bool] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(nested, **kwargs)
        self.present = present

    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = None) -> Any:
        return obj if self.present is None or self.present(obj) else None


def _valid_phone(value: str) -> None:
    try:
        normalize_phone(value)
    except ValidationFailed as exc:
        raise ValidationError("not a valid phone number") from exc


# What the Url validator takes, written as the document's pattern: an http(s) URL with a host
# under a top-level domain. A client generated from the document then sends only URLs we accept.
MEDIA_URL_PATTERN = r"^https?://[a-z0-9]+(\.[a-z0-9]+)*\.[a-z]{2,}(/[A-Za-z0-9._~%-]*)*$"


def _media_url() -> fields.Url:
    return fields.Url(
        schemes={"http", "https"},
        metadata={
            "format": "uri",
            "pattern": MEDIA_URL_PATTERN,
            "description": "an http(s) link to a photo or a recording",
        },
    )


def _one_of(enum: Any) -> validate.OneOf:
    return validate.OneOf([m.value for m in enum])


# ---- load: creating a ticket -----------------------------------------------------------------


class ComplainantInSchema(Schema):
    phone = fields.Str(
        required=True,
        validate=_valid_phone,
        metadata={
            "example": "13812345678",
            "description": "E.164; +86 optional. A number outside the numbering plan is refused "
            "with 422 `not a valid phone number`",
        },
    )
    name = fields.Str(allow_none=True, validate=validate.Length(max=60))
    disclose_identity = fields.Bool(load_default=False)
    confidential = fields.Bool(load_default=False, metadata={"description": "保密"})
    publish_consent = fields.Bool(
        load_default=False,
        metadata={
            "description": "the complainant agrees that the ticket may be published (redacted, "
            "after a supervisor's approval) on Open311 and the public site"
        },
    )


class LocationInSchema(Schema):
    address = fields.Str(allow_none=True, validate=validate.Length(max=300))
    district = fields.Str(allow_none=True, validate=validate.Length(max=60))
    lat = fields.Float(allow_none=True, validate=validate.Range(min=-90, max=90))
    long = fields.Float(allow_none=True, validate=validate.Range(min=-180, max=180))


class TicketCreateSchema(Schema):
    channel = fields.Str(
        validate=_one_of(Channel),
        metadata={
            "description": "default `api`; `supervisor` for special supervisors (their default, "
            "and only theirs: 403 for anyone else)"
        },
    )
    kind = fields.Str(
        allow_none=True,
        validate=_one_of(Kind),
        metadata={"description": "default: the category's kind, else complaint"},
    )
    category = fields.Str(
        allow_none=True,
        validate=validate.Length(max=40),
        metadata={"description": "a category code (Open311 service_code)"},
    )
    priority = fields.Str(load_default=Priority.normal.value, validate=_one_of(Priority))
    description = fields.Str(required=True, validate=validate.Length(min=1, max=MAX_DESCRIPTION))
    complainant = fields.Nested(
        ComplainantInSchema,
        metadata={
            "description": "required unless a special supervisor files (422 `required unless a "
            "special supervisor files`): they file as themselves, and what is sent is ignored"
        },
    )
    location = fields.Nested(LocationInSchema, load_default=dict)
    media = fields.List(_media_url(), load_default=list, validate=validate.Length(max=10))


# ---- load: list filters and action bodies -----------------------------------------------------


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


class ActionSchema(Schema):
    """Every action body may carry the `version` it was based on (or send `If-Match`)."""

    version = fields.Int(
        allow_none=True,
        validate=validate.Range(min=1),
        metadata={"description": "optimistic lock: 409 if the ticket changed"},
    )


_REASON = validate.Length(min=1, max=2000)


class DecisionSchema(ActionSchema):
    reason = fields.Str(allow_none=True, validate=validate.Length(max=2000))


class DispatchSchema(DecisionSchema):
    unit = fields.Str(required=True, metadata={"description": "unit code"})


class ReturnSchema(ActionSchema):
    reason = fields.Str(required=True, validate=_REASON)
    suggested_unit = fields.Str(allow_none=True, metadata={"description": "unit code"})


class ExtensionSchema(ActionSchema):
    days = fields.Int(
        required=True,
        validate=validate.Range(min=1, max=30),
        metadata={
            "description": "working days; a unit asks for at most the ticket's original resolve "
            "window, once (else 409)"
        },
    )
    reason = fields.Str(required=True, validate=_REASON)


class AppealSchema(ActionSchema):
    reason = fields.Str(required=True, validate=_REASON)
    evidence = fields.Str(required=True, validate=validate.Length(min=1, max=MAX_DESCRIPTION))
    media = fields.List(_media_url(), load_default=list, validate=validate.Length(max=10))


class ReplySchema(ActionSchema):
    text = fields.Str(required=True, validate=validate.Length(min=1, max=MAX_DESCRIPTION))
    media = fields.List(_media_url(), load_default=list, validate=validate.Length(max=10))


class ResolveAtSourceSchema(ActionSchema):
    text = fields.Str(
        required=True,
        validate=validate.Length(min=1, max=MAX_DESCRIPTION),
        metadata={"description": "the answer given to the caller (sent to them by SMS)"},
    )
    article = fields.Int(
        allow_none=True,
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "the knowledge-base article answered from (in force today)"},
    )


class CallbackSchema(ActionSchema):
    reached = fields.Bool(required=True)
    resolved = fields.Bool(allow_none=True, metadata={"description": "required when reached"})
    satisfaction = fields.Int(
        allow_none=True,
        validate=validate.Range(min=1, max=5),
        metadata={"description": "5 非常满意 … 1 非常不满意"},
    )
    note = fields.Str(allow_none=True, validate=validate.Length(max=2000))


class ReasonSchema(ActionSchema):
    reason = fields.Str(required=True, validate=_REASON)


class MergeSchema(DecisionSchema):
    into = fields.Str(required=True, metadata={"description": "the ticket number kept"})


# ---- dump ---------------------------------------------------------------------------------------


class ComplainantSchema(Schema):
    phone = fields.Str(attribute="complainant_phone", allow_none=True)
    name = fields.Str(attribute="complainant_name", allow_none=True)
    disclose_identity = fields.Bool()
    confidential = fields.Bool()
    publish_consent = fields.Bool()


class MaskedComplainantSchema(ComplainantSchema):
    """A unit's view: masked phone, a name only if disclosed, nothing if confidential."""

    phone = fields.Function(
        lambda t: unit_view(t).phone,
        allow_none=True,
        metadata={"type": "string", "example": "138****5678"},
    )
    name = fields.Function(
        lambda t: unit_view(t).name, allow_none=True, metadata={"type": "string"}
    )


class LocationSchema(Schema):
    address = fields.Str(allow_none=True)
    district = fields.Str(allow_none=True)
    lat = fields.Float(allow_none=True)
    long = fields.Float(allow_none=True)


class MaskedLocationSchema(LocationSchema):
    """A unit's view of the place: none of it on a confidential (保密) ticket."""

    address = fields.Function(
        lambda t: unit_view(t).address, allow_none=True, metadata={"type": "string"}
    )
    district = fields.Function(
        lambda t: unit_view(t).district, allow_none=True, metadata={"type": "string"}
    )
    lat = fields.Function(lambda t: unit_view(t).lat, allow_none=True, metadata={"type": "number"})
    long = fields.Function(
        lambda t: unit_view(t).long, allow_none=True, metadata={"type": "number"}
    )


class ReplyOutSchema(Schema):
    text = fields.Str(attribute="reply_text")
    replied_at = LocalDateTime(allow_none=True)


def _merged_into(ticket: Ticket) -> str | None:
    if ticket.merged_into_id is None:
        return None
    # Lists preload merge targets, so this is an identity-map hit, not a query.
    target = db.session.get(Ticket, ticket.merged_into_id)
    return target.number if target else None


def _category(ticket: Ticket) -> Any:
    """The ticket's category from the per-process catalogue (a query only if it is newer)."""
    return load_catalogue().categories_by_id.get(ticket.category_id) or ticket.category


class TicketSchema(Schema):
    """A ticket as hotline staff and inspectors read it (the complainant in full)."""

    number = fields.Str(metadata={"example": "20261001-000001"})
    status = fields.Str(metadata={"enum": STATUSES})
    channel = fields.Str()
    kind = fields.Str()
    category = fields.Function(
        lambda t: _category(t).code if t.category_id else None,
        allow_none=True,
        metadata={"type": "string", "description": "category code"},
    )
    category_name = fields.Function(
        lambda t: _category(t).name if t.category_id else None,
        allow_none=True,
        metadata={"type": "string"},
    )
    priority = fields.Str()
    description = fields.Str()
    unit = fields.Nested(UnitRefSchema, allow_none=True)
    assisting_units = fields.List(fields.Nested(UnitRefSchema))
    complainant = Inline(ComplainantSchema)
    location = Inline(LocationSchema)
    media = fields.Function(lambda t: media_links(t.media), metadata={"type": "array"})
    # Deadlines and milestones not reached yet are null, and documented so.
    accept_due_at = LocalDateTime(allow_none=True)
    resolve_due_at = LocalDateTime(allow_none=True)
    return_due_at = LocalDateTime(allow_none=True)
    callback_due_at = LocalDateTime(allow_none=True)
    escalation_level = fields.Str(
        allow_none=True, metadata={"description": "warning|overdue|supervision|interview"}
    )
    overdue = fields.Bool()
    rating = fields.Int(allow_none=True)
    reply = Inline(ReplyOutSchema, present=lambda t: t.reply_text is not None, allow_none=True)
    reopen_count = fields.Int()
    merged_into = fields.Function(_merged_into, allow_none=True, metadata={"type": "string"})
    dispatched_at = LocalDateTime(allow_none=True)
    accepted_at = LocalDateTime(allow_none=True)
    closed_at = LocalDateTime(allow_none=True)
    created_at = LocalDateTime()
    updated_at = LocalDateTime()
    version = fields.Int(metadata={"description": "send back as If-Match or `version`"})
    published_at = LocalDateTime(
        allow_none=True,
        metadata={"description": "when a supervisor approved publication (null: not public)"},
    )
    public_text = fields.Str(
        allow_none=True, metadata={"description": "what the public channels show"}
    )


class UnitTicketSchema(TicketSchema):
    """A ticket as its unit's staff read it (DESIGN §1)."""

    complainant = Inline(MaskedComplainantSchema)
    location = Inline(MaskedLocationSchema)


class TicketPageSchema(PageSchema):
    items = fields.List(fields.Nested(TicketSchema))


class EventSchema(Schema):
    id = fields.Int()
    type = fields.Str(metadata={"example": "dispatched"})
    at = LocalDateTime()
    actor = fields.Str(attribute="actor_label", allow_none=True)
    actor_id = fields.Int(allow_none=True)
    unit = fields.Str(attribute="unit_code", allow_none=True, metadata={"description": "unit code"})
    from_status = fields.Str(allow_none=True)
    to_status = fields.Str(allow_none=True)
    reason = fields.Str(allow_none=True)
    data = fields.Dict(allow_none=True)


_FULL = TicketSchema()
_MASKED = UnitTicketSchema()


def schema_for(actor: Actor) -> TicketSchema:
    """The dump schema of the actor's view; a special supervisor is the complainant of all they
    may read (their own filings, or their station's), so they read them in full."""
    return _FULL if actor.sees_full_personal_data or actor.is_filer else _MASKED


def shows_personal_data(actor: Actor, ticket: Ticket) -> bool:
    """Whether the actor's view of the ticket carries unmasked complainant data (→ audit); a
    special supervisor's own filing shows only themselves, a station colleague's is audited."""
    if actor.is_filer:
        return ticket.filed_by_id != actor.user_id and bool(ticket.complainant_phone)
    if actor.sees_full_personal_data:
        return bool(ticket.complainant_phone or ticket.complainant_name)
    return bool(ticket.disclose_identity and not ticket.confidential and ticket.complainant_name)
