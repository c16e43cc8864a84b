"""Deadline arithmetic: 次日起算, 24:00 of the N-th working day, holidays and 调休, overdue days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotline.sla.calendar import WorkCalendar
from hotline.sla.deadlines import (
    add_hours,
    add_working_days,
    extend_working_days,
    format_due,
    fraction_elapsed,
    working_days_between,
    working_days_overdue,
)

TZ = ZoneInfo("Asia/Shanghai")
CAL = WorkCalendar()


def at(*args: int) -> datetime:
    """A Shanghai local time."""
    return datetime(*args, tzinfo=TZ)


def due(start: datetime, n: int, cal: WorkCalendar = CAL) -> str:
    return format_due(add_working_days(start, n, cal, TZ), TZ)


def test_design_example_5_working_days_from_30_september_2026_is_14_october_midnight():
    result = add_working_days(at(2026, 9, 30, 10), 5, CAL, TZ)
    assert result == at(2026, 10, 14)
    assert result.tzinfo is UTC
    assert format_due(result, TZ) == "2026-10-14T00:00:00+08:00"


def test_the_start_time_of_day_does_not_matter_counting_starts_the_next_day():
    assert (
        due(at(2026, 9, 30, 0, 0), 5)
        == due(at(2026, 9, 30, 23, 59, 59), 5)
        == "2026-10-14T00:00:00+08:00"
    )


def test_a_utc_start_is_counted_from_its_local_date():
    # 2026-09-29 17:00 UTC is already 30 September in Shanghai.
    start = datetime(2026, 9, 29, 17, tzinfo=UTC)
    assert due(start, 5) == "2026-10-14T00:00:00+08:00"


def test_spring_festival_2026_deadline_counts_the_makeup_saturday_and_skips_the_break():
    # 13 Feb (Fri), 14 Feb (调休 Sat), then 24, 25, 26 Feb after the break.
    assert due(at(2026, 2, 12, 15), 5) == "2026-02-27T00:00:00+08:00"


def test_spring_festival_2026_makeup_saturday_28_february_ends_a_deadline_on_sunday():
    # 26 (Thu), 27 (Fri), 28 (调休 Sat): due at 24:00 Saturday.
    assert due(at(2026, 2, 25, 9), 3) == "2026-03-01T00:00:00+08:00"


def test_labour_day_2026_deadline_skips_1_to_5_may():
    # 30 Apr (Thu), then 6 and 7 May.
    assert due(at(2026, 4, 29, 10), 3) == "2026-05-08T00:00:00+08:00"


def test_labour_day_2026_makeup_saturday_9_may_is_a_working_day():
    assert due(at(2026, 5, 7, 10), 2) == "2026-05-10T00:00:00+08:00"


def test_national_day_2026_makeup_sunday_20_september_is_a_working_day():
    # 19 Sep (Sat) off, 20 Sep (调休 Sun), 21 Sep (Mon).
    assert due(at(2026, 9, 18, 16), 2) == "2026-09-22T00:00:00+08:00"


def test_mid_autumn_2026_friday_is_skipped():
    assert due(at(2026, 9, 24, 11), 1) == "2026-09-29T00:00:00+08:00"


def test_deadline_spanning_into_2027_uses_the_fallback_calendar():
    # 30, 31 Dec; 1 Jan 2027 is a fixed holiday; 4, 5, 6 Jan.
    start = at(2026, 12, 29, 9)
    result = add_working_days(start, 5, CAL, TZ)
    assert format_due(result, TZ) == "2027-01-07T00:00:00+08:00"
    assert CAL.missing_years(start.date(), result.astimezone(TZ).date()) == [2027]


def test_admin_holiday_override_pushes_the_deadline_later():
    cal = WorkCalendar({date(2026, 10, 10): False})  # cancel the 调休 Saturday
    assert due(at(2026, 9, 30, 10), 5, cal) == "2026-10-15T00:00:00+08:00"


def test_admin_workday_override_pulls_the_deadline_earlier():
    cal = WorkCalendar({date(2026, 10, 7): True})
    assert due(at(2026, 9, 30, 10), 5, cal) == "2026-10-13T00:00:00+08:00"


def test_zero_working_days_is_the_end_of_the_start_day():
    assert due(at(2026, 10, 3, 10), 0) == "2026-10-04T00:00:00+08:00"


def test_negative_working_days_and_naive_datetimes_are_rejected():
    with pytest.raises(ValueError, match="must be >= 0"):
        add_working_days(at(2026, 10, 3), -1, CAL, TZ)
    with pytest.raises(ValueError, match="timezone-aware"):
        add_working_days(datetime(2026, 10, 3), 1, CAL, TZ)
    with pytest.raises(ValueError, match="hours must be >= 0"):
        add_hours(at(2026, 10, 3), -1)


def test_add_hours_counts_calendar_hours_through_holidays():
    result = add_hours(at(2026, 9, 30, 23), 24)
    assert result == at(2026, 10, 1, 23)
    assert result.tzinfo is UTC


def test_extending_the_design_example_by_2_working_days_gives_16_october_midnight():
    # The old due covers up to 13 Oct; two more working days are 14 and 15 Oct.
    assert extend_working_days(at(2026, 10, 14), 2, CAL, TZ) == at(2026, 10, 16)
    assert extend_working_days(at(2026, 10, 14), 2, CAL, TZ) == add_working_days(
        at(2026, 9, 30, 10), 7, CAL, TZ
    )


def test_extending_by_zero_keeps_the_deadline():
    assert extend_working_days(at(2026, 10, 14, 15), 0, CAL, TZ) == at(2026, 10, 14, 15)


def test_extending_a_mid_day_deadline_counts_from_the_next_day():
    # 10 Oct is the 调休 Saturday.
    assert extend_working_days(at(2026, 10, 9, 15), 1, CAL, TZ) == at(2026, 10, 11)


def test_design_example_is_2_working_days_overdue_on_16_october():
    assert working_days_overdue(at(2026, 10, 14), at(2026, 10, 16), CAL, TZ) == 2


def test_a_working_day_counts_as_overdue_only_once_it_has_fully_passed():
    assert working_days_overdue(at(2026, 10, 14), at(2026, 10, 13, 12), CAL, TZ) == 0
    assert working_days_overdue(at(2026, 10, 14), at(2026, 10, 14, 23, 59), CAL, TZ) == 0
    assert working_days_overdue(at(2026, 10, 14), at(2026, 10, 15), CAL, TZ) == 1


def test_weekends_do_not_count_as_overdue_days():
    # 17 and 18 Oct are a weekend; only Monday 19 counts.
    assert working_days_overdue(at(2026, 10, 17), at(2026, 10, 20), CAL, TZ) == 1


def test_a_mid_day_deadline_starts_counting_overdue_days_the_next_day():
    assert working_days_overdue(at(2026, 10, 14, 15), at(2026, 10, 16), CAL, TZ) == 1


def test_working_days_between_is_the_open_range():
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 14), CAL) == 5
    assert working_days_between(date(2026, 10, 14), date(2026, 10, 14), CAL) == 0


def test_fraction_elapsed_is_plain_calendar_time_clamped_to_0_and_1():
    start, end = at(2026, 10, 1), at(2026, 10, 11)
    assert fraction_elapsed(start, end, at(2026, 10, 9)) == pytest.approx(0.8)
    assert fraction_elapsed(start, end, at(2026, 9, 1)) == 0.0
    assert fraction_elapsed(start, end, at(2026, 11, 1)) == 1.0
    assert fraction_elapsed(end, end, end) == 1.0


def test_format_due_shows_local_time_with_its_offset():
    assert format_due(datetime(2026, 10, 13, 16, tzinfo=UTC), TZ) == "2026-10-14T00:00:00+08:00"


STARTS = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2028, 6, 30), timezones=st.just(TZ)
) | st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2028, 6, 30), timezones=st.just(UTC)
)
OVERLAYS = st.dictionaries(
    st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31)), st.booleans(), max_size=8
)
N = st.integers(0, 40)


@given(start=STARTS, n=N, overlay=OVERLAYS)
def test_property_deadline_shape(start, n, overlay):
    """Never before start + N days, at 00:00 local, after a working day, N workdays inside."""
    cal = WorkCalendar(overlay)
    result = add_working_days(start, n, cal, TZ)
    local = result.astimezone(TZ)
    start_date = start.astimezone(TZ).date()
    assert result > start + timedelta(days=n)
    assert local.time() == time(0)
    if n:
        assert cal.is_workday(local.date() - timedelta(days=1))
    assert working_days_between(start_date, local.date(), cal) == n


@given(start=STARTS, a=N, b=N, overlay=OVERLAYS)
def test_property_extending_adds_up(start, a, b, overlay):
    cal = WorkCalendar(overlay)
    first = add_working_days(start, a, cal, TZ)
    assert extend_working_days(first, b, cal, TZ) == add_working_days(start, a + b, cal, TZ)


@given(due_at=STARTS, now=STARTS, later=st.timedeltas(timedelta(0), timedelta(days=60)))
def test_property_working_days_overdue_is_monotone_in_now(due_at, now, later):
    a = working_days_overdue(due_at, now, CAL, TZ)
    assert 0 <= a <= working_days_overdue(due_at, now + later, CAL, TZ)


@given(due_at=STARTS, k=st.integers(1, 30))
def test_property_extend_marks_the_instant_overdue_days_reach_k(due_at, k):
    instant = extend_working_days(due_at, k, CAL, TZ)
    assert working_days_overdue(due_at, instant, CAL, TZ) == k
    assert working_days_overdue(due_at, instant - timedelta(microseconds=1), CAL, TZ) == k - 1
