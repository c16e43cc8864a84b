"""API: /knowledge — search and read (any staff), write and archive (admins and supervisors);
thin views over knowledge/service.py and knowledge/search.py."""

from __future__ import annotations

import math

from flask import Response, jsonify, make_response
from flask_smorest import Blueprint

from hotline.catalogue import service as catalogue
from hotline.core.actor import Actor
from hotline.core.bearer import token_required
from hotline.core.errors import Forbidden
from hotline.core.extensions import csrf
from hotline.core.idempotency import idempotent
from hotline.knowledge import search
from hotline.knowledge import service as knowledge
from hotline.knowledge.models import KnowledgeArticle
from hotline.knowledge.schemas import (
    ArticleBody,
    ArticleDetailSchema,
    ArticleListArgs,
    ArticlePageSchema,
    ArticleSchema,
    ArticleUpdate,
    RevisionSchema,
    VersionBody,
)
from hotline.knowledge.service import EDITORS, ArticleDraft
from hotline.units import service as units

blp = Blueprint(
    "knowledge",
    __name__,
    description=(
        "Knowledge base (知识库): the answers operators give, found by Chinese full-text search. "
        "Every staff role reads; admins and supervisors write, and every change is kept as a "
        "revision. The search offers only articles in force today (active, within their dates) "
        "unless an editor asks for `all`."
    ),
)
csrf.exempt(blp)  # bearer-token calls carry no cookie, so there is nothing to forge


def _answer(article: KnowledgeArticle, status: int = 200) -> Response:
    """The article with its whole history, its version as the ETag."""
    body = ArticleSchema().dump(article)
    body["revisions"] = RevisionSchema(many=True).dump(knowledge.revisions(article.id))
    response = make_response(jsonify(body), status)
    response.set_etag(str(article.version))
    return response


def _draft(body: dict) -> ArticleDraft:
    return ArticleDraft(**{name: body.get(name) for name in knowledge.FIELDS})


@blp.route("/knowledge", methods=["GET"])
@token_required()
@blp.arguments(ArticleListArgs, location="query")
@blp.response(200, ArticlePageSchema)
@blp.alt_response(403, description="`all` asked for by a role that does not edit")
@blp.alt_response(422, description="a bad argument, an unknown category or unit")
def list_articles(args: dict, *, actor: Actor) -> dict:
    """Articles matching `q`, best first (the newest first without `q`), filtered by `category`
    and `unit` codes, paged: `{"items", "page", "per_page", "total", "pages"}`."""
    if args["include_all"] and actor.role not in EDITORS:
        raise Forbidden("only admins and supervisors list archived and expired articles")
    stmt = search.query(
        q=args.get("q"),
        in_force_on=None if args["include_all"] else knowledge.today(),
        category_id=catalogue.get_by_code(args["category"], field="category").id
        if args.get("category")
        else None,
        unit_id=units.get_by_code(args["unit"], field="unit").id if args.get("unit") else None,
    )
    found = search.page(stmt, page=args["page"], per_page=args["per_page"])
    return {
        "items": found.items,
        "page": args["page"],
        "per_page": args["per_page"],
        "total": found.total,
        "pages": max(1, math.ceil(found.total / args["per_page"])),
    }


@blp.route("/knowledge", methods=["POST"])
@token_required(EDITORS)
@idempotent
@blp.arguments(ArticleBody)
@blp.response(201, ArticleDetailSchema)
@blp.alt_response(422, description="a bad field, named in `error.fields`")
def create_article(body: dict, *, actor: Actor) -> Response:
    """An admin or supervisor adds an article (in force at once, within its dates)."""
    return _answer(knowledge.create(actor=actor, draft=_draft(body)), 201)


@blp.route("/knowledge/<int:article_id>", methods=["GET"])
@token_required()
@blp.response(200, ArticleDetailSchema)
@blp.alt_response(404, description="no such article")
def get_article(*, article_id: int, actor: Actor) -> Response:
    """One article with its revisions (who changed what, when; oldest first)."""
    return _answer(knowledge.get(article_id))


@blp.route("/knowledge/<int:article_id>", methods=["PUT"])
@token_required(EDITORS)
@idempotent
@blp.arguments(ArticleUpdate)
@blp.response(200, ArticleDetailSchema)
@blp.alt_response(404, description="no such article")
@blp.alt_response(409, description="stale version: `error.current_version` is the article's")
@blp.alt_response(422, description="a bad field, named in `error.fields`")
def update_article(body: dict, *, article_id: int, actor: Actor) -> Response:
    """Rewrite an article: the whole of it, as for POST, plus the `version` edited. Fields left
    out are emptied; an unchanged article keeps its version and gets no revision."""
    article = knowledge.get(article_id)
    draft = _draft(body)
    return _answer(
        knowledge.update(article=article, actor=actor, draft=draft, version=body["version"])
    )


@blp.route("/knowledge/<int:article_id>/archive", methods=["POST"])
@token_required(EDITORS)
@idempotent
@blp.arguments(VersionBody)
@blp.response(200, ArticleDetailSchema)
@blp.alt_response(404, description="no such article")
@blp.alt_response(409, description="archived already, or a stale version")
def archive_article(body: dict, *, article_id: int, actor: Actor) -> Response:
    """Take an article out of use (归档): nobody's search offers it any more."""
    article = knowledge.get(article_id)
    return _answer(knowledge.archive(article=article, actor=actor, version=body["version"]))


@blp.route("/knowledge/<int:article_id>/restore", methods=["POST"])
@token_required(EDITORS)
@idempotent
@blp.arguments(VersionBody)
@blp.response(200, ArticleDetailSchema)
@blp.alt_response(404, description="no such article")
@blp.alt_response(409, description="active already, or a stale version")
def restore_article(body: dict, *, article_id: int, actor: Actor) -> Response:
    """Put an archived article back in use."""
    article = knowledge.get(article_id)
    return _answer(knowledge.restore(article=article, actor=actor, version=body["version"]))
