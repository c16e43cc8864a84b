"""/console/missed: the missed calls (漏接回拨) operators call back from the softphone, each try
recorded through the same service as POST /api/v1/callbacks/{id}/attempts, and each call's
recording played through the staff proxy. The full numbers shown are audited."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from hotline.audit.service import record_caller_reads
from hotline.calls import callbacks, recordings
from hotline.core.clock import utcnow
from hotline.core.errors import ValidationFailed
from hotline.staff.access import HOTLINE, current_actor, role_required
from hotline.staff.console.softphone_bar import carry_softphone
from hotline.staff.pages.recordings import listen
from hotline.staff.pages.ui import Page, page_args, run_action

bp = Blueprint("missed", __name__, url_prefix="/console/missed")
bp.before_request(carry_softphone)

REASON_LABELS = {
    "closed": _l("非接听时间来电"),
    "abandoned": _l("排队中挂断"),
    "timeout": _l("排队超时未接"),
    "no_caller_id": _l("未显示号码"),
    "speech": _l("语音留言"),
}
# Why the 回拨 button is off (hotline.calls.callbacks.not_callable).
NOT_CALLABLE_LABELS = {
    "opted_out": _l("来电人已退订（TD），不再回拨"),
    "no_number": _l("号码未知，无法回拨"),
}
TABS = {"open": _l("待回拨"), "done": _l("已联系上"), "closed": _l("未接通已结束")}


@bp.route("")
@role_required(*HOTLINE)
def index() -> str:
    status = request.args.get("status", "open")
    if status not in TABS:
        status = "open"
    page, per_page = page_args()
    items, total = callbacks.missed_calls(status=status, page=page, per_page=per_page)
    html = render_template(
        "console/missed.html",
        page=Page(items, page, per_page, total),
        status=status,
        tabs=TABS,
        reasons=REASON_LABELS,
        not_callable=NOT_CALLABLE_LABELS,
        max_attempts=int(current_app.config["CALLBACK_MAX_ATTEMPTS"]),
    )
    # DESIGN §1: the callers' full numbers are personal data; every page shown is audited.
    record_caller_reads(
        actor=current_actor(),
        subjects=callbacks.audit_subjects(items),
        now=utcnow(),
        via="missed_calls",
    )
    return html


@bp.route("/<int:task_id>/attempts", methods=["POST"])
@role_required(*HOTLINE)
def attempt(task_id: int) -> Response:
    """The page's form for one try: reached (1) or not (0), and a note."""

    def record() -> None:
        reached = request.form.get("reached")
        if reached not in ("0", "1"):
            raise ValidationFailed(_("请选择是否联系上来电人。"), fields={"reached": ["0 or 1"]})
        callbacks.record_attempt(
            task_id=task_id,
            actor=current_actor(),
            reached=reached == "1",
            note=request.form.get("note"),
            now=utcnow(),
        )

    return run_action(record, success=_("已记录本次回拨。"), default_next=url_for("missed.index"))


@bp.route("/<int:task_id>/recordings/<sid>")
@role_required(*HOTLINE)
def recording(task_id: int, sid: str) -> Response:
    """A missed call's recording (one left with no ticket, or before the ticket existed)."""
    task = callbacks.get(task_id)
    heard = recordings.get(recording_sid=sid, task_id=task.id)
    return listen(heard, actor=current_actor(), via="missed_call_recording")
