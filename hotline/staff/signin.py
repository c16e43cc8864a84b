"""Staff sign-in and sign-out with Flask-Login sessions, lock-out after repeated failures."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from hotline.audit.models import AuditEntry
from hotline.auth.models import User
from hotline.core import uow
from hotline.core.clock import utcnow
from hotline.core.extensions import db, limiter, login_manager
from hotline.core.web.redirects import safe_path
from hotline.staff.access import home_endpoint
from hotline.staff.signin_form import LoginForm

bp = Blueprint("signin", __name__)

MAX_FAILURES = 5
LOCK_MINUTES = 15

login_manager.login_view = "signin.login"
login_manager.login_message = None


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None


def authenticate(*, username: str, password: str) -> tuple[User | None, str | None]:
    """The user for these credentials, or an error key; counts failures and locks the account."""
    now = utcnow()
    user = db.session.scalar(select(User).where(User.username == username.strip()))
    if user is None or not user.active:
        return None, "invalid"
    if user.locked_until is not None and user.locked_until > now:
        return None, "locked"
    if not user.check_password(password):
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
            user.failed_logins = 0
            db.session.add(AuditEntry(at=now, actor_id=user.id, action="login_locked"))
            return None, "locked"
        return None, "invalid"
    user.failed_logins = 0
    user.locked_until = None
    return user, None


def _safe_next() -> str | None:
    return safe_path(request.args.get("next"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])  # per address; the lock-out is per account
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user.role)))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user, error = authenticate(username=form.username.data, password=form.password.data)
        uow.keep()  # a failure's count and lock-out stand though the answer is a 401
        if user is not None:
            login_user(user)
            return redirect(_safe_next() or url_for(home_endpoint(user.role)))
        if error == "locked":
            flash(_("登录失败次数过多，账户已锁定 %(m)s 分钟。", m=LOCK_MINUTES), "error")
        else:
            flash(_("用户名或密码错误。"), "error")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    logout_user()
    flash(_("已安全退出。"), "ok")
    return redirect(url_for("signin.login"))
