"""The inspector dashboard: figures, charts, overdue, escalations, interviews, credit, exports."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from rq.exceptions import NoSuchJobError
from rq.job import Job

from hotline.campaign.lists import progress as campaign_lists
from hotline.core.actor import Role
from hotline.core.clock import local_tz, utcnow
from hotline.core.errors import HotlineError, ValidationFailed
from hotline.core.queue import get_queue, redis_conn
from hotline.escalations import interviews, publication, triggers
from hotline.metrics import phone
from hotline.metrics import service as metrics
from hotline.staff.access import current_actor, role_required
from hotline.staff.admin import queries as admin_queries
from hotline.staff.dashboard import exports, figures, queries
from hotline.staff.form_values import local_datetime
from hotline.staff.pages.ui import page_args, paginate, run_action
from hotline.units import service as units

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
INSPECT = (Role.inspector,)


def _args() -> dict[str, str]:
    return {k: v for k, v in request.args.items() if k not in ("page", "per_page", "lang")}


@bp.route("")
@role_required(*INSPECT)
def index() -> str:
    try:
        start, end, label = queries.period(request.args)
    except ValidationFailed as exc:
        flash(exc.message, "error")
        start, end, label = queries.period({})
    rows = figures.period_figures(start=start, end=end)
    return render_template(
        "dashboard/index.html",
        rows=rows,
        period=label,
        trend=figures.monthly_trend(end=end),
        overdue=figures.overdue_by_unit(),
        milestones=campaign_lists.overdue_milestones(limit=5),
        milestones_overdue=campaign_lists.overdue_count(),
        min_tickets=metrics.settings().ranking_min_tickets,
        phone=phone.figures(start=start, end=end),
        warnings=admin_queries.calendar_warnings(),
        args=_args(),
    )


@bp.route("/overdue")
@role_required(*INSPECT)
def overdue() -> str:
    page, per_page = page_args()
    return render_template(
        "dashboard/overdue.html",
        page=paginate(queries.overdue_query(request.args), page=page, per_page=per_page),
        units=units.all_units(),
        args=_args(),
    )


@bp.route("/escalations")
@role_required(*INSPECT)
def escalations() -> str:
    page, per_page = page_args()
    return render_template(
        "dashboard/escalations.html",
        page=paginate(
            queries.escalations_query(request.args), page=page, per_page=per_page, scalars=False
        ),
        units=units.all_units(),
        levels=queries.PAGE_LEVELS,
        args=_args(),
    )


@bp.route("/interviews", endpoint="interviews")
@role_required(*INSPECT)
def interviews_board() -> str:
    page, per_page = page_args()
    cases = paginate(queries.interviews_query(request.args), page=page, per_page=per_page)
    return render_template(
        "dashboard/interviews.html",
        page=cases,
        reasons=triggers.reasons_by_case([c.id for c in cases]),
        now=utcnow(),
        units=units.all_units(),
        args=_args(),
    )


@bp.route("/appeals")
@role_required(*INSPECT)
def appeals() -> str:
    """Rating appeals (差评申诉) to decide, and those decided, with the unit's reasons."""
    page, per_page = page_args()
    try:
        stmt = queries.appeals_query(request.args)
    except HotlineError as exc:  # an unknown unit code in the filter
        flash(exc.message, "error")
        stmt = queries.appeals_query({})
    everyone = units.all_units()
    return render_template(
        "dashboard/appeals.html",
        page=paginate(stmt, page=page, per_page=per_page),
        units=everyone,
        unit_names={u.id: u.name for u in everyone},
        args=_args(),
    )


