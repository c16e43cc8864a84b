"""/api/v1/supervisors: the special supervisors' roster (admins and inspectors), appointments and
retirements (admins). Their filings go through POST /api/v1/tickets (channel `supervisor`)."""

from __future__ import annotations

from flask_smorest import Blueprint

from hotline.campaign.supervisors import service
from hotline.campaign.supervisors.schemas import AppointBody, RetireBody, SupervisorSchema
from hotline.core.actor import Actor, Role
from hotline.core.bearer import BEARER, token_required
from hotline.core.clock import utcnow
from hotline.core.extensions import csrf

blp = Blueprint(
    "supervisors",
    __name__,
    description="Special supervisors (特邀监督员) and monitoring stations' staff.",
)
csrf.exempt(blp)  # bearer-token calls carry no cookie, so there is nothing to forge

READERS = (Role.admin, Role.inspector)


@blp.route("/supervisors", methods=["GET"])
@token_required(READERS)
@blp.doc(security=BEARER)
@blp.response(200, SupervisorSchema(many=True))
def list_supervisors(*, actor: Actor) -> list[service.RosterEntry]:
    """Every special supervisor, serving ones first, with their term and filings."""
    return service.roster(now=utcnow())


@blp.route("/supervisors", methods=["POST"])
@token_required((Role.admin,))
@blp.doc(security=BEARER)
@blp.arguments(AppointBody)
@blp.response(201, SupervisorSchema)
def appoint_supervisor(body: dict, *, actor: Actor) -> service.RosterEntry:
    """Appoint a special supervisor (a monitoring station's staff: name the `station`)."""
    now = utcnow()
    return service.entry(service.appoint(actor=actor, now=now, **body), now=now)


@blp.route("/supervisors/<int:user_id>/retire", methods=["POST"])
@token_required((Role.admin,))
@blp.doc(security=BEARER)
@blp.arguments(RetireBody)
@blp.response(200, SupervisorSchema)
def retire_supervisor(body: dict, user_id: int, *, actor: Actor) -> service.RosterEntry:
    """Retire a special supervisor: no more sign-ins, their tokens refused at once (409 if
    retired already, 404 if not a special supervisor)."""
    now = utcnow()
    return service.entry(service.retire(actor=actor, user_id=user_id, now=now, **body), now=now)
