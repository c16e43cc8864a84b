"""The unit workbench: the unit's tickets by stage, and for heads escalations and interviews."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from hotline.core.actor import Role
from hotline.core.clock import to_local, utcnow
from hotline.escalations import answers, interviews, triggers
from hotline.staff.access import UNIT, current_actor, role_required
from hotline.staff.form_values import local_date, local_datetime
from hotline.staff.pages.ui import complainant, page_args, paginate, run_action
from hotline.staff.workbench import queries
from hotline.tickets import duplicates
from hotline.tickets import service as tickets
from hotline.tickets.transitions import offered
from hotline.units import service as units

bp = Blueprint("workbench", __name__, url_prefix="/workbench")


@bp.route("")
@role_required(*UNIT)
def index() -> str:
    actor = current_actor()
    tab = request.args.get("tab", "to_accept")
    if tab not in queries.TABS:
        tab = "to_accept"
    page, per_page = page_args()
    page_ = paginate(queries.tab_query(tab, actor.unit_id), page=page, per_page=per_page)
    pending = tickets.pending_request_types([t.id for t in page_.items])
    return render_template(
        "workbench/index.html",
        tab=tab,
        tabs=queries.TABS,
        counts=queries.tab_counts(actor.unit_id),
        page=page_,
        pending=pending,
        dups=duplicates.flagged_of(page_.items),
        people={t.id: complainant(t, actor) for t in page_.items},
        actions={t.id: offered(t, actor, pending.get(t.id, ())) for t in page_.items},
        units=units.active_units(),
    )


@bp.route("/escalations")
@role_required(Role.unit_head)
def escalations() -> str:
    actor = current_actor()
    page, per_page = page_args()
    return render_template(
        "workbench/escalations.html",
        page=paginate(
            queries.escalations(actor.unit_id), page=page, per_page=per_page, scalars=False
        ),
        today=to_local(utcnow()).date(),
    )


@bp.route("/escalations/<int:escalation_id>/respond", methods=["POST"])
@role_required(Role.unit_head)
def respond(escalation_id: int) -> Response:
    """The head's written answer to a 督办: the text and the planned date."""
    form = request.form
    return run_action(
        lambda: answers.respond(
            escalation_id=escalation_id,
            actor=current_actor(),
            text=form.get("text", ""),
            plan_due=local_date(form.get("plan_due"), "plan_due"),
        ),
        success=_("督办答复已提交。"),
        default_next=url_for("workbench.escalations"),
    )


@bp.route("/interviews", endpoint="interviews")
@role_required(Role.unit_head)
def interviews_list() -> str:
    actor = current_actor()
    page, per_page = page_args()
    cases = paginate(queries.interview_cases(actor.unit_id), page=page, per_page=per_page)
    return render_template(
        "workbench/interviews.html",
        page=cases,
        reasons=triggers.reasons_by_case([c.id for c in cases]),
    )


@bp.route("/interviews/<int:case_id>/commit", methods=["POST"])
@role_required(Role.unit_head)
def commit(case_id: int) -> Response:
    """The head writes the rectification commitment after the interview."""
    form = request.form
    return run_action(
        lambda: interviews.commit(
            case_id=case_id,
            actor=current_actor(),
            commitment=form.get("commitment", ""),
            commitment_due=local_datetime(form.get("commitment_due"), "commitment_due"),
        ),
        success=_("整改承诺已提交。"),
        default_next=url_for("workbench.interviews"),
    )


@bp.route("/interviews/<int:case_id>/rectify", methods=["POST"])
@role_required(Role.unit_head)
def rectify(case_id: int) -> Response:
    evidence = (request.form.get("evidence") or "").strip()
    commitment = (request.form.get("commitment") or "").strip() or None
    return run_action(
        lambda: interviews.rectify(
            case_id=case_id, actor=current_actor(), evidence=evidence, commitment=commitment
        ),
        success=_("整改材料已提交。"),
        default_next=url_for("workbench.interviews"),
    )