@bp.route("/interviews/<int:case_id>/<action>", methods=["POST"])
@role_required(*INSPECT)
def interview_action(case_id: int, action: str) -> Response:
    form = request.form
    actor = current_actor()
    calls = {
        "schedule": lambda: interviews.schedule(
            case_id=case_id,
            actor=actor,
            at=local_datetime(form.get("at"), "at"),
            place=form.get("place", ""),
        ),
        # The minutes only: the unit head writes the commitment from the workbench.
        "hold": lambda: interviews.hold(
            case_id=case_id, actor=actor, minutes=form.get("minutes", "")
        ),
        "reject": lambda: interviews.reject(
            case_id=case_id, actor=actor, reason=form.get("reason", "")
        ),
        "close": lambda: interviews.close(case_id=case_id, actor=actor),
        # 公开承诺: the head's written commitment on the public site, or taken off it.
        "publish": lambda: publication.publish(case_id=case_id, actor=actor),
        "unpublish": lambda: publication.unpublish(
            case_id=case_id, actor=actor, reason=form.get("reason")
        ),
    }
    if action not in calls:
        abort(404)
    return run_action(
        calls[action], success=_("已保存。"), default_next=url_for("dashboard.interviews")
    )


@bp.route("/interviews/mark-overdue", methods=["POST"])
@role_required(*INSPECT)
def interviews_mark_overdue() -> Response:
    """Run the commitment check now (the scheduler also runs it) and report how many."""
    count = interviews.mark_overdue_commitments(now=utcnow())
    flash(_("%(n)s 个整改承诺已标记为逾期。", n=count), "ok")
    return redirect(url_for("dashboard.interviews"))


@bp.route("/units/<code>/credit")
@role_required(*INSPECT)
def credit(code: str) -> str:
    unit = units.get_by_code(code)
    page, per_page = page_args()
    return render_template(
        "dashboard/credit.html",
        unit=unit,
        page=paginate(queries.credit_query(unit.id), page=page, per_page=per_page),
        cases=queries.recent_interviews(unit.id),
        args={"unit": code},
    )


@bp.route("/export/<kind>.<fmt>")
@role_required(*INSPECT)
def export(kind: str, fmt: str) -> Response:
    """Small lists download at once; large ones go to a worker and show a progress page."""
    args = _args()
    try:
        exports.check_format(fmt)
        total = exports.count_rows(kind, args)
        if total <= exports.inline_limit():
            body = exports.render_inline(kind, fmt, args)
            stamp = utcnow().astimezone(local_tz()).strftime("%Y%m%d-%H%M")
            return Response(
                body,
                mimetype=exports.FORMATS[fmt],
                headers={"Content-Disposition": f'attachment; filename="{kind}-{stamp}.{fmt}"'},
            )
    except HotlineError as exc:
        flash(exc.message, "error")
        return redirect(url_for("dashboard.index"))
    export_id = exports.new_export_id()
    job = get_queue("default").enqueue(
        "hotline.staff.dashboard.jobs.run_export",
        kind,
        fmt,
        args,
        export_id,
        total,
        str(get_locale() or "zh_CN"),
        job_id=f"export-{export_id}",
        job_timeout=1800,
        ttl=3600,
        result_ttl=86400,
        meta={"kind": kind, "fmt": fmt, "done": 0, "total": total},
    )
    return redirect(url_for("dashboard.export_status", job_id=job.id))


def _job(job_id: str) -> Job:
    if not job_id.startswith("export-"):
        abort(404)
    try:
        return Job.fetch(job_id, connection=redis_conn())
    except NoSuchJobError:
        abort(404)


@bp.route("/exports/<job_id>")
@role_required(*INSPECT)
def export_status(job_id: str) -> str:
    job = _job(job_id)
    template = (
        "dashboard/_export_progress.html"
        if request.headers.get("HX-Request")
        else ("dashboard/export.html")
    )
    return render_template(template, job=job, status=job.get_status(refresh=True), meta=job.meta)


@bp.route("/exports/<job_id>/file")
@role_required(*INSPECT)
def export_file(job_id: str) -> Response:
    job = _job(job_id)
    path = exports.export_path(job_id.removeprefix("export-"), job.meta.get("fmt", "csv"))
    if not path.exists():
        abort(404)
    return send_file(path, as_attachment=True, download_name=f"{job.meta.get('kind')}{path.suffix}")
