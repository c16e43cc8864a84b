"""Request body limits, enforced before anything parses a body: 413 naming the limit.

Every request gets the small BODY_MAX_BYTES (JSON, forms, webhooks: a complaint is at most
4,000 characters); only the endpoints registered with `accepts_uploads` (a reply with
attachments) get UPLOAD_MAX_BYTES. A declared Content-Length over the limit is refused before
a byte is read; a body without one (chunked) is cut off by werkzeug at the same limit.
"""

from __future__ import annotations

from flask import Flask, abort, current_app, request

_upload_endpoints: set[str] = set()


def accepts_uploads(endpoint: str) -> None:
    """Let `endpoint` ("blueprint.view") take bodies up to UPLOAD_MAX_BYTES."""
    _upload_endpoints.add(endpoint)


def limit_for(endpoint: str | None) -> int:
    """The body limit in bytes for a request to `endpoint`."""
    cfg = current_app.config
    if endpoint in _upload_endpoints:
        return int(cfg["UPLOAD_MAX_BYTES"])
    return int(cfg["BODY_MAX_BYTES"])


def _readable(size: int) -> str:
    return f"{size // (1024 * 1024)} MiB" if size >= 1024 * 1024 else f"{size // 1024} KiB"


def init_app(app: Flask) -> None:
    """Check every request's body size first, before CSRF or the NUL guard read a form."""

    def _limit_body() -> None:
        limit = limit_for(request.endpoint)
        request.max_content_length = limit
        if request.content_length is not None and request.content_length > limit:
            abort(413, description=f"body: the request is larger than {_readable(limit)}")

    # First of all before_request hooks: Flask-WTF's CSRF check reads the form.
    app.before_request_funcs.setdefault(None, []).insert(0, _limit_body)
