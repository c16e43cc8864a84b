"""The one decorator that checks Twilio's webhook signature on every /twilio/* view."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, current_app, request
from twilio.request_validator import (
    SIGNATURE_HEADER,
    SIGNATURE_SETTINGS_HEADER,
    RequestValidator,
    get_signature_algorithm,
)

log = logging.getLogger(__name__)


def public_url() -> str:
    """The URL as Twilio requested it: behind a TLS-terminating proxy the scheme and host we
    see differ from what Twilio signed, so the configured public base URL is authoritative."""
    url = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + request.path
    if request.query_string:
        url += "?" + request.query_string.decode("utf-8")
    return url


def is_valid_twilio_request() -> bool:
    """True when X-Twilio-Signature matches TWILIO_AUTH_TOKEN over the public URL and form."""
    signature = request.headers.get(SIGNATURE_HEADER, "")
    token = current_app.config["TWILIO_AUTH_TOKEN"] or ""
    if not signature or not token:
        return False
    algorithm = get_signature_algorithm(request.headers.get(SIGNATURE_SETTINGS_HEADER))
    validator = RequestValidator(token)
    return validator.validate(public_url(), request.form, signature, algorithm=algorithm)


def twilio_signed(view: Callable[..., Any]) -> Callable[..., Any]:
    """Answer 403 before the view runs (so nothing is created) unless Twilio signed the request."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_app.config["TWILIO_AUTH_TOKEN"]:
            # Nothing to check a signature against: refuse rather than trust anyone.
            log.error("TWILIO_AUTH_TOKEN is not set: refusing the Twilio webhook %s", request.path)
            abort(503, description="Twilio webhooks are not configured (TWILIO_AUTH_TOKEN)")
        if not is_valid_twilio_request():
            log.warning("rejected unsigned or forged Twilio request to %s", request.path)
            abort(403, description="invalid Twilio signature")
        return view(*args, **kwargs)

    return wrapper
