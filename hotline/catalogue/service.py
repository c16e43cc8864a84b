"""Reading the dispatch catalogue: the category tree, its leaves (what a ticket may take), one
category by code, the districts the rules know."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from hotline.catalogue.models import Category, RoutingRule
from hotline.catalogue.tree import SEPARATOR, Shape
from hotline.core.errors import ValidationFailed
from hotline.core.extensions import db


def all_categories() -> list[Category]:
    """Every node, active or not, by code."""
    return list(db.session.scalars(select(Category).order_by(Category.code)))


def shape() -> Shape:
    """The tree's parent links (one query of three columns)."""
    return Shape.of(db.session.execute(select(Category.id, Category.parent_id, Category.active)))


def leaf_categories() -> list[Category]:
    """The categories a ticket may take: active leaves under active groups, by code."""
    tree = shape()
    return [c for c in all_categories() if tree.takes_tickets(c.id)]


def active_categories() -> list[Category]:
    """The categories a new ticket may take, by code (the pickers): `leaf_categories`."""
    return leaf_categories()


def path(category: Category, *, english: bool = False) -> list[str]:
    """The names from the top node down to this one."""
    names: list[str] = []
    node: Category | None = category
    while node is not None and len(names) <= 10:
        names.append((node.name_en or node.name) if english else node.name)
        node = node.parent
    return names[::-1]


def path_label(category: Category, *, english: bool = False) -> str:
    """`市场监管 › 食品安全`: the pickers' and the ticket page's label."""
    return SEPARATOR.join(path(category, english=english))


def in_tree_order() -> list[tuple[Category, int, bool]]:
    """Every node (active or not) as (category, depth from 1, is a group), each group followed
    by its members, by code at every level: the admin page's rows."""
    nodes = all_categories()
    tree = shape()
    by_parent: dict[int | None, list[Category]] = {}
    for c in nodes:
        by_parent.setdefault(c.parent_id, []).append(c)
    rows: list[tuple[Category, int, bool]] = []

    def walk(parent: int | None, depth: int) -> None:
        for c in by_parent.get(parent, []):
            rows.append((c, depth, tree.is_group(c.id)))
            walk(c.id, depth + 1)

    walk(None, 1)
    return rows


def category_tree(*, include_inactive: bool = False) -> list[dict[str, Any]]:
    """The nested tree: each node's columns plus `children`, by code at every level."""
    nodes = all_categories()
    tree = shape()
    by_parent: dict[int | None, list[Category]] = {}
    for c in nodes:
        by_parent.setdefault(c.parent_id, []).append(c)

    def build(parent: int | None) -> list[dict[str, Any]]:
        return [
            {
                "code": c.code,
                "name": c.name,
                "name_en": c.name_en,
                "kind": c.kind,
                "default_unit": c.default_unit,
                "active": c.active,
                "group": tree.is_group(c.id),
                "children": build(c.id),
            }
            for c in by_parent.get(parent, [])
            if include_inactive or c.active
        ]

    return build(None)


def districts() -> list[str]:
    """Every district a routing rule names, sorted."""
    return sorted(d for d in db.session.scalars(select(RoutingRule.district).distinct()) if d)


def get_by_code(code: str, *, field: str) -> Category:
    """The category with this code, active or not; a ValidationFailed on `field` (422) when
    there is none."""
    category = db.session.scalar(select(Category).where(Category.code == code))
    if category is None:
        raise ValidationFailed(f"unknown category {code!r}", fields={field: ["unknown"]})
    return category


def leaf_by_code(code: str | None, *, field: str = "category") -> Category:
    """A category a ticket may take now: 422 on `field` when unknown, a group or inactive."""
    category = get_by_code(code or "", field=field)
    tree = shape()
    if tree.is_group(category.id):
        raise ValidationFailed(
            f"category {category.code!r} is a group: choose one of its categories",
            fields={field: ["group"]},
        )
    if not tree.takes_tickets(category.id):
        raise ValidationFailed(
            f"category {category.code!r} is not in use", fields={field: ["inactive"]}
        )
    return category
