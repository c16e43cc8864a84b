"""Dates and times typed into staff forms, read as the services want them (else a 422 naming
the field, which the page's action runner shows as a message)."""

from __future__ import annotations

from datetime import date, datetime

from hotline.core.clock import local_tz
from hotline.core.errors import ValidationFailed
from hotline.core.timebounds import OUT_OF_RANGE, instant_in_range


def local_datetime(raw: str | None, field: str) -> datetime:
    """A datetime-local value (`2026-10-26T09:30`) read in the hotline's time zone."""
    try:
        value = datetime.fromisoformat(raw or "").replace(tzinfo=local_tz())
    except ValueError as exc:
        raise ValidationFailed(
            f"{field} must be a date and time", fields={field: ["a time"]}
        ) from exc
    if not instant_in_range(value):
        raise ValidationFailed(f"{field} {OUT_OF_RANGE}", fields={field: [OUT_OF_RANGE]})
    return value


def local_date(raw: str | None, field: str) -> date:
    """A date input's value (`2026-10-23`)."""
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError as exc:
        raise ValidationFailed(
            f"{field} must be a date (YYYY-MM-DD)", fields={field: ["a date"]}
        ) from exc
