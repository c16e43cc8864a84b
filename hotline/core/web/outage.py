"""A lost database answers 503 with the JSON error shape and Retry-After, never a traceback."""

from __future__ import annotations

import logging

from flask import Response
from sqlalchemy import exc as sa_exc

from hotline.core import uow
from hotline.core.errors import (
    ServiceUnavailable,
    ValidationFailed,
    handle_domain_error,
    wants_json,
)

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
MESSAGE = "the database is unavailable; try again shortly"
OUTAGE_PAGE = (
    '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>503</title>'
    "<h1>服务暂时不可用 · Service temporarily unavailable</h1>"
    "<p>请稍后再试。Please try again in a few seconds.</p></html>"
)
SQLITE_OUTAGES = ("unable to open", "database is locked", "disk i/o error", "readonly database")


def is_outage(error: BaseException) -> bool:
    """True for "the database is not there" (refused, dropped, pool exhausted), not for bad SQL."""
    if isinstance(error, sa_exc.TimeoutError):  # pool exhausted while connections hang
        return True
    if not isinstance(error, sa_exc.DBAPIError):
        return False
    if error.connection_invalidated or isinstance(error, sa_exc.InterfaceError):
        return True
    if not isinstance(error, sa_exc.OperationalError):
        return False
    if type(error.orig).__module__ == "sqlite3":
        # sqlite3 also says OperationalError for "no such table" and syntax errors: real bugs.
        return any(s in str(error.orig).lower() for s in SQLITE_OUTAGES)
    return True


def handle_database_error(error: sa_exc.DBAPIError | sa_exc.TimeoutError) -> Response:
    """503 + Retry-After for an outage; any other database error stays a 500 (re-raised)."""
    if isinstance(error, sa_exc.DataError):
        # a value the database cannot hold (out of range, bad encoding): the caller's input
        uow.rollback()
        return handle_domain_error(
            ValidationFailed("a value is out of range or malformed", fields={"body": ["invalid"]})
        )
    if not is_outage(error):
        raise error
    try:  # the session holds a dead connection; the pool's pre-ping replaces it next time
        uow.rollback()
    except Exception:
        log.debug("rollback after database outage failed", exc_info=True)
    log.warning("database unavailable: %s", type(getattr(error, "orig", None) or error).__name__)
    if wants_json():
        response = handle_domain_error(ServiceUnavailable(MESSAGE))
    else:
        # No template: rendering one would run context processors that load the logged-in
        # user from the very database that is gone.
        response = Response(OUTAGE_PAGE, status=503, mimetype="text/html")
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
