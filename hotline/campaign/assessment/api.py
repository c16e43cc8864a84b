"""API: /assessments/{year} (read, versions, finalise) and its weights; thin views."""

from __future__ import annotations

from flask_smorest import Blueprint

from hotline.campaign.assessment import finalise, service, weights
from hotline.campaign.assessment.schemas import (
    AssessmentFinaliseBody,
    AssessmentReadArgs,
    AssessmentSchema,
    AssessmentVersionListSchema,
    AssessmentWeightsBody,
    AssessmentWeightsSchema,
)
from hotline.core.actor import Actor, Role
from hotline.core.bearer import BEARER, token_required
from hotline.core.extensions import csrf
from hotline.core.idempotency import idempotent

blp = Blueprint("assessments", __name__, description="The annual target assessment (年度目标考核).")
csrf.exempt(blp)

READERS = tuple(service.READ_ROLES)
WEIGHT_READERS = (Role.inspector, Role.admin)


@blp.route("/assessments/<int:year>")
@blp.doc(security=BEARER)
@blp.arguments(AssessmentReadArgs, location="query")
@blp.response(200, AssessmentSchema)
@token_required(READERS)
def get_assessment(args: dict, year: int, *, actor: Actor) -> dict:
    """Per unit: the total, every component's score, weight, points and explanation, the rank
    and who falls short; the latest final version, else the draft computed now. A unit head
    sees its own unit only."""
    return service.read(year=year, actor=actor, **args)


@blp.route("/assessments/<int:year>/versions")
@blp.doc(security=BEARER)
@blp.response(200, AssessmentVersionListSchema)
@token_required(WEIGHT_READERS)
def list_versions(year: int, *, actor: Actor) -> dict:
    """Every final version of the year: who finalised it, when and why (latest first)."""
    return {"year": year, "items": service.versions(year=year, actor=actor)}


@blp.route("/assessments/<int:year>/finalise", methods=["POST"])
@blp.doc(security=BEARER)
@token_required((Role.inspector,))
@idempotent
@blp.arguments(AssessmentFinaliseBody, required=False)
@blp.response(201, AssessmentSchema)
def finalise_assessment(body: dict, year: int, *, actor: Actor) -> dict:
    """Inspectors freeze the year (once it is over) as its next version; a unit under the pass
    score or last of the ranking gets an interview case, once per year."""
    finalise.finalise(year=year, actor=actor, reason=body.get("reason"))
    return service.read(year=year, actor=actor)


@blp.route("/assessments/<int:year>/weights")
@blp.doc(security=BEARER)
@blp.response(200, AssessmentWeightsSchema)
@token_required(WEIGHT_READERS)
def get_weights(year: int, *, actor: Actor) -> dict:
    """The weights the year is scored with: an admin's, else the defaults."""
    return weights.view(year)


@blp.route("/assessments/<int:year>/weights", methods=["PUT"])
@blp.doc(security=BEARER)
@token_required((Role.admin,))
@idempotent
@blp.arguments(AssessmentWeightsBody)
@blp.response(200, AssessmentWeightsSchema)
def put_weights(body: dict, year: int, *, actor: Actor) -> dict:
    """Admins set the year's weights: every component, each ≥ 0, summing to 100 (else 422)."""
    weights.save(year=year, weights=body["weights"], actor=actor)
    return weights.view(year)
