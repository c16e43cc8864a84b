"""Reject what no field may hold, at the door: NUL characters (PostgreSQL text cannot hold them)
and lone UTF-16 surrogates (no UTF-8 encoding exists for them), so neither reaches a query as a
500. JSON nested deeper than the parser can follow is a 400 too. Each channel answers in its own
error shape, naming the field."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, Request, Response, request
from werkzeug.exceptions import BadRequest

from hotline.core.errors import ValidationFailed

# A NUL, or a surrogate code point on its own (only JSON's \uD800-style escapes can make one).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# Escapes that can produce one of those characters in a JSON string.
_RISKY_JSON = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])|\x00")
# More brackets than any document of ours has: worth parsing once here to refuse one nested past
# the parser's recursion limit (webargs would otherwise hit it with a 500). Counting is C-fast.
_MANY_BRACKETS = 200
_FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


class GuardedRequest(Request):
    """Flask's request, whose JSON parsing answers 400 for a document nested too deeply."""

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:
        try:
            return super().get_json(force=force, silent=silent, cache=cache)
        except RecursionError as exc:
            # json.loads gives up past Python's recursion limit; that is the client's doing.
            raise BadRequest("body: the JSON document is nested too deeply") from exc


def _find_unstorable(value: Any, path: str) -> str | None:
    """The path of the first string holding an unstorable character (iteratively: a deep
    document must not exhaust the stack here either)."""
    pending: list[tuple[Any, str]] = [(value, path)]
    while pending:
        item, where = pending.pop()
        if isinstance(item, str):
            if _UNSTORABLE.search(item):
                return where
        elif isinstance(item, dict):
            for key, child in reversed(list(item.items())):
                pending.append((child, f"{where}.{key}" if where else str(key)))
                pending.append((str(key), where))
        elif isinstance(item, list):
            pending.extend(
                (child, f"{where}[{index}]") for index, child in reversed(list(enumerate(item)))
            )
    return None


def bad_field() -> str | None:
    """The first request field (path, query, form or JSON) holding an unstorable character."""
    if _UNSTORABLE.search(request.path):
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
            found = _find_unstorable(key, key) or _find_unstorable(values, key)
            if found:
                return found.split("[")[0]
    if request.is_json:
        raw = request.get_data(cache=True)
        if raw.count(b"{") + raw.count(b"[") > _MANY_BRACKETS:
            request.get_json(silent=True)  # a document nested too deeply is a 400 here
        # Such a character reaches a JSON string only through an escape (a raw NUL is invalid
        # JSON, a raw surrogate invalid UTF-8), so a body without one needs no walk.
        if not _RISKY_JSON.search(raw):
            return None
        return _find_unstorable(request.get_json(silent=True), "")
    return None


def init_app(app: Flask) -> None:
    app.request_class = GuardedRequest

    @app.before_request
    def _reject_unstorable() -> Response | None:
        if request.method not in ("POST", "PUT", "PATCH") and not request.query_string:
            return None
        field = bad_field()
        if field is None:
            return None
        name = field or "body"
        message = f"{name} contains a character that cannot be stored (NUL or a lone surrogate)"
        raise ValidationFailed(message, fields={name: ["NUL or lone surrogate not allowed"]})
