"""Twilio Voice webhooks: greeting, the operators' queue, and when nobody answers (or out of
hours) a spoken complaint plus a recording, a ticket and a missed-call callback task."""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from flask import Blueprint, Response, abort, current_app, request
from sqlalchemy import select
from twilio.twiml.voice_response import VoiceResponse

from hotline.calls import recordings, records
from hotline.calls.models import CallbackTask
from hotline.core import uow
from hotline.core.actor import Actor
from hotline.core.clock import to_local, utcnow
from hotline.core.errors import ValidationFailed
from hotline.core.extensions import csrf, db
from hotline.core.xml import xml_text
from hotline.intake import deliveries
from hotline.intake import service as intake
from hotline.intake.texts import text
from hotline.intake.twilio_security import twilio_signed
from hotline.tickets import service as tickets

bp = Blueprint("twilio_voice", __name__, url_prefix="/twilio/voice")
csrf.exempt(bp)  # Twilio cannot send a CSRF token; the signature check protects these views

log = logging.getLogger(__name__)

SAY = {"language": "zh-CN"}
SPEECH_LANGUAGE = "cmn-Hans-CN"
HOLD_PAUSE_SECONDS = 20
MAX_RECORDING_SECONDS = 180


def _xml(response: VoiceResponse | str) -> Response:
    return Response(xml_text(str(response)), mimetype="application/xml")


def is_open(now: datetime) -> bool:
    """Whether operators take calls now (VOICE_OPEN_HOURS "HH:MM-HH:MM" in local time)."""
    spec = current_app.config["VOICE_OPEN_HOURS"] or "00:00-24:00"
    start_s, _, end_s = spec.partition("-")
    try:
        start = time.fromisoformat(start_s.strip())
        end = time.max if end_s.strip() == "24:00" else time.fromisoformat(end_s.strip())
    except ValueError:
        # A typo in the setting must not drop calls: queue them as if always open.
        log.error("VOICE_OPEN_HOURS %r is not HH:MM-HH:MM; treating as always open", spec)
        return True
    local = to_local(now).time()
    if start <= end:
        return start <= local < end
    return local >= start or local < end  # overnight hours such as 20:00-08:00


def leave_message(response: VoiceResponse) -> VoiceResponse:
    """Ask for the complaint by speech; with no speech, fall through to a recorded message."""
    gather = response.gather(
        input="speech",
        language=SPEECH_LANGUAGE,
        action="/twilio/voice/speech",
        method="POST",
        speech_timeout="auto",
        timeout=6,
    )
    gather.say(text("voice_leave_message"), **SAY)
    return record_message(response)


def record_message(response: VoiceResponse) -> VoiceResponse:
    response.say(text("voice_record_prompt"), **SAY)
    response.record(
        action="/twilio/voice/done",
        method="POST",
        max_length=MAX_RECORDING_SECONDS,
        finish_on_key="#",
        play_beep=True,
        recording_status_callback="/twilio/voice/recording",
        recording_status_callback_method="POST",
        recording_status_callback_event="completed",
    )
    return response


def _task_of(call_sid: str) -> CallbackTask | None:
    """The call's task, locked: its recording and its spoken ticket, reported at once by two
    callbacks, then see each other (the later one waits for the first to commit)."""
    return db.session.scalar(
        select(CallbackTask).where(CallbackTask.call_sid == call_sid).with_for_update()
    )


def missed_call(*, call_sid: str, phone: str | None, reason: str) -> CallbackTask:
    """The 漏接回拨 task of this call (one per call); `reason` is one of
    hotline.calls.callbacks.REASONS."""
    task = _task_of(call_sid)
    if task is None:
        task = CallbackTask(
            phone=phone or "unknown",
            call_sid=call_sid,
            status="open",
            reason=reason,
            created_at=utcnow(),
        )
        db.session.add(task)
        db.session.flush()
    return task


def _call_form() -> dict:
    """The webhook's form; every voice callback names its call."""
    form = request.form.to_dict()
    if not form.get("CallSid"):
        abort(400, description="CallSid is required")
    if not records.is_call_sid(form["CallSid"]):
        abort(400, description="CallSid is not a Twilio call SID")
    return form


def _caller(form: dict) -> str | None:
    try:
        return tickets.normalize_phone(form.get("From"), field="From")
    except ValidationFailed:
        return None  # withheld caller ID: the task still shows the call


@bp.post("")
@twilio_signed
@uow.retrying()
def incoming() -> Response:
    """POST /twilio/voice — greeting, then the operators' queue (or a message out of hours)."""
    form = _call_form()

    def handle() -> tuple[str, int | None]:
        response = VoiceResponse()
        now = utcnow()
        open_now = is_open(now)
        records.offered(
            call_sid=form["CallSid"], from_phone=_caller(form), now=now, is_open=open_now
        )
        if open_now:
            response.say(text("voice_greeting"), **SAY)
            response.enqueue(
                current_app.config["VOICE_QUEUE_NAME"] or "operators",
                action="/twilio/voice/queue-result",
                method="POST",
                wait_url="/twilio/voice/wait",
                wait_url_method="POST",
            )
        else:
            response.say(text("voice_closed"), **SAY)
            missed_call(call_sid=form["CallSid"], phone=_caller(form), reason="closed")
            leave_message(response)
        return str(response), None

    return _xml(deliveries.once(f"voice:{form['CallSid']}", handle))


