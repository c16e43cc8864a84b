"""Interviews (约谈) as a component: 100 less a deduction per case opened in the year and per
rectification commitment that went overdue in it (the credit record's entries)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select

from hotline.campaign.assessment.parts import Component, Part, clamp, year_bounds
from hotline.core.extensions import db
from hotline.escalations.models import CreditRecord, InterviewCase

KEY = "interviews"
CASE_DEDUCTION = 10
OVERDUE_DEDUCTION = 20
# Cases that are no cause of their own: a finalised assessment's case is its result (counting
# it would lower the score of the next re-finalisation), and the follow-up case of an overdue
# commitment is that overdue, already deducted.
NOT_COUNTED = ("assessment", "commitment_overdue")


def _ids_by_unit(rows: Sequence[tuple[int, int | None]]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = defaultdict(list)
    for unit_id, case_id in rows:
        found[unit_id].append(case_id or 0)
    return found


def score(unit_ids: Sequence[int], year: int) -> dict[int, Part]:
    """Every unit's deductions for the cases opened and the commitments overdue in `year`."""
    start, end = year_bounds(year)
    ids = list(unit_ids)
    opened = _ids_by_unit(
        db.session.execute(
            select(InterviewCase.unit_id, InterviewCase.id)
            .where(
                InterviewCase.unit_id.in_(ids),
                InterviewCase.opened_at >= start,
                InterviewCase.opened_at < end,
                InterviewCase.trigger.not_in(NOT_COUNTED),
            )
            .order_by(InterviewCase.id)
        ).all()
    )
    overdue = _ids_by_unit(
        db.session.execute(
            select(CreditRecord.unit_id, CreditRecord.interview_id)
            .where(
                CreditRecord.unit_id.in_(ids),
                CreditRecord.type == "rectification_overdue",
                CreditRecord.at >= start,
                CreditRecord.at < end,
            )
            .order_by(CreditRecord.id)
        ).all()
    )
    parts: dict[int, Part] = {}
    for unit_id in ids:
        cases, late = opened.get(unit_id, []), overdue.get(unit_id, [])
        value = clamp(100 - CASE_DEDUCTION * len(cases) - OVERDUE_DEDUCTION * len(late))
        figures = {"cases_opened": len(cases), "rectification_overdue": len(late)}
        figures |= {"cases": cases, "overdue_cases": late}
        if not cases and not late:
            zh, en = "年内无约谈、无整改逾期：100", "no interview and no overdue rectification: 100"
        else:
            listed = "、".join(f"#{c}" for c in cases) or "—"
            zh = (
                f"年内启动约谈{len(cases)}起（{listed}），每起扣{CASE_DEDUCTION}分；"
                f"整改承诺逾期{len(late)}起，每起扣{OVERDUE_DEDUCTION}分："
                f"100－{CASE_DEDUCTION * len(cases)}－{OVERDUE_DEDUCTION * len(late)} = {value:.2f}"
            )
            en = (
                f"{len(cases)} interview case(s) opened ({listed}), {CASE_DEDUCTION} each; "
                f"{len(late)} rectification(s) overdue, {OVERDUE_DEDUCTION} each: "
                f"100 − {CASE_DEDUCTION * len(cases)} − {OVERDUE_DEDUCTION * len(late)} "
                f"= {value:.2f}"
            )
            if value == 0:
                zh += "（最低0分）"
                en += " (floored at 0)"
        parts[unit_id] = Part(value, zh, en, figures)
    return parts


COMPONENT = Component(
    key=KEY,
    label="约谈与整改",
    label_en="Interviews and rectification",
    default_weight=20,
    score=score,
)
