"""The injectable clock: every "now" in the domain comes from here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context


def utcnow() -> datetime:
    """Now in UTC, from the app's CLOCK setting when a test or CLI --now injected one."""
    if has_app_context():
        clock: Callable[[], datetime] | None = current_app.config.get("CLOCK")
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
