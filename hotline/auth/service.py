"""Signing in: one check of a username and password, with the failed-login count and lock-out.

The web form (/login) and the API (POST /api/v1/auth/token) both call `authenticate`, so a
failure through either counts toward the same lock-out.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from hotline.audit.models import AuditEntry
from hotline.auth.models import User
from hotline.core.errors import Unauthorized
from hotline.core.extensions import db

MAX_FAILURES = 5
LOCK_MINUTES = 15
LOGIN_LOCKED = "login_locked"

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


def authenticate(*, username: str, password: str, now: datetime) -> User:
    """The active, unlocked user with these credentials; LoginRefused otherwise.

    A wrong password counts toward the lock-out (MAX_FAILURES in a row lock the account for
    LOCK_MINUTES). An unknown, deactivated or locked account is refused the same way whether
    or not the password was right, so the answer never confirms a password. The changes are
    flushed: the caller commits them, the refusals too.
    """
    user = db.session.scalar(select(User).where(User.username == username.strip()))
    if user is None or not user.active:
        check_password_hash(_DUMMY_HASH, password)
        raise LoginRefused("invalid")
    if user.locked_until is not None and user.locked_until > now:
        check_password_hash(_DUMMY_HASH, password)
        raise LoginRefused("locked")
    if not user.check_password(password):
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins < MAX_FAILURES:
            db.session.flush()
            raise LoginRefused("invalid")
        user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
        user.failed_logins = 0
        db.session.add(AuditEntry(at=now, actor_id=user.id, action=LOGIN_LOCKED))
        db.session.flush()
        raise LoginRefused("locked")
    user.failed_logins = 0
    user.locked_until = None
    db.session.flush()
    return user
