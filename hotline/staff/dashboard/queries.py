"""What the dashboard reads: the inspector's lists as queries, shared by pages and exports."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from hotline.core.clock import format_local, utcnow
from hotline.core.errors import ValidationFailed
from hotline.core.extensions import db
from hotline.escalations.models import CreditRecord, EscalationAnswer, InterviewCase
from hotline.sla.ladder import LADDER
from hotline.staff.dashboard import figures
from hotline.tickets.models import Escalation, Ticket, TicketRequest
from hotline.units import service as units
from hotline.units.models import Unit

PAGE_LEVELS = tuple(level.value for level in LADDER)


def period(args: dict[str, Any]) -> tuple[date, date, str]:
    """The chosen month (`period=YYYY-MM`, default this month) as local first/last days."""
    raw = args.get("period") or format_local(utcnow(), "month")
    try:
        year, month = (int(x) for x in raw.split("-"))
        start, end = figures.month_bounds(year, month)
    except (ValueError, TypeError) as exc:
        raise ValidationFailed("period must be YYYY-MM", fields={"period": ["YYYY-MM"]}) from exc
    return start, end, f"{year}-{month:02d}"


def overdue_query(args: dict[str, Any]) -> Select:
    """Open tickets past a deadline, the longest overdue first."""
    stmt = select(Ticket).where(figures.overdue_clause(utcnow())).order_by(Ticket.resolve_due_at)
    if args.get("unit"):
        stmt = stmt.where(Ticket.unit.has(Unit.code == args["unit"]))
    return stmt


def escalations_query(args: dict[str, Any]) -> Select:
    """Every escalation with its ticket number and status and, for a 督办, the head's answer
    (None for other levels), newest first."""
    stmt = (
        select(Escalation, Ticket.number, Ticket.status, EscalationAnswer)
        .join(Ticket, Ticket.id == Escalation.ticket_id)
        .outerjoin(EscalationAnswer, EscalationAnswer.escalation_id == Escalation.id)
        .order_by(Escalation.created_at.desc(), Escalation.id.desc())
    )
    if args.get("level") in PAGE_LEVELS:
        stmt = stmt.where(Escalation.level == args["level"])
    if args.get("unit"):
        stmt = stmt.where(Escalation.unit.has(Unit.code == args["unit"]))
    return stmt


def interviews_query(args: dict[str, Any]) -> Select:
    stmt = select(InterviewCase).order_by(InterviewCase.opened_at.desc())
    if args.get("status"):
        stmt = stmt.where(InterviewCase.status == args["status"])
    if args.get("unit"):
        stmt = stmt.where(InterviewCase.unit.has(Unit.code == args["unit"]))
    return stmt


APPEAL_STATUSES = ("pending", "approved", "denied")


def appeals_query(args: dict[str, Any]) -> Select:
    """Rating appeals (差评申诉) with their tickets: pending first, the oldest on top."""
    stmt = (
        select(TicketRequest)
        .options(joinedload(TicketRequest.ticket), joinedload(TicketRequest.rating_event))
        .where(TicketRequest.type == "appeal")
        .order_by((TicketRequest.status == "pending").desc(), TicketRequest.requested_at)
    )
    if args.get("status") in APPEAL_STATUSES:
        stmt = stmt.where(TicketRequest.status == args["status"])
    if args.get("unit"):
        stmt = stmt.where(TicketRequest.unit_id == _unit_id(args))
    return stmt


def credit_query(unit_id: int) -> Select:
    return (
        select(CreditRecord)
        .where(CreditRecord.unit_id == unit_id)
        .order_by(CreditRecord.at.desc(), CreditRecord.id.desc())
    )


def recent_interviews(unit_id: int, limit: int = 10) -> list[InterviewCase]:
    """The unit's latest interview cases (约谈), newest first, beside its credit record."""
    return list(
        db.session.scalars(
            select(InterviewCase)
            .where(InterviewCase.unit_id == unit_id)
            .order_by(InterviewCase.opened_at.desc())
            .limit(limit)
        )
    )


