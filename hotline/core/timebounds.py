"""The instants and years a client may send: 2000 to 2099, checked once for every input.

Python's datetime takes year 1 and year 9999, but local-time arithmetic there overflows (a 500)
or lands on pre-1900 zone data (Asia/Shanghai's local mean time, +08:05:43, in what the client
reads back). No complaint, deadline or interview of a hotline lies outside this century.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

FIRST_YEAR = 2000
LAST_YEAR = 2099
_EARLIEST = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
_LATEST = datetime(LAST_YEAR, 12, 31, 23, 59, 59, tzinfo=UTC)

OUT_OF_RANGE = f"must lie between {FIRST_YEAR} and {LAST_YEAR}"


def year_in_range(year: int) -> bool:
    """Whether `year` is one the hotline's calendar can hold."""
    return FIRST_YEAR <= year <= LAST_YEAR


def instant_in_range(value: datetime | date) -> bool:
    """Whether an instant (aware, or a date) lies in the years the hotline handles."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return year_in_range(value.year)
        # Compare in UTC without converting first: the conversion itself can overflow.
        return _EARLIEST <= value <= _LATEST
    return year_in_range(value.year)
