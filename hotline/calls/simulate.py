"""A simulated call for demos and checks: the webhooks Twilio would send for one caller, signed
with TWILIO_AUTH_TOKEN and posted to a running app, each step following the TwiML the app
answered (as Twilio would: the <Queue url> it is given is the one it requests)."""

from __future__ import annotations

import secrets
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode
from xml.etree import ElementTree as ET

from twilio.request_validator import RequestValidator

# (url, form, headers) -> (HTTP status, body)
Poster = Callable[[str, dict[str, str], dict[str, str]], tuple[int, str]]

GREETING_SECONDS = 6  # what a caller hears before joining the queue


class SimulationFailed(Exception):
    """The app refused or could not be reached; the message says which step."""


def http_post(url: str, form: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
    """POST a form over HTTP, as Twilio does; (status, body), an error status included."""
    request = urllib.request.Request(
        url,
        data=urlencode(form).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", **headers},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError) as exc:
        raise SimulationFailed(f"cannot reach {url}: {exc}") from exc


def new_sid(prefix: str = "CA") -> str:
    """A SID shaped like Twilio's (two letters, 32 hex digits)."""
    return prefix + secrets.token_hex(16)


@dataclass
class Simulation:
    """One caller's webhooks. `base_url` is where the app listens; `public_url` is what it
    checks signatures against (its PUBLIC_BASE_URL), which Twilio would have requested."""

    base_url: str
    public_url: str
    auth_token: str
    account_sid: str
    number: str
    post: Poster = http_post
    echo: Callable[[str], None] = print
    said: list[str] = field(default_factory=list)

    def send(self, path: str, form: dict[str, str], *, expect: tuple[int, ...] = (200, 204)) -> str:
        signature = RequestValidator(self.auth_token).compute_signature(
            self.public_url.rstrip("/") + path, form
        )
        status, body = self.post(
            self.base_url.rstrip("/") + path, form, {"X-Twilio-Signature": signature}
        )
        if status not in expect:
            raise SimulationFailed(f"POST {path} answered {status}: {body[:200]}")
        return body

    def _caller_form(self, call_sid: str, caller: str, **extra: str) -> dict[str, str]:
        base = {
            "CallSid": call_sid,
            "AccountSid": self.account_sid,
            "From": caller,
            "To": self.number,
            "Direction": "inbound",
            "CallStatus": "in-progress",
        }
        return base | extra

    def _hear(self, body: str) -> ET.Element:
        root = ET.fromstring(body)
        self.said.extend(say.text or "" for say in root.iter("Say"))
        return root

    def arrive(self, *, caller: str) -> tuple[str, bool]:
        """The caller dials the hotline: (CallSid, queued?)."""
        call_sid = new_sid()
        form = self._caller_form(call_sid, caller, CallStatus="ringing")
        root = self._hear(self.send("/twilio/voice", form))
        queued = root.find("Enqueue") is not None
        where = "waiting in the operators' queue" if queued else "out of hours: asked for a message"
        self.echo(f"call {call_sid} from {caller}: {where}")
        return call_sid, queued

    def answer(self, *, call_sid: str, caller: str, operator_id: int, label: str, wait: int) -> str:
        """An operator's softphone takes the caller: the TwiML App's request, then the
        <Queue url> Twilio requests for the caller. The operator's leg CallSid."""
        leg = new_sid()
        identity = f"client:operator-{operator_id}"
        form = {
            "CallSid": leg,
            "AccountSid": self.account_sid,
            "From": identity,
            "Caller": identity,
            "Direction": "inbound",
            "CallStatus": "ringing",
        }
        root = ET.fromstring(self.send("/twilio/voice/client", form))
        queue = root.find("Dial/Queue")
        if queue is None or not queue.get("url"):
            raise SimulationFailed("the client TwiML has no <Dial><Queue url>")
        dequeued = self._caller_form(
            call_sid,
            caller,
            QueueSid=new_sid("QU"),
            QueueTime=str(wait),
            DequeingCallSid=leg,
        )
        self._hear(self.send(queue.get("url", ""), dequeued))
        self.echo(f"answered by {label} after {wait} s in the queue {queue.text!r} (leg {leg})")
        return leg

    def leave_queue(self, *, call_sid: str, caller: str, result: str, wait: int) -> None:
        """The caller leaves the queue (the <Enqueue> action): bridged, hangup or leave."""
        left = self._caller_form(call_sid, caller, QueueResult=result, QueueTime=str(wait))
        self._hear(self.send("/twilio/voice/queue-result", left))

    def end(self, *, call_sid: str, caller: str, duration: int) -> None:
        done = self._caller_form(
            call_sid, caller, CallStatus="completed", CallDuration=str(duration)
        )
        self.send("/twilio/voice/status", done)
        self.echo(f"call {call_sid} ended after {duration} s")

    def end_leg(self, *, leg: str, operator_id: int, duration: int) -> None:
        """The operator's softphone leg ends (the TwiML App's status callback)."""
        identity = f"client:operator-{operator_id}"
        form = {
            "CallSid": leg,
            "AccountSid": self.account_sid,
            "From": identity,
            "CallStatus": "completed",
            "CallDuration": str(duration),
        }
        self.send("/twilio/voice/status", form)

    def speak(self, *, call_sid: str, caller: str, words: str) -> None:
        """The caller leaves the complaint by speech (what <Gather input="speech"> posts)."""
        form = self._caller_form(call_sid, caller, SpeechResult=words, Confidence="0.93")
        self._hear(self.send("/twilio/voice/speech", form))
        self.echo(f"message left: {words}")
