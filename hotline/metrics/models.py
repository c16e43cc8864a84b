"""Per-unit, per-local-day counters rolled up from the event log."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from hotline.core.dbtypes import UTCDateTime
from hotline.core.extensions import db


class UnitDayFigures(db.Model):
    """Counters for one unit and one local day; rates are ratios of sums over a period."""

    __tablename__ = "unit_day_figures"

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    dispatched: Mapped[int] = mapped_column(default=0)
    accepted_in_time: Mapped[int] = mapped_column(default=0)
    due: Mapped[int] = mapped_column(default=0)
    replied_on_time: Mapped[int] = mapped_column(default=0)
    replied: Mapped[int] = mapped_column(default=0)
    callbacks: Mapped[int] = mapped_column(default=0)
    callbacks_resolved: Mapped[int] = mapped_column(default=0)
    rated: Mapped[int] = mapped_column(default=0)
    satisfied: Mapped[int] = mapped_column(default=0)
    # Ratings by level, so the satisfied threshold stays a setting, not baked into the data.
    rating_1: Mapped[int] = mapped_column(default=0)
    rating_2: Mapped[int] = mapped_column(default=0)
    rating_3: Mapped[int] = mapped_column(default=0)
    rating_4: Mapped[int] = mapped_column(default=0)
    rating_5: Mapped[int] = mapped_column(default=0)
    # Replies closed because the rating window passed (counted as satisfied only if configured).
    closed_unrated: Mapped[int] = mapped_column(default=0)
    returns: Mapped[int] = mapped_column(default=0)
    reopens: Mapped[int] = mapped_column(default=0)
    overdue: Mapped[int] = mapped_column(default=0)
    escalations: Mapped[int] = mapped_column(default=0)
    interviews: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RollupCursor(db.Model):
    """How far the incremental roll-up has read a stream (1: ticket events, 2: interviews)."""

    __tablename__ = "rollup_cursor"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_event_id: Mapped[int] = mapped_column(default=0)
    # Ids below the cursor not yet seen (a transaction still open when the cursor passed):
    # {"id": first_seen_iso}; re-read until they appear or expire.
    gaps: Mapped[dict | None] = mapped_column(JSON)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
