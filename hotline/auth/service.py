"""Signing in: one check of a username and password, with a back-off after failures.

The web form (/login) and the API (POST /api/v1/auth/token) both call `authenticate`, so a
failure through either counts toward the same back-off. The back-off is kept per username and
address (LoginThrottle): after FREE_FAILURES wrong passwords from one address, that address
waits 30 s before its next try for that username, then twice as long after each further
failure, up to MAX_WAIT. An attacker thus slows down only themselves; the account's owner signs
in from their own address as usual. Against many addresses at once, the account as a whole
backs off too, after ACCOUNT_FREE_FAILURES failures in a row (User.failed_logins), by the same
doubling up to MAX_WAIT: no one can lock an account for longer than that at a time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from werkzeug.security import check_password_hash, generate_password_hash

from hotline.audit.service import record_action
from hotline.auth.models import LoginThrottle, User
from hotline.auth.supervisors import may_sign_in
from hotline.core.errors import Unauthorized
from hotline.core.extensions import db

FREE_FAILURES = 5  # per username and address
ACCOUNT_FREE_FAILURES = 50  # per username, from any address
FIRST_WAIT = timedelta(seconds=30)
MAX_WAIT = timedelta(minutes=15)
LOCK_MINUTES = int(MAX_WAIT.total_seconds() // 60)  # the longest wait, as the page says it
LOGIN_LOCKED = "login_locked"


def backoff(failures: int, free: int) -> timedelta | None:
    """How long to wait after `failures` in a row when `free` of them cost nothing."""
    if failures < free:
        return None
    return min(FIRST_WAIT * 2 ** min(failures - free, 20), MAX_WAIT)


# Checked when no password of a real, usable account is, so every refusal takes as long.
_DUMMY_HASH = generate_password_hash("not-a-password")


class LoginRefused(Unauthorized):
    """Wrong credentials (`reason` "invalid") or a locked account ("locked")."""

    MESSAGES = {
        "invalid": "wrong username or password",
        "locked": "this account is disabled or locked",
    }

    def __init__(self, reason: str):
        super().__init__(self.MESSAGES[reason])
        self.reason = reason


def authenticate(*, username: str, password: str, now: datetime, address: str = "") -> User:
    """The active user with these credentials, unless their address must still wait;
    LoginRefused otherwise.

    An unknown, deactivated or waiting account, and a special supervisor out of term, is
    refused the same way whether or not the password was right, so the answer never confirms a
    password. The changes are flushed: the caller commits them, the refusals too.
    """
    name = username.strip()
    throttle = db.session.get(LoginThrottle, (name, address[:64]))
    user = db.session.scalar(select(User).where(User.username == name))
    waiting = (throttle is not None and _after(throttle.blocked_until, now)) or (
        user is not None and _after(user.locked_until, now)
    )
    if waiting:
        check_password_hash(_DUMMY_HASH, password)
        raise LoginRefused("locked")
    if user is None or not user.active or not may_sign_in(user, now=now):
        check_password_hash(_DUMMY_HASH, password)
        _failed(name, address, throttle, None, now)
        raise LoginRefused("invalid")
    if not user.check_password(password):
        locked = _failed(name, address, throttle, user, now)
        raise LoginRefused("locked" if locked else "invalid")
    if throttle is not None:
        db.session.delete(throttle)
    user.failed_logins = 0
    user.locked_until = None
    db.session.flush()
    return user


def _after(until: datetime | None, now: datetime) -> bool:
    return until is not None and until > now


def _failed(
    name: str, address: str, throttle: LoginThrottle | None, user: User | None, now: datetime
) -> bool:
    """Count a failure for the address (and the account); True if a wait now begins."""
    if throttle is None:
        throttle = LoginThrottle(username=name[:60], address=address[:64], failures=0)
        db.session.add(throttle)
    throttle.failures += 1
    throttle.last_failure_at = now
    wait = backoff(throttle.failures, FREE_FAILURES)
    throttle.blocked_until = now + wait if wait else None
    if user is not None:
        user.failed_logins = (user.failed_logins or 0) + 1
        account_wait = backoff(user.failed_logins, ACCOUNT_FREE_FAILURES)
        user.locked_until = now + account_wait if account_wait else None
        if wait or account_wait:
            record_action(
                actor_id=user.id,
                action=LOGIN_LOCKED,
                detail={"address": address, "failures": throttle.failures},
                now=now,
            )
    db.session.flush()
    return wait is not None or (user is not None and user.locked_until is not None)


def purge_throttles(*, now: datetime, older_than: timedelta = timedelta(days=1)) -> int:
    """Forget failures nobody is waiting on any more (unknown usernames pile up otherwise)."""
    result = db.session.execute(
        delete(LoginThrottle).where(
            LoginThrottle.last_failure_at < now - older_than,
            (LoginThrottle.blocked_until.is_(None)) | (LoginThrottle.blocked_until < now),
        )
    )
    return result.rowcount or 0
