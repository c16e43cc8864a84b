"""One unit of work: a web request, an RQ job or a CLI command commits once or rolls back, and
what must follow a commit runs after it, from one registry (`on_commit`).

Services only flush. Three callers end a unit of work, all through this module:
- a web request: `run_request`, called by the app's `dispatch_request` (hotline/__init__.py),
  commits when the view answers below 400 (or `keep()` says the error's writes stand) and rolls
  back otherwise; a conflict at commit answers 409 through the one error handler;
- an RQ job: `unit_of_work()` around `AppJob.perform` (workers/app.py);
- a CLI command: `with unit_of_work():` around its work, before it reports.
`retrying()` re-runs a webhook's unit of work that lost a race on a row (a version another
transaction committed first, a serialization failure, a deadlock) from a fresh session.
`checkpoint()` commits inside a unit of work and runs the hooks so far, where a commit must come
before what follows: each batch of the sweep, the deadline recompute, the routing and outbox
drains and the roll-up (row locks held briefly; a failing batch loses only itself), an outbox row
taken before its provider call, stuck rows flagged before the sender is woken, and a kept
delivery callback before the SMS status webhook looks for its message again.

`grep -rn "\\.commit()" hotline workers` lists one file:
- hotline/core/uow.py: the only `Session.commit()` (`_commit`), behind `run_request`,
  `unit_of_work` and `checkpoint`.
The intake fast path (hotline/tickets/insert.py) commits without calling commit(): its one
statement runs in autocommit when `write_connection` allows it (`one_statement`). The only other
transaction listeners, in hotline/tickets/numbering.py, log ticket numbers a rollback left
unused; they run no work after a commit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar

from flask import Response, current_app, g
from flask.typing import ResponseReturnValue
from sqlalchemy import Connection, Engine, event
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.orm.exc import StaleDataError

from hotline.core.errors import Conflict
from hotline.core.extensions import db

log = logging.getLogger(__name__)

# session.info key of the after-commit hooks: {key: fn}, in the order first registered.
HOOKS = "hotline_on_commit"
CONFLICT_MESSAGE = "someone else changed this at the same time; reload and retry"

# Flags on `g` for the request's unit of work.
_KEEP = "hotline_uow_keep"
_ONE_STATEMENT = "hotline_uow_one_statement"
_SEVERAL = "hotline_uow_several"
_REQUEST_FLAGS = (_KEEP, _ONE_STATEMENT, _SEVERAL)

F = TypeVar("F", bound=Callable[..., Any])


# ---- after-commit hooks ---------------------------------------------------------------------


def on_commit(key: str, fn: Callable[[], None], *, session: Session | None = None) -> None:
    """Run `fn` once the current transaction commits (never if it rolls back); one per `key`.

    `session`: the one a flush event is about (default: the app's)."""
    (session or db.session()).info.setdefault(HOOKS, {}).setdefault(key, fn)


def cancel(key: str) -> None:
    """Drop the hook registered under `key` in the current transaction, if any."""
    db.session.info.get(HOOKS, {}).pop(key, None)


@event.listens_for(Session, "after_commit")
def _run_hooks(session: Session) -> None:
    hooks: dict[str, Callable[[], None]] | None = session.info.pop(HOOKS, None)
    for key, fn in (hooks or {}).items():
        try:
            fn()
        except Exception:  # the commit stands: a failing hook must not turn it into an error
            log.exception("after-commit hook %s failed", key)


@event.listens_for(Session, "after_transaction_end")
def _drop_hooks(session: Session, transaction: SessionTransaction) -> None:
    # Only the outermost transaction: a savepoint rolled back (one ticket's routing failing in
    # its batch) must not cancel the wake-ups of the rest. After a commit the hooks have run.
    if transaction.parent is None:
        session.info.pop(HOOKS, None)


def woken(kind: str) -> bool:
    """Record a job woken after commit when JOBS_ENABLED is off (tests read the list); True
    if it was recorded, False if the job should really be woken."""
    if current_app.config["JOBS_ENABLED"]:
        return False
    current_app.extensions.setdefault("hotline_woken", []).append(kind)
    return True


# ---- ending a unit of work ------------------------------------------------------------------


def _commit() -> None:
    db.session.commit()  # the only commit() call in hotline/ and workers/


def checkpoint() -> None:
    """Commit the work so far (a job's batch, rows taken before a provider call) and run its
    hooks; the unit of work goes on in a new transaction."""
    _commit()


def rollback() -> None:
    """Roll the current transaction back; its hooks are dropped."""
    db.session.rollback()


@contextmanager
def unit_of_work() -> Iterator[None]:
    """Commit once at the end (a job, a CLI command), or roll back on any exception."""
    try:
        yield
    except BaseException:
        rollback()
        raise
    _commit()


# ---- a web request --------------------------------------------------------------------------


def keep() -> None:
    """This request's writes stand though its answer is an error (a failed login's counter,
    a refusal stored under an Idempotency-Key)."""
    g.setdefault(_KEEP, True)


def run_request(dispatch: Callable[[], ResponseReturnValue]) -> Response:
    """Run a view as one unit of work: commit if it answers below 400 (or `keep()`), roll back
    otherwise; a conflict at commit raises Conflict, which the error handler answers 409."""
    try:
        try:
            response = current_app.make_response(dispatch())
        except BaseException:
            rollback()
            raise
        if response.status_code >= 400 and not g.get(_KEEP):
            rollback()
            return response
        try:
            _commit()
        except (IntegrityError, StaleDataError) as exc:
            # A unique key or a version check lost to a concurrent commit: the caller retries.
            rollback()
            raise Conflict(CONFLICT_MESSAGE) from exc
        return response
    finally:
        # Tests run several requests in one app context (one `g`): nothing carries over.
        for flag in _REQUEST_FLAGS:
            g.pop(flag, None)


# SQLSTATEs of a transaction PostgreSQL aborted for another one: serialization failure, deadlock.
_RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})


