"""API: /units/{code}/negative-list (the unit head drafts, an inspector approves) and
/milestones/overdue; thin views over lists/service.py and lists/progress.py."""

from __future__ import annotations

from datetime import datetime

from flask import Response, jsonify, make_response
from flask_smorest import Blueprint

from hotline.campaign.lists import progress
from hotline.campaign.lists import service as lists
from hotline.campaign.lists.models import NegativeListEvent, NegativeListItem
from hotline.campaign.lists.schemas import (
    MilestoneDoneBody,
    NegativeListApproveBody,
    NegativeListArgs,
    NegativeListItemBody,
    NegativeListItemPatch,
    NegativeListItemSchema,
    NegativeListSchema,
    NegativeListSendBackBody,
    OverdueMilestoneArgs,
    OverdueMilestoneListSchema,
)
from hotline.core.actor import Actor, Role
from hotline.core.bearer import token_required
from hotline.core.clock import utcnow
from hotline.core.extensions import csrf
from hotline.core.idempotency import idempotent

blp = Blueprint(
    "negative_lists",
    __name__,
    description=(
        "Negative lists (负面清单) and their implementation plans: the unit head drafts and "
        "edits, an inspector approves (only approved items are public). Unit staff read only "
        "their own unit's list (others answer 404)."
    ),
)
csrf.exempt(blp)  # bearer-token calls carry no cookie, so there is nothing to forge

EDIT = (Role.unit_head,)
APPROVE = (Role.inspector,)


def item_view(
    item: NegativeListItem, now: datetime, history: list[NegativeListEvent] | None = None
) -> dict:
    """An item with each milestone's overdue and on-time flags as of `now`."""
    data = {name: getattr(item, name) for name in NegativeListItem.__table__.columns.keys()}  # noqa: SIM118
    data["unit"] = item.unit
    data["milestones"] = [
        {
            "id": m.id,
            "step": m.step,
            "due": m.due,
            "done_at": m.done_at,
            "done_note": m.done_note,
            "overdue": m.done_at is None and m.due_at <= now,
            "on_time": m.on_time,
        }
        for m in item.milestones
    ]
    if history is not None:
        data["history"] = history
    return data


def _answer(item: NegativeListItem, status: int = 200) -> Response:
    """The item as stored after this request (flushed), with its version as the ETag."""
    response = make_response(
        jsonify(NegativeListItemSchema().dump(item_view(item, utcnow()))), status
    )
    response.set_etag(str(item.version))
    return response


@blp.route("/units/<string:code>/negative-list", methods=["GET"])
@token_required()
@blp.arguments(NegativeListArgs, location="query")
@blp.response(200, NegativeListSchema)
@blp.alt_response(404, description="no such unit (or not your unit)")
def list_items(args: dict, *, code: str, actor: Actor) -> dict:
    """A unit's negative list with each plan's milestones, in the order it was written."""
    unit = lists.unit_for(code, actor)
    now = utcnow()
    items = lists.list_items(unit_id=unit.id, status=args.get("status"))
    return {"items": [item_view(item, now) for item in items]}


@blp.route("/units/<string:code>/negative-list", methods=["POST"])
@token_required(EDIT)
@idempotent
@blp.arguments(NegativeListItemBody)
@blp.response(201, NegativeListItemSchema)
@blp.alt_response(404, description="no such unit (or not your unit)")
def create_item(body: dict, *, code: str, actor: Actor) -> Response:
    """The unit head adds an item and its plan; it waits for an inspector's approval."""
    unit = lists.unit_for(code, actor)
    return _answer(lists.create_item(unit=unit, actor=actor, **body), 201)


@blp.route("/units/<string:code>/negative-list/<int:item_id>", methods=["GET"])
@token_required()
@blp.response(200, NegativeListItemSchema)
@blp.alt_response(404, description="no such item (or not your unit's)")
def get_item(*, code: str, item_id: int, actor: Actor) -> dict:
    """One item with its milestones and its whole history (oldest first)."""
    unit = lists.unit_for(code, actor)
    item = lists.get_item(unit_id=unit.id, item_id=item_id)
    return item_view(item, utcnow(), lists.history(item.id))


@blp.route("/units/<string:code>/negative-list/<int:item_id>", methods=["PATCH"])
@token_required(EDIT)
@idempotent
@blp.arguments(NegativeListItemPatch)
@blp.response(200, NegativeListItemSchema)
@blp.alt_response(409, description="stale version, or a done milestone changed")
def update_item(body: dict, *, code: str, item_id: int, actor: Actor) -> Response:
    """The unit head edits an item; an approved item goes back to pending approval."""
    unit = lists.unit_for(code, actor)
    item = lists.get_item(unit_id=unit.id, item_id=item_id)
    version = body.pop("version", None)
    return _answer(lists.update_item(item=item, actor=actor, changes=body, version=version))


@blp.route(
    "/units/<string:code>/negative-list/<int:item_id>/milestones/<int:milestone_id>/done",
    methods=["POST"],
)
@token_required(EDIT)
@idempotent
@blp.arguments(MilestoneDoneBody)
@blp.response(200, NegativeListItemSchema)
@blp.alt_response(409, description="the milestone is already done")
def mark_done(body: dict, *, code: str, item_id: int, milestone_id: int, actor: Actor) -> Response:
    """The unit head marks a step of the plan done, with a note on what was done."""
    unit = lists.unit_for(code, actor)
    item = lists.get_item(unit_id=unit.id, item_id=item_id)
    lists.mark_done(item=item, milestone_id=milestone_id, actor=actor, **body)
    return _answer(item)


@blp.route("/units/<string:code>/negative-list/<int:item_id>/approve", methods=["POST"])
@token_required(APPROVE)
@idempotent
@blp.arguments(NegativeListApproveBody, required=False)
@blp.response(200, NegativeListItemSchema)
@blp.alt_response(409, description="not pending, or a stale version")
def approve_item(body: dict, *, code: str, item_id: int, actor: Actor) -> Response:
    """An inspector approves a pending item: it becomes public."""
    unit = lists.unit_for(code, actor)
    item = lists.get_item(unit_id=unit.id, item_id=item_id)
    return _answer(lists.approve(item=item, actor=actor, **body))


@blp.route("/units/<string:code>/negative-list/<int:item_id>/reject", methods=["POST"])
@token_required(APPROVE)
@idempotent
@blp.arguments(NegativeListSendBackBody)
@blp.response(200, NegativeListItemSchema)
@blp.alt_response(409, description="not pending, or a stale version")
def send_back_item(body: dict, *, code: str, item_id: int, actor: Actor) -> Response:
    """An inspector sends a pending item back to the head, with the reason (退回修改)."""
    unit = lists.unit_for(code, actor)
    item = lists.get_item(unit_id=unit.id, item_id=item_id)
    return _answer(lists.send_back(item=item, actor=actor, **body))


@blp.route("/milestones/overdue", methods=["GET"])
@token_required()
@blp.arguments(OverdueMilestoneArgs, location="query")
@blp.response(200, OverdueMilestoneListSchema)
def overdue(args: dict, *, actor: Actor) -> dict:
    """Plan milestones past their due day and not done, the longest overdue first (at most
    500); unit staff see their own unit's."""
    unit_id = None
    if args.get("unit"):
        unit_id = lists.unit_for(args["unit"], actor, field="unit").id
    elif actor.is_unit:
        unit_id = actor.unit_id
    return {"items": progress.overdue_milestones(unit_id, now=utcnow())}
