"""The category tree (DESIGN §11): up to three levels, groups take no tickets, admins edit it
(each change audited), and the API and Open311 show it."""

from __future__ import annotations

import pytest

from hotline.catalogue import service as catalogue
from hotline.catalogue.models import Category
from hotline.catalogue.tree import Shape
from hotline.core.errors import ValidationFailed
from hotline.tickets import service as tickets
from tests.factories import OPERATOR, UserFactory
from tests.support.api import caller
from tests.support.catalogue import city_tree


@pytest.fixture
def tree(session) -> dict[str, Category]:
    nodes = city_tree()
    session.commit()
    return nodes


def test_the_shape_knows_depth_height_and_who_takes_tickets() -> None:
    shape = Shape.of([(1, None, True), (2, 1, True), (3, 2, True), (4, 1, False), (5, 4, True)])
    assert [shape.depth(n) for n in (1, 2, 3)] == [1, 2, 3]
    assert (shape.height(1), shape.height(2), shape.height(3)) == (3, 2, 1)
    assert shape.ancestors(3) == [1, 2]
    assert shape.descendants(1) == {2, 3, 4, 5}
    assert [shape.takes_tickets(n) for n in (1, 2, 3, 4, 5)] == [False, False, True, False, False]


def test_the_leaves_are_what_a_ticket_may_take_with_their_paths(tree) -> None:
    leaves = catalogue.leaf_categories()
    assert [c.code for c in leaves] == ["building", "general", "vending"]
    assert catalogue.path_label(tree["vending"]) == "城市管理 › 市容秩序 › 占道经营"
    assert catalogue.path(tree["building"], english=True) == ["City", "违法建设"]
    assert tree["vending"].group == "城市管理"
    assert tree["general"].group is None


def test_a_group_is_refused_at_intake(tree, clock) -> None:
    with pytest.raises(ValidationFailed) as caught:
        tickets.create(
            actor=OPERATOR, channel="api", description="门摆摊", phone=None, category="grp-city"
        )
    assert caught.value.fields == {"category": ["unknown"]}


def test_the_api_lists_leaves_with_parent_and_path(client, session, tree) -> None:
    operator = caller(client, UserFactory(role="operator"))
    body = operator.get("/api/v1/categories").get_json()
    by_code = {c["code"]: c for c in body}
    assert set(by_code) == {"building", "general", "vending"}
    assert by_code["vending"]["parent"] == "grp-order"
    assert by_code["vending"]["path"] == ["城市管理", "市容秩序", "占道经营"]
    assert by_code["vending"]["group"] == "城市管理"
    assert by_code["general"]["parent"] is None


def test_the_api_nests_the_tree(client, session, tree) -> None:
    operator = caller(client, UserFactory(role="operator"))
    body = operator.get("/api/v1/categories?tree=1").get_json()
    assert [n["code"] for n in body] == ["general", "grp-city"]
    city = body[1]
    assert city["group"] is True
    assert [n["code"] for n in city["children"]] == ["building", "grp-order"]
    order = city["children"][1]
    assert [(n["code"], n["group"], n["children"]) for n in order["children"]] == [
        ("vending", False, [])
    ]


@pytest.mark.parametrize("value", ["maybe", "x" * 10_000])
def test_a_junk_tree_argument_is_422(client, session, tree, value) -> None:
    operator = caller(client, UserFactory(role="operator"))
    response = operator.get("/api/v1/categories", query_string={"tree": value})
    assert response.status_code == 422
    assert "tree" in response.get_data(as_text=True)
