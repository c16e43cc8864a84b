"""Load and dump schemas of the assessment API (/api/v1/assessments)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from hotline.core.schemas import LocalDateTime


class AssessmentReadArgs(Schema):
    version = fields.Int(
        validate=validate.Range(min=1, max=10_000),
        metadata={"description": "a final version of the year (default: the latest)"},
    )
    draft = fields.Bool(
        metadata={
            "description": "computed now from the data, even when the year is final "
            "(inspectors and admins; what finalising again would store)"
        }
    )


class AssessmentFinaliseBody(Schema):
    reason = fields.Str(
        allow_none=True,
        validate=validate.Length(max=2_000),
        metadata={"description": "why; required when finalising again"},
    )


class AssessmentWeightsBody(Schema):
    weights = fields.Dict(
        keys=fields.Str(),
        values=fields.Raw(),
        required=True,
        metadata={
            "description": "{component key: weight} for every registered component, each ≥ 0, "
            "summing to 100",
            "example": {
                "hotline": 50,
                "negative_list": 10,
                "commitments": 10,
                "inspections": 10,
                "interviews": 20,
            },
        },
    )


class AssessmentUnitSchema(Schema):
    code = fields.Str()
    name = fields.Str()
    name_en = fields.Str(allow_none=True)


class AssessmentPartSchema(Schema):
    key = fields.Str()
    label = fields.Str()
    label_en = fields.Str()
    weight = fields.Float(metadata={"description": "the weight in effect for the year"})
    share = fields.Float(
        metadata={
            "description": "% of the total this part carries: weight ÷ Σ weights of the counted "
            "parts (= weight when every part counts and the weights sum to 100)"
        }
    )
    score = fields.Float(allow_none=True, metadata={"description": "0–100; null: no data"})
    points = fields.Float(
        allow_none=True, metadata={"description": "score × share ÷ 100; the total is their sum"}
    )
    counted = fields.Bool()
    apart = fields.Bool(metadata={"description": "too few tickets: not counted, unit not ranked"})
    figures = fields.Dict(metadata={"description": "the raw figures behind the score"})
    explanation = fields.Str()
    explanation_en = fields.Str()


class AssessmentRowSchema(Schema):
    unit = fields.Nested(AssessmentUnitSchema)
    total = fields.Float(allow_none=True)
    rank = fields.Int(allow_none=True)
    eligible = fields.Bool(
        metadata={"description": "dispatched ≥ ranking_min_tickets: ranked (else listed apart)"}
    )
    passed = fields.Bool(allow_none=True, metadata={"description": "total ≥ pass_score"})
    last = fields.Bool(metadata={"description": "last place (末位) of the ranking"})
    interview = fields.Dict(
        allow_none=True,
        metadata={"description": "falls short: {reason} (+ case, the interview case, once final)"},
    )
    parts = fields.List(fields.Nested(AssessmentPartSchema))


class AssessmentUserRefSchema(Schema):
    username = fields.Str()
    display_name = fields.Str(allow_none=True)


class AssessmentVersionSchema(Schema):
    version = fields.Int()
    finalised_at = LocalDateTime()
    finalised_by = fields.Nested(AssessmentUserRefSchema, allow_none=True)
    reason = fields.Str(allow_none=True)


class AssessmentVersionListSchema(Schema):
    year = fields.Int()
    items = fields.List(fields.Nested(AssessmentVersionSchema))


class AssessmentComponentSchema(Schema):
    key = fields.Str()
    label = fields.Str()
    label_en = fields.Str()
    weight = fields.Float()


class AssessmentSchema(Schema):
    year = fields.Int()
    final = fields.Bool(metadata={"description": "a frozen version (else a draft computed now)"})
    version = fields.Int(allow_none=True)
    latest_version = fields.Int(allow_none=True)
    finalised_at = LocalDateTime(allow_none=True)
    finalised_by = fields.Nested(AssessmentUserRefSchema, allow_none=True)
    reason = fields.Str(allow_none=True)
    computed_at = fields.Str(metadata={"description": "when the figures were read (ISO 8601)"})
    from_ = fields.Str(data_key="from", attribute="from")
    to = fields.Str()
    weights = fields.Dict()
    weights_source = fields.Str(metadata={"description": "year (set by an admin) or default"})
    pass_score = fields.Float()
    ranking_min_tickets = fields.Int()
    min_ranked = fields.Int(metadata={"description": "units a ranking needs to have a 末位"})
    components = fields.List(fields.Nested(AssessmentComponentSchema))
    ranked = fields.Int()
    items = fields.List(fields.Nested(AssessmentRowSchema))


class AssessmentWeightsSchema(Schema):
    year = fields.Int()
    weights = fields.Dict()
    source = fields.Str(metadata={"description": "year (set by an admin) or default"})
    defaults = fields.Dict()
    components = fields.List(fields.Nested(AssessmentComponentSchema))
