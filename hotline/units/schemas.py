"""How a unit reads in the JSON API: in full, or as a reference inside another object."""

from __future__ import annotations

from marshmallow import Schema, fields


class UnitRefSchema(Schema):
    """`{"code", "name"}`: a unit named inside a ticket or a category."""

    code = fields.Str(metadata={"example": "SCJGJ"})
    name = fields.Str(metadata={"example": "市市场监督管理局"})


class UnitSchema(UnitRefSchema):
    name_en = fields.Str(allow_none=True)
    level = fields.Str(metadata={"description": "province, city or district"})
    kind = fields.Str(
        metadata={
            "description": "responsible (承办单位) or station (监督测评站点, takes no tickets)"
        }
    )
    head = fields.Str(
        attribute="head_name", allow_none=True, metadata={"description": "the unit head (一把手)"}
    )
