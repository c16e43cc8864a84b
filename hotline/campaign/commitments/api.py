"""API: /commitments (public commitments, 承诺), their breaches and retirement; thin views."""

from __future__ import annotations

from flask import Response, jsonify, make_response
from flask_smorest import Blueprint

from hotline.campaign.commitments import breaches
from hotline.campaign.commitments import service as commitments
from hotline.campaign.commitments.models import Commitment
from hotline.campaign.commitments.schemas import (
    CommitmentArgs,
    CommitmentBody,
    CommitmentBreachBody,
    CommitmentBreachSchema,
    CommitmentListSchema,
    CommitmentRetireBody,
    CommitmentSchema,
)
from hotline.core.actor import Actor
from hotline.core.bearer import token_required
from hotline.core.extensions import csrf
from hotline.core.idempotency import idempotent

blp = Blueprint(
    "commitments",
    __name__,
    description=(
        "Public commitments (承诺) by units and their service staff; breaches from tickets and "
        "spot-check findings; kept and broken ones go to the unit's credit record. Unit staff "
        "read only their own unit's (others answer 404)."
    ),
)
csrf.exempt(blp)  # bearer-token calls carry no cookie, so there is nothing to forge


def _views(items: list[Commitment], *, with_history: bool = False) -> list[dict]:
    """Commitments with their breaches (and history), in two or three queries in all."""
    found = breaches.breaches_of(c.id for c in items)
    histories = commitments.history(c.id for c in items) if with_history else {}
    views = []
    for c in items:
        data = {name: getattr(c, name) for name in Commitment.__table__.columns.keys()}  # noqa: SIM118
        data["unit"] = c.unit
        data["breaches"] = [{**_breach(b), "ticket": number} for b, number in found[c.id]]
        if with_history:
            data["history"] = histories[c.id]
        views.append(data)
    return views


def _breach(breach: object) -> dict:
    return {
        name: getattr(breach, name)
        for name in ("id", "finding_id", "note", "occurred_at", "recorded_at")
    }


def _answer(commitment: Commitment, status: int = 200) -> Response:
    body = CommitmentSchema().dump(_views([commitment], with_history=True)[0])
    return make_response(jsonify(body), status)


@blp.route("/commitments", methods=["GET"])
@token_required()
@blp.arguments(CommitmentArgs, location="query")
@blp.response(200, CommitmentListSchema)
def list_commitments(args: dict, *, actor: Actor) -> dict:
    """Commitments by unit, oldest first, with their breaches; `unit` and `status` filter."""
    items = commitments.list_commitments(
        actor=actor, unit_code=args.get("unit"), status=args.get("status")
    )
    return {"items": _views(items)}


@blp.route("/commitments", methods=["POST"])
@token_required(commitments.MAKERS)
@idempotent
@blp.arguments(CommitmentBody)
@blp.response(201, CommitmentSchema)
@blp.alt_response(404, description="a unit head naming another unit")
def create_commitment(body: dict, *, actor: Actor) -> Response:
    """A unit head (own unit), an inspector or an admin makes a public commitment."""
    return _answer(commitments.create(actor=actor, **body), 201)


@blp.route("/commitments/<int:commitment_id>", methods=["GET"])
@token_required()
@blp.response(200, CommitmentSchema)
@blp.alt_response(404, description="no such commitment (or not your unit's)")
def get_commitment(*, commitment_id: int, actor: Actor) -> dict:
    """One commitment with its breaches and its history."""
    found = commitments.get(commitment_id=commitment_id, actor=actor)
    return _views([found], with_history=True)[0]


@blp.route("/commitments/<int:commitment_id>/retire", methods=["POST"])
@token_required(commitments.MAKERS)
@idempotent
@blp.arguments(CommitmentRetireBody)
@blp.response(200, CommitmentSchema)
@blp.alt_response(409, description="already retired")
def retire_commitment(body: dict, *, commitment_id: int, actor: Actor) -> Response:
    """The unit head (own unit) or the office retires a commitment, with the reason."""
    return _answer(commitments.retire(commitment_id=commitment_id, actor=actor, **body))


@blp.route("/commitments/<int:commitment_id>/breaches", methods=["GET"])
@token_required()
@blp.response(200, CommitmentBreachSchema(many=True))
def list_breaches(*, commitment_id: int, actor: Actor) -> list[dict]:
    """A commitment's breaches, oldest first."""
    found = commitments.get(commitment_id=commitment_id, actor=actor)
    return [{**_breach(b), "ticket": n} for b, n in breaches.breaches_of([found.id])[found.id]]


@blp.route("/commitments/<int:commitment_id>/breaches", methods=["POST"])
@token_required(breaches.LINKERS)
@idempotent
@blp.arguments(CommitmentBreachBody)
@blp.response(201, CommitmentBreachSchema)
@blp.alt_response(409, description="retired, or that ticket/finding is already recorded")
@blp.alt_response(422, description="no such ticket or finding, or another unit's")
def add_breach(body: dict, *, commitment_id: int, actor: Actor) -> Response:
    """An operator, a supervisor or an inspector records the ticket or the spot-check finding
    that breaks the commitment; it goes to the unit's credit record."""
    breach = breaches.add_breach(commitment_id=commitment_id, actor=actor, **body)
    number = body.get("ticket")
    view = {**_breach(breach), "ticket": number.strip() if number else None}
    return make_response(jsonify(CommitmentBreachSchema().dump(view)), 201)
