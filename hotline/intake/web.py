"""The public web channel: complaint form, status lookup by number + phone, rating page."""

from __future__ import annotations

import re
import uuid

from flask import Blueprint, abort, render_template, request
from flask_limiter.util import get_remote_address
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField

from hotline.catalogue.models import Category
from hotline.core.actor import Actor
from hotline.core.clock import format_local
from hotline.core.errors import InvalidTransition, ValidationFailed
from hotline.core.extensions import db, limiter
from hotline.core.i18n import _, current_locale
from hotline.intake import deliveries
from hotline.intake import service as intake
from hotline.notify.texts import status_name
from hotline.tickets import duplicates
from hotline.tickets import service as tickets
from hotline.tickets.models import Kind, Status, Ticket
from hotline.tickets.rating_link import number_from_rating_token, rating_token

bp = Blueprint("complaints", __name__, url_prefix="/complaints")

KINDS = [k.value for k in Kind]
MAX_LENGTHS = {"address": 300, "district": 60, "name": 60}
RATINGS = [
    (5, "Very satisfied"),
    (4, "Satisfied"),
    (3, "Fairly satisfied"),
    (2, "Dissatisfied"),
    (1, "Very dissatisfied"),
]


class ComplaintForm(FlaskForm):
    """Fields of the public form; checks live in `check` so every message is translated."""

    kind = SelectField(choices=KINDS, validate_choice=False, default="complaint")
    category = SelectField(validate_choice=False, default="")
    description = TextAreaField()
    address = StringField()
    district = StringField()
    phone = StringField()
    name = StringField()
    disclose_identity = BooleanField()
    confidential = BooleanField()
    publish_consent = BooleanField()
    # One id per form shown: a second submit of the same form (a double click, a resend after
    # a slow answer) finds the ticket the first one opened instead of opening another.
    submission = HiddenField(default=lambda: uuid.uuid4().hex)


SUBMISSION_RE = re.compile(r"[0-9a-f]{32}")


class RatingForm(FlaskForm):
    rating = StringField()
    comment = TextAreaField()


def active_categories() -> list[Category]:
    return list(
        db.session.scalars(
            select(Category).where(Category.active.is_(True)).order_by(Category.code)
        )
    )


def check(form: ComplaintForm, categories: list[Category]) -> dict[str, str]:
    """One clear message per invalid field."""
    errors: dict[str, str] = {}
    description = (form.description.data or "").strip()
    if not description:
        errors["description"] = _("Please describe your request.")
    elif len(description) > tickets.MAX_DESCRIPTION:
        errors["description"] = _("At most %(n)s characters.", n=tickets.MAX_DESCRIPTION)
    if form.kind.data not in KINDS:
        errors["kind"] = _("Choose a kind.")
    if form.category.data and form.category.data not in {c.code for c in categories}:
        errors["category"] = _("Unknown category.")
    if not (form.address.data or "").strip():
        errors["address"] = _("Please give the address.")
    for field, limit in MAX_LENGTHS.items():
        if len((getattr(form, field).data or "").strip()) > limit:
            errors[field] = _("At most %(n)s characters.", n=limit)
    if not (form.phone.data or "").strip():
        errors["phone"] = _("A mobile number we can reach you on is required.")
    else:
        try:
            tickets.normalize_phone(form.phone.data)
        except ValidationFailed:
            errors["phone"] = _("This is not a valid phone number.")
    return errors


def phone_key() -> str:
    """Rate-limit key per complainant phone (falls back to the IP when it is not a number)."""
    try:
        return "phone:" + (tickets.normalize_phone(request.form.get("phone")) or "")
    except ValidationFailed:
        return "ip:" + get_remote_address()


def _too_many() -> str:
    return _("Too many submissions, please try again later.")


