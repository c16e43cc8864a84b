"""/admin/supervisors: admins appoint and retire special supervisors (特邀监督员), alone or as a
monitoring station's staff, and see what each has filed."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from hotline.campaign.supervisors import service
from hotline.core.actor import Role
from hotline.core.clock import utcnow
from hotline.core.errors import ValidationFailed
from hotline.staff.access import current_actor, role_required
from hotline.staff.pages.ui import run_action
from hotline.units import service as units

bp = Blueprint("admin_supervisors", __name__, url_prefix="/admin/supervisors")


def _date(field: str) -> date | None:
    """A YYYY-MM-DD form field (empty: None); ValidationFailed naming it otherwise."""
    raw = (request.form.get(field) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationFailed(f"{field} must be YYYY-MM-DD", fields={field: ["a date"]}) from exc


@bp.route("", methods=["GET", "POST"])
@role_required(Role.admin)
def index() -> str | Response:
    if request.method == "POST":
        form = request.form
        return run_action(
            lambda: service.appoint(
                actor=current_actor(),
                now=utcnow(),
                username=form.get("username", ""),
                password=form.get("password", ""),
                name=form.get("name", ""),
                phone=form.get("phone", ""),
                affiliation=form.get("affiliation"),
                appointed_on=_date("appointed_on"),
                term_ends_on=_date("term_ends_on"),
                station=form.get("station") or None,
            ),
            success=_("已聘任。"),
            default_next=url_for("admin_supervisors.index"),
        )
    return render_template(
        "admin/supervisors.html",
        roster=service.roster(now=utcnow()),
        stations=units.stations(),
    )


@bp.route("/<int:user_id>/retire", methods=["POST"])
@role_required(Role.admin)
def retire(user_id: int) -> Response:
    return run_action(
        lambda: service.retire(
            actor=current_actor(),
            user_id=user_id,
            now=utcnow(),
            reason=request.form.get("reason"),
        ),
        success=_("已解聘，该监督员不能再登录。"),
        default_next=url_for("admin_supervisors.index"),
    )
