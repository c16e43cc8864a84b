"""The signed rating link (好差评) sent to the complainant by SMS after a reply."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

RATING_TOKEN_MAX_AGE = 60 * 24 * 3600  # a rating link stays usable for 60 days


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="hotline-rating")


def rating_token(number: str) -> str:
    """A signed token carrying the ticket number, for the rating link sent by SMS."""
    return _serializer().dumps({"n": number})


def number_from_rating_token(token: str) -> str | None:
    """The ticket number in a valid, unexpired rating token; None for a forged or old one."""
    try:
        data = _serializer().loads(token, max_age=RATING_TOKEN_MAX_AGE)
    except BadSignature:
        return None
    return data.get("n") if isinstance(data, dict) else None


def rating_url(number: str) -> str:
    """The public rating link for a ticket (for the rating-request SMS)."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return f"{base}/complaints/rate/{rating_token(number)}"
