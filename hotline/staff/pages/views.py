"""The home redirect, ticket lookup, the shared ticket page and staff access to uploads."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import (
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from hotline.audit.service import record_personal_data_reads
from hotline.calls import recordings
from hotline.campaign.commitments import breaches as campaign_breaches
from hotline.core.actor import Role
from hotline.core.clock import utcnow
from hotline.core.errors import NotFound
from hotline.core.fulltext import MAX_QUERY_CHARS
from hotline.core.timebounds import year_in_range
from hotline.staff.access import current_actor, home_endpoint
from hotline.staff.pages import queries
from hotline.staff.pages.blueprint import bp
from hotline.staff.pages.ui import STATUS_LABELS, complainant
from hotline.tickets import publication
from hotline.tickets import service as tickets
from hotline.tickets.transitions import offered
from hotline.units import service as units


@bp.route("/")
def home() -> Response:
    if not current_user.is_authenticated:
        return redirect(url_for("signin.login"))
    return redirect(url_for(home_endpoint(current_user.role)))


# The search page's filters: query argument → the ticket list's filter (tickets/search.py).
FILTERS = ("from", "to", "category", "district", "unit", "status")


def _filters() -> tuple[dict[str, Any], dict[str, str]]:
    """The search page's filters from the query string, and an error message per bad field."""
    given = {name: (request.args.get(name) or "").strip()[:60] for name in FILTERS}
    filters: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, key in (("from", "from_"), ("to", "to")):
        if given[name]:
            try:
                day = date.fromisoformat(given[name])
            except ValueError:
                errors[name] = _("日期格式应为 YYYY-MM-DD")
                continue
            if not year_in_range(day.year):
                errors[name] = _("日期超出范围")
                continue
            filters[key] = day
    if given["status"]:
        if given["status"] in STATUS_LABELS:
            filters["status"] = [given["status"]]
        else:
            errors["status"] = _("没有这个状态")
    for name in ("category", "district", "unit"):
        if given[name]:
            filters[name] = given[name]
    return filters, errors


@bp.route("/tickets")
@login_required
def lookup() -> Response | str | tuple[str, int]:
    """The top search box and the search page: a whole ticket number opens it; part of a number,
    a phone number or words list what matches, narrowed by the filters (`number` is the box's
    name before it took phones)."""
    # Only the start of a long paste is searched (fulltext.MAX_QUERY_CHARS).
    q = (request.args.get("q") or request.args.get("number") or "").strip()[:MAX_QUERY_CHARS]
    filters, errors = _filters()
    if not q and not filters and not errors:
        return redirect(url_for("pages.home"))
    if queries.FULL_NUMBER.match(q) and not filters:
        return redirect(url_for("pages.ticket", number=q))
    actor = current_actor()
    found = queries.search(q, actor=actor, filters=filters) if not errors else None
    shown = found.tickets if found else []
    # Each as this viewer may see it: masked for a unit's staff, none when confidential.
    phones = {t.id: complainant(t, actor)["phone"] for t in shown}
    html = render_template(
        "tickets/search.html",
        q=q,
        found=found,
        phones=phones,
        errors=errors,
        snippet=queries.snippet,
        options=queries.search_options(actor),
    )
    if errors:
        return html, 400
    audited = [t.id for t in shown if t.complainant_phone]
    if audited and actor.sees_full_personal_data:
        # DESIGN §1: the list shows complainants' numbers unmasked to these roles; audited.
        record_personal_data_reads(actor=actor, ticket_ids=audited, now=utcnow(), via="search")
    return html


@bp.route("/tickets/<number>")
@login_required
def ticket(number: str) -> str:
    actor = current_actor()
    try:
        shown = queries.ticket_page(number, actor=actor)
    except NotFound:
        abort(404)
    item = shown.ticket
    person = complainant(item, actor)
    actions = offered(item, actor, shown.waiting)
    html = render_template(
        "tickets/show.html",
        ticket=item,
        person=person,
        events=shown.events,
        escalations=shown.escalations,
        answers=shown.answers,
        pending=shown.pending,
        actions=actions,
        units=units.active_units() if actions & {"dispatch", "return"} else [],
        merged_into=shown.merged_into,
        duplicate=shown.duplicate,
        recordings=shown.recordings,
        can_hear=recordings.may_hear(actor, item),
        public_proposal=item.public_text or publication.proposed_text(item),
        commitments=campaign_breaches.linkable(item.unit_id, actor),
    )
    if person["full"] and item.complainant_phone:
        # DESIGN §1: every read of unmasked complainant data by staff is audited.
        record_personal_data_reads(
            actor=actor, ticket_ids=[item.id], now=utcnow(), via="ticket_page"
        )
    return html


@bp.route("/tickets/<number>/files/<name>")
@login_required
def upload(number: str, name: str) -> Response:
    """A reply attachment, for staff who may see the ticket (another unit's staff get 404)."""
    if current_user.role not in set(Role):
        abort(403)
    tickets.get_by_number(number, actor=current_actor())
    folder = current_app.config["UPLOAD_FOLDER"] or f"{current_app.instance_path}/uploads"
    return send_from_directory(f"{folder}/{number}", name)
