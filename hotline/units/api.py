"""/api/v1/units: the responsible units (承办单位), readable by any signed-in staff."""

from __future__ import annotations

from flask_smorest import Blueprint

from hotline.core.actor import Actor
from hotline.core.bearer import token_required
from hotline.units import service as units
from hotline.units.models import Unit
from hotline.units.schemas import UnitSchema

blp = Blueprint("units", __name__, description="Responsible units (承办单位).")


@blp.route("/units", methods=["GET"])
@token_required()
@blp.response(200, UnitSchema(many=True))
def list_units(*, actor: Actor) -> list[Unit]:
    """Active units, by code."""
    return units.active_units()


@blp.route("/units/<string:code>", methods=["GET"])
@token_required()
@blp.response(200, UnitSchema)
@blp.alt_response(404, description="no such unit")
def get_unit(*, code: str, actor: Actor) -> Unit:
    """One unit by code."""
    return units.get_by_code(code)
