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
from sqlalchemy import select
from sqlalchemy.orm import aliased
from werkzeug.wrappers import Response

from hotline.audit.service import record_personal_data_reads
from hotline.auth.models import User
from hotline.core.actor import Role
from hotline.core.clock import utcnow
from hotline.core.errors import NotFound
from hotline.core.extensions import db
from hotline.staff.access import current_actor, home_endpoint
from hotline.staff.pages.blueprint import bp
from hotline.staff.pages.ui import complainant
from hotline.tickets import publication
from hotline.tickets import service as tickets
from hotline.tickets.models import Escalation, Ticket, TicketEvent, TicketRequest
from hotline.tickets.transitions import offered
from hotline.units.models import Unit


@bp.route("/")
def home() -> Response:
    if not current_user.is_authenticated:
        return redirect(url_for("signin.login"))
    return redirect(url_for(home_endpoint(current_user.role)))


@bp.route("/tickets")
@login_required
def lookup() -> Response:
    number = (request.args.get("number") or "").strip()
    if not number:
        return redirect(url_for("pages.home"))
    return redirect(url_for("pages.ticket", number=number))


def timeline(ticket: Ticket) -> list:
    """Every event with the acting user's name in one query."""
    who = aliased(User)
    unit = aliased(Unit)
    return list(
        db.session.execute(
            select(TicketEvent, who.username, who.display_name, unit.name, unit.name_en)
            .outerjoin(who, who.id == TicketEvent.actor_id)
            .outerjoin(unit, unit.id == TicketEvent.unit_id)
            .where(TicketEvent.ticket_id == ticket.id)
            .order_by(TicketEvent.at, TicketEvent.id)
        ).all()
    )


@bp.route("/tickets/<number>")
@login_required
def ticket(number: str) -> str:
    actor = current_actor()
    try:
        item = tickets.get_by_number(number, actor=actor)
    except NotFound:
        abort(404)
    pending = {
        r.type: r
        for r in db.session.scalars(
            select(TicketRequest).where(
                TicketRequest.ticket_id == item.id, TicketRequest.status == "pending"
            )
        )
    }
    escalations = list(
        db.session.scalars(
            select(Escalation).where(Escalation.ticket_id == item.id).order_by(Escalation.id)
        )
    )
    person = complainant(item, actor)
    units = []
    actions = offered(item, actor, pending)
    if actions & {"dispatch", "return"}:
        units = list(
            db.session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.code))
        )
    html = render_template(
        "tickets/show.html",
        ticket=item,
        person=person,
        events=timeline(item),
        escalations=escalations,
        pending=pending,
        actions=actions,
        units=units,
        merged_into=db.session.get(Ticket, item.merged_into_id) if item.merged_into_id else None,
        public_proposal=item.public_text or publication.proposed_text(item),
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
