"""/api/v1/categories: the dispatch catalogue's categories (Open311 services) and their tree."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from hotline.catalogue import service as catalogue
from hotline.core.actor import FILER_ROLES, STAFF_ROLES, Actor
from hotline.core.bearer import token_required
from hotline.units.schemas import UnitRefSchema

blp = Blueprint("categories", __name__, description="Categories (Open311 service codes).")


class CategorySchema(Schema):
    code = fields.Str(metadata={"description": "the Open311 service_code"})
    name = fields.Str(metadata={"example": "占道经营"})
    name_en = fields.Str(allow_none=True)
    group = fields.Str(allow_none=True, metadata={"description": "the top-level group's name"})
    parent = fields.Function(
        lambda c: c.parent.code if c.parent else None,
        allow_none=True,
        metadata={"description": "the parent group's code (null at the top)"},
    )
    path = fields.Function(
        lambda c: catalogue.path(c),
        metadata={
            "description": "names from the top group down",
            "example": ["城市管理", "占道经营"],
        },
    )
    kind = fields.Str(metadata={"description": "the default kind of its tickets"})
    default_unit = fields.Nested(UnitRefSchema, allow_none=True)


class CategoryNodeSchema(Schema):
    code = fields.Str()
    name = fields.Str()
    name_en = fields.Str(allow_none=True)
    kind = fields.Str()
    group = fields.Bool(metadata={"description": "a group takes no tickets"})
    default_unit = fields.Nested(UnitRefSchema, allow_none=True)
    children = fields.List(fields.Nested(lambda: CategoryNodeSchema()))


class CategoryListArgs(Schema):
    tree = fields.Bool(
        load_default=False,
        metadata={"description": "1: the active tree, nested (groups with `children`)"},
    )


@blp.route("/categories", methods=["GET"])
@token_required(STAFF_ROLES | FILER_ROLES)  # special supervisors pick a category when filing
@blp.arguments(CategoryListArgs, location="query", as_kwargs=True)
@blp.response(200, CategorySchema(many=True))
def list_categories(*, actor: Actor, tree: bool) -> Any:
    """The categories a ticket may take (active leaves), by code, with their place in the tree
    and the unit the catalogue sends them to; `?tree=1`: the whole active tree, nested."""
    if tree:
        # Another shape than the flat list's schema: answered as it is (CategoryNodeSchema).
        return jsonify(CategoryNodeSchema(many=True).dump(catalogue.category_tree()))
    return catalogue.active_categories()
