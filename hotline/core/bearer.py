"""Bearer-token checks for every /api/v1 view: `token_required(roles)` passes `actor=`.

How a token becomes an Actor belongs to `hotline.auth.tokens`, which registers itself here with
`token_resolver`, as Flask-Login's `user_loader` does: every domain's API can then check tokens
without importing the accounts that issue them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from flask import request

from hotline.core.actor import STAFF_ROLES, Actor
from hotline.core.errors import Forbidden, Unauthorized

SECURITY_SCHEME = "bearerAuth"
# Marks an operation as needing a bearer token in the OpenAPI document.
BEARER = [{SECURITY_SCHEME: []}]

_resolvers: list[Callable[[str], Actor]] = []


def token_resolver(resolve: Callable[[str], Actor]) -> Callable[[str], Actor]:
    """Register the function that turns a token into an Actor (raising Unauthorized)."""
    _resolvers[:] = [resolve]
    return resolve


def bearer_actor() -> Actor:
    """The Actor of the current request's `Authorization: Bearer` header."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("a bearer token is required (POST /api/v1/auth/token)")
    if not _resolvers:
        raise RuntimeError("no token resolver registered (hotline.auth.tokens not imported)")
    return _resolvers[0](token.strip())


def token_required(roles: Iterable[str] | None = None) -> Callable:
    """Pass the caller as `actor=`; 401 without a valid token, 403 for a role not in `roles`.

    No `roles` means any staff role; special supervisors only get through where `roles` names
    them (they see nothing but their own filings)."""
    allowed = frozenset(roles) if roles is not None else STAFF_ROLES

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            actor = bearer_actor()
            if not actor.is_staff or actor.role not in allowed:
                raise Forbidden(f"role {actor.role} may not do this")
            return view(*args, actor=actor, **kwargs)

        return wrapped

    return decorator