def _unit_id(args: dict[str, Any]) -> int:
    return units.get_by_code(args.get("unit"), field="unit").id


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def export_rows(kind: str, args: dict[str, Any]) -> tuple[list[str], Select | None, Iterator]:
    """Headers, the row query (for counting) and an iterator of plain rows for an export."""
    if kind == "figures":
        start, end, _label = period(args)
        rows = figures.period_figures(start=start, end=end)
        headers = [
            _("排名"),
            _("单位"),
            _("派单"),
            _("响应率"),
            _("按时办结率"),
            _("解决率"),
            _("满意率"),
            _("综合得分"),
            _("退单"),
            _("重办"),
            _("超期"),
            _("升级"),
            _("监督员反映"),
            _("申诉待审"),
            _("申诉成立"),
            _("申诉驳回"),
        ]
        # Units under the minimum volume come last, their rank cell saying why they have none.
        below = _("样本不足，不参与排名")
        return (
            headers,
            None,
            iter(
                [
                    [
                        (f.rank or "") if f.eligible else below,
                        f.name,
                        f.counts["dispatched"],
                        _pct(f.response),
                        _pct(f.on_time),
                        _pct(f.resolution),
                        _pct(f.satisfaction),
                        _pct(f.composite),
                        f.counts["returns"],
                        f.counts["reopens"],
                        f.counts["overdue"],
                        f.counts["escalations"],
                        f.supervisor_reports["filed"],
                        f.appeals["pending"],
                        f.appeals["upheld"],
                        f.appeals["denied"],
                    ]
                    for f in rows
                ]
            ),
        )
    if kind == "overdue":
        stmt = overdue_query(args)
        headers = [_("工单号"), _("状态"), _("承办单位"), _("办结时限"), _("升级级别"), _("内容")]

        def overdue_rows() -> Iterator:
            for t in db.session.scalars(stmt.execution_options(yield_per=500)):
                yield [
                    t.number,
                    t.status,
                    t.unit.name if t.unit else "",
                    format_local(t.resolve_due_at, empty=""),
                    t.escalation_level or "",
                    t.description[:200],
                ]

        return headers, stmt, overdue_rows()
    if kind == "escalations":
        stmt = escalations_query(args)
        headers = [
            _("时间"),
            _("级别"),
            _("工单号"),
            _("单位"),
            _("时限"),
            _("说明"),
            _("督办答复"),
            _("计划办结"),
        ]

        def escalation_rows() -> Iterator:
            rows = db.session.execute(stmt.execution_options(yield_per=500))
            for e, number, _status, answer in rows:
                yield [
                    format_local(e.created_at, empty=""),
                    e.level,
                    number,
                    e.unit.name if e.unit else "",
                    format_local(e.deadline, empty=""),
                    e.note or "",
                    (answer.text or answer.state) if answer else "",
                    answer.plan_due.isoformat() if answer and answer.plan_due else "",
                ]

        return headers, stmt, escalation_rows()
    if kind == "interviews":
        stmt = interviews_query(args)
        headers = [
            _("编号"),
            _("单位"),
            _("状态"),
            _("原因"),
            _("立案"),
            _("约谈时间"),
            _("整改承诺"),
            _("承诺期限"),
            _("整改时间"),
        ]

        def interview_rows() -> Iterator:
            for c in db.session.scalars(stmt.execution_options(yield_per=500)):
                yield [
                    c.id,
                    c.unit.name,
                    c.status,
                    c.reason or c.trigger,
                    format_local(c.opened_at, empty=""),
                    format_local(c.scheduled_for, empty=""),
                    c.commitment or "",
                    format_local(c.commitment_due, empty=""),
                    format_local(c.rectified_at, empty=""),
                ]

        return headers, stmt, interview_rows()
    if kind == "credit":
        stmt = credit_query(_unit_id(args))
        headers = [_("时间"), _("类型"), _("摘要")]

        def credit_rows() -> Iterator:
            for r in db.session.scalars(stmt.execution_options(yield_per=500)):
                yield [format_local(r.at, empty=""), r.type, r.summary]

        return headers, stmt, credit_rows()
    raise ValidationFailed(f"unknown list {kind}", fields={"kind": ["unknown"]})
