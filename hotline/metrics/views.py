"""API: /metrics (the figures and ranking) and /calendar/status; thin views."""

from __future__ import annotations

from datetime import date

from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from hotline.core.actor import Actor, Role
from hotline.core.bearer import BEARER, token_required
from hotline.core.clock import to_local, utcnow
from hotline.core.errors import Forbidden
from hotline.core.extensions import csrf
from hotline.core.timebounds import OUT_OF_RANGE, year_in_range
from hotline.escalations.views import calendar_warnings
from hotline.metrics import service
from hotline.sla import admin as calendar_admin
from hotline.units import service as units

blp = Blueprint("metrics", __name__, description="Figures (考核) and the working-day calendar.")
csrf.exempt(blp)

READERS = (Role.inspector, Role.admin, Role.supervisor, Role.unit_agent, Role.unit_head)


class MetricsArgs(Schema):
    from_ = fields.Date(
        data_key="from",
        metadata={
            "description": "first local day (default: 1st of this month); "
            f"the year {OUT_OF_RANGE}; at most 3 years before `to` (else 422 `range too long`)"
        },
    )
    to = fields.Date(
        metadata={
            "description": "last local day, inclusive (default: today); "
            f"the year {OUT_OF_RANGE}; not before `from` (else 422 `before from`)"
        }
    )
    unit = fields.Str(validate=validate.Length(max=40))
    period = fields.Str(validate=validate.OneOf(service.PERIODS))

    @validates_schema
    def _years(self, data: dict, **_kwargs: object) -> None:
        for key, name in (("from_", "from"), ("to", "to")):
            if key in data and not year_in_range(data[key].year):
                raise ValidationError(OUT_OF_RANGE, field_name=name)


class MetricsRowSchema(Schema):
    period = fields.Str()
    unit = fields.Dict()
    counts = fields.Dict(metadata={"description": "the counters of docs/FIGURES.md"})
    rates = fields.Dict(
        metadata={"description": "response, on_time, resolution, satisfaction, return, reopen"}
    )
    score = fields.Float(allow_none=True)
    rank = fields.Int(allow_none=True)
    ranked = fields.Int(metadata={"description": "units ranked in this period"})
    eligible = fields.Bool(
        metadata={
            "description": "dispatched ≥ ranking_min_tickets: takes part in the ranking "
            "(false: 样本不足，不参与排名, no rank)"
        }
    )
    appeals = fields.Dict(
        metadata={"description": "rating appeals filed in the period: pending, upheld, denied"}
    )
    supervisor_reports = fields.Dict(
        metadata={
            "description": "监督员反映: tickets special supervisors filed in the period, by the "
            "unit now responsible: filed, answered (replied or closed by now); counted apart, "
            "the rates count them as any ticket"
        }
    )


class MetricsSchema(Schema):
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    period = fields.Str(allow_none=True)
    weights = fields.Dict()
    satisfied_min = fields.Int()
    unrated_as_satisfied = fields.Bool()
    ranking_min_tickets = fields.Int()
    items = fields.List(fields.Nested(MetricsRowSchema))
    warnings = fields.List(fields.Str())


class CalendarYearSchema(Schema):
    year = fields.Int()
    loaded = fields.Bool()


class CalendarStatusSchema(Schema):
    years = fields.List(fields.Nested(CalendarYearSchema))
    warnings = fields.List(fields.Str())


@blp.route("/metrics")
@blp.doc(security=BEARER)
@blp.arguments(MetricsArgs, location="query")
@blp.response(200, MetricsSchema)
@token_required(READERS)
def metrics(args: dict, *, actor: Actor) -> dict:
    """Per unit and period: counters, the rates, composite score and rank."""
    today = to_local(utcnow()).date()
    start: date = args.get("from_") or today.replace(day=1)
    end: date = args.get("to") or today
    unit = units.get_by_code(args["unit"], field="unit") if args.get("unit") else None
    unit_id = unit.id if unit else None
    if actor.role in (Role.unit_agent, Role.unit_head):
        if unit is not None and unit.id != actor.unit_id:
            raise Forbidden("unit staff see only their own unit's figures")
        unit_id = actor.unit_id
    period = args.get("period")
    rows = service.figures(start=start, end=end, unit_id=unit_id, period=period)
    cfg = service.settings()
    return {
        "from_": start,
        "to": end,
        "period": period,
        "weights": dict(cfg.weights),
        "satisfied_min": cfg.satisfied_min,
        "unrated_as_satisfied": cfg.unrated_as_satisfied,
        "ranking_min_tickets": cfg.ranking_min_tickets,
        "items": rows,
        "warnings": calendar_warnings(actor),
    }


@blp.route("/calendar/status")
@blp.doc(security=BEARER)
@blp.response(200, CalendarStatusSchema)
@token_required((Role.inspector, Role.admin, Role.supervisor, Role.operator))
def calendar_status(*, actor: Actor) -> dict:
    """Whether this and next year's working-day calendar is loaded; warnings if not."""
    return calendar_admin.status()
