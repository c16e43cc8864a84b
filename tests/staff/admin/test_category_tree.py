"""/admin/categories: admins add, rename, move and deactivate nodes of the category tree, each
change audited; the tree stays within three levels and free of loops (422 naming `parent`)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hotline.audit.models import AuditEntry
from hotline.catalogue import service as catalogue
from hotline.catalogue.models import Category
from hotline.core.actor import Actor
from hotline.core.errors import ValidationFailed
from hotline.core.extensions import db
from hotline.staff.admin import service
from tests.support.catalogue import city_tree


@pytest.fixture
def tree(session) -> dict[str, Category]:
    nodes = city_tree()
    session.commit()
    return nodes


def test_an_inactive_group_takes_its_leaves_out_of_use(tree, login, staff) -> None:
    city = tree["city"]
    login(staff.admin).post(
        "/admin/categories",
        data={"id": city.id, "code": city.code, "name": city.name, "kind": "complaint"},
    )
    assert db.session.get(Category, city.id).active is False
    assert [c.code for c in catalogue.leaf_categories()] == ["general"]
    with pytest.raises(ValidationFailed):
        catalogue.leaf_by_code("vending")


def _save(client, node: Category | None = None, **values: str):
    data = {"kind": "complaint", "active": "1"}
    if node is not None:
        data |= {"id": str(node.id), "code": node.code, "name": node.name}
    data |= values
    return client.post("/admin/categories", data=data, follow_redirects=True)


def _refused(client, node: Category | None = None, **values: str) -> str:
    """The page the form comes back to, with its flashed refusal."""
    return _save(client, node, **values).get_data(as_text=True)


def test_an_admin_adds_a_leaf_under_a_group_and_it_is_audited(tree, login, staff) -> None:
    client = login(staff.admin)
    page = _save(client, code="stalls", name="流动摊贩", parent="grp-order")
    assert page.status_code == 200
    added = db.session.scalar(select(Category).where(Category.code == "stalls"))
    assert added.parent_id == tree["order"].id
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "admin.category.save")
    ).all()[-1]
    assert entry.actor_id == staff.admin.id
    assert entry.detail["to"] == {"name": "流动摊贩", "parent": "grp-order", "active": True}
    html = client.get("/admin/categories").get_data(as_text=True)
    assert 'data-code="stalls" data-depth="3"' in html


def test_a_fourth_level_is_refused(tree, login, staff) -> None:
    page = _refused(login(staff.admin), code="deeper", name="更深", parent="vending")
    assert "at most 3 levels" in page
    assert db.session.scalar(select(Category).where(Category.code == "deeper")) is None


def test_a_two_level_group_cannot_move_under_a_second_level_node(tree, login, staff) -> None:
    # 市容秩序 › 占道经营 under 违法建设 (level 2) would put 占道经营 at level 4.
    assert "at most 3 levels" in _refused(login(staff.admin), tree["order"], parent="building")
    assert db.session.get(Category, tree["order"].id).parent_id == tree["city"].id


def test_a_node_cannot_move_under_itself_or_below_itself(tree, login, staff) -> None:
    client = login(staff.admin)
    assert "under itself" in _refused(client, tree["city"], parent="grp-city")
    assert "under itself" in _refused(client, tree["city"], parent="grp-order")
    assert db.session.get(Category, tree["city"].id).parent_id is None


def test_an_admin_moves_and_renames_a_node_with_the_change_audited(tree, login, staff) -> None:
    _save(login(staff.admin), tree["building"], name="违章建筑", parent="grp-order")
    moved = db.session.get(Category, tree["building"].id)
    assert (moved.name, moved.parent.code) == ("违章建筑", "grp-order")
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "admin.category.save")
    ).all()[-1]
    assert entry.detail["from"] == {"name": "违法建设", "parent": "grp-city", "active": True}
    assert entry.detail["to"] == {"name": "违章建筑", "parent": "grp-order", "active": True}


@pytest.mark.parametrize("parent", ["NOPE", "x" * 5000, "' OR 1=1 --"])
def test_an_unknown_parent_is_refused(tree, login, staff, parent) -> None:
    page = _refused(login(staff.admin), code="junk", name="垃圾", parent=parent)
    assert "unknown category" in page
    assert db.session.scalar(select(Category).where(Category.code == "junk")) is None


def test_only_admins_edit_the_tree(tree, login, staff) -> None:
    client = login(staff.operator)
    assert _save(client, code="sneaky", name="偷加").status_code == 403
    assert client.get("/admin/categories").status_code == 403


def test_the_refusal_is_a_422_naming_parent(tree, staff) -> None:
    with pytest.raises(ValidationFailed) as caught:
        service.save_category(
            actor=Actor.of(staff.admin),
            category_id=None,
            values={"code": "deeper", "name": "更深", "kind": "complaint", "parent": "vending"},
        )
    assert caught.value.status == 422
    assert caught.value.fields == {"parent": ["at most 3 levels"]}
