"""Creating, listing and reading tickets and their timeline."""

from __future__ import annotations

import math

from flask import Response, jsonify, request
from sqlalchemy import func, select

from hotline.audit.service import record_personal_data_reads
from hotline.core.actor import FILER_ROLES, STAFF_ROLES, Actor
from hotline.core.bearer import token_required
from hotline.core.clock import utcnow
from hotline.core.extensions import db
from hotline.tickets import search
from hotline.tickets import service as tickets
from hotline.tickets.api.blueprint import blp, document_errors, ticket_response
from hotline.tickets.list_args import TicketListArgsSchema
from hotline.tickets.models import Ticket, TicketEvent
from hotline.tickets.schemas import (
    EventSchema,
    TicketPageSchema,
    TicketSchema,
    schema_for,
    shows_personal_data,
)
from hotline.units.models import Unit

# ---- create, list, read ---------------------------------------------------------------------


@blp.route("/tickets", methods=["GET"])
@token_required(roles=STAFF_ROLES | FILER_ROLES)
@blp.arguments(TicketListArgsSchema(), location="query")
@blp.response(200, TicketPageSchema)
@document_errors(401, 403)
def list_tickets(args: dict, *, actor: Actor) -> Response:
    """Tickets newest first, filtered, paged: `{"items", "page", "per_page", "total", "pages"}`.
    With `q`, those matching it (a number, a phone, or words: best match first)."""
    stmt = search.filtered(tickets.visible(select(Ticket), actor), args, actor)
    q = (args.get("q") or "").strip()
    page, per_page = args["page"], args["per_page"]
    if q:
        found = search.search(stmt, q, actor)
        rows, total = search.page(found, offset=(page - 1) * per_page, limit=per_page)
    else:
        total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
        rows = list(
            db.session.scalars(
                stmt.order_by(Ticket.created_at.desc(), Ticket.id.desc())
                .offset((page - 1) * per_page)
                .limit(per_page)
            ).unique()
        )
    targets = [t.merged_into_id for t in rows if t.merged_into_id is not None]
    targets += [t.possible_duplicate_of_id for t in rows if t.possible_duplicate_of_id]
    if targets:  # one query, so dumping `merged_into`/`possible_duplicate_of` reads the map
        list(db.session.scalars(select(Ticket).where(Ticket.id.in_(targets))))
    audited = [t.id for t in rows if shows_personal_data(actor, t)]
    if audited:
        record_personal_data_reads(
            actor=actor, ticket_ids=audited, now=utcnow(), via=f"api {request.path}"
        )
    body = {
        "items": schema_for(actor).dump(rows, many=True),
        "page": page,
        "per_page": per_page,
        "total": total,
        "pages": math.ceil(total / per_page) if total else 0,
    }
    return jsonify(body)


@blp.route("/tickets/<string:number>", methods=["GET"])
@token_required(roles=STAFF_ROLES | FILER_ROLES)
@blp.response(200, TicketSchema)
@document_errors(401, 404)
def get_ticket(*, number: str, actor: Actor) -> Response:
    """One ticket; the ETag is its version (send it back as If-Match). A special supervisor
    reads only their own filings (404 for any other)."""
    return ticket_response(tickets.get_by_number(number, actor=actor), actor)


@blp.route("/tickets/<string:number>/events", methods=["GET"])
@token_required()
@blp.response(200, EventSchema(many=True))
@document_errors(401, 404)
def list_events(*, number: str, actor: Actor) -> Response:
    """The ticket's timeline, oldest first: every transition with actor, time and reason."""
    ticket = tickets.get_by_number(number, actor=actor)
    rows = db.session.execute(
        select(TicketEvent, Unit.code)
        .outerjoin(Unit, Unit.id == TicketEvent.unit_id)
        .where(TicketEvent.ticket_id == ticket.id)
        .order_by(TicketEvent.id)
    ).all()
    events = []
    for event, unit_code in rows:
        event.unit_code = unit_code  # a plain attribute for the schema, not a column
        events.append(event)
    return jsonify(EventSchema(many=True).dump(events))
