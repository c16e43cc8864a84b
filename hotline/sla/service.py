"""The database side of the clock: the calendar with admin overrides, policy matching, windows."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from hotline.core.clock import local_tz
from hotline.core.extensions import db
from hotline.sla.calendar import WorkCalendar
from hotline.sla.deadlines import add_hours, add_working_days, extend_working_days
from hotline.sla.models import CalendarDay, SlaPolicy

CALENDAR_TTL_SECONDS = 60.0


@dataclass(frozen=True)
class Limits:
    """The time limits that apply to one ticket."""

    accept_hours: int
    resolve_value: int
    resolve_unit: str  # working_days | hours
    return_window_wd: int = 2
    callback_wd: int = 1
    policy_id: int | None = None
    policy_name: str = "default"


# DESIGN §3 defaults, used when no stored policy matches.
DEFAULT_LIMITS = {
    "urgent": Limits(2, 24, "hours", policy_name="default urgent"),
    "consultation": Limits(24, 2, "working_days", policy_name="default consultation"),
    "help": Limits(24, 5, "working_days", policy_name="default help"),
    "complaint": Limits(24, 5, "working_days", policy_name="default complaint"),
    "report": Limits(24, 10, "working_days", policy_name="default report"),
    "suggestion": Limits(24, 10, "working_days", policy_name="default suggestion"),
}


def get_calendar() -> WorkCalendar:
    """The working-day calendar with the admin overlay, cached per process for a minute."""
    cache = current_app.extensions.setdefault("hotline_calendar", {})
    cached = cache.get("calendar")
    if cached is not None and time.monotonic() - cache["at"] < CALENDAR_TTL_SECONDS:
        return cached
    rows = db.session.execute(select(CalendarDay.day, CalendarDay.is_workday, CalendarDay.name))
    overlay, names = {}, {}
    for day, is_workday, name in rows:
        overlay[day] = is_workday
        if name:
            names[day] = name
    calendar = WorkCalendar(overlay, names)
    cache.update(calendar=calendar, at=time.monotonic())
    return calendar


def invalidate_calendar() -> None:
    current_app.extensions.setdefault("hotline_calendar", {}).clear()


def _specificity(policy: SlaPolicy) -> int:
    # priority beats category beats kind beats the catch-all default (DESIGN §3).
    return (
        (8 if policy.priority else 0) + (4 if policy.category_id else 0) + (2 if policy.kind else 0)
    )


@dataclass(frozen=True)
class _Policy:
    priority: str | None
    category_id: int | None
    kind: str | None
    specificity: int
    id: int
    limits: Limits


def _policies() -> list[_Policy]:
    """Active policies as plain values, cached per process with the calendar (same TTL and
    the same invalidation: admins' edits call invalidate_calendar)."""
    cache = current_app.extensions.setdefault("hotline_calendar", {})
    cached = cache.get("policies")
    if cached is not None and time.monotonic() - cache["policies_at"] < CALENDAR_TTL_SECONDS:
        return cached
    policies = [
        _Policy(
            p.priority,
            p.category_id,
            p.kind,
            _specificity(p),
            p.id,
            Limits(
                p.accept_hours,
                p.resolve_value,
                p.resolve_unit,
                p.return_window_wd,
                p.callback_wd,
                p.id,
                p.name,
            ),
        )
        for p in db.session.scalars(select(SlaPolicy).where(SlaPolicy.active.is_(True)))
    ]
    cache.update(policies=policies, policies_at=time.monotonic())
    return policies


def limits_for(*, kind: str, priority: str, category_id: int | None) -> Limits:
    """The most specific active policy for these ticket fields, else the DESIGN defaults."""
    matching = [
        p
        for p in _policies()
        if (p.priority is None or p.priority == priority)
        and (p.category_id is None or p.category_id == category_id)
        and (p.kind is None or p.kind == kind)
    ]
    if matching:
        return max(matching, key=lambda p: (p.specificity, -p.id)).limits
    if priority == "urgent":
        return DEFAULT_LIMITS["urgent"]
    return DEFAULT_LIMITS.get(kind, DEFAULT_LIMITS["complaint"])


@dataclass(frozen=True)
class Window:
    accept_due_at: datetime
    resolve_due_at: datetime
    return_due_at: datetime


def window(limits: Limits, start: datetime) -> Window:
    """The deadlines of a unit's window opened at `start` (dispatch, re-dispatch, reopen)."""
    cal, tz = get_calendar(), local_tz()
    if limits.resolve_unit == "hours":
        resolve = add_hours(start, limits.resolve_value)
    else:
        resolve = add_working_days(start, limits.resolve_value, cal, tz)
    return Window(
        accept_due_at=add_hours(start, limits.accept_hours),
        resolve_due_at=resolve,
        return_due_at=add_working_days(start, limits.return_window_wd, cal, tz),
    )


def extended(due: datetime, days: int) -> datetime:
    """A resolve deadline moved by `days` working days (延期)."""
    return extend_working_days(due, days, get_calendar(), local_tz())


def callback_due(limits: Limits, replied_at: datetime) -> datetime:
    return add_working_days(replied_at, limits.callback_wd, get_calendar(), local_tz())


def rating_due(replied_at: datetime) -> datetime:
    """Until when a complainant may rate a reply before it closes as not rated."""
    days = int(current_app.config["RATING_WINDOW_WD"])
    return add_working_days(replied_at, days, get_calendar(), local_tz())
