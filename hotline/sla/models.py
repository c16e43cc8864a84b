"""SLA policies and the admin calendar overlay."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from hotline.core.dbtypes import UTCDateTime
from hotline.core.extensions import db


class SlaPolicy(db.Model):
    """Time limits for tickets that match; the most specific active policy wins."""

    __tablename__ = "sla_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    priority: Mapped[str | None] = mapped_column(String(10))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    kind: Mapped[str | None] = mapped_column(String(20))
    accept_hours: Mapped[int] = mapped_column(default=24)
    resolve_value: Mapped[int] = mapped_column(default=5)
    # working_days or hours
    resolve_unit: Mapped[str] = mapped_column(String(15), default="working_days")
    return_window_wd: Mapped[int] = mapped_column(default=2)
    callback_wd: Mapped[int] = mapped_column(default=1)
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CalendarDay(db.Model):
    """An admin's word on one date, which always wins over the State Council data."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool]
    name: Mapped[str | None] = mapped_column(String(60))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
