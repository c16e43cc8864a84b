"""The home redirect, ticket lookup, the shared ticket page and staff access to uploads."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from hotline.audit.service import record_personal_data_reads
from hotline.calls import recordings
from hotline.campaign.commitments import breaches as campaign_breaches
from hotline.core.actor import Role
from hotline.core.clock import utcnow
from hotline.core.errors import NotFound
from hotline.staff.access import current_actor, home_endpoint
from hotline.staff.pages import queries
from hotline.staff.pages.blueprint import bp
from hotline.staff.pages.ui import complainant
from hotline.tickets import publication
from hotline.tickets import service as tickets
from hotline.tickets.transitions import offered
from hotline.units import service as units


@bp.route("/")
def home() -> Response:
    if not current_user.is_authenticated:
        return redirect(url_for("signin.login"))
    return redirect(url_for(home_endpoint(current_user.role)))


@bp.route("/tickets")
@login_required
def lookup() -> Response | str:
    """The top search box: a whole ticket number opens it; part of a number or a phone number
    lists what matches (`number` is the box's name before it took phones)."""
    q = (request.args.get("q") or request.args.get("number") or "").strip()[:40]
    if not q:
        return redirect(url_for("pages.home"))
    if queries.FULL_NUMBER.match(q):
        return redirect(url_for("pages.ticket", number=q))
    actor = current_actor()
    found = queries.search(q, actor=actor)
    # Each as this viewer may see it: masked for a unit's staff, none when confidential.
    phones = {t.id: complainant(t, actor)["phone"] for t in found.tickets}
    html = render_template("tickets/search.html", q=q, found=found, phones=phones)
    shown = [t.id for t in found.tickets if t.complainant_phone]
    if shown and actor.sees_full_personal_data:
        # DESIGN §1: the list shows complainants' numbers unmasked to these roles; audited.
        record_personal_data_reads(actor=actor, ticket_ids=shown, now=utcnow(), via="search")
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