def lost_race(exc: BaseException) -> bool:
    """Whether `exc` says the transaction lost a race with a concurrent one: a versioned row
    changed since it was read (StaleDataError), or PostgreSQL aborted it to serialize it with
    another (serialization failure, deadlock). Running the work again may succeed."""
    if isinstance(exc, StaleDataError):
        return True
    if isinstance(exc, DBAPIError) and not isinstance(exc, IntegrityError):
        return getattr(exc.orig, "sqlstate", None) in _RETRYABLE_SQLSTATES
    return False


def retrying(
    attempts: int = 3, *, exhausted: Callable[[], ResponseReturnValue] | None = None
) -> Callable[[F], F]:
    """Re-run a view whose unit of work lost a race on a row (`lost_race`), from a fresh
    session each time, up to `attempts` runs in all; each lost run is rolled back and logged.

    For webhooks, whose sender does not retry what we drop: a retry sees the row as the
    winner committed it, and decides again (a rating that no longer applies is answered as
    such). The view's work is flushed here, so the race surfaces where it can be retried, not
    at the request's commit (a view with nothing to flush costs no round trip). If every run
    loses, answer `exhausted()` (its writes are rolled back) or raise Conflict (409).
    """

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            for attempt in range(1, attempts + 1):
                try:
                    response = view(*args, **kwargs)
                    db.session.flush()
                    return response
                except Exception as exc:
                    if not lost_race(exc):
                        raise
                    rollback()
                    for flag in _REQUEST_FLAGS:  # the next run starts as the request did
                        g.pop(flag, None)
                    log.warning(
                        "%s: lost a race with a concurrent transaction (run %d of %d): %s",
                        view.__name__,
                        attempt,
                        attempts,
                        type(exc).__name__,
                    )
            log.error("%s: every run lost a race; answered without its work", view.__name__)
            if exhausted is not None:
                return exhausted()
            raise Conflict(CONFLICT_MESSAGE)

        return wrapped  # type: ignore[return-value]

    return decorate


def one_statement(view: F) -> F:
    """Declare a view that writes at most one statement (intake's ticket INSERT): when nothing
    came before it, `write_connection` runs it in autocommit."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        g.setdefault(_ONE_STATEMENT, True)
        try:
            return view(*args, **kwargs)
        finally:
            g.pop(_ONE_STATEMENT, None)

    return wrapped  # type: ignore[return-value]


def several_statements() -> None:
    """This request writes more than its view's one statement (an Idempotency-Key's stored
    answer joins it): no autocommit."""
    g.setdefault(_SEVERAL, True)


def write_connection() -> tuple[Connection, bool]:
    """The session's connection for the next write, and whether that write commits by itself.

    Autocommit (PostgreSQL only) when the view declared `one_statement`, no other statement
    joins it (`several_statements`) and the session has not begun a transaction: one round trip
    where BEGIN, INSERT, COMMIT took three. A session bound to a Connection (not the Engine)
    may run inside its caller's transaction, and never autocommits.
    """
    session = db.session()
    if g.get(_ONE_STATEMENT) and not g.get(_SEVERAL) and not session.in_transaction():
        bind = session.get_bind()
        if bind.dialect.name == "postgresql" and isinstance(bind, Engine):
            g.pop(_ONE_STATEMENT, None)  # one statement, not one per call
            autocommit = {"isolation_level": "AUTOCOMMIT"}
            return session.connection(execution_options=autocommit), True
    return session.connection(), False
