"""Inspections, their findings, the unit head's answers, evidence files and the history.

What the annual assessment and the public site read (docs/CAMPAIGN.md):
- `Inspection`: one visit or special inspection of one unit, on one local day (`visited_on`);
- `Finding`: one problem found, with its rectification due (`rectify_due`, a local date; the
  deadline is its end, `due_at`), tracked open → answered → rectified; `overdue_at` is set once
  when it was found open past its due, `interview_id` when it climbed to the unit's interview;
  `rectified_on_time` says whether the answer finally accepted came by the due;
- `FindingAnswer`: each answer of the head and the inspector's decision on it (the history);
- `InspectionFile`: evidence files of a visit or of an answer;
- `InspectionEvent`: the campaign history, one row per step, beside the credit record entry.
Finding texts describe the unit's conduct and may name its staff: never show them on the
public site (counts and states only).
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


class Kind(StrEnum):
    mystery_visit = "mystery_visit"  # 明察暗访
    special = "special"  # 专项检查


class Severity(StrEnum):
    minor = "minor"  # 一般
    major = "major"  # 较重
    severe = "severe"  # 严重


class FindingStatus(StrEnum):
    open = "open"  # to rectify (again, after an answer was sent back)
    answered = "answered"  # the head answered; the inspector reviews it
    rectified = "rectified"  # the inspector accepted the answer


class InspectionStatus(StrEnum):
    open = "open"  # some finding is not rectified yet
    closed = "closed"  # every finding rectified, or none found


# Partial-index predicates of the overdue climb (jobs.py): open findings not yet marked
# overdue, and open findings not yet brought to an interview.
AWAITING_OVERDUE = "status = 'open' AND overdue_at IS NULL"
AWAITING_INTERVIEW = "status = 'open' AND interview_id IS NULL"


class Inspection(db.Model):
    """A spot check (明察暗访) or special inspection (专项检查) of one unit."""

    __tablename__ = "inspections"
    __table_args__ = (
        Index("ix_inspections_unit_visited_on", "unit_id", "visited_on"),
        Index("ix_inspections_status_visited_on", "status", "visited_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    visited_on: Mapped[date] = mapped_column(Date)  # the local day of the visit ("date")
    note: Mapped[str | None] = mapped_column(Text)  # what was checked, how
    status: Mapped[str] = mapped_column(String(10), default=InspectionStatus.open)
    inspector_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    unit: Mapped[Unit] = relationship(lazy="joined")
    findings: Mapped[list[Finding]] = relationship(
        back_populates="inspection", order_by="Finding.seq", lazy="selectin"
    )


class Finding(db.Model):
    """One problem an inspection found, tracked to rectification like an interview commitment."""

    __tablename__ = "inspection_findings"
    __table_args__ = (
        Index("ix_inspection_findings_inspection_id", "inspection_id"),
        # finding_stats(unit, year) and a unit's list read by unit and due date.
        Index("ix_inspection_findings_unit_due", "unit_id", "rectify_due"),
        Index(
            "ix_inspection_findings_awaiting_overdue",
            "due_at",
            postgresql_where=sql_text(AWAITING_OVERDUE),
            sqlite_where=sql_text(AWAITING_OVERDUE),
        ),
        Index(
            "ix_inspection_findings_awaiting_interview",
            "due_at",
            postgresql_where=sql_text(AWAITING_INTERVIEW),
            sqlite_where=sql_text(AWAITING_INTERVIEW),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"))
    # The inspection's unit, kept here so a unit's findings are read without a join.
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    seq: Mapped[int]  # 1, 2, … within the inspection
    text: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(10))
    rectify_due: Mapped[date] = mapped_column(Date)
    # The end of rectify_due, local time (24:00), in UTC: what "overdue" is measured against.
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(10), default=FindingStatus.open)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the latest answer
    rectified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Whether the answer the inspector accepted was submitted by due_at (None until accepted).
    rectified_on_time: Mapped[bool | None]
    # Set once, when the finding was found open past its due (notice to the head).
    overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The interview case it climbed to, FINDING_INTERVIEW_WD working days overdue.
    interview_id: Mapped[int | None] = mapped_column(ForeignKey("interview_cases.id"))
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_overdue(self) -> bool:
        """Found open past its due and not rectified since."""
        return self.overdue_at is not None and self.status != FindingStatus.rectified

    inspection: Mapped[Inspection] = relationship(back_populates="findings")
    unit: Mapped[Unit] = relationship(lazy="joined")
    answers: Mapped[list[FindingAnswer]] = relationship(
        order_by="FindingAnswer.id", lazy="selectin"
    )


class FindingAnswer(db.Model):
    """The unit head's answer to a finding (what was done, with evidence) and its review."""

    __tablename__ = "finding_answers"
    __table_args__ = (Index("ix_finding_answers_finding_id", "finding_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(
        ForeignKey("inspection_findings.id", ondelete="CASCADE")
    )
    text: Mapped[str] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    on_time: Mapped[bool]  # submitted by the finding's due_at
    decision: Mapped[str | None] = mapped_column(String(10))  # accepted | rejected
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)  # why it was sent back

    files: Mapped[list[InspectionFile]] = relationship(
        order_by="InspectionFile.id", lazy="selectin"
    )


class InspectionFile(db.Model):
    """An evidence file: of the visit (answer_id None) or of a head's answer."""

    __tablename__ = "inspection_files"
    __table_args__ = (Index("ix_inspection_files_inspection_id", "inspection_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"))
    answer_id: Mapped[int | None] = mapped_column(
        ForeignKey("finding_answers.id", ondelete="CASCADE")
    )
    # The stored name: random, with an allowed suffix (hotline/core/uploads.py); never the
    # name as sent, which is kept only to show (`label`).
    name: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class InspectionEvent(db.Model):
    """One step of an inspection or finding (the campaign history); append-only."""

    __tablename__ = "inspection_events"
    __table_args__ = (
        Index("ix_inspection_events_inspection_id", "inspection_id", "id"),
        Index("ix_inspection_events_unit_at", "unit_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"))
    finding_id: Mapped[int | None] = mapped_column(
        ForeignKey("inspection_findings.id", ondelete="CASCADE")
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    # recorded, files_added, answered, accepted, rejected, overdue, interview
    type: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    data: Mapped[dict | None] = mapped_column(JSON)
