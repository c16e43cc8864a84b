"""Working days: admin overlay, then State Council data (chinese_calendar), then a fallback."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from datetime import date, timedelta
from functools import cache

import chinese_calendar

# Used only for years chinese_calendar has no data for: Monday-Friday minus these
# fixed-date statutory holidays (month, day) -> name. Lunar holidays cannot be guessed,
# hence the loud "calendar not loaded" warning elsewhere.
FALLBACK_HOLIDAYS: Mapping[tuple[int, int], str] = {
    (1, 1): "New Year's Day",
    (5, 1): "Labour Day",
    (5, 2): "Labour Day",
    (10, 1): "National Day",
    (10, 2): "National Day",
    (10, 3): "National Day",
}


@cache
def _package_year(year: int) -> tuple[frozenset[int], dict[int, str]] | None:
    """The package's workday ordinals and holiday names for a year, or None without data.

    Cached process-wide: the package data never changes while we run, and building a year
    costs ~365 calls, far too slow for the hot path.
    """
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return None
    workdays: set[int] = set()
    names: dict[int, str] = {}
    day, end = date(year, 1, 1), date(year + 1, 1, 1)
    while day < end:
        if chinese_calendar.is_workday(day):
            workdays.add(day.toordinal())
        else:
            _, name = chinese_calendar.get_holiday_detail(day)
            if name:
                names[day.toordinal()] = name
        day += timedelta(days=1)
    return frozenset(workdays), names


def package_has_year(year: int) -> bool:
    """Whether chinese_calendar ships the State Council arrangement for this year."""
    return _package_year(year) is not None


class WorkCalendar:
    """Answers "is this a working day" fast; immutable, rebuild it when the overlay changes.

    Precedence per date: the admin overlay (True = workday, False = holiday) always wins,
    then chinese_calendar's data (holidays and 调休 make-up workdays), then for years without
    package data Monday-Friday minus FALLBACK_HOLIDAYS.
    """

    def __init__(
        self,
        overlay: Mapping[date, bool] | None = None,
        names: Mapping[date, str] | None = None,
    ) -> None:
        self._overlay: dict[date, bool] = dict(overlay or {})
        self._names: dict[date, str] = dict(names or {})
        self._overlay_years = frozenset(d.year for d in self._overlay)
        # year -> (workday ordinals as a set for membership, sorted for bisecting)
        self._years: dict[int, tuple[frozenset[int], tuple[int, ...]]] = {}

    def _year(self, year: int) -> tuple[frozenset[int], tuple[int, ...]]:
        cached = self._years.get(year)
        if cached is not None:
            return cached
        package = _package_year(year)
        if package is not None:
            workdays = set(package[0])
        else:
            workdays = set()
            day, end = date(year, 1, 1), date(year + 1, 1, 1)
            while day < end:
                if day.weekday() < 5 and (day.month, day.day) not in FALLBACK_HOLIDAYS:
                    workdays.add(day.toordinal())
                day += timedelta(days=1)
        for day, is_workday in self._overlay.items():
            if day.year == year:
                if is_workday:
                    workdays.add(day.toordinal())
                else:
                    workdays.discard(day.toordinal())
        # A benign race under threads: two builders compute the same value.
        built = (frozenset(workdays), tuple(sorted(workdays)))
        self._years[year] = built
        return built

    def is_workday(self, d: date) -> bool:
        """Whether d is a working day."""
        return d.toordinal() in self._year(d.year)[0]

    def holiday_name(self, d: date) -> str | None:
        """The holiday's name when d is a day off for a holiday; None otherwise (weekends too)."""
        if self.is_workday(d):
            return None
        if d in self._names:
            return self._names[d]
        package = _package_year(d.year)
        if package is not None:
            return package[1].get(d.toordinal())
        return FALLBACK_HOLIDAYS.get((d.month, d.day))

    def uses_fallback(self, year: int) -> bool:
        """Whether the year has neither package data nor any admin overlay rows."""
        return year not in self._overlay_years and not package_has_year(year)

    def missing_years(self, start: date, end: date) -> list[int]:
        """Years in [start, end] (inclusive) that fall back to the fixed Monday-Friday rule."""
        lo, hi = min(start.year, end.year), max(start.year, end.year)
        return [year for year in range(lo, hi + 1) if self.uses_fallback(year)]

    def nth_workday_after(self, d: date, n: int) -> date:
        """The n-th working day strictly after d; d itself when n is 0."""
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        if n == 0:
            return d
        year, remaining = d.year, n
        ordinals = self._year(year)[1]
        i = bisect_right(ordinals, d.toordinal())
        while True:
            available = len(ordinals) - i
            if remaining <= available:
                return date.fromordinal(ordinals[i + remaining - 1])
            remaining -= available
            year += 1
            ordinals, i = self._year(year)[1], 0

    def next_workday(self, d: date) -> date:
        """The first working day strictly after d."""
        return self.nth_workday_after(d, 1)

    def count_workdays(self, start: date, end: date) -> int:
        """How many working days lie in the half-open range [start, end)."""
        if end <= start:
            return 0
        lo, hi = start.toordinal(), end.toordinal()
        total = 0
        for year in range(start.year, end.year + 1):
            ordinals = self._year(year)[1]
            total += bisect_left(ordinals, hi) - bisect_left(ordinals, lo)
        return total
