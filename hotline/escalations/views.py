"""API: /escalations, /interviews (+ actions) and /units/{code}/record; thin views."""

from __future__ import annotations

from flask_smorest import Blueprint
from sqlalchemy import func, select

from hotline.core.actor import Actor, Role
from hotline.core.bearer import BEARER, token_required
from hotline.core.errors import Forbidden, NotFound
from hotline.core.extensions import csrf, db
from hotline.escalations import answers, interviews, publication, record, triggers
from hotline.escalations.models import EscalationAnswer, InterviewCase, InterviewStatus
from hotline.escalations.schemas import (
    CommitBody,
    EscalationArgs,
    EscalationListSchema,
    EscalationSchema,
    HoldBody,
    InterviewArgs,
    InterviewListSchema,
    InterviewSchema,
    RectifyBody,
    RejectBody,
    RespondBody,
    ScheduleBody,
    UnitRecordSchema,
    UnpublishBody,
)
from hotline.sla import admin as calendar_admin
from hotline.tickets.models import Escalation, Ticket
from hotline.units import service as units
from hotline.units.models import Unit

blp = Blueprint(
    "escalations", __name__, description="The escalation ladder, interviews (约谈), credit records."
)
csrf.exempt(blp)

STAFF = (
    Role.operator,
    Role.supervisor,
    Role.unit_agent,
    Role.unit_head,
    Role.inspector,
    Role.admin,
)
WARNED_ROLES = frozenset({Role.inspector, Role.admin})
LIMIT = 500


def calendar_warnings(actor: Actor) -> list[str]:
    """The loud "calendar for YEAR not loaded" warnings, shown to inspectors and admins."""
    return calendar_admin.status()["warnings"] if actor.role in WARNED_ROLES else []


def _unit_scope(actor: Actor, unit: Unit | None) -> int | None:
    """Unit staff see only their own unit; None means every unit."""
    if actor.role in (Role.unit_agent, Role.unit_head):
        if unit is not None and unit.id != actor.unit_id:
            raise Forbidden("unit staff see only their own unit")
        return actor.unit_id
    return unit.id if unit else None


@blp.route("/escalations")
@blp.doc(security=BEARER)
@blp.arguments(EscalationArgs, location="query")
@blp.response(200, EscalationListSchema)
@token_required(STAFF)
def list_escalations(args: dict, *, actor: Actor) -> dict:
    """Escalations, newest first, by ticket number, unit code and level."""
    unit = units.get_by_code(args["unit"], field="unit") if args.get("unit") else None
    scope = _unit_scope(actor, unit)
    query = (
        select(Escalation, Ticket.number)
        .join(Ticket, Ticket.id == Escalation.ticket_id)
        .order_by(Escalation.created_at.desc(), Escalation.id.desc())
        .limit(LIMIT)
    )
    if scope is not None:
        query = query.where(Escalation.unit_id == scope)
    if args.get("ticket"):
        query = query.where(Ticket.number == args["ticket"])
    if args.get("level"):
        query = query.where(Escalation.level == args["level"])
    rows = db.session.execute(query).all()
    answered = answers.for_escalations([esc.id for esc, _number in rows])
    items = [_dump_escalation(esc, number, answered.get(esc.id)) for esc, number in rows]
    return {"items": items, "warnings": calendar_warnings(actor)}


def _dump_escalation(esc: Escalation, number: str, answer: EscalationAnswer | None) -> dict:
    return {
        "id": esc.id,
        "number": number,
        "unit": esc.unit,
        "level": esc.level,
        "clock": esc.clock,
        "deadline": esc.deadline,
        "created_at": esc.created_at,
        "answer": answer,
    }


@blp.route("/escalations/<int:escalation_id>/respond", methods=["POST"])
@blp.doc(security=BEARER)
@blp.arguments(RespondBody)
@blp.response(200, EscalationSchema)
@token_required(STAFF)
def respond(body: dict, escalation_id: int, *, actor: Actor) -> dict:
    """The unit head answers a 督办 in writing, once: text and the planned date (plan_due)."""
    answer = answers.respond(escalation_id=escalation_id, actor=actor, **body)
    esc = db.session.get(Escalation, escalation_id)
    return _dump_escalation(esc, db.session.get(Ticket, esc.ticket_id).number, answer)


def _dump_case(case: InterviewCase, reasons: list[dict] | None = None) -> dict:
    """The case's columns plus its unit, ticket numbers and reasons, for InterviewSchema."""
    data = {name: getattr(case, name) for name in InterviewCase.__table__.columns.keys()}  # noqa: SIM118
    data["unit"] = case.unit
    data["tickets"] = interviews.ticket_numbers(case)
    if reasons is None:
        reasons = triggers.reasons_by_case([case.id])[case.id]
    data["reasons"] = reasons
    return data


@blp.route("/interviews")
@blp.doc(security=BEARER)
@blp.arguments(InterviewArgs, location="query")
@blp.response(200, InterviewListSchema)
@token_required(STAFF)
def list_interviews(args: dict, *, actor: Actor) -> dict:
    """Interview cases, newest first; unit staff see their unit's only."""
    unit = units.get_by_code(args["unit"], field="unit") if args.get("unit") else None
    cases = interviews.list_cases(actor=actor, unit_id=unit.id if unit else None)
    reasons = triggers.reasons_by_case([c.id for c in cases])
    return {
        "items": [_dump_case(c, reasons[c.id]) for c in cases],
        "warnings": calendar_warnings(actor),
    }


