"""/api/v1/categories: the dispatch catalogue's categories (Open311 services)."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from hotline.catalogue import service as catalogue
from hotline.catalogue.models import Category
from hotline.core.actor import FILER_ROLES, STAFF_ROLES, Actor
from hotline.core.bearer import token_required
from hotline.units.schemas import UnitRefSchema

blp = Blueprint("categories", __name__, description="Categories (Open311 service codes).")


class CategorySchema(Schema):
    code = fields.Str(metadata={"description": "the Open311 service_code"})
    name = fields.Str(metadata={"example": "占道经营"})
    name_en = fields.Str(allow_none=True)
    group = fields.Str(allow_none=True)
    kind = fields.Str(metadata={"description": "the default kind of its tickets"})
    default_unit = fields.Nested(UnitRefSchema, allow_none=True)


@blp.route("/categories", methods=["GET"])
@token_required(STAFF_ROLES | FILER_ROLES)  # special supervisors pick a category when filing
@blp.response(200, CategorySchema(many=True))
def list_categories(*, actor: Actor) -> list[Category]:
    """Active categories, by code, with the unit the catalogue sends them to."""
    return catalogue.active_categories()
