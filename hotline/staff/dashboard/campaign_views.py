"""The inspectors' campaign pages on the dashboard: every unit's negative list to approve or send
back, overdue plan milestones, and every unit's commitments with their breaches."""

from __future__ import annotations

from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from hotline.campaign.commitments import breaches
from hotline.campaign.commitments import service as commitments
from hotline.campaign.commitments.models import CommitmentStatus
from hotline.campaign.lists import progress
from hotline.campaign.lists import service as lists
from hotline.campaign.lists.models import ItemStatus
from hotline.core.actor import Role
from hotline.core.clock import utcnow
from hotline.core.errors import HotlineError
from hotline.staff.access import current_actor, role_required
from hotline.staff.campaign_ui import labels
from hotline.staff.pages.ui import page_args, paginate, run_action
from hotline.units import service as units

bp = Blueprint("dashboard_campaign", __name__, url_prefix="/dashboard")
INSPECT = (Role.inspector,)


def _filters(statuses: tuple[str, ...]) -> tuple[str | None, int | None, dict[str, str]]:
    """The page's `status` and `unit` filters; an unknown value is dropped with a message."""
    status = request.args.get("status") or None
    if status not in (None, *statuses):
        status = None
    code = request.args.get("unit") or None
    unit_id = None
    if code:
        try:
            unit_id = units.get_by_code(code, field="unit").id
        except HotlineError as exc:
            flash(exc.message, "error")
            code = None
    args = {k: v for k, v in (("status", status), ("unit", code)) if v}
    return status, unit_id, args


@bp.route("/negative-lists")
@role_required(*INSPECT)
def negative_lists() -> str:
    status, unit_id, args = _filters(tuple(ItemStatus))
    page, per_page = page_args()
    items = paginate(
        lists.items_query(status=status, unit_id=unit_id), page=page, per_page=per_page
    )
    now = utcnow()
    return render_template(
        "dashboard/negative_lists.html",
        page=items,
        histories=lists.histories(i.id for i in items),
        overdue=progress.overdue_milestones(unit_id, now=now, limit=100),
        units=units.all_units(),
        statuses=labels()["ITEM_STATUS"],
        args=args,
        now=now,
        L=labels(),
    )


@bp.route("/negative-lists/<int:item_id>/<action>", methods=["POST"])
@role_required(*INSPECT)
def review_item(item_id: int, action: str) -> Response:
    """Approve a pending item (it becomes public) or send it back with the reason."""
    if action not in ("approve", "reject"):
        abort(404)
    actor = current_actor()
    form = request.form
    version = form.get("version", type=int)

    def review() -> None:
        item = lists.get_item(unit_id=None, item_id=item_id)
        if action == "approve":
            lists.approve(item=item, actor=actor, reason=form.get("reason"), version=version)
        else:
            lists.send_back(item=item, actor=actor, reason=form.get("reason"), version=version)

    return run_action(
        review,
        success=_("已审核通过，事项将向社会公开。") if action == "approve" else _("已退回修改。"),
        default_next=url_for("dashboard_campaign.negative_lists"),
    )


@bp.route("/commitments")
@role_required(*INSPECT)
def commitments_board() -> str:
    status, unit_id, args = _filters(tuple(CommitmentStatus))
    page, per_page = page_args()
    found = paginate(
        commitments.commitments_query(status=status, unit_id=unit_id),
        page=page,
        per_page=per_page,
    )
    return render_template(
        "dashboard/commitments.html",
        page=found,
        breaches=breaches.breaches_of(c.id for c in found),
        units=units.all_units(),
        statuses=labels()["COMMITMENT_STATUS"],
        args=args,
        L=labels(),
    )


@bp.route("/commitments/<int:commitment_id>/breaches", methods=["POST"])
@role_required(*INSPECT)
def add_breach(commitment_id: int) -> Response:
    """Record a ticket (by its number) that breaks the commitment."""
    form = request.form
    return run_action(
        lambda: breaches.add_breach(
            commitment_id=commitment_id,
            actor=current_actor(),
            ticket=(form.get("ticket") or "").strip() or None,
            note=form.get("note"),
        ),
        success=_("违诺已记录，并记入单位信用档案。"),
        default_next=url_for("dashboard_campaign.commitments_board"),
    )
