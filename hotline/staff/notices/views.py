"""/notices: the signed-in user's notices, read marks, and the unread badge on every page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from hotline.core.actor import Role
from hotline.notify import inbox
from hotline.notify.schemas import notice_view
from hotline.staff.access import current_actor
from hotline.staff.pages.ui import back, page_args, paginate

bp = Blueprint("inbox", __name__, url_prefix="/notices")

# A digest lists this many of its tickets as links; the rest are counted.
DIGEST_LINKS = 20


def unread_badge() -> str | None:
    """The badge beside the notices link: the signed-in user's unread count ("99+" past the
    cap), None for none; one query (base.html asks once per page)."""
    if not current_user.is_authenticated:
        return None
    count = inbox.unread_count(current_actor())
    cap = inbox.BADGE_CAP
    return None if not count else f"{cap - 1}+" if count >= cap else str(count)


def _register(app: Flask) -> None:
    app.add_template_global(unread_badge, "unread_badge")


bp.record_once(lambda state: _register(state.app))


def links(view: dict[str, Any], role: str) -> list[tuple[str, str]]:
    """Where a notice leads: its ticket(s), and the page where its reader acts on it."""
    out: list[tuple[str, str]] = []
    if view["ticket"]:
        out.append((view["ticket"], url_for("pages.ticket", number=view["ticket"])))
    for number in view["tickets"][:DIGEST_LINKS]:
        out.append((number, url_for("pages.ticket", number=number)))
    template = view["template"].removeprefix("digest_")
    if view["resolved"]:  # done by someone: nothing left to act on
        return out
    if template in ("return_requested", "extension_requested") and role == Role.supervisor:
        out.append((_("去审批"), url_for("console.requests")))
    elif template == "appeal_requested" and role == Role.inspector:
        out.append((_("去审核"), url_for("dashboard.appeals")))
    elif view["interview_id"] and role == Role.inspector:
        out.append((_("约谈看板"), url_for("dashboard.interviews")))
    elif view["interview_id"] and role == Role.unit_head:
        out.append((_("约谈整改"), url_for("workbench.interviews")))
    elif template.startswith("supervision") and role == Role.inspector:
        out.append((_("督办列表"), url_for("dashboard.escalations")))
    elif template.startswith("supervision") and role == Role.unit_head:
        out.append((_("督办"), url_for("workbench.escalations")))
    elif view.get("finding_id") and role == Role.inspector:
        out.append(
            (_("审核整改"), url_for("dashboard_inspections.finding", finding_id=view["finding_id"]))
        )
    elif view.get("inspection_id") and role == Role.unit_head:
        out.append((_("检查整改"), url_for("workbench_findings.index")))
    return out


@bp.route("")
@login_required
def index() -> str:
    actor = current_actor()
    unread = request.args.get("unread") == "1"
    page, per_page = page_args()
    rows = paginate(
        inbox.for_reader(actor, unread=unread), page=page, per_page=per_page, scalars=False
    )
    views = [notice_view(notice, read) for notice, read in rows]
    for view in views:
        view["links"] = links(view, actor.role or "")
    rows.items = views
    return render_template("notices/index.html", page=rows, unread=unread, more=DIGEST_LINKS)


@bp.route("/<int:notice_id>/read", methods=["POST"])
@login_required
def read(notice_id: int) -> Response:
    """Mark one notice read; 404 for a notice that is not the user's."""
    inbox.mark_read(actor=current_actor(), notice_id=notice_id)
    flash(_("已标为已读。"), "ok")
    return redirect(back(url_for("inbox.index")))


@bp.route("/read-all", methods=["POST"])
@login_required
def read_all() -> Response:
    inbox.mark_all_read(actor=current_actor())
    flash(_("全部通知已标为已读。"), "ok")
    return redirect(back(url_for("inbox.index")))
