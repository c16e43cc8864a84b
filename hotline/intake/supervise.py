"""The special supervisors' channel (特邀监督员, DESIGN §11): /supervise lists what they filed,
/supervise/new files a complaint or a spot-check report from a phone. Signed in through /login;
only the role `special_supervisor` gets in, and a monitoring station's staff see their station's
filings. The ticket rules are in hotline/tickets/filed.py.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField

from hotline.auth.supervisors import appointment, serving
from hotline.catalogue import service as catalogue
from hotline.core.actor import FILER_ROLES, Actor
from hotline.core.clock import format_local, utcnow
from hotline.core.errors import Forbidden, ValidationFailed
from hotline.core.extensions import limiter
from hotline.core.i18n import _, current_locale
from hotline.intake import deliveries
from hotline.notify.texts import status_name
from hotline.tickets import filed
from hotline.tickets import service as tickets
from hotline.tickets.models import Status, Ticket
from hotline.tickets.rating_link import rating_token

bp = Blueprint("supervise", __name__, url_prefix="/supervise")

MAX_LENGTHS = {"address": 300, "district": 60}
SUBMISSION_RE = re.compile(r"[0-9a-f]{32}")


class FilingForm(FlaskForm):
    """The mobile form's fields; `check` gives one translated message per bad field."""

    kind = SelectField(choices=filed.FILED_KINDS, validate_choice=False, default="complaint")
    category = SelectField(validate_choice=False, default="")
    description = TextAreaField()
    address = StringField()
    district = StringField()
    disclose_identity = BooleanField()
    confidential = BooleanField()
    # One id per form shown: a double tap, or a resend over a bad mobile connection, finds the
    # ticket the first one opened instead of opening another.
    submission = HiddenField(default=lambda: uuid.uuid4().hex)


def supervisors_only(view: Callable) -> Callable:
    """Sign in first (to /login), then 403 for anyone but a special supervisor."""

    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_user.role not in FILER_ROLES:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def _actor() -> Actor:
    return Actor.of(current_user._get_current_object())


def check(form: FilingForm, codes: set[str]) -> dict[str, str]:
    """One clear message per invalid field."""
    errors: dict[str, str] = {}
    description = (form.description.data or "").strip()
    if not description:
        errors["description"] = _("请写明反映的问题。")
    elif len(description) > tickets.MAX_DESCRIPTION:
        errors["description"] = _("最多 %(n)s 个字。", n=tickets.MAX_DESCRIPTION)
    if form.kind.data not in filed.FILED_KINDS:
        errors["kind"] = _("请选择反映类型。")
    if form.category.data and form.category.data not in codes:
        errors["category"] = _("没有这个类别。")
    if not (form.address.data or "").strip():
        errors["address"] = _("请填写地点。")
    for name, limit in MAX_LENGTHS.items():
        if len((getattr(form, name).data or "").strip()) > limit:
            errors[name] = _("最多 %(n)s 个字。", n=limit)
    return errors


def _per_user() -> str:
    return f"user:{current_user.get_id()}"


def _too_many() -> str:
    return _("提交太频繁，请稍后再试。")


@bp.get("")
@supervisors_only
def index() -> str:
    """GET /supervise — what the supervisor (or their station) filed, with status and reply."""
    actor = _actor()
    return render_template(
        "supervise/index.html",
        filings=[_shown(t, actor) for t in filed.own_filings(actor)],
        appointment=appointment(current_user.id),
        serving=serving(current_user.id, now=utcnow()),
    )


@bp.route("/new", methods=["GET", "POST"])
@supervisors_only
@limiter.limit("10/minute", key_func=_per_user, methods=["POST"], error_message=_too_many)
def new() -> tuple[str, int] | str | Response:
    """GET|POST /supervise/new — file a complaint or a spot-check report (mobile first)."""
    categories = catalogue.active_categories()
    form = FilingForm()
    form.category.choices = [("", "")] + [(c.code, c.name) for c in categories]
    context = {"form": form, "categories": categories, "errors": {}}
    if request.method == "GET" or not form.validate_on_submit():
        if request.method == "POST":  # only the CSRF token can fail here
            abort(400, description="CSRF token missing or invalid")
        return render_template("supervise/new.html", **context)
    errors = check(form, {c.code for c in categories})
    if not SUBMISSION_RE.fullmatch(form.submission.data or ""):
        form.submission.data = uuid.uuid4().hex  # an old page without one: submits once more
    if not errors:
        try:
            number = deliveries.once(f"supervise:{form.submission.data}", lambda: _file(form))
        except Forbidden as exc:  # the appointment ended since the page was shown
            return render_template("supervise/new.html", refused=exc.message, **context), 403
        except ValidationFailed as exc:  # a race (category just deactivated) or a rule we missed
            errors = dict.fromkeys(exc.fields, exc.message) or {"description": exc.message}
        else:
            flash(_("已提交，工单号 %(number)s。", number=number), "ok")
            return redirect(url_for("supervise.index", filed=number))
    context["errors"] = errors
    return render_template("supervise/new.html", **context), 422


def _file(form: FilingForm) -> tuple[str, int]:
    """Open the ticket as the signed-in supervisor (their name and phone, not the form's)."""
    actor = _actor()
    ticket = tickets.create(
        actor=actor,
        channel="supervisor",
        filer=filed.filer_for(actor, now=utcnow()),
        kind=form.kind.data,
        category=form.category.data or None,
        description=form.description.data,
        phone=None,
        address=form.address.data.strip(),
        district=(form.district.data or "").strip() or None,
        disclose_identity=form.disclose_identity.data,
        confidential=form.confidential.data,
        locale=current_locale(),
    )
    return ticket.number, ticket.id


def _shown(ticket: Ticket, actor: Actor) -> dict[str, Any]:
    """A filing as the list shows it: its own data in full (the supervisor is its complainant)."""
    locale = current_locale()
    own = ticket.filed_by_id == actor.user_id
    return {
        "ticket": ticket,
        "status": status_name(ticket.status, locale),
        "answered": ticket.status in (Status.replied, Status.closed),
        "received": format_local(ticket.created_at),
        "due": format_local(ticket.resolve_due_at) if ticket.resolve_due_at else None,
        "replied": format_local(ticket.replied_at) if ticket.replied_at else None,
        "unit": _unit_name(ticket, locale),
        "own": own,
        "rating_link": (
            url_for("complaints.rate", token=rating_token(ticket.number))
            if own and ticket.status == Status.replied
            else None
        ),
    }


def _unit_name(ticket: Ticket, locale: str) -> str | None:
    if ticket.unit is None:
        return None
    return ticket.unit.name_en if locale == "en" and ticket.unit.name_en else ticket.unit.name
