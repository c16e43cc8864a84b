"""The operator console pages; every transition posts to the shared ticket actions."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from hotline.audit.service import record_personal_data_reads
from hotline.core import uow
from hotline.core.actor import Role
from hotline.core.clock import utcnow
from hotline.core.errors import HotlineError, ValidationFailed
from hotline.knowledge import search
from hotline.knowledge import service as knowledge
from hotline.staff.access import HOTLINE, current_actor, role_required
from hotline.staff.console import forms, queries, service
from hotline.staff.console.softphone_bar import carry_softphone
from hotline.staff.pages.ui import page_args, paginate
from hotline.tickets import duplicates as dup_rules
from hotline.tickets.service import normalize_phone
from hotline.units import service as units

bp = Blueprint("console", __name__, url_prefix="/console")


bp.before_request(carry_softphone)


def _phone_arg(raw: str | None) -> str | None:
    try:
        return normalize_phone(raw, required=False)
    except ValidationFailed:
        return None


@bp.route("")
@role_required(*HOTLINE)
def index() -> str:
    task = None
    task_id = request.args.get("task", type=int)
    if task_id:
        task = queries.callback_task(task_id)
    phone = request.args.get("phone") or (task.phone if task else "")
    return render_template(
        "console/index.html",
        values={"phone": phone},
        task=task if task is not None and task.status == "open" else None,
        **forms.choices(),
    )


def _call(form: Any) -> dict[str, Any]:
    """The new-call form's fields, as `service.log_call` takes them."""
    return {
        "phone": form.get("phone", ""),
        "description": form.get("description", ""),
        "kind": form.get("kind"),
        "category": form.get("category"),
        "priority": form.get("priority"),
        "name": form.get("name"),
        "disclose_identity": bool(form.get("disclose_identity")),
        "confidential": bool(form.get("confidential")),
        "district": form.get("district"),
        "address": form.get("address"),
        "unit": form.get("unit"),
        "task_id": form.get("task", type=int),
        "call_sid": form.get("call_sid") or None,
        "locale": str(get_locale() or "zh_CN"),
    }


def _refused(exc: HotlineError) -> Response:
    """Back to the form with the caller's number and what was wrong (nothing was written)."""
    uow.rollback()  # the redirect below is no error: the request would commit
    flash(forms.error_text(exc), "error")
    return redirect(url_for("console.index", phone=request.form.get("phone", "")))


@bp.route("/calls", methods=["POST"])
@role_required(*HOTLINE)
def log_call() -> Response | tuple[str, int] | str:
    form = request.form
    try:
        ticket = service.log_call(actor=current_actor(), **_call(form))
    except HotlineError as exc:
        if forms.is_htmx():  # the form again, as typed, with what is wrong
            uow.rollback()  # nothing of a refused call is written
            task = queries.callback_task(form.get("task", type=int) or 0)
            html = render_template(
                "console/_callform.html",
                values=form,
                task=task,
                error=forms.error_text(exc),
                **forms.choices(),
            )
            return html, exc.status
        return _refused(exc)
    # A fresh form for the next call, with the new ticket's number to follow (the console
    # stays open: leaving it would hang up the softphone).
    if forms.is_htmx():
        return render_template(
            "console/_callform.html", values={}, task=None, logged=ticket, **forms.choices()
        )
    flash(ticket.number, "logged")
    return redirect(url_for("console.index"))


@bp.route("/calls/resolve", methods=["POST"])
@role_required(*HOTLINE)
def resolve_call() -> Response:
    """直接办结 in one step: the call is logged and closed with the answer given."""
    form = request.form
    try:
        ticket = service.resolve_call_at_source(
            actor=current_actor(),
            answer=form.get("answer", ""),
            article=_article_id(form.get("article")),
            **_call(form),
        )
    except HotlineError as exc:
        return _refused(exc)
    flash(_("已直接办结工单 %(n)s，答复已短信告知来电人。", n=ticket.number), "ok")
    return redirect(url_for("pages.ticket", number=ticket.number))


def _article_id(raw: str | None) -> int | None:
    """The knowledge article the answer came from (a hidden field the page fills)."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or not 0 < int(raw) < 2**31:
        raise ValidationFailed("article is not an article id", fields={"article": ["not an id"]})
    return int(raw)


@bp.route("/knowledge")
@role_required(*HOTLINE)
def knowledge_hits() -> str:
    """htmx partial: the articles in force that best answer what the operator is typing."""
    q = request.args.get("q") or ""
    return render_template(
        "console/_knowledge.html", q=q, articles=search.top(q, on=knowledge.today())
    )


@bp.route("/caller")
@role_required(*HOTLINE)
def caller() -> str:
    """htmx partial: the caller's earlier tickets beside the new-call form."""
    phone = _phone_arg(request.args.get("phone"))
    history = queries.caller_history(phone=phone) if phone else []
    html = render_template("console/_caller.html", phone=phone, history=history)
    _audit_reads([t.id for t in history], "caller_history")
    return html


def _audit_reads(ticket_ids: list[int], via: str) -> None:
    """DESIGN §1: staff reads of unmasked complainant data are audited, one INSERT per page."""
    if ticket_ids:
        record_personal_data_reads(
            actor=current_actor(), ticket_ids=ticket_ids, now=utcnow(), via=via
        )


@bp.route("/suggest")
@role_required(*HOTLINE)
def suggest() -> str:
    """htmx partial: suggested category and unit, and duplicates to merge, while typing."""
    description = (request.args.get("description") or "").strip()
    district = (request.args.get("district") or "").strip() or None
    suggestion = queries.suggest(
        description=description, district=district, category_code=request.args.get("category")
    )
    dups = queries.duplicates(
        description=description, phone=_phone_arg(request.args.get("phone")), district=district
    )
    return render_template(
        "console/_suggest.html", suggestion=suggestion, duplicates=dups, description=description
    )


@bp.route("/triage")
@role_required(*HOTLINE)
def triage() -> str:
    page, per_page = page_args()
    page_ = paginate(queries.triage_queue(), page=page, per_page=per_page)
    return render_template(
        "console/triage.html",
        page=page_,
        dups=dup_rules.flagged_of(page_.items),
        guesses=queries.classifier_guesses(page_.items),
        units=units.active_units(),
    )


@bp.route("/callbacks")
@role_required(*HOTLINE)
def callbacks() -> str:
    page, per_page = page_args()
    page_ = paginate(queries.callback_queue(), page=page, per_page=per_page)
    html = render_template("console/callbacks.html", page=page_)
    _audit_reads([t.id for t in page_.items if t.complainant_phone], "callback_queue")
    return html


@bp.route("/requests")
@role_required(Role.supervisor)
def requests() -> str:
    page, per_page = page_args()
    page_ = paginate(queries.pending_requests(), page=page, per_page=per_page)
    names = units.names_by_id(r.unit_id for r in page_.items)
    return render_template("console/requests.html", page=page_, unit_names=names)
