"""/api/v1/notices: the caller's own in-app notices, newest first, and their read marks."""

from __future__ import annotations

import math

from flask_smorest import Blueprint
from sqlalchemy import func, select

from hotline.core.actor import Actor
from hotline.core.bearer import BEARER, token_required
from hotline.core.extensions import csrf, db
from hotline.notify import inbox
from hotline.notify.schemas import NoticeArgs, NoticePageSchema, NoticeSchema, notice_view

blp = Blueprint("notices", __name__, description="In-app notices (the caller's own).")
csrf.exempt(blp)


@blp.route("/notices")
@blp.doc(security=BEARER)
@blp.arguments(NoticeArgs, location="query")
@blp.response(200, NoticePageSchema)
@token_required()
def list_notices(args: dict, *, actor: Actor) -> dict:
    """The caller's notices, newest first, paged; `unread=1` for the unread ones only."""
    stmt = inbox.for_reader(actor, unread=args["unread"])
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    page, per_page = args["page"], args["per_page"]
    rows = db.session.execute(stmt.offset((page - 1) * per_page).limit(per_page)).all()
    return {
        "items": [notice_view(notice, read) for notice, read in rows],
        "page": page,
        "per_page": per_page,
        "total": total,
        "pages": math.ceil(total / per_page) if total else 0,
    }


@blp.route("/notices/<int:notice_id>/read", methods=["POST"])
@blp.doc(security=BEARER)
@blp.response(200, NoticeSchema)
@blp.alt_response(404, description="no such notice addressed to the caller")
@token_required()
def read_notice(notice_id: int, *, actor: Actor) -> dict:
    """Mark one of the caller's notices read (again: no change); 404 for anyone else's."""
    notice = inbox.mark_read(actor=actor, notice_id=notice_id)
    return notice_view(notice, True)


@blp.route("/notices/read-all", methods=["POST"])
@blp.doc(security=BEARER)
@blp.response(200)
@token_required()
def read_all_notices(*, actor: Actor) -> dict:
    """Mark every notice the caller has now read; answers the unread count (0)."""
    inbox.mark_all_read(actor=actor)
    return {"unread": inbox.unread_count(actor)}
