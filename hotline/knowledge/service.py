"""The knowledge base's rules: who edits, what an article holds, and its history.

Admins and supervisors write articles; every change (created, edited, archived, restored) is a
`knowledge_revisions` row with each changed field's old and new value, written here and nowhere
else. Every staff role reads. An article is *in force* on a day when it is active and the day
lies within its validity dates; only those are offered to answer a caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from hotline.catalogue import service as catalogue
from hotline.catalogue.models import Category
from hotline.core.actor import Actor, Role
from hotline.core.clock import to_local, utcnow
from hotline.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hotline.core.extensions import db
from hotline.core.fulltext import document_tokens, stored_vector
from hotline.core.timebounds import OUT_OF_RANGE, instant_in_range
from hotline.knowledge.models import ArticleStatus, KnowledgeArticle, KnowledgeRevision
from hotline.units import service as units
from hotline.units.models import Unit

EDITORS = frozenset({Role.admin, Role.supervisor})
LIMITS = {"title": 200, "body": 10_000, "source": 500}
# The fields of an article as the API and the forms name them, in the order shown.
FIELDS = ("title", "body", "category", "unit", "valid_from", "valid_to", "source")


@dataclass(frozen=True)
class ArticleDraft:
    """What an editor says an article is: the whole of it (an edit replaces every field)."""

    title: str | None
    body: str | None
    category: str | None = None  # a category code
    unit: str | None = None  # a unit code
    valid_from: date | None = None
    valid_to: date | None = None
    source: str | None = None


def today() -> date:
    """The hotline's local date now (validity dates are local days)."""
    return to_local(utcnow()).date()


# ---- reads -----------------------------------------------------------------------------------


def get(article_id: int) -> KnowledgeArticle:
    """The article with this id; NotFound otherwise."""
    article = db.session.get(KnowledgeArticle, article_id) if 0 < article_id < 2**31 else None
    if article is None:
        raise NotFound(f"no knowledge article {article_id}")
    return article


def in_force(article_id: int, *, field: str, on: date | None = None) -> KnowledgeArticle:
    """The article a caller is answered from: it must exist and be in force on `on` (default
    today), else a ValidationFailed on `field` (422)."""
    article = db.session.get(KnowledgeArticle, article_id) if 0 < article_id < 2**31 else None
    if article is None:
        raise ValidationFailed(f"no knowledge article {article_id}", fields={field: ["unknown"]})
    if not article.in_force(on or today()):
        raise ValidationFailed(
            f"knowledge article {article_id} is not in force (archived or outside its dates)",
            fields={field: ["not in force"]},
        )
    return article


def revisions(article_id: int) -> list[KnowledgeRevision]:
    """An article's history, oldest first."""
    return list(
        db.session.scalars(
            select(KnowledgeRevision)
            .where(KnowledgeRevision.article_id == article_id)
            .order_by(KnowledgeRevision.version, KnowledgeRevision.id)
        )
    )


# ---- checks ----------------------------------------------------------------------------------


def _require_editor(actor: Actor) -> None:
    if actor.role not in EDITORS:
        raise Forbidden(f"role {actor.role} may not edit the knowledge base")


def _check_version(article: KnowledgeArticle, version: int | None) -> None:
    if version is None:
        raise ValidationFailed("version is required", fields={"version": ["required"]})
    if version != article.version:
        raise Conflict(
            f"article {article.id} changed (version {article.version}, you had {version}); "
            "reload it and edit again",
            current_version=article.version,
        )


def _text(value: str | None, field: str, *, required: bool) -> str | None:
    cleaned = (value or "").strip()
    if not cleaned:
        if required:
            raise ValidationFailed(f"{field} is required", fields={field: ["required"]})
        return None
    if len(cleaned) > LIMITS[field]:
        limit = LIMITS[field]
        raise ValidationFailed(
            f"{field} is too long", fields={field: [f"at most {limit} characters"]}
        )
    return cleaned


def _day(value: date | None, field: str) -> date | None:
    if value is not None and not instant_in_range(value):
        raise ValidationFailed(f"{field} {OUT_OF_RANGE}", fields={field: [OUT_OF_RANGE]})
    return value


