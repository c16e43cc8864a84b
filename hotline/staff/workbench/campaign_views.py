"""The unit head's campaign pages in the workbench: the unit's negative list (负面清单) with its
plans, and its public commitments (承诺)."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from hotline.campaign.commitments import breaches
from hotline.campaign.commitments import service as commitments
from hotline.campaign.lists import service as lists
from hotline.core.actor import Role
from hotline.core.clock import utcnow
from hotline.staff.access import current_actor, role_required
from hotline.staff.campaign_ui import SPARE_ROWS, labels, milestones_from_form
from hotline.staff.pages.ui import run_action

bp = Blueprint("workbench_campaign", __name__, url_prefix="/workbench")
HEAD = (Role.unit_head,)


@bp.route("/negative-list")
@role_required(*HEAD)
def negative_list() -> str:
    actor = current_actor()
    items = lists.list_items(unit_id=actor.unit_id)
    return render_template(
        "workbench/negative_list.html",
        items=items,
        histories=lists.histories(i.id for i in items),
        spare=SPARE_ROWS,
        now=utcnow(),
        L=labels(),
    )


def _texts() -> dict[str, str]:
    form = request.form
    return {k: form.get(k, "") for k in ("title", "description", "measures", "responsible_person")}


@bp.route("/negative-list", methods=["POST"])
@role_required(*HEAD)
def add_item() -> Response:
    """A new item with its plan; it waits for an inspector's approval."""
    actor = current_actor()
    return run_action(
        lambda: lists.create_item(
            unit=current_user.unit,
            actor=actor,
            milestones=milestones_from_form(request.form),
            **_texts(),
        ),
        success=_("已提交，等待督查审核。"),
        default_next=url_for("workbench_campaign.negative_list"),
    )


@bp.route("/negative-list/<int:item_id>/edit", methods=["POST"])
@role_required(*HEAD)
def edit_item(item_id: int) -> Response:
    """The head's edit of an item and its plan (an approved one goes back to approval)."""
    actor = current_actor()

    def edit() -> None:
        item = lists.get_item(unit_id=actor.unit_id, item_id=item_id)
        changes = {**_texts(), "milestones": milestones_from_form(request.form)}
        version = request.form.get("version", type=int)
        lists.update_item(item=item, actor=actor, changes=changes, version=version)

    return run_action(
        edit,
        success=_("已保存；修改后的事项需督查重新审核。"),
        default_next=url_for("workbench_campaign.negative_list"),
    )


@bp.route("/negative-list/<int:item_id>/milestones/<int:milestone_id>/done", methods=["POST"])
@role_required(*HEAD)
def milestone_done(item_id: int, milestone_id: int) -> Response:
    actor = current_actor()

    def done() -> None:
        item = lists.get_item(unit_id=actor.unit_id, item_id=item_id)
        note = request.form.get("note", "")
        lists.mark_done(item=item, milestone_id=milestone_id, actor=actor, note=note)

    return run_action(
        done,
        success=_("节点已标记完成。"),
        default_next=url_for("workbench_campaign.negative_list"),
    )


@bp.route("/commitments")
@role_required(*HEAD)
def commitments_page() -> str:
    actor = current_actor()
    items = commitments.list_commitments(actor=actor)
    return render_template(
        "workbench/commitments.html",
        items=items,
        breaches=breaches.breaches_of(c.id for c in items),
        L=labels(),
    )


@bp.route("/commitments", methods=["POST"])
@role_required(*HEAD)
def add_commitment() -> Response:
    actor = current_actor()
    form = request.form
    return run_action(
        lambda: commitments.create(
            actor=actor,
            unit=current_user.unit.code,
            staff_name=form.get("staff_name", ""),
            text=form.get("text", ""),
            measure=form.get("measure", ""),
        ),
        success=_("承诺已公布。"),
        default_next=url_for("workbench_campaign.commitments_page"),
    )


@bp.route("/commitments/<int:commitment_id>/retire", methods=["POST"])
@role_required(*HEAD)
def retire_commitment(commitment_id: int) -> Response:
    return run_action(
        lambda: commitments.retire(
            commitment_id=commitment_id,
            actor=current_actor(),
            reason=request.form.get("reason", ""),
        ),
        success=_("承诺已撤销，记录保留。"),
        default_next=url_for("workbench_campaign.commitments_page"),
    )
