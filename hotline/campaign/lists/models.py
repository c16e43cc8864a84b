"""Negative-list items (负面清单), their milestones and their history.

Readers outside this package (the assessment, the public site) should go through
`hotline.campaign.lists.progress` rather than these tables: it says what counts as overdue, on
time and public.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hotline.core.dbtypes import UTCDateTime
from hotline.core.extensions import db
from hotline.units.models import Unit


class ItemStatus(StrEnum):
    """Where an item stands with the oversight office; only `approved` items are public."""

    pending = "pending"  # 待审核: new, or changed by the head since it was last approved
    approved = "approved"  # 已通过
    returned = "returned"  # 退回修改: an inspector sent it back with a reason


# The open milestones (not done yet): the overdue list reads only these, by due instant.
OPEN = "done_at IS NULL"


class NegativeListItem(db.Model):
    """One matter on a unit's negative list and its implementation plan."""

    __tablename__ = "negative_list_items"
    __table_args__ = (Index("ix_negative_list_items_unit_status", "unit_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    # The implementation plan's measures (整改措施), free text.
    measures: Mapped[str | None] = mapped_column(Text)
    # The person answerable for the plan, by name and post (a public official, shown publicly).
    responsible_person: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(10), default=ItemStatus.pending)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The last approval (kept when a later edit sends the item back to pending).
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The last time an inspector sent it back, and why (every one is in the history).
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    return_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    unit: Mapped[Unit] = relationship(lazy="joined")
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="item",
        order_by="Milestone.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )


class Milestone(db.Model):
    """One step of an item's plan with its due date; done when the head marks it so."""

    __tablename__ = "negative_list_milestones"
    __table_args__ = (
        Index("ix_negative_list_milestones_item_id", "item_id"),
        # overdue_milestones(): open milestones by due instant, everywhere or in one unit.
        Index(
            "ix_negative_list_milestones_open_due",
            "due_at",
            postgresql_where=sql_text(OPEN),
            sqlite_where=sql_text(OPEN),
        ),
        Index(
            "ix_negative_list_milestones_unit_open_due",
            "unit_id",
            "due_at",
            postgresql_where=sql_text(OPEN),
            sqlite_where=sql_text(OPEN),
        ),
        # milestone_stats(): a unit's milestones due in a year, done or not.
        Index("ix_negative_list_milestones_unit_due", "unit_id", "due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("negative_list_items.id", ondelete="CASCADE"))
    # The item's unit, copied so the overdue and yearly reads need no join to filter by unit.
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    position: Mapped[int] = mapped_column(default=0)
    step: Mapped[str] = mapped_column(String(500))
    # The local date the step is due by; `due_at` is the instant that day ends (24:00 local),
    # stored so the overdue read is one indexed comparison with "now".
    due: Mapped[date] = mapped_column(Date)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    done_note: Mapped[str | None] = mapped_column(Text)

    item: Mapped[NegativeListItem] = relationship(back_populates="milestones")

    @property
    def on_time(self) -> bool | None:
        """Done by the end of its due day (None while not done)."""
        return None if self.done_at is None else self.done_at < self.due_at


class NegativeListEvent(db.Model):
    """One change to an item (created, edited, approved, sent back, a milestone done);
    append-only, like a ticket's timeline."""

    __tablename__ = "negative_list_events"
    __table_args__ = (
        Index("ix_negative_list_events_item_at", "item_id", "at"),
        Index("ix_negative_list_events_unit_at", "unit_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("negative_list_items.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    # created, edited, approved, returned, milestone_done
    type: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str | None] = mapped_column(String(60))
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict | None] = mapped_column(JSON)
