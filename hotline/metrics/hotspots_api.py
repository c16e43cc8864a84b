"""API: GET /metrics/hotspots, the hot-spot dashboard's data (district × category × week)."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from hotline.core.actor import Actor, Role
from hotline.core.bearer import BEARER, token_required
from hotline.core.extensions import csrf
from hotline.metrics import hotspots

blp = Blueprint("hotspots_api", __name__, description="Hot spots (热点) by district and category.")
csrf.exempt(blp)

# The same roles as the page: the oversight office, the hotline's supervisors and admins.
READERS = (Role.inspector, Role.admin, Role.supervisor)
WEEK = "a week as 2026-W49 or any day in it as 2026-12-02"


class HotspotArgs(Schema):
    from_ = fields.Str(
        data_key="from",
        validate=validate.Length(max=20),
        metadata={"description": f"first week shown ({WEEK}); default 8 weeks before `to`"},
    )
    to = fields.Str(
        validate=validate.Length(max=20),
        metadata={"description": f"last week shown ({WEEK}); default the current week"},
    )
    district = fields.Str(validate=validate.Length(max=60))
    category = fields.Str(
        validate=validate.Length(max=40), metadata={"description": "a category code"}
    )
    spikes = fields.Bool(metadata={"description": "only the cells flagged as spikes"})


class HotspotCategorySchema(Schema):
    code = fields.Str(allow_none=True)
    name = fields.Str(allow_none=True)


class HotspotCellSchema(Schema):
    district = fields.Str(allow_none=True, metadata={"description": "null: not given"})
    category = fields.Nested(
        HotspotCategorySchema, metadata={"description": "code null: unclassified"}
    )
    week = fields.Str(metadata={"description": "ISO week, local time (2026-W49)"})
    week_start = fields.Date(metadata={"description": "its Monday"})
    count = fields.Int(metadata={"description": "tickets filed that week"})
    average = fields.Float(metadata={"description": "mean weekly count of the 8 weeks before"})
    spike = fields.Bool(metadata={"description": "count ≥ max(min_count, spike_factor × average)"})
    score = fields.Float(metadata={"description": "(count − average) / √(average + 1)"})


class HotspotsSchema(Schema):
    weeks = fields.List(fields.Str())
    spike_factor = fields.Float()
    min_count = fields.Int()
    cells = fields.List(
        fields.Nested(HotspotCellSchema),
        metadata={"description": "cells with tickets, the most anomalous first"},
    )


@blp.route("/metrics/hotspots")
@blp.doc(security=BEARER)
@blp.arguments(HotspotArgs, location="query")
@blp.response(200, HotspotsSchema)
@token_required(READERS)
def hotspot_cells(args: dict, *, actor: Actor) -> dict:
    """Tickets per district × category × local ISO week, each against its trailing 8-week
    average; spikes flagged (HOTSPOT_SPIKE_FACTOR, HOTSPOT_MIN_COUNT)."""
    query = {"from": args.get("from_"), **args}
    result = hotspots.compute(**hotspots.parse_filters(query))
    cells = []
    for s in result.series:
        for i, monday in enumerate(result.weeks):
            if not s.counts[i] or (args.get("spikes") and not s.spikes[i]):
                continue
            cells.append(
                {
                    "district": s.district,
                    "category": {"code": s.category_code, "name": s.category_name},
                    "week": hotspots.week_label(monday),
                    "week_start": monday,
                    "count": s.counts[i],
                    "average": s.averages[i],
                    "spike": s.spikes[i],
                    "score": s.scores[i],
                }
            )
    cells.sort(key=lambda c: (not c["spike"], -c["score"], -c["count"]))
    return {
        "weeks": [hotspots.week_label(m) for m in result.weeks],
        "spike_factor": result.settings.spike_factor,
        "min_count": result.settings.min_count,
        "cells": cells,
    }
