"""Reading the dispatch catalogue: the active categories, one by code, the districts the rules
know."""

from __future__ import annotations

from sqlalchemy import select

from hotline.catalogue.models import Category, RoutingRule
from hotline.core.errors import ValidationFailed
from hotline.core.extensions import db


def active_categories() -> list[Category]:
    """The categories a new ticket may take, by code."""
    return list(
        db.session.scalars(
            select(Category).where(Category.active.is_(True)).order_by(Category.code)
        )
    )


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
