"""Bearer tokens for the JSON API: issue at POST /api/v1/auth/token, check on every call.

A token is signed (itsdangerous, SECRET_KEY) and carries the user's id, role and unit, so a
request is authorised without a database round trip (DESIGN §10). Each process also keeps every
user's standing (active, role, unit), read at most STANDING_TTL apart: a token whose user has
been deactivated or given another role or unit is refused within that time (at once in the
process that made the change), long before the token itself expires.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Response, current_app, request
from flask_smorest import Blueprint
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from hotline.auth.models import User
from hotline.auth.service import LoginRefused, authenticate
from hotline.core import uow
from hotline.core.actor import Actor
from hotline.core.bearer import BEARER, SECURITY_SCHEME, token_resolver
from hotline.core.clock import utcnow
from hotline.core.errors import Unauthorized
from hotline.core.extensions import api, csrf, db, limiter

_SALT = "hotline-api-token"
_EXTENSION_KEY = "hotline_token_serializer"
_STANDING_KEY = "hotline_user_standing"
_VERIFIED_KEY = "hotline_verified_tokens"
STANDING_TTL = timedelta(seconds=30)
# Tokens whose signature this process has checked: a client sends the same token for hours, and
# the HMAC, base64 and JSON of checking it again were a tenth of an intake's Python time.
VERIFIED_TOKENS_MAX = 4096

blp = Blueprint("auth", __name__, description="Bearer tokens (POST a username and password).")
csrf.exempt(blp)  # bearer-token calls carry no cookie, so there is nothing to forge


class TokenRequestSchema(Schema):
    username = fields.Str(required=True, validate=validate.Length(min=1, max=60))
    password = fields.Str(required=True, validate=validate.Length(min=1, max=200))


class TokenSchema(Schema):
    token = fields.Str(required=True, metadata={"description": "send as `Authorization: Bearer …`"})
    token_type = fields.Str(metadata={"example": "Bearer"})
    expires_in = fields.Int(metadata={"description": "seconds"})


class _ClockSigner(TimestampSigner):
    """Timestamps from the injectable clock, so tests expire tokens without sleeping."""

    def get_timestamp(self) -> int:
        return int(utcnow().timestamp())


def _serializer() -> URLSafeTimedSerializer:
    app = current_app
    serializer = app.extensions.get(_EXTENSION_KEY)
    if serializer is None:
        serializer = URLSafeTimedSerializer(
            app.config["SECRET_KEY"], salt=_SALT, signer=_ClockSigner
        )
        app.extensions[_EXTENSION_KEY] = serializer
    return serializer


def issue_token(user: User) -> str:
    """A signed token naming the user, their role and unit."""
    payload = {
        "u": user.id,
        "r": user.role,
        "n": user.unit_id,
        "g": user.generation,
        "l": user.username,
    }
    return _serializer().dumps(payload)


@token_resolver
def actor_from_token(token: str) -> Actor:
    """The Actor a token stands for; Unauthorized when forged, malformed or expired."""
    payload = _verified(token)
    claimed = (payload.get("r"), payload.get("n"), payload.get("g"))
    if (
        _standing().get(payload["u"]) != claimed
        and _standing(fresh=True).get(payload["u"]) != claimed
    ):
        raise Unauthorized("token no longer valid: the user was deactivated or changed")
    return Actor(
        user_id=payload["u"],
        role=payload.get("r"),
        unit_id=payload.get("n"),
        label=payload.get("l"),
    )


def _verified(token: str) -> dict[str, Any]:
    """The payload of a token signed by this app and not expired by the clock now.

    A token's signature and issue time never change, so a checked token is remembered (per
    process, up to VERIFIED_TOKENS_MAX) and only its age is checked again.
    """
    max_age = current_app.config["API_TOKEN_TTL_SECONDS"]
    cache = current_app.extensions.setdefault(_VERIFIED_KEY, {})
    known = cache.get(token)
    if known is None:
        try:
            payload, signed_at = _serializer().loads(token, max_age=max_age, return_timestamp=True)
        except SignatureExpired as exc:
            raise Unauthorized("token expired") from exc
        except BadSignature as exc:
            raise Unauthorized("invalid token") from exc
        if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
            raise Unauthorized("invalid token")
        if len(cache) >= VERIFIED_TOKENS_MAX:
            cache.clear()
        known = cache[token] = (payload, int(signed_at.timestamp()))
    payload, signed_at = known
    age = int(utcnow().timestamp()) - signed_at  # whole seconds, as itsdangerous counts
    if not 0 <= age <= max_age:  # (signed "in the future": the clock moved back)
        raise Unauthorized("token expired")
    return payload


def _standing(*, fresh: bool = False) -> dict[int, tuple[str, int | None, int]]:
    """{user id: (role, unit id, generation)} of the active users, cached per process for
    STANDING_TTL.

    `fresh` re-reads it: a token newer than the cache (a new user, a new role) is checked
    against the database before it is refused. (A refused token costs a query per request;
    the per-client rate limit bounds that.)
    """
    cache = current_app.extensions.setdefault(_STANDING_KEY, {})
    now = utcnow()
    age = now - cache["at"] if "users" in cache else None
    if fresh or age is None or age < timedelta(0) or age >= STANDING_TTL:
        rows = db.session.execute(
            select(User.id, User.role, User.unit_id, User.generation).where(User.active.is_(True))
        )
        cache.update(users={uid: (role, unit, gen) for uid, role, unit, gen in rows}, at=now)
    return cache["users"]


def forget_standing() -> None:
    """After a change to users: this process re-reads their standing on the next request."""
    current_app.extensions.pop(_STANDING_KEY, None)


@blp.route("/auth/token", methods=["POST"])
@limiter.limit("20 per minute")
@blp.arguments(TokenRequestSchema)
@blp.response(200, TokenSchema)
@blp.alt_response(401, description="wrong credentials, or the user is inactive")
@blp.doc(security=[])
def create_token(body: dict) -> dict:
    """Exchange a username and password for a bearer token."""
    try:
        user = authenticate(
            username=body["username"],
            password=body["password"],
            now=utcnow(),
            address=request.remote_addr or "",
        )
    except LoginRefused:
        # The refusal counts toward the lock-out the web form shares, though the answer is a
        # 401 (an error raised from a view rolls its unit of work back).
        uow.checkpoint()
        raise
    return {
        "token": issue_token(user),
        "token_type": "Bearer",
        "expires_in": current_app.config["API_TOKEN_TTL_SECONDS"],
    }


@blp.record_once
def _register_security_scheme(state: Any) -> None:
    """Declare the bearer scheme once per app and require it by default on every operation."""
    api.spec.components.security_scheme(
        SECURITY_SCHEME,
        {"type": "http", "scheme": "bearer", "description": "from POST /api/v1/auth/token"},
    )
    api.spec.options["security"] = BEARER


@blp.after_app_request
def _www_authenticate(response: Response) -> Response:
    """RFC 6750: a 401 from the API names the scheme the client should use."""
    if response.status_code == 401 and request.path.startswith("/api/"):
        response.headers.setdefault("WWW-Authenticate", 'Bearer realm="hotline"')
    return response


def revoke_credentials(user: User) -> None:
    """Void every session and token issued to `user` (logout, password reset, a change of role,
    unit or standing); this process forgets the old standing once the change is committed."""
    user.generation = (user.generation or 1) + 1
    uow.on_commit("forget_standing", forget_standing)
