"""`Idempotency-Key` replays of an API write's first response.

A POST view decorated with `idempotent` only flushes; the decorator flushes what is left, so a
version conflict is answered (and stored) here, and the request's unit of work commits
(`uow.run_request`). When the caller sent an `Idempotency-Key`, the response is stored in the
same transaction as the work it describes, so a retry after a lost answer gets the first answer
instead of a second ticket, and two concurrent requests with one key cannot both succeed (the
unique key makes one fail, and that one replays the winner's answer).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any

from flask import Response, jsonify, make_response, request
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from hotline.core import uow
from hotline.core.actor import Actor
from hotline.core.clock import utcnow
from hotline.core.errors import (
    Conflict,
    HotlineError,
    ValidationFailed,
    handle_domain_error,
    handle_http_error,
)
from hotline.core.extensions import db
from hotline.core.models import IdempotencyKey

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
# Refusals of a request that ran (forbidden, not found, conflict) are part of its history and
# are replayed; input errors are not stored, so the caller can fix the body and retry the key.
_STORED_ERRORS = frozenset({403, 404, 409})


def request_fingerprint() -> str:
    """SHA-256 of method, path and the JSON body (key order ignored)."""
    raw = request.get_data(cache=True)
    try:
        body: Any = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":"))
    except ValueError:
        body = raw.decode("utf-8", "replace")
    text = f"{request.method} {request.path}\n{body}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _scope(actor: Actor) -> str:
    return f"user:{actor.user_id}" if actor.user_id is not None else f"label:{actor.label}"


def _find(scope: str, key: str) -> IdempotencyKey | None:
    return db.session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.scope == scope, IdempotencyKey.key == key)
    )


def _replay(stored: IdempotencyKey, fingerprint: str) -> Response:
    if stored.request_hash != fingerprint:
        raise ValidationFailed(
            f"{HEADER} was already used for a different request",
            fields={HEADER: ["already used with another method, path or body"]},
        )
    response = make_response(jsonify(stored.body), stored.status_code)
    response.headers[REPLAYED_HEADER] = "true"
    return response


def _error_response(exc: Exception) -> Response:
    if isinstance(exc, HotlineError):
        return handle_domain_error(exc)
    assert isinstance(exc, HTTPException)
    return handle_http_error(exc)


def _stale_conflict() -> Conflict:
    return Conflict("the ticket was changed by someone else; reload and retry")


def idempotent(view: Callable) -> Callable:
    """Flush the view's work; store and replay its answer under an Idempotency-Key.

    Wrap a view that receives `actor=` (place it under `token_required`). Nothing is stored for
    5xx answers or input errors.
    """

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Response:
        actor: Actor = kwargs["actor"]
        key = request.headers.get(HEADER)
        if key is not None:
            key = key.strip()
            if not key or len(key) > MAX_KEY_LENGTH:
                raise ValidationFailed(
                    f"{HEADER} must be 1–{MAX_KEY_LENGTH} characters",
                    fields={HEADER: [f"1 to {MAX_KEY_LENGTH} characters"]},
                )
            fingerprint = request_fingerprint()
            uow.several_statements()  # the key's row joins the view's writes
            stored = _find(_scope(actor), key)
            if stored is not None:
                return _replay(stored, fingerprint)
        try:
            response = make_response(view(*args, **kwargs))
            if key is not None and response.status_code < 400:
                _remember(actor, key, fingerprint, response)
            else:
                db.session.flush()  # a version conflict surfaces here, not at the commit
            return response
        except StaleDataError as exc:
            uow.rollback()
            return _store_refusal(actor, key, fingerprint if key else "", _stale_conflict(), exc)
        except (HotlineError, HTTPException) as exc:
            uow.rollback()
            return _store_refusal(actor, key, fingerprint if key else "", exc, exc)
        except IntegrityError:
            uow.rollback()
            if key is not None:
                # Another request with this key committed first: answer as it did.
                stored = _find(_scope(actor), key)
                if stored is not None:
                    return _replay(stored, fingerprint)
            raise
        except Exception:
            uow.rollback()  # a 5xx: nothing of the request is kept, not even its key
            raise

    return wrapped


def _store_refusal(
    actor: Actor, key: str | None, fingerprint: str, error: Exception, cause: Exception
) -> Response:
    """Answer a refused request; remember the refusal when it belongs to the key's history."""
    if key is None:
        if error is cause:
            raise cause
        raise error from cause
    response = _error_response(error)
    if response.status_code in _STORED_ERRORS:
        try:
            _remember(actor, key, fingerprint, response)
            uow.keep()  # the refusal is committed though the answer is an error
        except IntegrityError:
            uow.rollback()
            stored = _find(_scope(actor), key)
            if stored is not None:
                return _replay(stored, fingerprint)
            raise
    return response


def _remember(actor: Actor, key: str, fingerprint: str, response: Response) -> None:
    db.session.add(
        IdempotencyKey(
            scope=_scope(actor),
            key=key,
            method=request.method,
            path=request.path[:255],
            request_hash=fingerprint,
            status_code=response.status_code,
            body=response.get_json(silent=True),
            created_at=utcnow(),
        )
    )
    db.session.flush()


def purge(*, older_than: timedelta = timedelta(days=1), now: datetime | None = None) -> int:
    """Delete stored answers older than `older_than`; returns how many (for a periodic job)."""
    cutoff = (now or utcnow()) - older_than
    result = db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < cutoff))
    return result.rowcount or 0


def purge_idempotency_keys() -> int:
    """Delete Idempotency-Key answers older than a day; returns how many went."""
    removed = purge()
    log.info("purged %d idempotency keys", removed)
    return removed
