"""What every staff page shares: labels, local-time and countdown filters, paging, masking."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from flask import Flask, flash, g, redirect, request, url_for
from flask_babel import get_locale, refresh
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from hotline.catalogue import service as catalogue
from hotline.catalogue.routing import load_catalogue
from hotline.core import uow
from hotline.core.actor import Actor
from hotline.core.clock import format_local, utcnow
from hotline.core.errors import HotlineError
from hotline.core.extensions import db
from hotline.core.privacy import mask_phone
from hotline.core.timebounds import instant_in_range
from hotline.core.web.redirects import safe_path
from hotline.tickets.transitions import BY_SLUG
from hotline.tickets.visibility import personal_view

STATUS_LABELS = {
    "new": _l("待分派"),
    "triage": _l("待分拣"),
    "dispatched": _l("待签收"),
    "accepted": _l("办理中"),
    "replied": _l("已答复"),
    "closed": _l("已办结"),
    "rejected": _l("不予受理"),
    "merged": _l("已并单"),
}
LEVEL_LABELS = {
    "warning": _l("预警"),
    "overdue": _l("催办"),
    "supervision": _l("督办"),
    "interview": _l("约谈"),
}
KIND_LABELS = {
    "consultation": _l("咨询"),
    "help": _l("求助"),
    "complaint": _l("投诉"),
    "report": _l("举报"),
    "suggestion": _l("建议"),
}
CHANNEL_LABELS = {
    "phone": _l("电话"),
    "sms": _l("短信"),
    "web": _l("网站"),
    "open311": _l("Open311"),
    "api": _l("接口"),
    "walk_in": _l("来访"),
    "supervisor": _l("特邀监督员"),
}
ROLE_LABELS = {
    "operator": _l("话务员"),
    "supervisor": _l("热线审核"),
    "unit_agent": _l("承办人"),
    "unit_head": _l("单位负责人"),
    "inspector": _l("督查"),
    "admin": _l("系统管理员"),
    "special_supervisor": _l("特邀监督员"),
}
RATING_LABELS = {
    5: _l("非常满意"),
    4: _l("满意"),
    3: _l("基本满意"),
    2: _l("不满意"),
    1: _l("非常不满意"),
}
INTERVIEW_LABELS = {
    "proposed": _l("待安排"),
    "scheduled": _l("已安排"),
    "held": _l("已约谈"),
    "rectified": _l("已整改"),
    "rectification_overdue": _l("整改逾期"),
}
EVENT_LABELS = {
    "created": _l("受理登记"),
    "triaged": _l("转人工分拣"),
    "dispatched": _l("派单"),
    "redispatched": _l("改派"),
    "accepted": _l("签收"),
    "return_requested": _l("申请退单"),
    "return_approved": _l("退单通过"),
    "return_denied": _l("退单驳回"),
    "extension_requested": _l("延期申请"),
    "extension_approved": _l("延期通过"),
    "extension_denied": _l("延期驳回"),
    "extension_granted": _l("督查批准延期"),
    "appeal_requested": _l("差评申诉"),
    "appeal_upheld": _l("申诉成立"),
    "appeal_denied": _l("申诉不成立"),
    "replied": _l("答复"),
    "callback": _l("回访"),
    "missed_call_callback": _l("漏接回拨"),
    "recording_attached": _l("通话录音"),
    "rated": _l("评价"),
    "reopened": _l("发回重办"),
    "closed": _l("办结"),
    "resolved_at_source": _l("直接办结"),
    "merged": _l("并单"),
    "classified": _l("重新分类"),
    "deadline_recomputed": _l("时限重算"),
    "merged_in": _l("并入工单"),
    "possible_duplicate": _l("疑似重复"),
    "duplicate_dismissed": _l("不是重复"),
    "merged_answer": _l("并单答复"),
    "rejected": _l("不予受理"),
    "escalated": _l("升级"),
    "supervision_answered": _l("督办答复"),
    "supervision_answer_missed": _l("督办未按时答复"),
    "deadline_changed": _l("时限调整"),
    "commitment_breached": _l("违反承诺"),
    "urged": _l("来电催办"),
    "supplemented": _l("来电补充材料"),
}
# Why the duplicate check flagged a ticket (tickets/duplicates.py `Match.reason`).
DUPLICATE_REASONS = {
    "phone": _l("同一来电号码"),
    "place": _l("同一地点、同一类别"),
    "text": _l("诉求内容几乎相同"),
}
# The requests a ticket can have pending (TicketRequest.type).
REQUEST_LABELS = {"return": _l("退单"), "extension": _l("延期"), "appeal": _l("差评申诉")}
STATUS_TONE = {
    "new": "info",
    "triage": "warn",
    "dispatched": "info",
    "accepted": "primary",
    "replied": "ok",
    "closed": "muted",
    "rejected": "muted",
    "merged": "muted",
}


def local(dt: datetime | None, precision: str = "minute") -> str:
    """The `local` filter: a stored UTC instant in the hotline's local time, "—" for none."""
    return format_local(dt, precision, empty="—")


@dataclass(frozen=True)
class Countdown:
    """Time left to a deadline, for a badge that turns red when overdue."""

    seconds: int
    tone: str  # ok | warn | over

    @property
    def text(self) -> str:
        left = abs(self.seconds)
        days, rest = divmod(left, 86400)
        hours, rest = divmod(rest, 3600)
        minutes = rest // 60
        if days:
            span = f"{days}d {hours}h"
        elif hours:
            span = f"{hours}h {minutes}m"
        else:
            span = f"{minutes}m"
        return f"-{span}" if self.seconds < 0 else span


