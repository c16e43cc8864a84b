"""What the admin pages read: the overview counts, each list in its order, the row being edited."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, func, select

from hotline.auth.models import ApiKey, User
from hotline.catalogue.models import Category, RoutingRule
from hotline.core.clock import utcnow
from hotline.core.extensions import db
from hotline.sla import admin as sla_admin
from hotline.sla.models import CalendarDay, SlaPolicy
from hotline.tickets.models import Status, Ticket
from hotline.units.models import Unit


def calendar_warnings() -> list[str]:
    """The loud "calendar for YEAR not loaded" lines for this year and next."""
    return sla_admin.status(now=utcnow())["warnings"]


def counts() -> dict[str, int | None]:
    """How many units, users, categories, rules and open tickets there are."""
    return {
        "units": db.session.scalar(select(func.count()).select_from(Unit)),
        "users": db.session.scalar(select(func.count()).select_from(User)),
        "categories": db.session.scalar(select(func.count()).select_from(Category)),
        "rules": db.session.scalar(select(func.count()).select_from(RoutingRule)),
        "open": db.session.scalar(
            select(func.count())
            .select_from(Ticket)
            .where(Ticket.status.in_([Status.triage, Status.dispatched, Status.accepted]))
        ),
    }


def row(model: type, row_id: int | None) -> Any:
    """The row the edit form is open on, if any."""
    return db.session.get(model, row_id) if row_id else None


def all_categories() -> list[Category]:
    """Every category, active or not, by code (the admin pickers)."""
    return list(db.session.scalars(select(Category).order_by(Category.code)))


def units() -> Select:
    return select(Unit).order_by(Unit.code)


def users(q: str | None) -> Select:
    """Users by role and name, those whose username contains `q` when given."""
    stmt = select(User).order_by(User.role, User.username)
    return stmt.where(User.username.contains(q)) if q else stmt


def rules() -> Select:
    """Routing rules in the order the router tries them."""
    return select(RoutingRule).order_by(RoutingRule.position, RoutingRule.id)


def policies() -> Select:
    return select(SlaPolicy).order_by(SlaPolicy.id)


def calendar(year: int) -> Select:
    """The year's holiday and make-up workday entries, by day."""
    return (
        select(CalendarDay)
        .where(CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31))
        .order_by(CalendarDay.day)
    )


def api_keys() -> Select:
    """API keys, newest first."""
    return select(ApiKey).order_by(ApiKey.id.desc())
