"""/knowledge: search and read the knowledge base (every staff role); admins and supervisors
write, archive and restore. Writes go through hotline/knowledge/service.py."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from hotline.catalogue import service as catalogue
from hotline.core import uow
from hotline.core.actor import STAFF_ROLES
from hotline.core.errors import HotlineError
from hotline.knowledge import search
from hotline.knowledge import service as knowledge
from hotline.knowledge.models import KnowledgeArticle
from hotline.knowledge.schemas import MAX_QUERY
from hotline.knowledge.service import EDITORS
from hotline.staff.access import current_actor, role_required
from hotline.staff.knowledge import forms
from hotline.staff.pages.ui import page_args, paginate, run_action
from hotline.units import service as units

bp = Blueprint("knowledge_pages", __name__, url_prefix="/knowledge")

READERS = tuple(sorted(STAFF_ROLES))
EDIT = tuple(sorted(EDITORS))
# What an editor's list shows; other roles see only the articles in force.
SCOPES = ("all", "in_force", "archived")


def _editor() -> bool:
    return current_actor().role in EDITORS


@bp.route("")
@role_required(*READERS)
def index() -> str:
    """The search: best match first for `q`, else the newest changes first."""
    q = (request.args.get("q") or "").strip()[:MAX_QUERY]
    editor = _editor()
    scope = request.args.get("scope") if editor else None
    scope = scope if scope in SCOPES else ("all" if editor else "in_force")
    categories = catalogue.active_categories()
    category = next((c for c in categories if c.code == request.args.get("category")), None)
    today = knowledge.today()
    stmt = search.query(
        q=q,
        in_force_on=today if scope == "in_force" else None,
        status="archived" if scope == "archived" else None,
        category_id=category.id if category else None,
    )
    page, per_page = page_args()
    return render_template(
        "knowledge/index.html",
        page=paginate(stmt, page=page, per_page=per_page),
        q=q,
        scope=scope,
        scopes=SCOPES if editor else (),
        category=category,
        categories=categories,
        editor=editor,
        today=today,
    )


@bp.route("/<int:article_id>")
@role_required(*READERS)
def show(article_id: int) -> str:
    article = knowledge.get(article_id)
    return render_template(
        "knowledge/show.html",
        article=article,
        revisions=list(reversed(knowledge.revisions(article.id))),
        editor=_editor(),
        today=knowledge.today(),
    )


def _form_page(article: KnowledgeArticle | None, status: int = 200) -> tuple[str, int]:
    values = request.form if request.method == "POST" else {}
    return render_template(
        "knowledge/form.html",
        article=article,
        form=values,
        categories=catalogue.active_categories(),
        units=units.active_units(),
    ), status


def _save(article: KnowledgeArticle | None) -> Response | tuple[str, int]:
    """Create or edit from the form; a refusal shows the form again with what was typed."""
    try:
        draft, version = forms.draft(editing=article is not None)
        if article is None:
            article = knowledge.create(actor=current_actor(), draft=draft)
        else:
            knowledge.update(article=article, actor=current_actor(), draft=draft, version=version)
    except HotlineError as exc:
        uow.rollback()
        names = ", ".join(exc.fields)
        flash(exc.message + (f" ({names})" if names else ""), "error")
        return _form_page(article, exc.status)
    flash(_("已保存。"), "ok")
    return redirect(url_for("knowledge_pages.show", article_id=article.id))


@bp.route("/new", methods=["GET", "POST"])
@role_required(*EDIT)
def new() -> Response | tuple[str, int]:
    return _save(None) if request.method == "POST" else _form_page(None)


@bp.route("/<int:article_id>/edit", methods=["GET", "POST"])
@role_required(*EDIT)
def edit(article_id: int) -> Response | tuple[str, int]:
    article = knowledge.get(article_id)
    return _save(article) if request.method == "POST" else _form_page(article)


@bp.route("/<int:article_id>/archive", methods=["POST"])
@role_required(*EDIT)
def archive(article_id: int) -> Response:
    article = knowledge.get(article_id)
    return run_action(
        lambda: knowledge.archive(article=article, actor=current_actor(), version=forms.version()),
        success=_("已归档：受理台不再推荐此条。"),
        default_next=url_for("knowledge_pages.show", article_id=article_id),
    )


@bp.route("/<int:article_id>/restore", methods=["POST"])
@role_required(*EDIT)
def restore(article_id: int) -> Response:
    article = knowledge.get(article_id)
    return run_action(
        lambda: knowledge.restore(article=article, actor=current_actor(), version=forms.version()),
        success=_("已恢复使用。"),
        default_next=url_for("knowledge_pages.show", article_id=article_id),
    )
