"""The public site's read side: which month is the last full one, which URL names a unit."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from hotline.core.extensions import db
from hotline.public import queries
from tests.factories import UnitFactory


@pytest.mark.parametrize(
    ("now", "month"),
    [
        ("2026-12-02T10:00:00+08:00", (date(2026, 11, 1), date(2026, 11, 30))),
        ("2026-01-15T10:00:00+08:00", (date(2025, 12, 1), date(2025, 12, 31))),
        ("2026-03-01T00:10:00+08:00", (date(2026, 2, 1), date(2026, 2, 28))),
        # 23:30 UTC on 31 March is already 1 April in Shanghai: March has ended.
        ("2026-03-31T23:30:00+00:00", (date(2026, 3, 1), date(2026, 3, 31))),
    ],
)
def test_last_full_month_is_local(app, now, month):
    with app.app_context():
        assert queries.last_full_month(datetime.fromisoformat(now).astimezone(UTC)) == month


def test_find_unit_names_only_active_units_and_never_fails(session):
    UnitFactory(code="Q-ON", name="在用单位")
    UnitFactory(code="Q-OFF", name="撤销单位", active=False)
    db.session.flush()
    assert queries.find_unit("Q-ON").name == "在用单位"
    for code in ("Q-OFF", "", "q-on", "Q-ON\x00", "Q\nON", "x" * 41, "' OR 1=1 --", "单位"):
        assert queries.find_unit(code) is None, code


def test_trend_is_twelve_months_oldest_first(session, clock):
    clock.set("2026-06-10T10:00:00+08:00")
    unit = UnitFactory()
    months = queries.trend(unit)
    assert [m.month for m in months][:2] == ["2025-06", "2025-07"]
    assert months[-1].month == "2026-05"
    assert len(months) == 12
    assert all(m.figures.rates["response"] is None for m in months)
