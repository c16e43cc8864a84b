"""The unit workbench: the unit's tickets by stage, and for heads escalations and interviews."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from werkzeug.wrappers import Response

from hotline.core.actor import Role
from hotline.core.extensions import db
from hotline.escalations import interviews
from hotline.escalations.models import InterviewCase
from hotline.staff.access import UNIT, current_actor, role_required
from hotline.staff.pages.ui import complainant, page_args, paginate, run_action
from hotline.tickets.models import Escalation, Status, Ticket, TicketRequest
from hotline.tickets.transitions import offered
from hotline.units.models import Unit

bp = Blueprint("workbench", __name__, url_prefix="/workbench")

TABS = ("to_accept", "in_progress", "returned", "replied", "rating")


def _pending_return(unit_id: int):
    return (
        select(TicketRequest.id)
        .where(
            TicketRequest.ticket_id == Ticket.id,
            TicketRequest.type == "return",
            TicketRequest.status == "pending",
            TicketRequest.unit_id == unit_id,
        )
        .exists()
    )


def tab_query(tab: str, unit_id: int) -> Select:
    """The unit's tickets in one workbench tab, most urgent first."""
    mine = select(Ticket).where(Ticket.unit_id == unit_id)
    if tab == "to_accept":
        return mine.where(Ticket.status == Status.dispatched).order_by(Ticket.accept_due_at)
    if tab == "in_progress":
        return mine.where(Ticket.status == Status.accepted).order_by(Ticket.resolve_due_at)
    if tab == "returned":
        return mine.where(_pending_return(unit_id)).order_by(Ticket.updated_at.desc())
    if tab == "replied":
        return mine.where(Ticket.status.in_([Status.replied, Status.closed])).order_by(
            Ticket.replied_at.desc()
        )
    return mine.where(Ticket.status == Status.replied, Ticket.rating.is_(None)).order_by(
        Ticket.rating_due_at
    )


def tab_counts(unit_id: int) -> dict[str, int]:
    """Badge counts for every tab in two grouped queries."""
    by_status = dict(
        db.session.execute(
            select(Ticket.status, func.count())
            .where(Ticket.unit_id == unit_id)
            .group_by(Ticket.status)
        ).all()
    )
    returned = db.session.scalar(
        select(func.count())
        .select_from(Ticket)
        .where(Ticket.unit_id == unit_id, _pending_return(unit_id))
    )
    return {
        "to_accept": by_status.get(Status.dispatched, 0),
        "in_progress": by_status.get(Status.accepted, 0),
        "returned": returned or 0,
        "replied": by_status.get(Status.replied, 0) + by_status.get(Status.closed, 0),
        "rating": None,
    }


@bp.route("")
@role_required(*UNIT)
def index() -> str:
    actor = current_actor()
    tab = request.args.get("tab", "to_accept")
    if tab not in TABS:
        tab = "to_accept"
    page, per_page = page_args()
    page_ = paginate(tab_query(tab, actor.unit_id), page=page, per_page=per_page)
    ids = [t.id for t in page_.items]
    pending: dict[int, set[str]] = {}
    if ids:
        for ticket_id, kind in db.session.execute(
            select(TicketRequest.ticket_id, TicketRequest.type).where(
                TicketRequest.ticket_id.in_(ids), TicketRequest.status == "pending"
            )
        ):
            pending.setdefault(ticket_id, set()).add(kind)
    units = list(db.session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.code)))
    return render_template(
        "workbench/index.html",
        tab=tab,
        tabs=TABS,
        counts=tab_counts(actor.unit_id),
        page=page_,
        pending=pending,
        people={t.id: complainant(t, actor) for t in page_.items},
        actions={t.id: offered(t, actor, pending.get(t.id, ())) for t in page_.items},
        units=units,
    )


@bp.route("/escalations")
@role_required(Role.unit_head)
def escalations() -> str:
    actor = current_actor()
    page, per_page = page_args()
    stmt = (
        select(Escalation, Ticket.number, Ticket.status)
        .join(Ticket, Ticket.id == Escalation.ticket_id)
        .where(Escalation.unit_id == actor.unit_id)
        .order_by(Escalation.created_at.desc())
    )
    return render_template(
        "workbench/escalations.html",
        page=paginate(stmt, page=page, per_page=per_page, scalars=False),
    )


@bp.route("/interviews", endpoint="interviews")
@role_required(Role.unit_head)
def interviews_list() -> str:
    actor = current_actor()
    page, per_page = page_args()
    stmt = (
        select(InterviewCase)
        .where(InterviewCase.unit_id == actor.unit_id)
        .order_by(InterviewCase.opened_at.desc())
    )
    return render_template(
        "workbench/interviews.html", page=paginate(stmt, page=page, per_page=per_page)
    )


@bp.route("/interviews/<int:case_id>/rectify", methods=["POST"])
@role_required(Role.unit_head)
def rectify(case_id: int) -> Response:
    evidence = (request.form.get("evidence") or "").strip()
    commitment = (request.form.get("commitment") or "").strip() or None
    return run_action(
        lambda: interviews.rectify(
            case_id=case_id, actor=current_actor(), evidence=evidence, commitment=commitment
        ),
        success=_("整改材料已提交。"),
        default_next=url_for("workbench.interviews"),
    )
