"""Public commitments (承诺), their breaches, their yearly fulfilment and their history.

Readers outside this package (the assessment, the public site) should go through
`hotline.campaign.commitments.fulfilment`: it says what counts as kept and broken in a year.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hotline.core.dbtypes import UTCDateTime
from hotline.core.extensions import db
from hotline.units.models import Unit


class CommitmentStatus(StrEnum):
    active = "active"  # 有效: the unit (or the named staff member) stands by it
    retired = "retired"  # 已撤销: no longer made (kept in the record, never deleted)


class Commitment(db.Model):
    """A public commitment made by a unit, or by one of its named service staff."""

    __tablename__ = "commitments"
    __table_args__ = (Index("ix_commitments_unit_status", "unit_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    # The service staff member who commits publicly (e.g. a window clerk); None: the unit.
    staff_name: Mapped[str | None] = mapped_column(String(60))
    text: Mapped[str] = mapped_column(Text)
    # How it will be kept (the measure behind the promise).
    measure: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=CommitmentStatus.active)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    retired_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    retire_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    unit: Mapped[Unit] = relationship(lazy="joined")


class CommitmentBreach(db.Model):
    """A ticket or a spot-check finding that shows a commitment broken; append-only.

    `finding_id` names a finding of the inspections part (hotline/campaign/inspections) by id,
    with no foreign key so this table stands without it; it is checked through the lookup
    registered in `hotline.campaign.commitments.findings` when the breach is recorded.
    """

    __tablename__ = "commitment_breaches"
    __table_args__ = (
        # One ticket (or finding) breaks a commitment once, however often it is linked.
        UniqueConstraint("commitment_id", "ticket_id"),
        UniqueConstraint("commitment_id", "finding_id"),
        # commitment_stats(): a unit's breaches in a year.
        Index("ix_commitment_breaches_unit_occurred", "unit_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    finding_id: Mapped[int | None]
    note: Mapped[str | None] = mapped_column(Text)
    # When the breach happened (the ticket came in, the finding was made): the year it counts
    # in. `recorded_at` is when someone linked it.
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class CommitmentYear(db.Model):
    """A commitment's verdict for one calendar year (local), written once the year is over:
    kept (no breach occurred in it) or broken. A breach linked later flips kept to broken."""

    __tablename__ = "commitment_years"

    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    kept: Mapped[bool]
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CommitmentEvent(db.Model):
    """One change to a commitment (made, breached, retired, a year's verdict); append-only."""

    __tablename__ = "commitment_events"
    __table_args__ = (Index("ix_commitment_events_commitment_at", "commitment_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    # created, breached, retired, kept, broken
    type: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str | None] = mapped_column(String(60))
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict | None] = mapped_column(JSON)
