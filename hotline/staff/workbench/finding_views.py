"""The unit head's findings (明察暗访 and special inspections of the unit): what is to rectify,
what awaits the inspector, what is done; the head answers with what was done and evidence."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request, url_for
from flask_babel import gettext as _

from hotline.campaign.inspections import files, findings
from hotline.core.actor import Role
from hotline.core.clock import utcnow
from hotline.core.web.body_limit import accepts_uploads
from hotline.staff import inspections as shared
from hotline.staff.access import current_actor, role_required
from hotline.staff.pages.ui import page_args, paginate, run_action
from hotline.staff.workbench import queries

bp = Blueprint("workbench_findings", __name__, url_prefix="/workbench/findings")
bp.record_once(lambda state: shared.register(state.app))
accepts_uploads("workbench_findings.answer")  # the answer carries evidence files
TABS = ("open", "answered", "rectified")


@bp.route("")
@role_required(Role.unit_head)
def index() -> str:
    actor = current_actor()
    tab = request.args.get("tab", "open")
    if tab not in TABS:
        tab = "open"
    page, per_page = page_args()
    shown = paginate(findings.list_query(actor=actor, status=tab), page=page, per_page=per_page)
    return render_template(
        "workbench/findings.html",
        tab=tab,
        tabs=TABS,
        counts=queries.finding_counts(actor.unit_id),
        page=shown,
        evidence=files.of_inspections({f.inspection_id for f in shown}),
        now=utcnow(),
    )


@bp.route("/<int:finding_id>/answer", methods=["POST"])
@role_required(Role.unit_head)
def answer(finding_id: int) -> Response:
    """The head's answer: what was rectified, with evidence files."""
    return run_action(
        lambda: findings.answer(
            finding_id=finding_id,
            actor=current_actor(),
            text=request.form.get("text"),
            uploads=request.files.getlist("files"),
        ),
        success=_("整改情况已提交，等待督查审核。"),
        default_next=url_for("workbench_findings.index"),
    )


@bp.route("/files/<int:inspection_id>/<name>")
@role_required(Role.unit_head)
def file(inspection_id: int, name: str) -> Response:
    return shared.send_file(inspection_id, name)
