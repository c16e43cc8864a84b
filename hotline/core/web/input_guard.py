"""Reject NUL characters at the door: PostgreSQL text cannot hold them, so a NUL that reached a
query would be a 500. Each channel answers in its own error shape, naming the field."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, request

from hotline.core.errors import ValidationFailed

NUL = "\x00"
_FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


def _find_nul(value: Any, path: str) -> str | None:
    if isinstance(value, str):
        return path if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = _find_nul(str(key), path) or _find_nul(item, f"{path}.{key}" if path else key)
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _find_nul(item, f"{path}[{index}]")
            if found:
                return found
    return None


def nul_field() -> str | None:
    """The first request field (path, query, form or JSON) holding a NUL character."""
    if NUL in request.path:
        return "path"
    # Parse only what the request carries: building an empty `request.form` for a JSON body,
    # or `request.args` with no query string, is measurable on an intake.
    sources = []
    if request.query_string:
        sources.append(request.args)
    if request.mimetype in _FORM_TYPES:
        sources.append(request.form)
    for source in sources:
        for key, values in source.lists():
            found = _find_nul(key, key) or _find_nul(values, key)
            if found:
                return found.split("[")[0]
    if request.is_json:
        # A NUL can reach a JSON string only as the escape \u0000 (a raw one is invalid JSON),
        # so a body without that text needs no walk through the parsed document.
        raw = request.get_data(cache=True)
        if b"\\u0000" not in raw and b"\x00" not in raw:
            return None
        return _find_nul(request.get_json(silent=True), "")
    return None


def init_app(app: Flask) -> None:
    @app.before_request
    def _reject_nul() -> Response | None:
        if request.method not in ("POST", "PUT", "PATCH") and not request.query_string:
            return None
        field = nul_field()
        if field is None:
            return None
        message = f"{field or 'body'} contains a NUL character"
        raise ValidationFailed(message, fields={field or "body": ["NUL character not allowed"]})
