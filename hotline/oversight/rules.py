"""Unit rules that open an interview (DESIGN §4): repeated 督办, 末位, low on-time rate."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from hotline.core.clock import format_local, to_local
from hotline.core.extensions import db
from hotline.escalations.models import InterviewCase
from hotline.escalations.triggers import TRIGGER_NAMES, open_by_rule
from hotline.metrics.service import figures
from hotline.sla.ladder import Level
from hotline.tickets.models import Escalation


def previous_month(now: datetime) -> tuple[date, date]:
    """First and last local day of the month before `now`'s."""
    first_this = to_local(now).date().replace(day=1)
    last_prev = first_this - timedelta(days=1)
    return last_prev.replace(day=1), last_prev


def supervision_rule(*, now: datetime) -> list[InterviewCase]:
    """≥ N (default 3) supervision escalations of a unit in the last D (default 30) days."""
    threshold = int(current_app.config["INTERVIEW_SUPERVISION_COUNT"])
    days = int(current_app.config["INTERVIEW_SUPERVISION_DAYS"])
    rows = db.session.execute(
        select(Escalation.unit_id, func.count(), func.max(Escalation.id))
        .where(
            Escalation.level == Level.SUPERVISION,
            Escalation.created_at > now - timedelta(days=days),
            Escalation.created_at <= now,
            Escalation.unit_id.is_not(None),
        )
        .group_by(Escalation.unit_id)
        .having(func.count() >= threshold)
    ).all()
    opened = []
    month = format_local(now, "month")
    for unit_id, count, _last in rows:
        # Fires once per unit and month while the rule keeps firing.
        case = open_by_rule(
            unit_id=unit_id,
            trigger="supervision_count",
            trigger_key=f"supervision_count:{unit_id}:{month}",
            reason=f"{days}日内被督办{count}次（{TRIGGER_NAMES['supervision_count']}）",
            now=now,
            data={"count": int(count), "days": days},
        )
        if case:
            opened.append(case)
    return opened


def ranking_rules(*, now: datetime) -> list[InterviewCase]:
    """Last place and on-time rate under the threshold, over the previous complete month."""
    start, end = previous_month(now)
    label = start.strftime("%Y-%m")
    rows = figures(start=start, end=end)
    opened: list[InterviewCase] = []
    min_ranked = int(current_app.config["INTERVIEW_RANKING_MIN_UNITS"])
    ranked = [r for r in rows if r["rank"] is not None]
    worst = max((r["rank"] for r in ranked), default=1)
    # Everybody tied is nobody's last place.
    if len(ranked) >= min_ranked and worst > 1:
        for row in ranked:
            if row["rank"] != worst:
                continue
            case = open_by_rule(
                unit_id=row["unit_id"],
                trigger="ranking_last",
                trigger_key=f"ranking_last:{row['unit_id']}:{label}",
                reason=f"{label}考核排名末位（第{worst}名，得分{row['score']}）",
                now=now,
                data={"period": label, "rank": worst, "score": row["score"]},
            )
            if case:
                opened.append(case)
    threshold = float(current_app.config["INTERVIEW_ON_TIME_RATE_MIN"])
    min_due = int(current_app.config["INTERVIEW_ON_TIME_MIN_DUE"])
    for row in rows:
        rate = row["rates"]["on_time"]
        if rate is None or row["counts"]["due"] < min_due or rate >= threshold:
            continue
        case = open_by_rule(
            unit_id=row["unit_id"],
            trigger="on_time_rate",
            trigger_key=f"on_time_rate:{row['unit_id']}:{label}",
            reason=f"{label}按时办结率{rate:.0%}，低于{threshold:.0%}",
            now=now,
            data={"period": label, "rate": rate, "threshold": threshold},
        )
        if case:
            opened.append(case)
    return opened


def run_unit_rules(*, now: datetime) -> list[InterviewCase]:
    """Every unit rule; each trigger opens or joins the unit's open case once (trigger_key)."""
    return supervision_rule(now=now) + ranking_rules(now=now)
