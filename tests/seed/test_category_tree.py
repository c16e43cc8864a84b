"""The demo catalogue is a tree: groups on top, a third level under 城市管理, the 19 categories of
the old flat list as its leaves (the services Open311 lists)."""

from __future__ import annotations

from sqlalchemy import select

from hotline.catalogue import service as catalogue
from hotline.catalogue.models import Category
from hotline.core.clock import utcnow
from hotline.core.extensions import db
from hotline.intake.open311 import service as o311
from hotline.seed import data
from hotline.seed.demo import load_reference


def test_the_demo_catalogue_is_a_two_to_three_level_tree(session) -> None:
    load_reference(now=utcnow())
    leaves = catalogue.leaf_categories()
    assert sorted(c.code for c in leaves) == sorted(c[0] for c in data.CATEGORIES)
    assert [c.code for c in o311.services()] == [c.code for c in leaves]
    shape = catalogue.shape()
    depths = {c.code: shape.depth(c.id) for c in leaves}
    assert set(depths.values()) == {2, 3}
    vending = db.session.scalar(select(Category).where(Category.code == "street_vending"))
    assert catalogue.path_label(vending) == "城市管理 › 市容秩序 › 占道经营"
    food = db.session.scalar(select(Category).where(Category.code == "food_safety"))
    assert catalogue.path(food) == ["市场监管", "食品安全"]
    assert food.group == "市场监管"
