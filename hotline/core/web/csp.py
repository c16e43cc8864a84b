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

# What Twilio's Voice JavaScript SDK needs beyond 'self', and only on the pages that load it:
# its signalling websocket (wss://voice-js.<edge>.twilio.com/signal) and its call-quality
# events (https://eventgw.twilio.com); the sounds it plays (ringback, hang-up), which it fetches
# from sdk.twilio.com by XHR for Web Audio or plays in an <audio> element; and the remote
# voice, which browsers without srcObject get as a blob: URL. WebRTC media itself is not
# governed by CSP.
SOFTPHONE_CONNECT = "wss://*.twilio.com https://*.twilio.com"
SOFTPHONE_MEDIA = "'self' blob: https://sdk.twilio.com"


def csp_nonce() -> str:
    """This request's nonce for inline scripts (created on first use)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


_OFFERED = "hotline.softphone_offered"  # on the request: an app context may outlive it
_LOADED = "hotline.softphone_loaded"


def offer_softphone() -> None:
    """This request's page may carry the softphone (a console page for a hotline role)."""
    request.environ[_OFFERED] = True


def softphone_page() -> bool:
    """For the page template: whether to load the softphone. Saying yes is what lets this
    response reach Twilio, so a fragment or a JSON answer of the same area never does."""
    if not request.environ.get(_OFFERED):
        return False
    request.environ[_LOADED] = True
    return True


def softphone_loaded() -> bool:
    return bool(request.environ.get(_LOADED))


def policy(nonce: str | None, *, docs: bool = False, softphone: bool = False) -> str:
    scripts = (
        "'self' 'unsafe-inline'" if docs else "'self'" + (f" 'nonce-{nonce}'" if nonce else "")
    )
    connect = "'self'" + (f" {SOFTPHONE_CONNECT}" if softphone else "")
    media = (f"media-src {SOFTPHONE_MEDIA}",) if softphone else ()
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            f"connect-src {connect}",
            *media,
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
    app.jinja_env.globals["softphone_page"] = softphone_page

    @app.after_request
    def _csp(response: Response) -> Response:
        if "Content-Security-Policy" in response.headers:
            return response
        nonce = g.get("csp_nonce")
        if request.path.startswith(DOCS_PATH):
            value = _DOCS
        else:
            softphone = softphone_loaded()
            value = (
                _NO_NONCE if nonce is None and not softphone else policy(nonce, softphone=softphone)
            )
        response.headers.add("Content-Security-Policy", value)  # absent: checked above
        return response
