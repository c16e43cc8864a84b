"""Pages: /dashboard/hotspots (district × category × week, spikes flagged), the drill-down to
one cell's tickets and places, and the XLSX/CSV export of what the page shows."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

from flask import Blueprint, Response, abort, flash, render_template, request
from flask_babel import gettext as _

from hotline.catalogue import service as catalogue
from hotline.core.actor import Role
from hotline.core.clock import local_tz, utcnow
from hotline.core.errors import ValidationFailed
from hotline.metrics import hotspots
from hotline.staff.access import role_required
from hotline.staff.dashboard import exports

bp = Blueprint("hotspots", __name__)
# The oversight office, the hotline's supervisors (who route) and admins; not the units.
READERS = (Role.inspector, Role.admin, Role.supervisor)
# A cell's "not given" district or category travels in links as this value.
NONE = "-"
# The most anomalous series whose top addresses and streets the page shows.
TOP_PLACES = 10
# Lines on the chart: more than five no longer read.
CHART_SERIES = 5


def _form_args() -> dict[str, str]:
    return {k: v for k, v in request.args.items() if k in ("from", "to", "district", "category")}


def _choices() -> dict[str, Any]:
    return {"districts": catalogue.districts(), "categories": catalogue.active_categories()}


@bp.route("/dashboard/hotspots")
@role_required(*READERS)
def index() -> str:
    args = _form_args()
    try:
        result = hotspots.compute(**hotspots.parse_filters(args))
    except ValidationFailed as exc:
        flash(exc.message, "error")
        # The default view, and links (export, drill-down) without the refused values.
        args = {}
        result = hotspots.compute(**hotspots.parse_filters(args))
    top = [s for s in result.series if s.spiking][:TOP_PLACES]
    places = _places(result.weeks, top)
    return render_template(
        "dashboard/hotspots.html",
        result=result,
        places_of=lambda s: places[id(s)],
        top_places=TOP_PLACES,
        peak=lambda s: _peak(result.weeks, s),
        chart_series=[
            {
                "label": f"{s.district or _('未注明')} · {s.category_name or _('未分类')}",
                "counts": s.counts,
                "spikes": s.spikes,
            }
            for s in top[:CHART_SERIES]
        ],
        args=args,
        none_value=NONE,
        label=hotspots.week_label,
        week_labels=[hotspots.week_label(m) for m in result.weeks],
        **_choices(),
    )


def _places(weeks: list[date], shown: list[hotspots.Series]) -> dict[int, dict]:
    """The top streets and addresses of each series' peak week: one query per distinct week
    (usually one, the current)."""
    by_week: dict[date, list[hotspots.Series]] = {}
    for s in shown:
        by_week.setdefault(_peak(weeks, s), []).append(s)
    out = {}
    for monday, group in by_week.items():
        keys = [(s.district, s.category_id) for s in group]
        found = hotspots.places_of_cells(keys, monday=monday)
        out.update({id(s): found[(s.district, s.category_id)] for s in group})
    return out


def _peak(weeks: list[date], series: hotspots.Series) -> date:
    """The week where a series is most anomalous (the latest on a tie)."""
    best = max(range(len(weeks)), key=lambda i: (series.scores[i], i))
    return weeks[best]


@bp.route("/dashboard/hotspots/cell")
@role_required(*READERS)
def cell() -> str:
    """One district × category × week: its tickets and where they come from."""
    try:
        monday = hotspots.parse_week(request.args.get("week"))
        district = _none_or(request.args.get("district"), 60, "district")
        code = _none_or(request.args.get("category"), 40, "category")
        category = catalogue.get_by_code(code, field="category") if code else None
    except ValidationFailed as exc:
        abort(400, exc.message)
    category_id = category.id if category else None
    return render_template(
        "dashboard/hotspot_cell.html",
        monday=monday,
        week=hotspots.week_label(monday),
        sunday=monday + timedelta(days=6),
        district=district,
        category=category,
        tickets=hotspots.cell_tickets(district=district, category_id=category_id, monday=monday),
        places=hotspots.top_places(district=district, category_id=category_id, monday=monday),
        limit=hotspots.CELL_TICKETS_MAX,
        args=_form_args(),
    )


def _none_or(value: str | None, limit: int, name: str) -> str | None:
    text = (value or "").strip()
    if not text:
        raise ValidationFailed(f"{name} is missing", fields={name: ["missing"]})
    return None if text == NONE else text[:limit]


@bp.route("/dashboard/hotspots/export.<fmt>")
@role_required(*READERS)
def export(fmt: str) -> Response:
    """The page's table: one row per district × category, a column per week, spikes marked."""
    try:
        exports.check_format(fmt)
        result = hotspots.compute(**hotspots.parse_filters(request.args))
    except ValidationFailed as exc:
        abort(400, exc.message)
    buffer = io.BytesIO()
    exports.write(fmt, export_headers(result), export_rows(result), buffer)
    stamp = utcnow().astimezone(local_tz()).strftime("%Y%m%d-%H%M")
    return Response(
        buffer.getvalue(),
        mimetype=exports.FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="hotspots-{stamp}.{fmt}"'},
    )


def export_headers(result: hotspots.Hotspots) -> list[str]:
    weeks = [hotspots.week_label(m) for m in result.weeks]
    return [_("区域"), _("类别代码"), _("类别"), *weeks, _("突增周"), _("最高异常度")]


def export_rows(result: hotspots.Hotspots) -> list[list]:
    rows = []
    for s in result.series:
        pairs = zip(result.weeks, s.spikes, strict=True)
        spiking = [hotspots.week_label(m) for m, hot in pairs if hot]
        rows.append(
            [
                s.district or _("未注明"),
                s.category_code or "",
                s.category_name or _("未分类"),
                *s.counts,
                " ".join(spiking),
                s.score,
            ]
        )
    return rows