def countdown(deadline: datetime | None, now: datetime | None = None) -> Countdown | None:
    """Seconds to `deadline` with a tone: warn within a day, over when passed."""
    if deadline is None:
        return None
    seconds = math.floor((deadline - (now or utcnow())).total_seconds())
    tone = "over" if seconds < 0 else "warn" if seconds < 86400 else "ok"
    return Countdown(seconds, tone)


@dataclass
class Page:
    """One server-side page of a list."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def __iter__(self) -> Iterator:
        return iter(self.items)


def page_args(default_per_page: int = 20) -> tuple[int, int]:
    """`page` and `per_page` from the query string, clamped to sane bounds."""
    page = request.args.get("page", 1, type=int) or 1
    per_page = request.args.get("per_page", default_per_page, type=int) or default_per_page
    return max(page, 1), min(max(per_page, 5), 100)


def paginate(stmt: Select, *, page: int, per_page: int, scalars: bool = True) -> Page:
    """Two queries whatever the size: a count, then one page with LIMIT/OFFSET."""
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page))
    items = list(rows.unique().scalars() if scalars else rows.unique().all())
    return Page(items, page, per_page, total or 0)


def complainant(ticket: Any, actor: Actor) -> dict[str, str | None]:
    """The phone and name this viewer may see (DESIGN §1): masked for units, none if 保密."""
    view = personal_view(ticket, actor)
    return {"phone": view.phone, "name": view.name, "full": "1" if view.full else ""}


def back(default: str) -> str:
    """Where a form posts back to: a same-site `next`, else the default."""
    return safe_path(request.form.get("next") or request.args.get("next")) or default


def run_action(action: Callable[[], Any], *, success: str, default_next: str) -> Response:
    """Run a service call (the request commits it); domain errors become a flash message and
    are rolled back here, since the redirect that follows is no error. The work is flushed
    here, so a row another request changed since it was read (a concurrent accept) is refused
    the same way rather than at the commit."""
    try:
        action()
        db.session.flush()
    except StaleDataError:
        uow.rollback()
        flash(uow.CONFLICT_MESSAGE, "error")
    except HotlineError as exc:
        uow.rollback()
        detail = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
        flash(f"{exc.message}" + (f" ({detail})" if detail else ""), "error")
    else:
        flash(success, "ok")
    return redirect(back(default_next))


def _todt(value: str | None) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
    return parsed if parsed is None or instant_in_range(parsed) else None


def _fresh_request_state() -> None:
    """Flask-Babel and Flask-Login cache the locale and user on the app context; a request that
    reuses an outer context (the test client, CLI-driven requests) must start from its own."""
    refresh()
    g.pop("_login_user", None)


def category_choices() -> list[tuple[str, str]]:
    """(code, `市场监管 › 食品安全`) of every category a ticket may take, by that path: the
    重新分类 pickers (once per request, however many forms a list shows)."""
    if "_category_choices" not in g:
        english = str(get_locale() or "") == "en"
        leaves = catalogue.leaf_categories()
        g._category_choices = sorted(
            ((c.code, catalogue.path_label(c, english=english)) for c in leaves),
            key=lambda choice: choice[1],
        )
    return g._category_choices


def category_label(code: str | None) -> str | None:
    """A category's name for its code (as events keep it), the code when it is gone."""
    ref = load_catalogue().categories_by_code.get(code or "")
    if ref is None:
        return code
    return ref.name_en if str(get_locale() or "") == "en" and ref.name_en else ref.name


def register_template_helpers(app: Flask) -> None:
    """Filters and globals the staff templates use."""
    app.add_template_filter(local, "local")
    app.add_template_filter(countdown, "countdown")
    app.add_template_filter(mask_phone, "mask_phone")
    app.add_template_filter(_todt, "todt")
    app.add_template_global(lambda: str(get_locale() or "zh_CN"), "get_locale")
    app.before_request(_fresh_request_state)
    app.add_template_global(STATUS_LABELS, "STATUS_LABELS")
    app.add_template_global(STATUS_TONE, "STATUS_TONE")
    app.add_template_global(LEVEL_LABELS, "LEVEL_LABELS")
    app.add_template_global(KIND_LABELS, "KIND_LABELS")
    app.add_template_global(CHANNEL_LABELS, "CHANNEL_LABELS")
    app.add_template_global(ROLE_LABELS, "ROLE_LABELS")
    app.add_template_global(RATING_LABELS, "RATING_LABELS")
    app.add_template_global(INTERVIEW_LABELS, "INTERVIEW_LABELS")
    app.add_template_global(EVENT_LABELS, "EVENT_LABELS")
    app.add_template_global(DUPLICATE_REASONS, "DUPLICATE_REASONS")
    app.add_template_global(REQUEST_LABELS, "REQUEST_LABELS")
    app.add_template_global(BY_SLUG, "TRANSITIONS")  # the buttons' labels, by slug
    app.add_template_global(category_choices, "category_choices")
    app.add_template_global(category_label, "category_label")
    app.add_template_global(
        lambda c: catalogue.path_label(c, english=str(get_locale() or "") == "en"),
        "category_path",
    )

    @app.template_global()
    def url_with(**changes: Any) -> str:
        """The current URL with some query arguments replaced (paging, tabs, language)."""
        args = request.args.to_dict()
        args.update({k: v for k, v in changes.items() if v is not None})
        for key in [k for k, v in changes.items() if v is None]:
            args.pop(key, None)
        if request.endpoint is None:  # error pages for unknown URLs
            # Only the query: the path is whatever the client sent (`/\\evil.example/x` would
            # be another site), and a bare query keeps the browser on the page it is on.
            return f"?{urlencode(args)}"
        return url_for(request.endpoint, **(request.view_args or {}), **args)
