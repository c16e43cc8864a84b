"""Load and dump schemas of /api/v1/knowledge."""

from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from hotline.core.schemas import LocalDateTime, PageArgsSchema, PageSchema
from hotline.core.timebounds import OUT_OF_RANGE, instant_in_range
from hotline.knowledge.service import LIMITS, today
from hotline.units.schemas import UnitRefSchema

# A required text has something besides white space (else the service refuses it as missing).
NOT_BLANK = validate.Regexp(r"\S", error="required")
# Enough for any question typed or pasted; the search itself reads the start of it
# (hotline/core/fulltext.MAX_QUERY_CHARS).
MAX_QUERY = 10_000


class Day(fields.Date):
    """A local date (YYYY-MM-DD) the hotline's calendar can hold (2000–2099)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        parsed = super()._deserialize(value, attr, data, **kwargs)
        if not instant_in_range(parsed):
            raise ValidationError(OUT_OF_RANGE)
        return parsed


def _text(field: str, **kwargs: Any) -> fields.Str:
    return fields.Str(validate=validate.Length(max=LIMITS[field]), **kwargs)


class ArticleBody(Schema):
    title = fields.Str(
        required=True, validate=[validate.Length(min=1, max=LIMITS["title"]), NOT_BLANK]
    )
    body = fields.Str(
        required=True,
        validate=[validate.Length(min=1, max=LIMITS["body"]), NOT_BLANK],
        metadata={"description": "the answer as an operator gives it (答复口径)"},
    )
    category = fields.Str(
        allow_none=True,
        validate=validate.Length(max=40),
        metadata={"description": "a category code (GET /api/v1/categories)"},
    )
    unit = fields.Str(
        allow_none=True,
        validate=validate.Length(max=40),
        metadata={"description": "the unit whose answer it is, by code"},
    )
    valid_from = Day(allow_none=True, metadata={"description": "first local day in force"})
    valid_to = Day(
        allow_none=True, metadata={"description": "last local day in force (≥ valid_from)"}
    )
    source = _text(
        "source",
        allow_none=True,
        metadata={"description": "where the answer comes from: a regulation, a unit's 口径"},
    )


class ArticleUpdate(ArticleBody):
    version = fields.Int(
        required=True,
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "the version you edited (409 when stale)"},
    )


class VersionBody(Schema):
    version = fields.Int(
        required=True,
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "the version you saw (409 when stale)"},
    )


class ArticleListArgs(PageArgsSchema):
    q = fields.Str(
        validate=validate.Length(max=MAX_QUERY),
        metadata={"description": "words in Chinese or English; blank: the newest articles"},
    )
    category = fields.Str(validate=validate.Length(max=40))
    unit = fields.Str(validate=validate.Length(max=40))
    include_all = fields.Bool(
        data_key="all",
        load_default=False,
        metadata={
            "description": "admins and supervisors: archived articles and those outside their "
            "dates too (others 403)"
        },
    )


class CategoryRefSchema(Schema):
    code = fields.Str()
    name = fields.Str()


class RevisionSchema(Schema):
    version = fields.Int(metadata={"description": "the article's version after the change"})
    action = fields.Str(metadata={"description": "created, edited, archived or restored"})
    at = LocalDateTime()
    actor = fields.Str(attribute="actor_label", allow_none=True)
    changes = fields.Dict(metadata={"description": 'each changed field: {"from": old, "to": new}'})


class ArticleSchema(Schema):
    id = fields.Int()
    title = fields.Str()
    body = fields.Str()
    category = fields.Nested(CategoryRefSchema, allow_none=True)
    unit = fields.Nested(UnitRefSchema, allow_none=True)
    valid_from = fields.Date(allow_none=True)
    valid_to = fields.Date(allow_none=True)
    source = fields.Str(allow_none=True)
    status = fields.Str(metadata={"description": "active or archived"})
    in_force = fields.Function(
        lambda article: article.in_force(today()),
        metadata={"description": "active and within its dates today (what the console finds)"},
    )
    version = fields.Int()
    created_at = LocalDateTime()
    updated_at = LocalDateTime()


class ArticleDetailSchema(ArticleSchema):
    revisions = fields.List(fields.Nested(RevisionSchema), metadata={"description": "oldest first"})


class ArticlePageSchema(PageSchema):
    items = fields.List(fields.Nested(ArticleSchema))
