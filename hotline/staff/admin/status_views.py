"""The admin status page: queues, failed jobs (with retry), the last sweep, outbox backlog, SMS
that did not arrive."""

from __future__ import annotations

from functools import wraps
from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_login import current_user

from hotline.core.actor import Role
from hotline.core.clock import iso_local
from hotline.core.errors import Forbidden, Unauthorized
from hotline.core.extensions import login_manager
from hotline.staff.admin import status as ops_status

bp = Blueprint("ops", __name__, url_prefix="/admin/status")

LABELS = {
    "zh_CN": {
        "title": "系统状态",
        "queues": "队列",
        "queue": "队列",
        "queued": "排队",
        "started": "执行中",
        "failed": "失败",
        "failed_jobs": "失败的任务",
        "job": "任务",
        "error": "错误",
        "ended": "结束时间",
        "retry": "重试",
        "none": "无",
        "sweep": "最近一次升级扫描",
        "never": "从未运行",
        "outbox": "待发短信",
        "oldest": "最早一条",
        "outbox_failed": "发送失败",
        "tickets_new": "待派单（new）工单",
        "redis_down": "Redis 不可用",
        "requeued": "已重新排队",
        "undelivered": "未送达的短信",
        "sent_at": "时间",
        "recipient": "收件人",
        "kind": "短信",
        "ticket": "工单",
        "reason": "原因",
        "done": "处理",
        "done_resent": "已通知督查，已改发单位值班电话",
        "done_same_number": "已通知督查；原号码即单位值班电话，未重发",
        "done_no_duty_phone": "已通知督查；单位未登记值班电话，无法改发",
        "done_resend_failed": "已通知督查；这已是改发值班电话的短信，不再重发",
        "done_nothing": "仅记录（不是升级短信）",
        "resend": "改发短信",
    },
    "en": {
        "title": "System status",
        "queues": "Queues",
        "queue": "Queue",
        "queued": "Queued",
        "started": "Running",
        "failed": "Failed",
        "failed_jobs": "Failed jobs",
        "job": "Job",
        "error": "Error",
        "ended": "Ended",
        "retry": "Retry",
        "none": "None",
        "sweep": "Last escalation sweep",
        "never": "never",
        "outbox": "Outbox backlog",
        "oldest": "oldest",
        "outbox_failed": "Failed to send",
        "tickets_new": "Tickets waiting in new",
        "redis_down": "Redis unavailable",
        "requeued": "Requeued",
        "undelivered": "SMS not delivered",
        "sent_at": "Time",
        "recipient": "Recipient",
        "kind": "SMS",
        "ticket": "Ticket",
        "reason": "Reason",
        "done": "Done",
        "done_resent": "Inspectors told; sent again to the unit's duty phone",
        "done_same_number": "Inspectors told; that number is the duty phone, not sent again",
        "done_no_duty_phone": "Inspectors told; the unit has no duty phone",
        "done_resend_failed": "Inspectors told; already the copy to the duty phone",
        "done_nothing": "Recorded only (not an escalation SMS)",
        "resend": "copy",
    },
}


# The page stands alone so it renders even when the staff UI's layout is broken.
LAYOUT = "ops/_bare.html"


def labels() -> dict[str, str]:
    return LABELS["en" if str(get_locale()) == "en" else "zh_CN"]


def admin_required(view: Any) -> Any:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        if not current_user.is_authenticated:
            if login_manager.login_view:
                return login_manager.unauthorized()
            raise Unauthorized("login required")
        if current_user.role != Role.admin:
            raise Forbidden("admins only")
        return view(*args, **kwargs)

    return wrapper


@bp.get("")
@admin_required
def show() -> ResponseReturnValue:
    overview = ops_status.collect()
    return render_template(
        "ops/status.html", layout=LAYOUT, s=overview, t=labels(), local=iso_local
    )


@bp.post("/jobs/<purpose>/<job_id>/retry")
@admin_required
def retry(purpose: str, job_id: str) -> ResponseReturnValue:
    ops_status.retry_failed(purpose=purpose, job_id=job_id)
    flash(f"{labels()['requeued']}: {job_id}")
    return redirect(url_for("ops.show"))
