"""WorkCalendar: State Council data, the admin overlay, and the fallback for unloaded years."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotline.sla.calendar import WorkCalendar, package_has_year

CAL = WorkCalendar()


def days(start: date, end: date) -> list[date]:
    """Every date in [start, end]."""
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def test_premise_chinese_calendar_has_2026_but_not_2027():
    # The 2027 fallback tests below rely on this; when the package ships 2027, move them on.
    assert package_has_year(2026)
    assert not package_has_year(2027)


def test_spring_festival_2026_is_off_from_15_to_23_february():
    assert not any(CAL.is_workday(d) for d in days(date(2026, 2, 15), date(2026, 2, 23)))
    assert CAL.is_workday(date(2026, 2, 13))
    assert CAL.is_workday(date(2026, 2, 24))


def test_spring_festival_2026_makeup_saturdays_14_and_28_february_are_workdays():
    assert CAL.is_workday(date(2026, 2, 14))
    assert CAL.is_workday(date(2026, 2, 28))
    assert not CAL.is_workday(date(2026, 3, 7))  # an ordinary Saturday stays off


def test_labour_day_2026_is_off_1_to_5_may_with_makeup_saturday_9_may():
    assert not any(CAL.is_workday(d) for d in days(date(2026, 5, 1), date(2026, 5, 5)))
    assert CAL.is_workday(date(2026, 5, 6))
    assert CAL.is_workday(date(2026, 5, 9))


def test_national_day_2026_is_off_1_to_7_october_with_makeup_20_sept_and_10_oct():
    assert not any(CAL.is_workday(d) for d in days(date(2026, 10, 1), date(2026, 10, 7)))
    assert CAL.is_workday(date(2026, 9, 20))  # a Sunday
    assert CAL.is_workday(date(2026, 10, 10))  # a Saturday
    assert not CAL.is_workday(date(2026, 9, 25))  # Mid-autumn Festival, a Friday


def test_year_without_package_data_uses_weekdays_minus_fixed_statutory_holidays():
    assert not CAL.is_workday(date(2027, 1, 1))  # Friday, New Year's Day
    assert CAL.is_workday(date(2027, 1, 4))
    assert not CAL.is_workday(date(2027, 1, 9))  # Saturday
    assert not any(CAL.is_workday(d) for d in days(date(2027, 10, 1), date(2027, 10, 3)))
    assert CAL.is_workday(date(2027, 10, 4))
    # The fallback cannot know lunar holidays: Spring Festival 2027 reads as working days.
    assert CAL.is_workday(date(2027, 2, 8))


def test_missing_years_reports_years_that_use_the_fallback():
    assert CAL.missing_years(date(2026, 12, 29), date(2027, 1, 7)) == [2027]
    assert CAL.missing_years(date(2026, 1, 1), date(2026, 12, 31)) == []
    assert CAL.missing_years(date(2003, 6, 1), date(2004, 6, 1)) == [2003]
    assert CAL.missing_years(date(2027, 1, 7), date(2026, 12, 29)) == [2027]


def test_missing_years_skips_a_year_with_admin_overlay_rows():
    cal = WorkCalendar({date(2027, 2, 8): False})
    assert cal.missing_years(date(2026, 12, 1), date(2028, 1, 1)) == [2028]


def test_admin_override_turns_a_package_holiday_into_a_workday():
    cal = WorkCalendar({date(2026, 10, 5): True})
    assert cal.is_workday(date(2026, 10, 5))
    assert not CAL.is_workday(date(2026, 10, 5))


def test_admin_override_turns_a_package_workday_into_a_holiday():
    cal = WorkCalendar({date(2026, 10, 10): False, date(2026, 10, 12): False})
    assert not cal.is_workday(date(2026, 10, 10))  # the 调休 Saturday
    assert not cal.is_workday(date(2026, 10, 12))  # an ordinary Monday


def test_admin_override_applies_on_top_of_the_fallback():
    cal = WorkCalendar({date(2027, 2, 8): False, date(2027, 1, 1): True})
    assert not cal.is_workday(date(2027, 2, 8))
    assert cal.is_workday(date(2027, 1, 1))


def test_holiday_name_prefers_the_overlay_then_package_then_fallback():
    cal = WorkCalendar({date(2026, 10, 12): False}, names={date(2026, 10, 12): "台风停工"})
    assert cal.holiday_name(date(2026, 10, 12)) == "台风停工"
    assert cal.holiday_name(date(2026, 2, 17)) == "Spring Festival"
    assert cal.holiday_name(date(2027, 10, 2)) == "National Day"


def test_holiday_name_is_none_for_workdays_and_ordinary_weekends():
    assert CAL.holiday_name(date(2026, 10, 10)) is None  # 调休 workday
    assert CAL.holiday_name(date(2026, 3, 7)) is None  # plain Saturday
    assert CAL.holiday_name(date(2027, 1, 9)) is None


def test_next_workday_skips_national_day_and_lands_on_the_makeup_saturday():
    assert CAL.next_workday(date(2026, 9, 30)) == date(2026, 10, 8)
    assert CAL.next_workday(date(2026, 10, 9)) == date(2026, 10, 10)
    assert CAL.next_workday(date(2026, 12, 31)) == date(2027, 1, 4)


def test_nth_workday_after_rejects_negative_n_and_returns_the_day_for_zero():
    with pytest.raises(ValueError, match="n must be >= 0"):
        CAL.nth_workday_after(date(2026, 1, 1), -1)
    assert CAL.nth_workday_after(date(2026, 10, 3), 0) == date(2026, 10, 3)


OVERLAYS = st.dictionaries(
    st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31)), st.booleans(), max_size=8
)
DATES = st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 6, 30))


@given(overlay=OVERLAYS, start=DATES, span=st.integers(0, 500))
def test_count_workdays_agrees_with_is_workday_day_by_day(overlay, start, span):
    cal = WorkCalendar(overlay)
    end = start + timedelta(days=span)
    expected = sum(cal.is_workday(d) for d in days(start, end - timedelta(days=1)))
    assert cal.count_workdays(start, end) == (expected if span else 0)


@given(overlay=OVERLAYS, start=DATES, n=st.integers(0, 60))
def test_nth_workday_after_is_the_nth_workday_counted_day_by_day(overlay, start, n):
    cal = WorkCalendar(overlay)
    found, day = 0, start
    while found < n:
        day += timedelta(days=1)
        found += cal.is_workday(day)
    assert cal.nth_workday_after(start, n) == day


@given(overlay=OVERLAYS, day=DATES)
def test_overlay_always_wins(overlay, day):
    cal = WorkCalendar(overlay)
    for d, is_workday in overlay.items():
        assert cal.is_workday(d) is is_workday
    if day not in overlay:
        assert cal.is_workday(day) is CAL.is_workday(day)