@bp.route("/new", methods=["GET", "POST"])
@limiter.limit("5/minute", methods=["POST"], error_message=_too_many)
@limiter.limit("3/10 minutes", key_func=phone_key, methods=["POST"], error_message=_too_many)
def new() -> tuple[str, int] | str:
    """GET|POST /complaints/new — the public complaint form."""
    categories = active_categories()
    form = ComplaintForm()
    form.category.choices = [("", "")] + [(c.code, c.name) for c in categories]
    if request.method == "GET" or not form.validate_on_submit():
        if request.method == "POST":  # only the CSRF token can fail here
            abort(400, description="CSRF token missing or invalid")
        return render_template("complaints/new.html", form=form, categories=categories, errors={})
    errors = check(form, categories)
    if not SUBMISSION_RE.fullmatch(form.submission.data or ""):
        form.submission.data = uuid.uuid4().hex  # an old page without one: submits once more
    if not errors:

        def open_ticket() -> tuple[str, int]:
            created = tickets.create(
                actor=Actor.complainant(),
                channel="web",
                kind=form.kind.data,
                category=form.category.data or None,
                description=form.description.data,
                address=form.address.data.strip(),
                district=(form.district.data or "").strip() or None,
                phone=form.phone.data,
                name=form.name.data,
                disclose_identity=form.disclose_identity.data,
                confidential=form.confidential.data,
                publish_consent=form.publish_consent.data,
                locale=current_locale(),
            )
            return created.number, created.id

        try:
            number = deliveries.once(f"web-form:{form.submission.data}", open_ticket)
            ticket = tickets.get_by_number(number)
        except ValidationFailed as exc:  # a race (category just deactivated) or a rule we missed
            errors = dict.fromkeys(exc.fields, exc.message) or {"description": exc.message}
        else:
            due = format_local(intake.expected_due(ticket))
            return render_template("complaints/submitted.html", ticket=ticket, due=due)
    return (
        render_template("complaints/new.html", form=form, categories=categories, errors=errors),
        422,
    )


@bp.get("/status")
@limiter.limit("20/minute", error_message=_too_many)  # slows guessing numbers for a phone
def status() -> tuple[str, int] | str:
    """GET /complaints/status?number=&phone= — a ticket looked up by its number and phone."""
    number = (request.args.get("number") or "").strip()
    raw_phone = (request.args.get("phone") or "").strip()
    if not number and not raw_phone:
        return render_template("complaints/status.html", ticket=None, number="", phone="")
    try:
        phone = tickets.normalize_phone(raw_phone)
    except ValidationFailed:
        phone = None
    ticket = intake.find_for_complainant(number=number, phone=phone)
    context = {"number": number, "phone": raw_phone, "ticket": ticket}
    if ticket is None:
        context["not_found"] = True
        return render_template("complaints/status.html", **context), 404
    locale = current_locale()
    context |= {
        "status_name": status_name(ticket.status, locale),
        "received": format_local(ticket.created_at),
        "due": format_local(ticket.resolve_due_at) if ticket.resolve_due_at else None,
        "rating_link": (
            f"/complaints/rate/{rating_token(ticket.number)}"
            if ticket.status == Status.replied
            else None
        ),
    }
    return render_template("complaints/status.html", **context)


@bp.route("/rate/<token>", methods=["GET", "POST"])
def rate(token: str) -> tuple[str, int] | str:
    """GET|POST /complaints/rate/<signed token> — the rating link sent by SMS."""
    number = number_from_rating_token(token)
    ticket = db.session.scalar(select(Ticket).where(Ticket.number == number)) if number else None
    if ticket is None:
        return render_template("complaints/rate.html", invalid=True, ratings=RATINGS), 404
    form = RatingForm()
    context = {"ticket": ticket, "form": form, "ratings": RATINGS, "errors": {}}
    # 并单: a merged complainant rates the answer of the ticket theirs was folded into, once.
    merged = duplicates.can_rate_merged(ticket)
    if ticket.status != Status.replied and not merged:
        return render_template("complaints/rate.html", not_waiting=True, **context), 409
    if request.method == "GET":
        return render_template("complaints/rate.html", **context)
    if not form.validate_on_submit():
        abort(400, description="CSRF token missing or invalid")
    value = (form.rating.data or "").strip()
    if value not in {"1", "2", "3", "4", "5"}:
        context["errors"] = {"rating": _("Choose a rating from 1 to 5.")}
        return render_template("complaints/rate.html", **context), 422
    comment = (form.comment.data or "").strip() or None
    if merged:
        duplicates.rate_merged(
            ticket, actor=Actor.complainant(), rating=int(value), comment=comment
        )
        into = db.session.get(Ticket, ticket.merged_into_id)
        outcome = _(
            "Your ticket was handled together with ticket %(into)s.",
            into=into.number if into else "",
        )
        return render_template("complaints/rated.html", ticket=ticket, outcome=outcome)
    try:
        intake.rate(ticket, rating=int(value), comment=comment)
    except InvalidTransition:
        return render_template("complaints/rate.html", not_waiting=True, **context), 409
    if ticket.status == Status.closed:
        outcome = _("The ticket is closed.")
    else:
        outcome = _(
            "The ticket was sent back to the unit; new deadline %(due)s.",
            due=format_local(ticket.resolve_due_at),
        )
    return render_template("complaints/rated.html", ticket=ticket, outcome=outcome)


@bp.context_processor
def _translations() -> dict:
    # Overrides Flask-Babel's `_` so pages fall back to the built-in Chinese texts.
    return {"_": _, "lang": current_locale()}
