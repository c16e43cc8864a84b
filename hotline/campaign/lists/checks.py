"""The negative lists' input checks, shared by the API and the pages: texts within their
limits, due dates, done times and a plan's milestones (each error a 422 naming its field)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from hotline.core.clock import local_tz
from hotline.core.errors import ValidationFailed
from hotline.core.timebounds import OUT_OF_RANGE, instant_in_range

MAX_MILESTONES = 50
LIMITS = {
    "title": 200,
    "description": 4_000,
    "measures": 4_000,
    "responsible_person": 100,
    "step": 500,
    "note": 2_000,
    "reason": 2_000,
}


def text(value: Any, field: str, *, required: bool = False) -> str | None:
    """A stripped text within its limit; None when blank and not required (else 422)."""
    cleaned = (value or "").strip() if isinstance(value, str) or value is None else None
    if cleaned is None:
        raise ValidationFailed(f"{field} must be text", fields={field: ["text"]})
    if not cleaned:
        if required:
            raise ValidationFailed(f"{field} is required", fields={field: ["required"]})
        return None
    if len(cleaned) > LIMITS[field]:
        raise ValidationFailed(
            f"{field} is too long", fields={field: [f"at most {LIMITS[field]} characters"]}
        )
    return cleaned


def due_instant(due: date) -> datetime:
    """The instant a milestone due on local date `due` is overdue: 24:00 local that day."""
    return datetime.combine(due + timedelta(days=1), time(0), tzinfo=local_tz()).astimezone(UTC)


def due_date(value: Any, field: str) -> date:
    """A due date: a date or its ISO text, within the century (422 naming `field`)."""
    if isinstance(value, str):
        value = value.strip()
        try:
            value = date.fromisoformat(value) if value else None
        except ValueError as exc:
            raise ValidationFailed(
                f"{field} must be a date (YYYY-MM-DD)", fields={field: ["a date"]}
            ) from exc
    if value is None:
        raise ValidationFailed(f"{field} is required", fields={field: ["required"]})
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValidationFailed(f"{field} must be a date (YYYY-MM-DD)", fields={field: ["a date"]})
    if not instant_in_range(value):
        raise ValidationFailed(f"{field} {OUT_OF_RANGE}", fields={field: [OUT_OF_RANGE]})
    return value


def done_instant(value: Any, field: str, now: datetime) -> datetime | None:
    """When a step was done: an aware time, or a local day (its start); never after `now`."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValidationFailed(
                f"{field} needs a time zone offset", fields={field: ["timezone-aware"]}
            )
        done = value.astimezone(UTC)
    elif isinstance(value, date):  # a day: its start, local
        done = datetime.combine(value, time(0), tzinfo=local_tz()).astimezone(UTC)
    else:
        raise ValidationFailed(f"{field} must be a date or a time", fields={field: ["a date"]})
    if not instant_in_range(done):
        raise ValidationFailed(f"{field} {OUT_OF_RANGE}", fields={field: [OUT_OF_RANGE]})
    if done > now:
        raise ValidationFailed(f"{field} is in the future", fields={field: ["in the future"]})
    return done


def milestone_specs(raw: Sequence[dict] | None, now: datetime) -> list[dict]:
    """The plan's milestones checked: each a step and a due date (422 naming `milestones.N.x`)."""
    if raw is None or len(raw) == 0:
        raise ValidationFailed(
            "a plan needs at least one milestone", fields={"milestones": ["at least one"]}
        )
    if len(raw) > MAX_MILESTONES:
        raise ValidationFailed(
            f"at most {MAX_MILESTONES} milestones",
            fields={"milestones": [f"at most {MAX_MILESTONES}"]},
        )
    specs = []
    for n, entry in enumerate(raw):
        prefix = f"milestones.{n}"
        try:
            spec = {
                "id": entry.get("id"),
                "step": text(entry.get("step"), "step", required=True),
                "due": due_date(entry.get("due"), "due"),
                "done_at": done_instant(entry.get("done_at"), "done_at", now),
            }
        except ValidationFailed as exc:
            raise ValidationFailed(
                f"{prefix}: {exc.message}",
                fields={f"{prefix}.{k}": v for k, v in exc.fields.items()},
            ) from exc
        specs.append(spec)
    return specs
