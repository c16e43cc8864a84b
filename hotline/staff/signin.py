"""Staff sign-in and sign-out with Flask-Login sessions, lock-out after repeated failures."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from hotline.auth.models import User
from hotline.auth.service import LOCK_MINUTES, LoginRefused, authenticate
from hotline.auth.tokens import revoke_credentials
from hotline.core import uow
from hotline.core.clock import utcnow
from hotline.core.extensions import db, limiter, login_manager
from hotline.core.web.redirects import safe_path
from hotline.staff.access import home_endpoint
from hotline.staff.signin_form import LoginForm

bp = Blueprint("signin", __name__)

login_manager.login_view = "signin.login"
login_manager.login_message = None


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user of a session cookie, if the cookie's generation is still the user's."""
    user_id, _, generation = session_id.partition(":")
    if not user_id.isdigit() or not generation.isdigit():
        return None  # a cookie from before generations, or forged
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.generation != int(generation):
        return None  # logged out, password reset, role changed or deactivated since
    return user


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
        try:
            user = authenticate(
                username=form.username.data,
                password=form.password.data,
                now=utcnow(),
                address=request.remote_addr or "",
            )
        except LoginRefused as refused:
            error = refused.reason
        else:
            error = None
        uow.keep()  # a failure's count and lock-out stand though the answer is a 401
        if error is None:
            login_user(user)
            return redirect(_safe_next() or url_for(home_endpoint(user.role)))
        if error == "locked":
            flash(
                _("登录失败次数过多，已暂时锁定，请稍后再试（最长 %(m)s 分钟）。", m=LOCK_MINUTES),
                "error",
            )
        else:
            flash(_("用户名或密码错误。"), "error")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    # Every copy of this session cookie (and the user's API tokens) stops working, not just
    # this browser's.
    revoke_credentials(current_user._get_current_object())
    logout_user()
    flash(_("已安全退出。"), "ok")
    return redirect(url_for("signin.login"))
