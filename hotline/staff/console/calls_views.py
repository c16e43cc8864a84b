"""The console's phone pages: the live queue board (来电队列) and the hotline service figures."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, render_template, request
from flask_babel import gettext as _

from hotline.calls import board
from hotline.core.clock import to_local, utcnow
from hotline.core.errors import ValidationFailed
from hotline.core.timebounds import year_in_range
from hotline.metrics import phone
from hotline.staff.access import HOTLINE, role_required
from hotline.staff.console.softphone_bar import carry_softphone

bp = Blueprint("console_calls", __name__, url_prefix="/console")
bp.before_request(carry_softphone)

# How often the board asks for the live part again (htmx polling).
REFRESH_SECONDS = 5


def _board_context() -> dict:
    now = utcnow()
    today = to_local(now).date()
    waiting = board.waiting(now=now)
    return {
        "waiting": waiting,
        "longest": waiting[0].seconds if waiting else None,
        "operators": board.operators(),
        "today": phone.figures(start=today, end=today),
        "now": now,
        "refresh": REFRESH_SECONDS,
    }


@bp.route("/calls")
@role_required(*HOTLINE)
def calls() -> str:
    """The queue board: callers waiting, who is on the line, today's calls."""
    return render_template("console/calls.html", **_board_context())


@bp.route("/calls/live")
@role_required(*HOTLINE)
def calls_live() -> str:
    """htmx partial: the board's live part, polled every few seconds. Callers' numbers are
    masked here: the board is refreshed all day, often on a wall screen; the screen-pop shows
    the connected caller in full (and audits it)."""
    return render_template("console/_calls_live.html", **_board_context())


def _day(name: str, default: date) -> date:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        value = None
    if value is None or not year_in_range(value.year):
        raise ValidationFailed(f"{name} must be a date YYYY-MM-DD", fields={name: ["date"]})
    return value


@bp.route("/figures")
@role_required(*HOTLINE)
def figures() -> str:
    """Hotline service figures over chosen local days (default today), per operator too."""
    today = to_local(utcnow()).date()
    try:
        start, end = _day("from", today), _day("to", today)
        result = phone.figures(start=start, end=end)
    except ValidationFailed as exc:
        flash(_("日期有误：%(m)s", m=exc.message), "error")
        start = end = today
        result = phone.figures(start=today, end=today)
    return render_template("console/figures.html", f=result, start=start, end=end)
