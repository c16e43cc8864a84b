"""Knowledge-base articles (知识库) the operators answer from, and every revision of each."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hotline.catalogue.models import Category
from hotline.core.dbtypes import UTCDateTime
from hotline.core.extensions import db
from hotline.core.fulltext import VECTOR, search_index
from hotline.units.models import Unit


class ArticleStatus(StrEnum):
    active = "active"  # 在用: found by the console while within its validity dates
    archived = "archived"  # 已归档: kept with its history, found by nobody's search but editors'


class KnowledgeArticle(db.Model):
    """One answer (答复口径) to a question people ask, with where it comes from and how long it
    holds."""

    __tablename__ = "knowledge_articles"
    __table_args__ = (
        # The console's "recent articles" and the editors' list: by status, newest change first.
        Index("ix_knowledge_articles_status_updated", "status", "updated_at"),
        search_index("ix_knowledge_articles_search", "search_vector"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    # Local dates, both included; None: no limit on that side.
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    # Where the answer comes from: a regulation, a unit's written answer (口径), a notice.
    source: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(10), default=ArticleStatus.active)
    # The words of the title (twice: they weigh double) and the body, for the full-text search
    # (hotline/core/fulltext.py), and on PostgreSQL their tsvector; rewritten with every edit,
    # read by the search only (never loaded with an article).
    search_tokens: Mapped[str] = mapped_column(Text, default="", deferred=True)
    search_vector: Mapped[Any] = mapped_column(VECTOR, nullable=True, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    category: Mapped[Category | None] = relationship(lazy="joined")
    unit: Mapped[Unit | None] = relationship(lazy="joined")

    def in_force(self, today: date) -> bool:
        """Active and within its validity dates on the local day `today`."""
        return self.state(today) == "in_force"

    def state(self, today: date) -> str:
        """On the local day `today`: archived, not_yet (before valid_from), expired (after
        valid_to) or in_force."""
        if self.status == ArticleStatus.archived:
            return "archived"
        if self.valid_from is not None and today < self.valid_from:
            return "not_yet"
        if self.valid_to is not None and self.valid_to < today:
            return "expired"
        return "in_force"


class KnowledgeRevision(db.Model):
    """One change to an article (created, edited, archived, restored): who, when, and each
    changed field's old and new value. Append-only, like a ticket's timeline."""

    __tablename__ = "knowledge_revisions"
    __table_args__ = (Index("ix_knowledge_revisions_article_version", "article_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("knowledge_articles.id", ondelete="CASCADE"))
    # The article's version after this change.
    version: Mapped[int]
    action: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_label: Mapped[str | None] = mapped_column(String(60))
    # {field: {"from": old, "to": new}}; dates as ISO text, category and unit by code.
    changes: Mapped[dict] = mapped_column(JSON)
