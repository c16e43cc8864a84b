"""Content-Security-Policy: scripts, styles, images, fonts and connections only from 'self'.

Inline `<script>` blocks run only with the per-request nonce (`{{ csp_nonce() }}` in templates);
inline style attributes stay allowed (they cannot run code). The API docs page is flask-smorest's
template with its own inline bootstrap script and no user content, so it alone may run inline
script.
"""

from __future__ import annotations

import secrets

from flask import Flask, Response, g, request

DOCS_PATH = "/api/v1/docs"


def csp_nonce() -> str:
    """This request's nonce for inline scripts (created on first use)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def policy(nonce: str | None, *, docs: bool = False) -> str:
    scripts = (
        "'self' 'unsafe-inline'" if docs else "'self'" + (f" 'nonce-{nonce}'" if nonce else "")
    )
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


_NO_NONCE = policy(None)  # API answers and pages without inline script: built once
_DOCS = policy(None, docs=True)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def _csp(response: Response) -> Response:
        if "Content-Security-Policy" in response.headers:
            return response
        nonce = g.get("csp_nonce")
        if request.path.startswith(DOCS_PATH):
            value = _DOCS
        else:
            value = _NO_NONCE if nonce is None else policy(nonce)
        response.headers.add("Content-Security-Policy", value)  # absent: checked above
        return response
