"""The assessment's stored data: the weights admins set per year, and each finalised version."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hotline.core.dbtypes import UTCDateTime
from hotline.core.extensions import db


class AssessmentWeights(db.Model):
    """The weights of one year's assessment, as an admin set them ({component key: weight})."""

    __tablename__ = "assessment_weights"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    weights: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class AssessmentVersion(db.Model):
    """One finalisation of a year's assessment: the results as computed then, frozen.

    Append-only; reads serve the highest version of a year. `result` is the whole computed
    assessment (weights, settings, every unit's parts, total and rank), so a final version never
    changes when the figures behind it do.
    """

    __tablename__ = "assessment_versions"
    __table_args__ = (UniqueConstraint("year", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    version: Mapped[int]
    finalised_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finalised_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict] = mapped_column(JSON)
