"""GET /tickets/<number>/recordings/<sid>: a ticket's call recording, streamed from Twilio by
the server to staff who may see the ticket and hear it (hotline.calls.recordings.may_hear),
each listen audited. The browser only ever sees this path, never Twilio's URL."""

from __future__ import annotations

from flask import Response, abort, request
from flask_login import login_required

from hotline.audit.service import record_caller_reads
from hotline.calls import audio, recordings
from hotline.calls.models import CallRecording
from hotline.core.actor import Actor
from hotline.core.clock import utcnow
from hotline.core.errors import NotFound
from hotline.staff.access import current_actor
from hotline.staff.pages.blueprint import bp
from hotline.tickets import service as tickets


def _from_the_start(range_header: str | None) -> bool:
    """A request for the whole recording or from its first byte: a listen starting. A browser
    seeking within it asks for a later range, which is the same listen."""
    return not range_header or range_header.replace(" ", "").startswith("bytes=0-")


def listen(recording: CallRecording, *, actor: Actor, via: str) -> Response:
    """Stream the recording (a Range the <audio> element asks for when seeking passes
    through) and write one audit row for each listen: a voice is personal data."""
    asked = request.headers.get("Range")
    played = audio.fetch(recording, range_header=asked)
    if played.status != 416 and _from_the_start(asked):
        what = {"recording": recording.recording_sid}
        if recording.callback_task_id is not None:
            what["callback_task"] = recording.callback_task_id
        record_caller_reads(
            actor=actor, subjects=[(recording.ticket_id, what)], now=utcnow(), via=via
        )
    response = Response(played.chunks, status=played.status, headers=played.headers)
    # Personal data: no cache may keep it, not even the browser's.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = "inline"
    return response


@bp.route("/tickets/<number>/recordings/<sid>")
@login_required
def recording(number: str, sid: str) -> Response:
    actor = current_actor()
    try:
        ticket = tickets.get_by_number(number, actor=actor)  # another unit's ticket: 404
    except NotFound:
        abort(404)
    if not recordings.may_hear(actor, ticket):
        abort(403)
    heard = recordings.get(recording_sid=sid, ticket_id=ticket.id)
    return listen(heard, actor=actor, via="ticket_recording")
