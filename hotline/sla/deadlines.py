"""Deadline arithmetic: pure functions over aware datetimes, local-time maths, UTC results."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hotline.core.clock import iso_local
from hotline.sla.calendar import WorkCalendar

DEFAULT_TZ = ZoneInfo("Asia/Shanghai")
_ONE_DAY = timedelta(days=1)


def _require_aware(**values: datetime) -> None:
    # A naive datetime would silently be read as the server's local time: refuse it.
    for name, value in values.items():
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{name} must be timezone-aware, got {value!r}")


def _require_non_negative(n: int) -> None:
    if n < 0:
        raise ValueError(f"the number of working days must be >= 0, got {n}")


def local_midnight(d: date, tz: ZoneInfo = DEFAULT_TZ) -> datetime:
    """00:00 local of date d, as an aware UTC datetime."""
    return datetime.combine(d, time(0), tzinfo=tz).astimezone(UTC)


def _first_full_day(instant: datetime, tz: ZoneInfo) -> date:
    """The first local calendar day that starts at or after the instant."""
    local = instant.astimezone(tz)
    return local.date() if local.time() == time(0) else local.date() + _ONE_DAY


def add_working_days(
    start: datetime, n: int, cal: WorkCalendar, tz: ZoneInfo = DEFAULT_TZ
) -> datetime:
    """The deadline N working days after start: 24:00 local of the N-th working day.

    Counting starts the day after the local start date (次日起算), whatever the start time;
    the result is 00:00 local of the calendar day after the N-th working day. N = 0 means
    the end of the start day itself (24:00 local of the start date, working day or not).
    """
    _require_aware(start=start)
    _require_non_negative(n)
    last = cal.nth_workday_after(start.astimezone(tz).date(), n)
    return local_midnight(last + _ONE_DAY, tz)


def add_hours(start: datetime, hours: float) -> datetime:
    """The deadline a number of calendar hours (elapsed time, DST-proof) after start, in UTC."""
    _require_aware(start=start)
    if hours < 0:
        raise ValueError(f"hours must be >= 0, got {hours}")
    return start.astimezone(UTC) + timedelta(hours=hours)


def extend_working_days(
    due: datetime, n: int, cal: WorkCalendar, tz: ZoneInfo = DEFAULT_TZ
) -> datetime:
    """Move a deadline by N more working days (延期), with add_working_days' semantics.

    The old deadline covers every local day that ends at or before it; the new one is 24:00
    local of the N-th working day after the last covered day. For a due at 00:00 after a
    working day W this is simply N working days after W; a due mid-day (an hours limit)
    covers its own day too, so counting starts the next day. N = 0 returns due unchanged.
    This is also the instant at which working_days_overdue(due, ·) reaches N.
    """
    _require_aware(due=due)
    _require_non_negative(n)
    if n == 0:
        return due.astimezone(UTC)
    last_covered = _first_full_day(due, tz) - _ONE_DAY
    return local_midnight(cal.nth_workday_after(last_covered, n) + _ONE_DAY, tz)


def working_days_between(after: date, before: date, cal: WorkCalendar) -> int:
    """How many working days lie strictly between two dates (the open range)."""
    return cal.count_workdays(after + _ONE_DAY, before)


def working_days_overdue(
    due: datetime, now: datetime, cal: WorkCalendar, tz: ZoneInfo = DEFAULT_TZ
) -> int:
    """How many working days have fully elapsed (00:00-24:00 local) between due and now.

    Due 2026-10-14T00:00+08:00, now 2026-10-16T00:00+08:00 gives 2 (14 and 15 October).
    A day only counts once it has completely passed, so the result changes at local
    midnights only; it is 0 whenever now is not after due.
    """
    _require_aware(due=due, now=now)
    if now <= due:
        return 0
    return cal.count_workdays(_first_full_day(due, tz), now.astimezone(tz).date())


def fraction_elapsed(start: datetime, due: datetime, now: datetime) -> float:
    """Share of the window [start, due] elapsed at now, in plain calendar time, within [0, 1].

    Calendar rather than working time on purpose: it is what the complainant experiences, it
    needs no calendar, and it warns a little early across long holidays rather than late.
    """
    _require_aware(start=start, due=due, now=now)
    window = (due - start).total_seconds()
    if window <= 0:
        return 1.0 if now >= due else 0.0
    return min(1.0, max(0.0, (now - start).total_seconds() / window))


def format_due(dt: datetime, tz: ZoneInfo = DEFAULT_TZ) -> str:
    """ISO 8601 in local time with its offset, to the second: 2026-10-14T00:00:00+08:00."""
    _require_aware(dt=dt)
    return iso_local(dt, tz)
