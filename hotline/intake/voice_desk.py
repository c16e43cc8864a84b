"""Twilio Voice webhooks of the operators' desk: the TwiML App's voice URL that the softphone
calls (take the next caller, or call a number back), the <Queue url> Twilio requests when an
operator takes a caller, and the call status callbacks (the caller's call, the operator's leg).

The number's voice URL (/twilio/voice) and its queue stay in hotline/intake/voice.py; these
handlers only record what happens to the call and the operator's presence.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, abort, current_app, request
from twilio.twiml.voice_response import VoiceResponse

from hotline.calls import dialing, records, softphone
from hotline.core import uow
from hotline.core.clock import utcnow
from hotline.core.extensions import csrf
from hotline.core.privacy import mask_phone
from hotline.intake.texts import text
from hotline.intake.twilio_security import twilio_signed
from hotline.intake.voice import SAY, _call_form, _caller, _xml

bp = Blueprint("twilio_voice_desk", __name__, url_prefix="/twilio/voice")
csrf.exempt(bp)  # Twilio cannot send a CSRF token; the signature check protects these views

log = logging.getLogger(__name__)

DEQUEUED_URL = "/twilio/voice/dequeued"


def _task_id(raw: str | None) -> int | None:
    """The missed-call task a callback is for (`Task`, passed through by the softphone)."""
    try:
        return int(raw) if raw else None
    except ValueError:
        log.warning("softphone call: ignoring a Task parameter that is not an id: %r", raw[:40])
        return None


@bp.post("/client")
@twilio_signed
@uow.retrying()
def client() -> Response:
    """POST /twilio/voice/client — the TwiML App's voice URL: no `To` takes the longest-waiting
    caller (<Dial><Queue>); `To` = a phone number calls it back (<Dial callerId><Number>)."""
    form = _call_form()
    call_sid = form["CallSid"]
    operator = dialing.operator_of(form.get("From"))
    if operator is None:
        log.warning(
            "refused softphone call %s: %r is not an active operator's or supervisor's softphone",
            call_sid,
            (form.get("From") or "")[:80],
        )
        abort(403, description="not an active operator's softphone")
    now = utcnow()
    response = VoiceResponse()
    to = (form.get("To") or "").strip()
    if not to:
        dialing.on_softphone_call(operator=operator, call_sid=call_sid, now=now)
        dial = response.dial()
        # The operator's id rides in the URL Twilio signs, so the dequeued caller's record
        # names who answered without trusting anything the caller's request carries.
        dial.queue(
            current_app.config["VOICE_QUEUE_NAME"] or "operators",
            url=f"{DEQUEUED_URL}?operator={operator.id}",
            method="POST",
        )
        return _xml(response)
    task = _task_id(form.get("Task"))
    try:
        number = dialing.callback_number(to)
    except dialing.CallbackRefused as exc:
        log.warning(
            "softphone call %s by operator %s (task %s): callback refused, %s",
            call_sid,
            operator.id,
            task,
            exc.detail[:120],
        )
        response.say(text(f"voice_callback_{exc.reason}"), **SAY)
        response.hangup()
        return _xml(response)
    dialing.on_softphone_call(operator=operator, call_sid=call_sid, now=now)
    log.info(
        "softphone call %s: operator %s calls back %s (task %s)",
        call_sid,
        operator.id,
        mask_phone(number),
        task,
    )
    dial = response.dial(caller_id=current_app.config["TWILIO_FROM_NUMBER"])
    dial.number(number)
    return _xml(response)


@bp.post("/dequeued")
@twilio_signed
@uow.retrying()
def dequeued() -> Response:
    """POST /twilio/voice/dequeued — the <Queue url>: an operator took this caller. Records the
    answer and tells the caller they are being connected."""
    form = _call_form()
    # Twilio's documented name is "DequeingCallSid"; accept the correct spelling as well.
    leg = form.get("DequeingCallSid") or form.get("DequeuingCallSid") or None
    if not records.is_call_sid(leg):
        leg = None  # the caller is answered all the same; only the screen-pop lacks its leg
    operator_id = dialing.operator_on_leg(
        claimed=request.args.get("operator", type=int), leg_sid=leg
    )
    records.dequeued(
        call_sid=form["CallSid"],
        operator_call_sid=leg,
        operator_id=operator_id,
        queue_time=records.seconds(form.get("QueueTime")),
        now=utcnow(),
    )
    response = VoiceResponse()
    response.say(text("voice_connecting"), **SAY)
    return _xml(response)


@bp.post("/status")
@twilio_signed
@uow.retrying()
def status() -> tuple[str, int]:
    """POST /twilio/voice/status — call status callback of the number (the caller's call: when
    it ended, how long, abandoned if still waiting) and of the TwiML App (the operator's leg:
    ready again)."""
    form = _call_form()
    now = utcnow()
    call_status = form.get("CallStatus", "")
    sender = form.get("From") or ""
    if sender.startswith("client:"):
        user_id = softphone.user_id_of(sender)
        if user_id is not None and call_status in records.ENDED:
            dialing.softphone_call_ended(user_id=user_id, call_sid=form["CallSid"], now=now)
        return "", 204
    records.ended(
        call_sid=form["CallSid"],
        status=call_status,
        duration=records.seconds(form.get("CallDuration")),
        from_phone=_caller(form),
        now=now,
    )
    return "", 204
