"""The injectable clock: every "now" in the domain comes from here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context


def utcnow() -> datetime:
    """Now in UTC, from the app's CLOCK setting when a test or CLI --now injected one."""
    if has_app_context():
        clock: Callable[[], datetime] | None = current_app.config["CLOCK"]
        if clock is not None:
            return clock().astimezone(UTC)
    return datetime.now(UTC)


def local_tz() -> ZoneInfo:
    """The hotline's calendar time zone (HOTLINE_TIMEZONE)."""
    name = current_app.config["HOTLINE_TIMEZONE"] if has_app_context() else "Asia/Shanghai"
    return ZoneInfo(name)


def to_local(dt: datetime) -> datetime:
    """A stored UTC instant in the hotline's local time."""
    return dt.astimezone(local_tz())


# How much of a local time each kind of text shows; every page, SMS, notice and CSV uses these.
PRECISIONS = {
    "month": "%Y-%m",
    "day": "%Y-%m-%d",
    "minute": "%Y-%m-%d %H:%M",
    "second": "%Y-%m-%d %H:%M:%S",
    "short": "%m-%d %H:%M",  # a ticket list's recent rows: the year goes without saying
}


def format_local(dt: datetime | None, precision: str = "minute", *, empty: str = "-") -> str:
    """A stored UTC instant as local wall time ("2026-10-14 00:00"), or `empty` for none."""
    return to_local(dt).strftime(PRECISIONS[precision]) if dt else empty


def iso_local(dt: datetime | None, tz: ZoneInfo | None = None) -> str | None:
    """ISO 8601 in local time with its offset, to the second: 2026-10-14T00:00:00+08:00."""
    return dt.astimezone(tz or local_tz()).isoformat(timespec="seconds") if dt else None