@bp.post("/wait")
@twilio_signed
def wait() -> Response:
    """POST /twilio/voice/wait — hold message; leave the queue after VOICE_MAX_WAIT_SECONDS."""
    max_wait = int(current_app.config["VOICE_MAX_WAIT_SECONDS"])
    try:
        waited = int(request.form.get("QueueTime") or 0)
    except ValueError:
        waited = 0
    response = VoiceResponse()
    if waited >= max_wait:
        response.leave()
    else:
        response.say(text("voice_hold"), **SAY)
        response.pause(length=max(1, min(HOLD_PAUSE_SECONDS, max_wait - waited)))
    return _xml(response)


@bp.post("/queue-result")
@twilio_signed
@uow.retrying()
def queue_result() -> Response:
    """POST /twilio/voice/queue-result — the caller left the queue; unanswered means a message
    and a callback task."""
    form = _call_form()

    def handle() -> tuple[str, int | None]:
        response = VoiceResponse()
        result = form.get("QueueResult", "")
        waited = records.seconds(form.get("QueueTime"))
        records.left_queue(call_sid=form["CallSid"], result=result, queue_time=waited, now=utcnow())
        if result in records.BRIDGED:
            response.hangup()
            return str(response), None
        # The caller hung up in the queue, or left it unanswered (the wait's <Leave>, a full
        # queue, an error).
        reason = "abandoned" if result == "hangup" else "timeout"
        missed_call(call_sid=form["CallSid"], phone=_caller(form), reason=reason)
        leave_message(response)
        return str(response), None

    return _xml(deliveries.once(f"voice-queue:{form['CallSid']}", handle))


def _spoken(number: str) -> str:
    return " ".join(number.replace("-", ""))


def spoken_due(due: datetime) -> str:
    """A deadline as said aloud: one ending at midnight is "24时" of the day before (the
    working-day limit ends at 24:00 of its last day), so nobody hears the wrong date."""
    local = to_local(due)
    if local.time() == time(0, 0):
        day = local - timedelta(days=1)
        return f"{day.month}月{day.day}日24时"
    return f"{local.month}月{local.day}日{local.hour}时{local.minute:02d}分"


def _seconds(raw: str | None) -> int | None:
    try:
        seconds = int(raw or "")
    except ValueError:
        return None
    return seconds if 0 <= seconds < 86400 else None


@bp.post("/speech")
@twilio_signed
@uow.retrying(exhausted=lambda: _xml(record_message(VoiceResponse())))  # still records
def speech() -> Response:
    """POST /twilio/voice/speech — the spoken complaint becomes a ticket (once per CallSid)."""
    form = _call_form()
    call_sid = form["CallSid"]

    def handle() -> tuple[str, int | None]:
        response = VoiceResponse()
        said = (form.get("SpeechResult") or "").strip()
        if not said:
            return str(record_message(response)), None
        phone = _caller(form)
        if phone is None:
            # A ticket needs a number to answer on; keep the words for the operators instead.
            task = missed_call(call_sid=call_sid, phone=None, reason="no_caller_id")
            task.note = f"{task.note or ''}\n语音：{said}".strip()
            response.say(text("voice_no_caller_id"), **SAY)
            response.hangup()
            return str(response), None
        ticket = tickets.create(
            actor=Actor.complainant(phone),
            channel="phone",
            description=said[: tickets.MAX_DESCRIPTION],
            phone=phone,
            extra={"voice": {"call_sid": call_sid, "confidence": form.get("Confidence")}},
        )
        task = missed_call(call_sid=call_sid, phone=phone, reason="speech")
        for early in recordings.unattached(call_sid):
            recordings.attach(early, ticket_id=ticket.id, now=utcnow())
        task.ticket_id = ticket.id
        records.link_ticket(call_sid=call_sid, ticket_id=ticket.id)
        due = spoken_due(intake.expected_due(ticket))
        response.say(text("voice_ticket", spoken=_spoken(ticket.number), due=due), **SAY)
        return str(record_message(response)), ticket.id

    return _xml(deliveries.once(f"voice-speech:{call_sid}", handle))


@bp.post("/recording")
@twilio_signed
@uow.retrying()
def recording() -> tuple[str, int]:
    """POST /twilio/voice/recording — the recording becomes a row of the call's ticket, or of
    its missed-call task until the ticket exists (once per RecordingSid). Its URL stays on the
    server: pages play it through the staff proxy."""
    form = _call_form()
    call_sid, sid, url = form["CallSid"], form.get("RecordingSid"), form.get("RecordingUrl")
    if not sid or not url:
        return "", 400
    if len(sid) > recordings.MAX_SID or not tickets.is_link(url):
        abort(400, description="RecordingSid or RecordingUrl is not Twilio's")
    if form.get("RecordingStatus", "completed") != "completed":
        return "", 204

    def handle() -> tuple[str, int | None]:
        task = _task_of(call_sid)  # first: see the spoken ticket of a racing speech callback
        speech_delivery = deliveries.find(f"voice-speech:{call_sid}")
        ticket_id = speech_delivery.ticket_id if speech_delivery else None
        kept = recordings.keep(
            call_sid=call_sid,
            recording_sid=sid,
            url=url,
            duration_seconds=_seconds(form.get("RecordingDuration")),
            callback_task_id=task.id if task else None,
            now=utcnow(),
        )
        if ticket_id is not None:
            recordings.attach(kept, ticket_id=ticket_id, now=utcnow())
        return sid, ticket_id

    deliveries.once(f"recording:{call_sid}:{sid}", handle)
    return "", 204


@bp.post("/done")
@twilio_signed
def done() -> Response:
    """POST /twilio/voice/done — after the recorded message: thank and hang up."""
    response = VoiceResponse()
    response.say(text("voice_goodbye"), **SAY)
    response.hangup()
    return _xml(response)
