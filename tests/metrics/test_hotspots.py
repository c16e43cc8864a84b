"""Hot spots on constructed data: which cells spike, in what order, in which local week."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hotline.core.errors import ValidationFailed
from hotline.metrics import hotspots
from tests.factories import CategoryFactory, new_ticket

TZ = ZoneInfo("Asia/Shanghai")
THIS_MONDAY = date(2026, 11, 30)  # 2026-W49


def file(n: int, *, monday: date, district: str, category, address: str | None = None) -> None:
    """n tickets filed on the Wednesday of the week starting `monday` (local time)."""
    at = datetime.combine(monday + timedelta(days=2), datetime.min.time(), TZ).replace(hour=10)
    for _ in range(n):
        new_ticket(category=category, now=at, district=district, address=address)


def weeks_before(k: int) -> date:
    return THIS_MONDAY - timedelta(weeks=k)


@pytest.fixture
def world(session, clock):
    clock.set("2026-12-02T10:00:00+08:00")
    names = (("SITE", "工地噪音"), ("ROAD", "道路破损"))
    cats = {k: CategoryFactory(code=k, name=n) for k, n in names}
    for k in range(1, 9):  # the 8 weeks before: a steady 2 a week of site noise in 东城区
        file(2, monday=weeks_before(k), district="东城区", category=cats["SITE"])
        file(3, monday=weeks_before(k), district="西城区", category=cats["SITE"])
    file(6, monday=THIS_MONDAY, district="东城区", category=cats["SITE"], address="幸福路12号工地")
    file(4, monday=THIS_MONDAY, district="西城区", category=cats["SITE"])  # 4 against 3: normal
    file(4, monday=THIS_MONDAY, district="南城区", category=cats["ROAD"])  # new, but only 4
    file(5, monday=THIS_MONDAY, district="北城区", category=cats["ROAD"])  # new and 5: a spike
    return cats


def series(result, district: str, code: str) -> hotspots.Series:
    return next(s for s in result.series if s.district == district and s.category_code == code)


def test_default_view_is_eight_full_weeks_and_the_current_one(world) -> None:
    first, last = hotspots.default_weeks()
    assert (first, last) == (date(2026, 10, 5), THIS_MONDAY)
    result = hotspots.compute(first=first, last=last)
    assert [hotspots.week_label(m) for m in result.weeks][::8] == ["2026-W41", "2026-W49"]


def test_a_cell_spikes_against_its_own_eight_week_average(world) -> None:
    result = hotspots.compute(first=THIS_MONDAY, last=THIS_MONDAY)
    east = series(result, "东城区", "SITE")
    assert (east.counts, east.averages, east.spikes) == ([6], [2.0], [True])  # 6 ≥ max(5, 2×2)
    west = series(result, "西城区", "SITE")
    assert (west.counts, west.averages, west.spikes) == ([4], [3.0], [False])  # 4 < 2×3
    assert series(result, "南城区", "ROAD").spikes == [False]  # 4 from nothing: under 5
    assert series(result, "北城区", "ROAD").spikes == [True]


def test_spikes_come_first_the_most_anomalous_on_top(world) -> None:
    result = hotspots.compute(first=THIS_MONDAY, last=THIS_MONDAY)
    order = [(s.district, s.category_code) for s in result.series]
    # 5 against 0 (z = 5) is more anomalous than 6 against 2 (z ≈ 2.3); then the calm ones.
    assert order[:2] == [("北城区", "ROAD"), ("东城区", "SITE")]
    assert set(order[2:]) == {("西城区", "SITE"), ("南城区", "ROAD")}


def test_the_thresholds_are_configurable(world, app, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "HOTSPOT_SPIKE_FACTOR", 4.0)  # 6 < 4 × 2
    monkeypatch.setitem(app.config, "HOTSPOT_MIN_COUNT", 6)  # 5 < 6
    result = hotspots.compute(first=THIS_MONDAY, last=THIS_MONDAY)
    assert not any(s.spiking for s in result.series)


def test_filters_keep_one_district_or_one_category(world) -> None:
    only_east = hotspots.compute(first=THIS_MONDAY, last=THIS_MONDAY, district="东城区")
    assert [(s.district, s.category_code) for s in only_east.series] == [("东城区", "SITE")]
    roads = hotspots.compute(first=THIS_MONDAY, last=THIS_MONDAY, category_id=world["ROAD"].id)
    assert {s.district for s in roads.series} == {"北城区", "南城区"}


def test_weeks_are_local_monday_to_sunday_not_utc(session, clock) -> None:
    clock.set("2026-12-02T10:00:00+08:00")
    cat = CategoryFactory(code="NOISE")
    # Sunday 23:59 and Monday 00:00 in Beijing are both Sunday in UTC (15:59 and 16:00).
    new_ticket(category=cat, district="东城区", now=datetime(2026, 11, 29, 23, 59, tzinfo=TZ))
    new_ticket(category=cat, district="东城区", now=datetime(2026, 11, 30, 0, 0, tzinfo=TZ))
    new_ticket(category=cat, district="东城区", now=datetime(2026, 12, 6, 23, 59, 59, tzinfo=TZ))
    result = hotspots.compute(first=date(2026, 11, 23), last=THIS_MONDAY)
    assert series(result, "东城区", "NOISE").counts == [1, 2]  # W48: Sunday; W49: Mon + Sun


def test_top_places_group_house_numbers_by_street(session, clock) -> None:
    clock.set("2026-12-02T10:00:00+08:00")
    cat = CategoryFactory(code="SITE")
    for address in ["幸福路12号工地", "幸福路12号工地", "幸福路14号", "和平街3号", None]:
        file(1, monday=THIS_MONDAY, district="东城区", category=cat, address=address)
    places = hotspots.top_places(district="东城区", category_id=cat.id, monday=THIS_MONDAY)
    assert places["streets"][0] == ("幸福路", 3)
    assert places["addresses"][0] == ("幸福路12号工地", 2)
    listed = hotspots.cell_tickets(district="东城区", category_id=cat.id, monday=THIS_MONDAY)
    assert len(listed) == 5


@pytest.mark.parametrize("value", ["junk", "2026-W60", "2026-13-01", "W49", "x" * 10_000])
def test_a_bad_week_names_its_field(value) -> None:
    with pytest.raises(ValidationFailed) as caught:
        hotspots.parse_week(value, "from")
    assert "from" in caught.value.fields


def test_more_than_a_year_at_once_is_refused(session) -> None:
    with pytest.raises(ValidationFailed) as caught:
        hotspots.compute(first=date(2024, 1, 1), last=THIS_MONDAY)
    assert caught.value.fields == {"from": ["range too long"]}
    with pytest.raises(ValidationFailed):
        hotspots.compute(first=THIS_MONDAY, last=date(2026, 11, 2))
