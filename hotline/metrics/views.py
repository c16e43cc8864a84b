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
from hotline.metrics import phone, service
from hotline.sla import admin as calendar_admin
from hotline.units import service as units

blp = Blueprint("metrics", __name__, description="Figures (考核) and the working-day calendar.")
csrf.exempt(blp)

READERS = (Role.inspector, Role.admin, Role.supervisor, Role.unit_agent, Role.unit_head)
# The phone line's figures: the hotline itself, the oversight office and admins (not units).
PHONE_READERS = (Role.operator, Role.supervisor, Role.inspector, Role.admin)


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


class PhoneArgs(Schema):
    from_ = fields.Date(
        data_key="from",
        metadata={"description": f"first local day (default: today); the year {OUT_OF_RANGE}"},
    )
    to = fields.Date(
        metadata={
            "description": "last local day, inclusive (default: today); not before `from` "
            "(else 422 `before from`); at most 3 years after it"
        }
    )

    @validates_schema
    def _years(self, data: dict, **_kwargs: object) -> None:
        for key, name in (("from_", "from"), ("to", "to")):
            if key in data and not year_in_range(data[key].year):
                raise ValidationError(OUT_OF_RANGE, field_name=name)


class PhoneOperatorSchema(Schema):
    id = fields.Int()
    username = fields.Str(allow_none=True)
    name = fields.Str(allow_none=True)


class OperatorFiguresSchema(Schema):
    operator = fields.Nested(PhoneOperatorSchema)
    answered = fields.Int(metadata={"description": "calls this operator took from the queue"})
    average_handle_seconds = fields.Float(
        allow_none=True, metadata={"description": "mean time from answer to hang-up"}
    )
    resolved_at_source = fields.Int(
        metadata={"description": "phone tickets of the period they closed at source (直接办结)"}
    )


def _rate(text: str) -> fields.Float:
    return fields.Float(allow_none=True, metadata={"description": text + "; null with no calls"})


class PhoneFiguresSchema(Schema):
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    calls_offered = fields.Int(
        metadata={"description": "calls that reached the operators' queue (offered that day)"}
    )
    calls_answered = fields.Int(metadata={"description": "taken by an operator"})
    calls_abandoned = fields.Int(metadata={"description": "the caller hung up while waiting"})
    calls_timed_out = fields.Int(
        metadata={"description": "left the queue after the longest wait, to leave a message"}
    )
    calls_out_of_hours = fields.Int(
        metadata={"description": "arrived outside VOICE_OPEN_HOURS (not offered)"}
    )
    answer_rate = _rate("answered / offered")
    answered_within_15s_rate = _rate("answered after at most 15 s in the queue / offered")
    average_wait_seconds = fields.Float(
        allow_none=True, metadata={"description": "mean queue wait of the answered calls"}
    )
    phone_tickets = fields.Int(metadata={"description": "phone tickets created in the period"})
    resolved_at_source = fields.Int(
        metadata={"description": "of them, closed at source (a resolved_at_source event)"}
    )
    resolved_at_source_rate = fields.Float(
        allow_none=True, metadata={"description": "resolved_at_source / phone_tickets"}
    )
    per_operator = fields.List(fields.Nested(OperatorFiguresSchema))


@blp.route("/metrics/hotline")
@blp.doc(security=BEARER)
@blp.arguments(PhoneArgs, location="query")
@blp.response(200, PhoneFiguresSchema)
@token_required(PHONE_READERS)
def phone_figures(args: dict, *, actor: Actor) -> dict:
    """Hotline service figures of the phone line over local days (default: today)."""
    today = to_local(utcnow()).date()
    start: date = args.get("from_") or today
    end: date = args.get("to") or today
    return phone.figures(start=start, end=end)
