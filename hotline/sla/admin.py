"""Admin side of the clock: importing a year's calendar, and which years are not loaded."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from hotline.core.clock import to_local, utcnow
from hotline.core.errors import ValidationFailed
from hotline.core.extensions import db
from hotline.sla.models import CalendarDay
from hotline.sla.service import get_calendar
from hotline.sla.watch import request_recompute

HEADER = ["date", "type", "name"]
TYPES = {"holiday": False, "workday": True}


@dataclass(frozen=True)
class CalendarRow:
    day: date
    is_workday: bool
    name: str | None


def parse_csv(text: str) -> list[CalendarRow]:
    """Rows of a `date,type,name` CSV; ValidationFailed lists every bad line by its number."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    errors: dict[str, list[str]] = {}
    rows: list[CalendarRow] = []
    seen: dict[date, int] = {}
    header = next(reader, None)
    if header is None or [h.strip().lower() for h in header[:3]] != HEADER:
        raise ValidationFailed(
            "line 1: the header must be date,type,name", fields={"line 1": ["bad header"]}
        )
    for number, fields in enumerate(reader, start=2):
        if not fields or all(not f.strip() for f in fields):
            continue
        problems: list[str] = []
        if len(fields) < 2 or len(fields) > 3:
            errors[f"line {number}"] = [f"expected 3 columns, got {len(fields)}"]
            continue
        raw_day, raw_type = fields[0].strip(), fields[1].strip().lower()
        name = fields[2].strip() if len(fields) == 3 and fields[2].strip() else None
        try:
            day = date.fromisoformat(raw_day)
        except ValueError:
            problems.append(f"date {raw_day!r} is not YYYY-MM-DD")
            day = None
        if raw_type not in TYPES:
            problems.append(f"type {raw_type!r} must be holiday or workday")
        if name is not None and len(name) > 60:
            problems.append("name is longer than 60 characters")
        if day is not None and day in seen:
            problems.append(f"date {raw_day} already given on line {seen[day]}")
        if problems:
            errors[f"line {number}"] = problems
            continue
        seen[day] = number
        rows.append(CalendarRow(day, TYPES[raw_type], name))
    if errors:
        lines = "; ".join(f"{k}: {', '.join(v)}" for k, v in errors.items())
        raise ValidationFailed(f"calendar file has errors: {lines}", fields=errors)
    return rows


def import_rows(
    *, rows: list[CalendarRow], actor_id: int | None = None, now: datetime | None = None
) -> int:
    """Upsert the admin calendar overlay and schedule the recompute of open deadlines."""
    now = now or utcnow()
    if not rows:
        return 0
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    values = [
        {
            "day": r.day,
            "is_workday": r.is_workday,
            "name": r.name,
            "updated_by_id": actor_id,
            "updated_at": now,
        }
        for r in rows
    ]
    stmt = insert(CalendarDay).values(values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[CalendarDay.day],
        set_={
            "is_workday": stmt.excluded.is_workday,
            "name": stmt.excluded.name,
            "updated_by_id": stmt.excluded.updated_by_id,
            "updated_at": stmt.excluded.updated_at,
        },
    )
    db.session.execute(stmt)
    request_recompute()  # after the commit: the calendar cache dropped, deadlines recomputed
    return len(rows)


def missing_years(*, start: datetime, end: datetime) -> list[int]:
    """Years touched by [start, end] (local) that have neither State Council nor admin data."""
    return get_calendar().missing_years(to_local(start).date(), to_local(end).date())


def warning_for(year: int) -> str:
    return f"calendar for {year} not loaded"


def status(*, now: datetime | None = None) -> dict:
    """The current and next year's calendar source and loud warnings for unloaded years."""
    now = now or utcnow()
    this_year = to_local(now).year
    cal = get_calendar()
    years = []
    for year in (this_year, this_year + 1):
        years.append({"year": year, "loaded": not cal.uses_fallback(year)})
    warnings = [warning_for(y["year"]) for y in years if not y["loaded"]]
    return {"years": years, "warnings": warnings}
