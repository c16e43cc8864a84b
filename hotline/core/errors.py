"""Domain errors raised by services, and the one place that turns errors into responses."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException


class HotlineError(Exception):
    """Base of every error a service raises on purpose; carries its HTTP mapping."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, fields: dict[str, Any] | None = None, **extra: Any):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.extra = extra


class InvalidTransition(HotlineError):
    status = 409
    code = "invalid_transition"

    def __init__(self, action: str, current: str):
        super().__init__(f"cannot {action} a ticket in status {current}", current_status=current)


class Conflict(HotlineError):
    status = 409
    code = "conflict"


class NotFound(HotlineError):
    status = 404
    code = "not_found"


class Forbidden(HotlineError):
    status = 403
    code = "forbidden"


class Unauthorized(HotlineError):
    status = 401
    code = "unauthorized"


class ValidationFailed(HotlineError):
    status = 422
    code = "validation_failed"


class ServiceUnavailable(HotlineError):
    status = 503
    code = "unavailable"


def wants_json() -> bool:
    """JSON for API paths and clients that prefer it; HTML pages for browsers."""
    if request.path.startswith(("/api/", "/open311/", "/twilio/")):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def error_body(code: str, message: str, fields: dict | None = None, **extra: Any) -> dict:
    body: dict[str, Any] = {"code": code, "message": message, "fields": fields or {}}
    body.update(extra)
    return {"error": body}


def _respond(status: int, code: str, message: str, fields: dict | None, extra: dict) -> Response:
    if wants_json():
        response = jsonify(error_body(code, message, fields, **extra))
    else:
        html = render_template("errors/error.html", status=status, message=message, fields=fields)
        response = Response(html, mimetype="text/html")
    response.status_code = status
    return response


def handle_domain_error(exc: HotlineError) -> Response:
    return _respond(exc.status, exc.code, exc.message, exc.fields, exc.extra)


_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "rate_limited",
}


def _field_paths(fields: dict, prefix: str = "") -> list[str]:
    """Dotted paths of the bad leaves (`complainant.phone`), so the message names the field."""
    paths: list[str] = []
    for name, value in fields.items():
        path = f"{prefix}{name}"
        if isinstance(value, dict) and value:
            paths.extend(_field_paths(value, f"{path}."))
        else:
            paths.append(path)
    return paths


def handle_http_error(exc: HTTPException) -> Response:
    """werkzeug/webargs errors in the API's error shape; 422 names each bad field."""
    status = exc.code or 500
    fields: dict = {}
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages") if isinstance(data, dict) else None
    if messages:
        # webargs nests by location (json, query, …); callers care about the field names.
        for location_errors in messages.values():
            if isinstance(location_errors, dict):
                fields.update(location_errors)
    message = exc.description or exc.name
    if status == 422 and fields:
        message = "invalid fields: " + ", ".join(sorted(_field_paths(fields)))
    response = _respond(status, _CODES.get(status, "error"), message, fields, {})
    # Keep the exception's own headers: `Allow` on a 405 (RFC 9110 requires it), Retry-After, …
    for key, value in exc.get_headers():
        if key.lower() != "content-type":
            response.headers[key] = value
    return response