def _checked(draft: ArticleDraft) -> dict[str, Any]:
    """The draft as the article's attributes; a ValidationFailed names the first bad field."""
    values: dict[str, Any] = {
        "title": _text(draft.title, "title", required=True),
        "body": _text(draft.body, "body", required=True),
        "category": catalogue.get_by_code(draft.category, field="category")
        if draft.category
        else None,
        "unit": units.get_by_code(draft.unit, field="unit") if draft.unit else None,
        "valid_from": _day(draft.valid_from, "valid_from"),
        "valid_to": _day(draft.valid_to, "valid_to"),
        "source": _text(draft.source, "source", required=False),
    }
    if values["valid_from"] and values["valid_to"] and values["valid_to"] < values["valid_from"]:
        raise ValidationFailed(
            "valid_to is before valid_from", fields={"valid_to": ["before valid_from"]}
        )
    return values


def _shown(value: Any) -> Any:
    """A field's value as the history keeps it: codes for a category or unit, ISO dates."""
    if isinstance(value, Category | Unit):
        return value.code
    if isinstance(value, date):
        return value.isoformat()
    return value


def _index(article: KnowledgeArticle) -> None:
    """Rewrite the article's search words (and their tsvector on PostgreSQL)."""
    # The title twice: its words weigh double in the PostgreSQL ranking (ts_rank counts them).
    article.search_tokens = document_tokens(article.title, article.title, article.body)
    article.search_vector = stored_vector(article.search_tokens)


def _record(
    article: KnowledgeArticle, action: str, actor: Actor, now: datetime, changes: dict
) -> KnowledgeRevision:
    db.session.flush()  # the article's id and its new version
    revision = KnowledgeRevision(
        article_id=article.id,
        version=article.version,
        action=action,
        at=now,
        actor_id=actor.user_id,
        actor_label=actor.label,
        changes=changes,
    )
    db.session.add(revision)
    db.session.flush()
    return revision


# ---- writes ----------------------------------------------------------------------------------


def create(*, actor: Actor, draft: ArticleDraft, now: datetime | None = None) -> KnowledgeArticle:
    """An editor adds an article; it is active at once (in force within its dates)."""
    now = now or utcnow()
    _require_editor(actor)
    values = _checked(draft)
    article = KnowledgeArticle(
        **values,
        status=ArticleStatus.active,
        created_at=now,
        created_by_id=actor.user_id,
        updated_at=now,
        updated_by_id=actor.user_id,
    )
    _index(article)
    db.session.add(article)
    changes = {
        name: {"from": None, "to": _shown(value)}
        for name, value in values.items()
        if value is not None
    }
    _record(article, "created", actor, now, changes)
    return article


def update(
    *,
    article: KnowledgeArticle,
    actor: Actor,
    draft: ArticleDraft,
    version: int | None,
    now: datetime | None = None,
) -> KnowledgeArticle:
    """An editor rewrites an article (every field, as a PUT); the revision keeps each changed
    field's old and new value. No change, no revision and no new version."""
    now = now or utcnow()
    _require_editor(actor)
    _check_version(article, version)
    changes: dict[str, dict[str, Any]] = {}
    for name, value in _checked(draft).items():
        old = getattr(article, name)
        if _shown(old) != _shown(value):
            changes[name] = {"from": _shown(old), "to": _shown(value)}
            setattr(article, name, value)
    if not changes:
        return article
    if {"title", "body"} & set(changes):
        _index(article)
    article.updated_at = now
    article.updated_by_id = actor.user_id
    _record(article, "edited", actor, now, changes)
    return article


def _set_status(
    article: KnowledgeArticle,
    status: str,
    action: str,
    actor: Actor,
    version: int | None,
    now: datetime | None,
) -> KnowledgeArticle:
    now = now or utcnow()
    _require_editor(actor)
    _check_version(article, version)
    if article.status == status:
        raise Conflict(f"article {article.id} is {status} already", current_status=status)
    changes = {"status": {"from": article.status, "to": status}}
    article.status = status
    article.updated_at = now
    article.updated_by_id = actor.user_id
    _record(article, action, actor, now, changes)
    return article


def archive(
    *, article: KnowledgeArticle, actor: Actor, version: int | None, now: datetime | None = None
) -> KnowledgeArticle:
    """An editor takes an article out of use (归档): the console no longer finds it."""
    return _set_status(article, ArticleStatus.archived, "archived", actor, version, now)


def restore(
    *, article: KnowledgeArticle, actor: Actor, version: int | None, now: datetime | None = None
) -> KnowledgeArticle:
    """An editor puts an archived article back in use."""
    return _set_status(article, ArticleStatus.active, "restored", actor, version, now)
