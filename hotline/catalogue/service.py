"""Reading the dispatch catalogue: the active categories and the districts the rules know."""

from __future__ import annotations

from sqlalchemy import select

from hotline.catalogue.models import Category, RoutingRule
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
