"""The one local-time formatter every page, SMS, notice, CSV and API field uses."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hotline.core.clock import format_local, iso_local

AT = datetime(2026, 10, 13, 16, 0, 5, tzinfo=UTC)  # 2026-10-14 00:00:05 in Shanghai


@pytest.mark.parametrize(
    ("precision", "text"),
    [
        ("month", "2026-10"),
        ("day", "2026-10-14"),
        ("minute", "2026-10-14 00:00"),
        ("second", "2026-10-14 00:00:05"),
        ("short", "10-14 00:00"),
    ],
)
def test_an_instant_is_written_in_local_time_at_each_precision(precision, text) -> None:
    assert format_local(AT, precision) == text


def test_minute_precision_is_the_default_and_none_is_a_placeholder() -> None:
    assert format_local(AT) == "2026-10-14 00:00"
    assert format_local(None) == "-"
    assert format_local(None, empty="—") == "—"


def test_iso_local_carries_the_hotline_offset_to_the_second() -> None:
    assert iso_local(AT) == "2026-10-14T00:00:05+08:00"
    assert iso_local(None) is None


def test_the_configured_time_zone_is_used(app, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "HOTLINE_TIMEZONE", "Europe/Berlin")
    with app.app_context():
        assert format_local(AT) == "2026-10-13 18:00"
        assert iso_local(AT) == "2026-10-13T18:00:05+02:00"


def test_staff_pages_and_sms_texts_show_the_same_local_time(app) -> None:
    from hotline.staff.pages.ui import local

    with app.app_context():
        assert local(AT) == format_local(AT) == "2026-10-14 00:00"
        assert local(None) == "—"
        assert local(AT, "second") == "2026-10-14 00:00:05"
