"""Finding articles: Chinese full-text search (hotline/core/fulltext.py) with filters, best match
first; the newest changes first when nothing is searched for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, false, func, or_, select

from hotline.core.extensions import db
from hotline.core.fulltext import match, query_words
from hotline.knowledge.models import ArticleStatus, KnowledgeArticle

A = KnowledgeArticle


@dataclass(frozen=True)
class Found:
    """One page of a search: the articles and how many match in all."""

    items: list[KnowledgeArticle]
    total: int


def query(
    *,
    q: str | None = None,
    in_force_on: date | None = None,
    category_id: int | None = None,
    unit_id: int | None = None,
    status: str | None = None,
) -> Select:
    """The articles matching `q` (any of its words), best first; all of them, newest change
    first, when `q` is blank. A `q` with no searchable word (only punctuation or words such as
    请问, 怎么办) finds nothing. `in_force_on`: only articles in force on that local day (what
    the console offers); else every status unless `status` names one."""
    stmt = select(A)
    if in_force_on is not None:
        stmt = stmt.where(
            A.status == ArticleStatus.active,
            or_(A.valid_from.is_(None), A.valid_from <= in_force_on),
            or_(A.valid_to.is_(None), A.valid_to >= in_force_on),
        )
    elif status:
        stmt = stmt.where(A.status == status)
    if category_id is not None:
        stmt = stmt.where(A.category_id == category_id)
    if unit_id is not None:
        stmt = stmt.where(A.unit_id == unit_id)
    newest = (A.updated_at.desc(), A.id.desc())
    if not (q or "").strip():
        return stmt.order_by(*newest)
    found = match(A.search_tokens, A.search_vector, query_words(q))
    if found is None:
        return stmt.where(false())
    return stmt.where(found.where).order_by(found.rank.desc(), *newest)


def page(stmt: Select, *, page: int, per_page: int) -> Found:
    """One page of `stmt` and its total: two queries whatever the size."""
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)))
    return Found(items, total or 0)


def top(q: str | None, *, on: date, limit: int = 5) -> list[KnowledgeArticle]:
    """The best articles in force on `on` for what the operator is typing (none for nothing)."""
    if not (q or "").strip():
        return []
    return list(db.session.scalars(query(q=q, in_force_on=on).limit(limit)))
