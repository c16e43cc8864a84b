"""Pages: /dashboard/assessment/{year} (table, breakdown, chart, finalise), its export, and
/admin/assessment/weights."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from hotline.campaign.assessment import finalise, registry, service, weights
from hotline.core.actor import Role
from hotline.core.clock import format_local, to_local, utcnow
from hotline.staff.access import current_actor, role_required
from hotline.staff.assessment import tables
from hotline.staff.dashboard import exports
from hotline.staff.pages.ui import run_action

bp = Blueprint("assessment", __name__)
READERS = (Role.inspector, Role.admin)


def _this_year() -> int:
    return to_local(utcnow()).year


@bp.route("/dashboard/assessment")
@role_required(*READERS)
def index() -> Response:
    return redirect(url_for("assessment.year", year=_this_year()))


@bp.route("/dashboard/assessment/<int:year>")
@role_required(*READERS)
def year(year: int) -> str:
    draft = request.args.get("draft") == "1"
    result = service.read(year=year, actor=current_actor(), draft=draft)
    return render_template(
        "assessment/year.html",
        result=result,
        year=year,
        this_year=_this_year(),
        draft=draft,
        versions=service.versions(year=year, actor=current_actor()),
        chart=service.monthly_composite(year),
        t=tables,
    )


@bp.route("/dashboard/assessment/<int:year>/finalise", methods=["POST"])
@role_required(Role.inspector)
def finalise_year(year: int) -> Response:
    return run_action(
        lambda: finalise.finalise(
            year=year, actor=current_actor(), reason=request.form.get("reason")
        ),
        success=_("已定稿。"),
        default_next=url_for("assessment.year", year=year),
    )


@bp.route("/dashboard/assessment/<int:year>/export.<fmt>")
@role_required(*READERS)
def export(year: int, fmt: str) -> Response:
    """What the page shows (the final version, or the draft), as XLSX or CSV."""
    exports.check_format(fmt)
    result = service.read(year=year, actor=current_actor(), draft=request.args.get("draft") == "1")
    stamp = format_local(utcnow(), "minute").replace("-", "").replace(":", "").replace(" ", "-")
    name = f"assessment-{year}-{'v' + str(result['version']) if result['final'] else 'draft'}"
    return Response(
        tables.render_export(result, fmt),
        mimetype=exports.FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}-{stamp}.{fmt}"'},
    )


@bp.route("/admin/assessment/weights", methods=["GET", "POST"])
@role_required(Role.admin)
def weights_form() -> str | Response:
    chosen = request.values.get("year", type=int) or _this_year()
    if request.method == "POST":
        return run_action(
            lambda: weights.save(
                year=chosen,
                weights=tables.weights_from_form(request.form, registry.keys()),
                actor=current_actor(),
            ),
            success=_("已保存。"),
            default_next=url_for("assessment.weights_form", year=chosen),
        )
    return render_template(
        "assessment/weights.html",
        year=chosen,
        this_year=_this_year(),
        view=weights.view(chosen),
        t=tables,
    )
