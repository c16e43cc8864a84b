"""The inspector's spot checks (明察暗访) and special inspections: the list, the form that
records a visit with its findings and evidence, an inspection's page and a finding's page with
accept / send back."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from hotline.campaign.inspections import files, findings, history, service
from hotline.core import uow
from hotline.core.actor import Role
from hotline.core.clock import to_local, utcnow
from hotline.core.errors import HotlineError, ValidationFailed
from hotline.core.web.body_limit import accepts_uploads
from hotline.staff import inspections as shared
from hotline.staff.access import current_actor, role_required
from hotline.staff.form_values import local_date
from hotline.staff.pages.ui import page_args, paginate, run_action
from hotline.units import service as units

bp = Blueprint("dashboard_inspections", __name__, url_prefix="/dashboard/inspections")
bp.record_once(lambda state: shared.register(state.app))
# A visit's form and its evidence form carry files; every other page takes small bodies.
accepts_uploads("dashboard_inspections.new")
accepts_uploads("dashboard_inspections.add_files")
INSPECT = (Role.inspector,)
FORM_ROWS = 5  # blank finding rows on the form; a row left empty is not a finding


def _filters() -> dict[str, str]:
    return {k: v for k, v in request.args.items() if k in ("unit", "status", "kind") and v}


@bp.route("")
@role_required(*INSPECT)
def index() -> str:
    page, per_page = page_args()
    args = _filters()
    try:
        query = service.list_query(actor=current_actor(), **args)
    except HotlineError as exc:  # an unknown unit code in the filter
        flash(exc.message, "error")
        query = service.list_query(actor=current_actor())
    return render_template(
        "dashboard/inspections.html",
        page=paginate(query, page=page, per_page=per_page),
        units=units.all_units(),
        args=args,
        now=utcnow(),
    )


def _finding_rows() -> list[dict[str, str]]:
    """The finding rows as typed, blank ones dropped (shown again if the form is refused)."""
    form = request.form
    rows = zip(
        form.getlist("finding_text"),
        form.getlist("finding_severity"),
        form.getlist("finding_due"),
        strict=False,
    )
    return [
        {"text": text, "severity": severity, "rectify_due": due}
        for text, severity, due in rows
        if text.strip() or due.strip()
    ]


def _draft(index: int, row: dict[str, str]) -> service.FindingDraft:
    due: date | None = None
    if row["rectify_due"].strip():
        try:
            due = local_date(row["rectify_due"], "rectify_due")
        except ValidationFailed as exc:
            raise ValidationFailed(
                f"findings.{index}.rectify_due must be a date",
                fields={"findings": {str(index): {"rectify_due": ["a date"]}}},
            ) from exc
    return service.FindingDraft(row["text"], row["severity"] or None, due)


def _visit_date(raw: str | None) -> date | None:
    return local_date(raw, "date") if (raw or "").strip() else None


@bp.route("/new", methods=["GET", "POST"])
@role_required(*INSPECT)
def new() -> str | Response:
    """The form, and recording what it sends; a refused form comes back as typed."""
    form = request.form
    rows = _finding_rows() if request.method == "POST" else []
    if request.method == "POST":
        try:
            inspection = service.create(
                actor=current_actor(),
                kind=form.get("kind", ""),
                unit=form.get("unit", ""),
                visited_on=_visit_date(form.get("date")),
                findings=[_draft(i, row) for i, row in enumerate(rows)],
                note=form.get("note"),
                uploads=request.files.getlist("files"),
            )
        except HotlineError as exc:
            uow.rollback()
            flash(exc.message, "error")
        else:
            flash(_("检查已记录，已通知被检查单位负责人。"), "ok")
            return redirect(url_for("dashboard_inspections.show", inspection_id=inspection.id))
    blank = {"text": "", "severity": "major", "rectify_due": ""}
    return render_template(
        "dashboard/inspection_new.html",
        units=units.active_units(),
        form=form,
        rows=rows + [blank] * max(FORM_ROWS - len(rows), 1),
        today=to_local(utcnow()).date().isoformat(),
    )


@bp.route("/<int:inspection_id>")
@role_required(*INSPECT)
def show(inspection_id: int) -> str:
    inspection = service.get(inspection_id=inspection_id, actor=current_actor())
    return render_template(
        "dashboard/inspection.html",
        inspection=inspection,
        evidence=files.of_inspection(inspection.id),
        events=history.events_of(inspection.id),
        now=utcnow(),
    )


@bp.route("/<int:inspection_id>/files", methods=["POST"])
@role_required(*INSPECT)
def add_files(inspection_id: int) -> Response:
    return run_action(
        lambda: service.add_files(
            inspection_id=inspection_id,
            actor=current_actor(),
            uploads=request.files.getlist("files"),
        ),
        success=_("材料已上传。"),
        default_next=url_for("dashboard_inspections.show", inspection_id=inspection_id),
    )


@bp.route("/<int:inspection_id>/files/<name>")
@role_required(*INSPECT)
def file(inspection_id: int, name: str) -> Response:
    return shared.send_file(inspection_id, name)


@bp.route("/findings/<int:finding_id>")
@role_required(*INSPECT)
def finding(finding_id: int) -> str:
    item = findings.get(finding_id=finding_id, actor=current_actor())
    return render_template(
        "dashboard/finding.html",
        finding=item,
        inspection=item.inspection,
        evidence=files.of_inspection(item.inspection_id),
        now=utcnow(),
    )


@bp.route("/findings/<int:finding_id>/<action>", methods=["POST"])
@role_required(*INSPECT)
def decide(finding_id: int, action: str) -> Response:
    """Accept the head's answer (`accept`) or send it back with a reason (`reject`)."""
    actor = current_actor()
    calls = {
        "accept": lambda: findings.accept(finding_id=finding_id, actor=actor),
        "reject": lambda: findings.reject(
            finding_id=finding_id, actor=actor, reason=request.form.get("reason")
        ),
    }
    if action not in calls:
        abort(404)
    return run_action(
        calls[action],
        success=_("已确认整改。") if action == "accept" else _("已退回整改。"),
        default_next=url_for("dashboard_inspections.finding", finding_id=finding_id),
    )
