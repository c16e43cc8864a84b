"""A small category tree for tests: 城市管理 › 市容秩序 › 占道经营, 城市管理 › 违法建设, 综合."""

from __future__ import annotations

from hotline.catalogue.models import Category
from tests.factories import CategoryFactory


def city_tree() -> dict[str, Category]:
    city = CategoryFactory(code="grp-city", name="城市管理", name_en="City", default_unit=None)
    order = CategoryFactory(code="grp-order", name="市容秩序", parent=city, default_unit=None)
    return {
        "city": city,
        "order": order,
        "vending": CategoryFactory(code="vending", name="占道经营", parent=order),
        "building": CategoryFactory(code="building", name="违法建设", parent=city),
        "general": CategoryFactory(code="general", name="综合", default_unit=None),
    }
