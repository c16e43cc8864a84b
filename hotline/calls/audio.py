"""Playing a recording to staff: the server fetches the audio from Twilio with the account's
credentials and streams it on in chunks, so the Twilio URL and the credentials never reach a
browser. Tests point TWILIO_API_BASE at a local stub, as they do for SMS."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass

import requests
from flask import current_app

from hotline.calls.models import CallRecording
from hotline.core.errors import HotlineError, NotFound
from hotline.notify.backends import TWILIO_API

log = logging.getLogger(__name__)

CHUNK_BYTES = 64 * 1024
# (connect, read) seconds: a listener waits no longer than this for Twilio to start answering.
TIMEOUT = (5, 30)
# One byte range, what an <audio> element asks for when it seeks; anything else gets it all.
_RANGE = re.compile(r"bytes=\d{0,15}-\d{0,15}")
# Headers of Twilio's answer passed on to the listener.
_PASSED = ("Content-Length", "Content-Range", "Accept-Ranges")


class RecordingUnavailable(HotlineError):
    """Twilio could not be reached or did not give the audio (502)."""

    status = 502
    code = "bad_gateway"


@dataclass
class Audio:
    """Twilio's answer, ready to stream: status (200, 206 or 416), headers, body chunks."""

    status: int
    headers: dict[str, str]
    chunks: Iterator[bytes]


def media_url(recording: CallRecording) -> str:
    """Where the MP3 is fetched from: Twilio's recording URL plus `.mp3`, on TWILIO_API_BASE
    when set. Only an api.twilio.com URL is ever fetched with the account's credentials."""
    url = recording.url
    if not url.startswith(TWILIO_API + "/"):
        log.error("recording %s: %r is not a Twilio URL; not fetched", recording.id, url[:80])
        raise RecordingUnavailable("this recording's address is not Twilio's")
    if not url.endswith((".mp3", ".wav")):
        url += ".mp3"
    base = current_app.config["TWILIO_API_BASE"]
    return base.rstrip("/") + url[len(TWILIO_API) :] if base else url


def fetch(recording: CallRecording, *, range_header: str | None = None) -> Audio:
    """Open the recording's audio at Twilio; NotFound when Twilio no longer has it,
    RecordingUnavailable when Twilio is down or refuses."""
    cfg = current_app.config
    headers = {"Range": range_header} if range_header and _RANGE.fullmatch(range_header) else {}
    try:
        upstream = requests.get(
            media_url(recording),
            auth=(cfg["TWILIO_ACCOUNT_SID"], cfg["TWILIO_AUTH_TOKEN"]),
            headers=headers,
            stream=True,
            timeout=TIMEOUT,
        )
    except requests.RequestException as exc:
        log.warning("recording %s: Twilio unreachable: %s", recording.recording_sid, exc)
        raise RecordingUnavailable("Twilio cannot be reached; try again in a minute") from exc
    status = upstream.status_code
    if status in (200, 206, 416):
        kept = {k: upstream.headers[k] for k in _PASSED if k in upstream.headers}
        kind = upstream.headers.get("Content-Type", "")
        kept["Content-Type"] = kind if kind.startswith("audio/") else "audio/mpeg"
        return Audio(status, kept, _chunks(upstream) if status != 416 else _closed(upstream))
    upstream.close()
    if status == 404:
        raise NotFound("Twilio no longer has this recording")
    log.warning("recording %s: Twilio answered %s", recording.recording_sid, status)
    raise RecordingUnavailable(f"Twilio answered {status}; try again later")


def _chunks(upstream: requests.Response) -> Iterator[bytes]:
    """The body in chunks; the connection to Twilio closes when the listener's does."""
    try:
        yield from upstream.iter_content(CHUNK_BYTES)
    finally:
        upstream.close()


def _closed(upstream: requests.Response) -> Iterator[bytes]:
    upstream.close()
    return iter(())
