"""SMS backends behind one small interface: console for development, Twilio in production."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any, Protocol

from flask import Flask, current_app
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

log = logging.getLogger(__name__)

TWILIO_API = "https://api.twilio.com"
STATUS_CALLBACK_PATH = "/twilio/sms/status"


@dataclass(frozen=True)
class SentSms:
    """What the provider said when it took the message."""

    sid: str
    status: str


class SmsSendError(Exception):
    """The provider refused or could not be reached; `permanent` means retrying cannot help;
    `code` is the provider's error code, when it gave one."""

    def __init__(self, message: str, *, permanent: bool = False, code: str | None = None) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.code = code


class SmsBackend(Protocol):
    """Sends one SMS; raises SmsSendError when it was not taken (pypi/warehouse email style)."""

    def send(self, *, to: str, body: str) -> SentSms: ...


class ConsoleBackend:
    """Development default: writes the message to the log instead of sending it."""

    def __init__(self, *, from_number: str) -> None:
        self.from_number = from_number

    def send(self, *, to: str, body: str) -> SentSms:
        sid = f"console-{uuid.uuid4().hex}"
        log.info("SMS %s from %s to %s: %s", sid, self.from_number, to, body)
        return SentSms(sid=sid, status="sent")


class RedirectingHttpClient(TwilioHttpClient):
    """The SDK's own HTTP client, with https://api.twilio.com swapped for `base` (a test stub)."""

    def __init__(self, base: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base = base.rstrip("/")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any):
        if url.startswith(TWILIO_API):
            url = self.base + url[len(TWILIO_API) :]
        return super().request(method, url, *args, **kwargs)


class TwilioBackend:
    """Sends through Twilio's Messages resource with a delivery-status callback to us."""

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        from_number: str,
        status_callback: str,
        api_base: str = "",
        timeout: float = 10.0,
    ) -> None:
        http_client = (
            RedirectingHttpClient(api_base, timeout=timeout)
            if api_base
            else TwilioHttpClient(timeout=timeout)
        )
        self.client = Client(account_sid, auth_token, http_client=http_client)
        self.from_number = from_number
        self.status_callback = status_callback

    def send(self, *, to: str, body: str) -> SentSms:
        try:
            message = self.client.messages.create(
                to=to,
                from_=self.from_number,
                body=body,
                status_callback=self.status_callback,
            )
        except TwilioRestException as exc:
            # 4xx other than 429 (bad number, unsubscribed recipient…) will fail the same way again.
            permanent = 400 <= exc.status < 500 and exc.status != 429
            raise SmsSendError(
                f"twilio {exc.status} {exc.code}: {exc.msg}",
                permanent=permanent,
                code=str(exc.code) if exc.code else None,
            ) from exc
        except Exception as exc:
            raise SmsSendError(f"twilio unreachable: {exc}") from exc
        return SentSms(sid=message.sid or "", status=message.status or "queued")


def get_backend(app: Flask | None = None) -> SmsBackend:
    """The backend chosen by SMS_BACKEND (console or twilio)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    cfg = app.config
    if cfg["SMS_BACKEND"] == "twilio":
        return TwilioBackend(
            account_sid=cfg["TWILIO_ACCOUNT_SID"],
            auth_token=cfg["TWILIO_AUTH_TOKEN"],
            from_number=cfg["TWILIO_FROM_NUMBER"],
            status_callback=cfg["PUBLIC_BASE_URL"].rstrip("/") + STATUS_CALLBACK_PATH,
            api_base=cfg["TWILIO_API_BASE"],
        )
    return ConsoleBackend(from_number=cfg["TWILIO_FROM_NUMBER"])