@blp.route("/interviews/<int:case_id>")
@blp.doc(security=BEARER)
@blp.response(200, InterviewSchema)
@token_required(STAFF)
def get_interview(case_id: int, *, actor: Actor) -> dict:
    """One interview case with the tickets that led to it."""
    return _dump_case(interviews.get(case_id=case_id, actor=actor))


def _done(case: InterviewCase) -> dict:
    db.session.flush()  # the answer shows what the request's commit will store
    return _dump_case(case)


@blp.route("/interviews/<int:case_id>/schedule", methods=["POST"])
@blp.doc(security=BEARER)
@blp.arguments(ScheduleBody)
@blp.response(200, InterviewSchema)
@token_required(STAFF)
def schedule_interview(body: dict, case_id: int, *, actor: Actor) -> dict:
    """An inspector sets the time and place (proposed → scheduled)."""
    return _done(interviews.schedule(case_id=case_id, actor=actor, **body))


@blp.route("/interviews/<int:case_id>/hold", methods=["POST"])
@blp.doc(security=BEARER)
@blp.arguments(HoldBody)
@blp.response(200, InterviewSchema)
@token_required(STAFF)
def hold_interview(body: dict, case_id: int, *, actor: Actor) -> dict:
    """An inspector records the interview, not before its time: the minutes (→ held)."""
    return _done(interviews.hold(case_id=case_id, actor=actor, **body))


@blp.route("/interviews/<int:case_id>/commit", methods=["POST"])
@blp.doc(security=BEARER)
@blp.arguments(CommitBody)
@blp.response(200, InterviewSchema)
@token_required(STAFF)
def commit_interview(body: dict, case_id: int, *, actor: Actor) -> dict:
    """The unit head writes the rectification commitment and its due (held, once)."""
    return _done(interviews.commit(case_id=case_id, actor=actor, **body))


@blp.route("/interviews/<int:case_id>/rectify", methods=["POST"])
@blp.doc(security=BEARER)
@blp.arguments(RectifyBody)
@blp.response(200, InterviewSchema)
@token_required(STAFF)
def rectify_interview(body: dict, case_id: int, *, actor: Actor) -> dict:
    """The unit head submits rectification evidence (held → rectified)."""
    return _done(interviews.rectify(case_id=case_id, actor=actor, **body))


@blp.route("/interviews/<int:case_id>/reject", methods=["POST"])
@blp.doc(security=BEARER)
@blp.arguments(RejectBody)
@blp.response(200, InterviewSchema)
@token_required(STAFF)
def reject_interview_evidence(body: dict, case_id: int, *, actor: Actor) -> dict:
    """An inspector sends weak evidence back, with the reason (rectified → held)."""
    return _done(interviews.reject(case_id=case_id, actor=actor, **body))


@blp.route("/interviews/<int:case_id>/close", methods=["POST"])
@blp.doc(security=BEARER)
@blp.response(200, InterviewSchema)
@token_required(STAFF)
def close_interview(case_id: int, *, actor: Actor) -> dict:
    """An inspector closes a rectified or rectification-overdue case."""
    return _done(interviews.close(case_id=case_id, actor=actor))


@blp.route("/interviews/<int:case_id>/publish", methods=["POST"])
@blp.doc(security=BEARER)
@blp.response(200, InterviewSchema)
@token_required(STAFF)
def publish_interview_commitment(case_id: int, *, actor: Actor) -> dict:
    """An inspector approves showing the head's written commitment and its due on the public
    site (409 while the head has not written it, or when it is already public)."""
    return _done(publication.publish(case_id=case_id, actor=actor))


@blp.route("/interviews/<int:case_id>/unpublish", methods=["POST"])
@blp.doc(security=BEARER)
@blp.arguments(UnpublishBody)
@blp.response(200, InterviewSchema)
@token_required(STAFF)
def unpublish_interview_commitment(body: dict, case_id: int, *, actor: Actor) -> dict:
    """An inspector takes the commitment off the public site (409 when it is not public)."""
    return _done(publication.unpublish(case_id=case_id, actor=actor, **body))


@blp.route("/units/<code>/record")
@blp.doc(security=BEARER)
@blp.response(200, UnitRecordSchema)
@token_required(STAFF)
def unit_record(code: str, *, actor: Actor) -> dict:
    """A unit's credit record (信用档案), newest first."""
    unit = units.get_by_code(code)
    if actor.role in (Role.unit_agent, Role.unit_head) and actor.unit_id != unit.id:
        raise NotFound(f"no unit {code}")
    entries = record.list_for_unit(unit_id=unit.id, limit=LIMIT)
    ticket_ids = {e.ticket_id for e in entries if e.ticket_id}
    numbers = (
        dict(
            db.session.execute(
                select(Ticket.id, Ticket.number).where(Ticket.id.in_(ticket_ids))
            ).all()
        )
        if ticket_ids
        else {}
    )
    open_count = db.session.scalar(
        select(func.count()).where(
            InterviewCase.unit_id == unit.id,
            InterviewCase.closed_at.is_(None),
            InterviewCase.status != InterviewStatus.rectified,
        )
    )
    items = [
        {
            "id": e.id,
            "at": e.at,
            "type": e.type,
            "summary": e.summary,
            "ticket": numbers.get(e.ticket_id),
            "interview_id": e.interview_id,
            "escalation_id": e.escalation_id,
            "data": e.data,
        }
        for e in entries
    ]
    return {"unit": unit, "open_interviews": open_count, "items": items}
