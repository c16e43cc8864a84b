"""The console's phone (软电话): the softphone's AccessToken and presence for the signed-in
operator, the screen-pop when a call connects, and adding a call to an open ticket."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from hotline.audit.service import record_personal_data_reads
from hotline.calls import screen_pop, softphone
from hotline.core import uow
from hotline.core.clock import utcnow
from hotline.core.errors import HotlineError, ValidationFailed
from hotline.staff.access import HOTLINE, current_actor, role_required
from hotline.staff.console.forms import error_text, is_htmx

bp = Blueprint("console_phone", __name__, url_prefix="/console")

# The screen-pop asks again every second until the voice webhook has recorded whom the
# operator's leg took (it is usually there before the audio is): at most this many times.
POLL_TRIES = 20


@bp.route("/voice/token")
@role_required(*HOTLINE)
def voice_token() -> Response:
    """`{"token", "identity", "ttl"}` for Twilio.Device; 503 when the softphone is not set up."""
    return jsonify(softphone.access_token(current_actor()))


@bp.route("/presence", methods=["POST"])
@role_required(*HOTLINE)
def presence() -> Response:
    """就绪 / 忙碌 / 离开: the operator's own state, which the queue board shows."""
    call_sid = request.form.get("call_sid") or None
    if call_sid is not None:
        call_sid = screen_pop.check_call_sid(call_sid, field="call_sid")
    row = softphone.set_presence(
        actor=current_actor(), state=request.form.get("state", ""), now=utcnow(), call_sid=call_sid
    )
    return jsonify({"state": row.state, "changed_at": row.changed_at.isoformat()})


def _tries() -> int:
    raw = request.args.get("tries", "0")
    if not raw.isdigit() or int(raw) > POLL_TRIES:
        raise ValidationFailed(
            f"tries must be a number from 0 to {POLL_TRIES}", fields={"tries": ["invalid"]}
        )
    return int(raw)


@bp.route("/screen-pop")
@role_required(*HOTLINE)
def screen_pop_panel() -> str:
    """htmx partial: the caller on the operator's leg (`call` = its CallSid), their open and
    earlier tickets and the new-call form bound to their call; polls until the call is known."""
    call = screen_pop.check_call_sid(request.args.get("call"), field="call")
    tries = _tries()
    caller = screen_pop.pop(operator_call_sid=call)
    if caller is None and tries < POLL_TRIES:
        return render_template("console/_screen_pop_wait.html", call=call, tries=tries + 1)
    html = render_template("console/_screen_pop.html", caller=caller, call=call)
    if caller is not None and caller.ticket_ids:
        # DESIGN §1: the screen-pop shows the caller's tickets unmasked; each read is audited.
        record_personal_data_reads(
            actor=current_actor(), ticket_ids=caller.ticket_ids, now=utcnow(), via="screen_pop"
        )
    return html


@bp.route("/tickets/<number>/append", methods=["POST"])
@role_required(*HOTLINE)
def append_call(number: str) -> Response | tuple[str, int] | str:
    """追加到此工单: the call is a 催办 (urge) or 补充材料 (supplement) on an open ticket."""
    form = request.form
    try:
        ticket = screen_pop.append_call(
            actor=current_actor(),
            number=number,
            kind=form.get("kind", ""),
            text=form.get("text"),
            call_sid=form.get("call_sid") or None,
            now=utcnow(),
        )
    except HotlineError as exc:
        uow.rollback()  # a redirect is no error: the request would commit
        if is_htmx():
            return render_template("console/_appended.html", error=error_text(exc)), exc.status
        flash(error_text(exc), "error")
        return redirect(url_for("console.index"))
    kind = form.get("kind")
    if is_htmx():
        return render_template("console/_appended.html", ticket=ticket, kind=kind)
    flash(_("已追加到工单 %(n)s。", n=ticket.number), "ok")
    return redirect(url_for("console.index"))
