"""A year's assessment computed from the data now: every component's parts, each unit's
weighted total, the ranking and who falls short (DESIGN §11; docs/CAMPAIGN.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select

from hotline.campaign.assessment import registry
from hotline.campaign.assessment import weights as weights_of
from hotline.campaign.assessment.parts import Component, Part
from hotline.core.clock import iso_local
from hotline.core.extensions import db
from hotline.metrics import service as metrics
from hotline.units.models import Unit


@dataclass(frozen=True)
class Rules:
    """Who falls short: under the pass score, or last of a ranking of at least `min_ranked`."""

    pass_score: float
    ranking_min_tickets: int
    min_ranked: int


def rules() -> Rules:
    """The rules from app config (ASSESSMENT_PASS_SCORE, RANKING_MIN_TICKETS, the 末位 rule's
    INTERVIEW_RANKING_MIN_UNITS)."""
    cfg = current_app.config
    return Rules(
        pass_score=float(cfg["ASSESSMENT_PASS_SCORE"]),
        ranking_min_tickets=metrics.settings().ranking_min_tickets,
        min_ranked=int(cfg["INTERVIEW_RANKING_MIN_UNITS"]),
    )


def total_of(scored: list[tuple[Component, float, Part]]) -> tuple[float | None, list[dict]]:
    """A unit's total and its breakdown: each counted part earns score × weight ÷ Σ weights of
    the counted parts, so the weights of the parts without data are shared out in proportion.
    The total is the sum of the rounded points, so the breakdown adds up to it exactly."""
    counted_weight = sum(w for _c, w, p in scored if p.counted)
    lines: list[dict] = []
    for component, weight, part in scored:
        counts = part.counted and counted_weight > 0
        lines.append(
            {
                "key": component.key,
                "label": component.label,
                "label_en": component.label_en,
                "weight": weight,
                "share": round(100 * weight / counted_weight, 2) if counts else 0.0,
                "score": part.score,
                "points": round(part.score * weight / counted_weight, 2) if counts else None,
                "counted": counts,
                "apart": part.apart,
                "figures": part.figures,
                "explanation": part.explanation,
                "explanation_en": part.explanation_en,
            }
        )
    if not counted_weight:
        return None, lines
    return round(sum(line["points"] or 0.0 for line in lines), 2), lines


def rank(rows: list[dict]) -> int:
    """Competition ranking (1, 2, 2, 4) by total among the eligible units; how many ranked."""
    scored = sorted(
        (r for r in rows if r["eligible"] and r["total"] is not None), key=lambda r: -r["total"]
    )
    for i, row in enumerate(scored):
        same = i > 0 and scored[i - 1]["total"] == row["total"]
        row["rank"] = scored[i - 1]["rank"] if same else i + 1
    for row in rows:
        row.setdefault("rank", None)
    return len(scored)


def flag(rows: list[dict], ranked: int, year: int, rule: Rules) -> None:
    """Mark who falls short: a total under the pass score, or the last rank of a ranking of at
    least `min_ranked` units (everybody tied is nobody's last), with the interview's reason."""
    worst = max((r["rank"] for r in rows if r["rank"] is not None), default=1)
    has_last = ranked >= rule.min_ranked and worst > 1
    for row in rows:
        total = row["total"]
        row["passed"] = None if total is None else total >= rule.pass_score
        row["last"] = has_last and row["rank"] == worst
        reasons = []
        if row["passed"] is False:
            reasons.append(f"{year}年度目标考核总分{total:.2f}，低于合格线{rule.pass_score:g}分")
        if row["last"]:
            reasons.append(f"{year}年度目标考核排名末位（第{worst}名，共{ranked}个单位）")
        row["interview"] = {"reason": "；".join(reasons)} if reasons else None


def _units() -> list[Unit]:
    return list(db.session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.code)))


def compute(*, year: int, now: datetime) -> dict[str, Any]:
    """The year's assessment from the data as of `now` (a draft until an inspector finalises)."""
    components = registry.components()
    weights, source = weights_of.effective(year)
    rule = rules()
    units = _units()
    ids = [u.id for u in units]
    parts = {c.key: c.score(ids, year) for c in components}
    rows = []
    for unit in units:
        scored = [(c, weights[c.key], parts[c.key][unit.id]) for c in components]
        total, lines = total_of(scored)
        rows.append(
            {
                "unit_id": unit.id,
                "unit": {"code": unit.code, "name": unit.name, "name_en": unit.name_en},
                "total": total,
                "eligible": not any(p.apart for _c, _w, p in scored),
                "parts": lines,
            }
        )
    ranked = rank(rows)
    flag(rows, ranked, year, rule)
    rows.sort(
        key=lambda r: (not r["eligible"], r["rank"] is None, r["rank"] or 0, r["unit"]["code"])
    )
    return {
        "year": year,
        "computed_at": iso_local(now),
        "from": f"{year:04d}-01-01",
        "to": f"{year:04d}-12-31",
        "weights": weights,
        "weights_source": source,
        "pass_score": rule.pass_score,
        "ranking_min_tickets": rule.ranking_min_tickets,
        "min_ranked": rule.min_ranked,
        "components": [
            {"key": c.key, "label": c.label, "label_en": c.label_en, "weight": weights[c.key]}
            for c in components
        ],
        "ranked": ranked,
        "items": rows,
    }
