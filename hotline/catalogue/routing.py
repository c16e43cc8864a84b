"""Routing decisions from the dispatch catalogue: which unit handles a ticket, if anyone is sure."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy import select

from hotline.catalogue.models import Category, RoutingRule
from hotline.catalogue.tree import Shape
from hotline.core.extensions import db

CATALOGUE_TTL_SECONDS = 30.0


@dataclass(frozen=True)
class Rule:
    id: int
    category_id: int | None
    district: str | None
    keywords: tuple[str, ...]
    unit_id: int
    position: int

    def matches(self, category_id: int | None, district: str | None, text: str) -> bool:
        if self.category_id is not None and self.category_id != category_id:
            return False
        if self.district is not None and self.district != (district or ""):
            return False
        return not self.keywords or any(k in text for k in self.keywords)

    @property
    def specificity(self) -> int:
        return (
            (4 if self.category_id else 0)
            + (2 if self.district else 0)
            + (1 if self.keywords else 0)
        )


@dataclass(frozen=True)
class CategoryRef:
    """What intake and ticket views need of a category, without a query per ticket."""

    id: int
    code: str
    name: str
    name_en: str | None
    kind: str
    # In use: active, a leaf and under active groups (a group takes no tickets).
    active: bool

    @classmethod
    def of(cls, category: Any) -> CategoryRef:
        """From a Category or a row with its columns."""
        return cls(
            id=category.id,
            code=category.code,
            name=category.name,
            name_en=category.name_en,
            kind=category.kind,
            active=category.active,
        )


@dataclass(frozen=True)
class Catalogue:
    rules: tuple[Rule, ...]
    default_unit_by_category: dict[int, int]
    categories_by_code: dict[str, CategoryRef] = field(default_factory=dict)
    categories_by_id: dict[int, CategoryRef] = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    unit_id: int | None
    reason: str


def decide(
    catalogue: Catalogue,
    *,
    category_id: int | None,
    district: str | None,
    description: str,
) -> Decision:
    """The unit for a ticket, or unit_id None when no rule is confident (→ triage)."""
    matched = [r for r in catalogue.rules if r.matches(category_id, district, description)]
    if matched:
        best = max(r.specificity for r in matched)
        top = sorted((r for r in matched if r.specificity == best), key=lambda r: r.position)
        units = {r.unit_id for r in top}
        if len(units) == 1:
            return Decision(top[0].unit_id, f"rule {top[0].id}")
        # Equally specific rules disagree: a person must decide.
        return Decision(None, "rules disagree: " + ", ".join(f"rule {r.id}" for r in top))
    if category_id is not None and category_id in catalogue.default_unit_by_category:
        return Decision(catalogue.default_unit_by_category[category_id], "category default unit")
    return Decision(None, "no confident rule")


def load_catalogue() -> Catalogue:
    """The active catalogue, cached per process; admins' edits call invalidate_catalogue."""
    cache = current_app.extensions.setdefault("hotline_catalogue", {})
    if cache.get("catalogue") and time.monotonic() - cache["at"] < CATALOGUE_TTL_SECONDS:
        return cache["catalogue"]
    rules = tuple(
        Rule(
            id=r.id,
            category_id=r.category_id,
            district=r.district or None,
            keywords=tuple(k.strip() for k in (r.keywords or "").split(",") if k.strip()),
            unit_id=r.unit_id,
            position=r.position,
        )
        for r in db.session.scalars(select(RoutingRule).where(RoutingRule.active.is_(True)))
    )
    defaults = dict(
        db.session.execute(
            select(Category.id, Category.default_unit_id).where(
                Category.active.is_(True), Category.default_unit_id.is_not(None)
            )
        ).all()
    )
    rows = db.session.execute(
        select(
            Category.id,
            Category.code,
            Category.name,
            Category.name_en,
            Category.kind,
            Category.active,
            Category.parent_id,
        )
    ).all()
    tree = Shape.of((r.id, r.parent_id, r.active) for r in rows)
    refs = [
        CategoryRef(
            id=r.id,
            code=r.code,
            name=r.name,
            name_en=r.name_en,
            kind=r.kind,
            active=tree.takes_tickets(r.id),
        )
        for r in rows
    ]
    catalogue = Catalogue(rules, defaults, {c.code: c for c in refs}, {c.id: c for c in refs})
    cache.update(catalogue=catalogue, at=time.monotonic())
    return catalogue


def invalidate_catalogue() -> None:
    current_app.extensions.setdefault("hotline_catalogue", {}).clear()
