"""Escalations, interview (约谈) cases and the unit credit record (信用档案)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Column,
    Date,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hotline.core.dbtypes import UTCDateTime
from hotline.core.extensions import db
from hotline.units.models import Unit


class InterviewStatus(StrEnum):
    proposed = "proposed"
    scheduled = "scheduled"
    held = "held"
    rectified = "rectified"
    rectification_overdue = "rectification_overdue"


# A case is open (new triggers join it) until its interview takes place: one per unit.
OPEN_STATUSES = (InterviewStatus.proposed, InterviewStatus.scheduled)


interview_tickets = Table(
    "interview_tickets",
    db.metadata,
    Column(
        "interview_id",
        ForeignKey("interview_cases.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("ticket_id", ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True),
)


class InterviewCase(db.Model):
    """A mandatory interview of a unit head (约谈) and the rectification it leads to."""

    __tablename__ = "interview_cases"
    __table_args__ = (
        Index("ix_interview_cases_unit_status", "unit_id", "status"),
        Index("ix_interview_cases_commitment_due", "commitment_due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    status: Mapped[str] = mapped_column(String(25), default=InterviewStatus.proposed)
    # ticket_overdue, supervision_count, ranking_last, on_time_rate, commitment_overdue,
    # assessment (hotline/campaign/assessment/finalise.py)
    # finding_overdue (an inspection finding, hotline/campaign/inspections)
    trigger: Mapped[str] = mapped_column(String(30))
    # Stable key of the rule firing (e.g. "on_time_rate:2026-10") so a rule opens one case.
    trigger_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    reason: Mapped[str | None] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    scheduled_for: Mapped[datetime | None] = mapped_column(UTCDateTime())
    place: Mapped[str | None] = mapped_column(String(200))
    inspector_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    minutes: Mapped[str | None] = mapped_column(Text)
    commitment: Mapped[str | None] = mapped_column(Text)
    commitment_due: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when the unit head wrote the commitment (POST …/commit); a commitment without it was
    # only noted by the inspector at the hearing and still awaits the head's own.
    committed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    committed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    evidence: Mapped[str | None] = mapped_column(Text)
    rectified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The last time an inspector sent the evidence back, and why (the history is in the record).
    rejected_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # An inspector approved showing the head's commitment on the public site (公开承诺整改措施
    # 和期限); None: not shown. Only a commitment the head wrote can be published.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("interview_cases.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    unit: Mapped[Unit] = relationship(lazy="joined")


class InterviewReason(db.Model):
    """One trigger that brought a unit to an interview case: the one that opened it and every
    one that joined it later; append-only."""

    __tablename__ = "interview_reasons"
    __table_args__ = (Index("ix_interview_reasons_interview_id", "interview_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interview_cases.id", ondelete="CASCADE"))
    trigger: Mapped[str] = mapped_column(String(30))
    # A unit rule's stable key (e.g. "on_time_rate:12:2026-10"): each fires into one case only.
    trigger_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    reason: Mapped[str] = mapped_column(Text)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())


class EscalationAnswer(db.Model):
    """The unit head's written answer to a 督办 (supervision escalation), and when it is due.

    The sweep adds the row when the level is reached; the head's answer fills it in, or the
    answers job records it missing once the due passes (the partial index holds only the
    answers still awaited, so that job never reads the answered history).
    """

    __tablename__ = "escalation_answers"
    __table_args__ = (
        Index(
            "ix_escalation_answers_awaited_due",
            "due_at",
            postgresql_where=sql_text("answered_at IS NULL AND missed_at IS NULL"),
            sqlite_where=sql_text("answered_at IS NULL AND missed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    escalation_id: Mapped[int] = mapped_column(
        ForeignKey("escalations.id", ondelete="CASCADE"), unique=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    text: Mapped[str | None] = mapped_column(Text)
    plan_due: Mapped[date | None] = mapped_column(Date)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    missed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def state(self) -> str:
        """awaited, answered (on time), late (answered after the due) or missed (no answer)."""
        if self.answered_at is None:
            return "missed" if self.missed_at is not None else "awaited"
        return "late" if self.answered_at > self.due_at else "answered"


class CreditRecord(db.Model):
    """One entry of a unit's standing history (信用档案); append-only."""

    __tablename__ = "credit_records"
    __table_args__ = (Index("ix_credit_records_unit_at", "unit_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    # escalation, interview_opened, interview_scheduled, interview_held, rectified, …
    type: Mapped[str] = mapped_column(String(30))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    interview_id: Mapped[int | None] = mapped_column(ForeignKey("interview_cases.id"))
    escalation_id: Mapped[int | None] = mapped_column(ForeignKey("escalations.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    summary: Mapped[str] = mapped_column(Text)
    data: Mapped[dict | None] = mapped_column(JSON)


class PendingLadderNotice(db.Model):
    """A ladder level whose notices are still to be sent: written by the sweep's batch beside
    the escalation, taken and deleted by the notice step once the ladder is done, so one sweep
    can send a unit one digest per level (hotline/escalations/notices.py).

    Transient rows carrying what the notices say, so the notice step reads no ticket; only the
    escalation is a foreign key (the others cost a lookup per row on the sweep's hot path).
    """

    __tablename__ = "ladder_notices_pending"

    escalation_id: Mapped[int] = mapped_column(
        ForeignKey("escalations.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[int]
    level: Mapped[str] = mapped_column(String(15))
    ticket_id: Mapped[int]
    number: Mapped[str] = mapped_column(String(20))
    due: Mapped[datetime | None] = mapped_column(UTCDateTime())
    overdue_days: Mapped[int] = mapped_column(default=0)
