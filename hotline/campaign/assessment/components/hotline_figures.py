"""The hotline figures of the year (DESIGN §7) as a component: the metrics composite score.

The sub-score is exactly the score `GET /api/v1/metrics?from=YYYY-01-01&to=YYYY-12-31` gives
(FIGURES_WEIGHTS over the three rates), so the assessment and the figures never disagree. A unit
under RANKING_MIN_TICKETS keeps its figures on show, but they neither count nor rank it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from hotline.campaign.assessment.parts import Component, Part
from hotline.metrics import service as metrics

KEY = "hotline"
RATES = ("response", "on_time", "resolution", "satisfaction")
NAMES = {
    "response": ("响应率", "response"),
    "on_time": ("按时办结率", "on-time"),
    "resolution": ("解决率", "resolution"),
    "satisfaction": ("满意率", "satisfaction"),
}


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{100 * rate:.1f}%"


def _points(rate: float | None) -> str:
    """A rate on the score's 0–100 scale (92.3 for 92.3 %)."""
    return "—" if rate is None else f"{100 * rate:.1f}"


def _formula(rates: dict[str, float | None], cfg: metrics.Settings) -> tuple[str, str]:
    """How the composite came from the weighted rates (a weighted mean), in both languages."""
    zh, en, missing_zh, missing_en = [], [], [], []
    present = 0.0
    for name, weight in cfg.weights:
        label_zh, label_en = NAMES.get(name, (name, name))
        if rates.get(name) is None:
            missing_zh.append(f"{label_zh}无数据，其权重{weight:g}不计")
            missing_en.append(f"no {label_en} rate: its weight {weight:g} left out")
            continue
        present += weight
        zh.append(f"{label_zh}{_points(rates[name])}×{weight:g}")
        en.append(f"{label_en} {_points(rates[name])} × {weight:g}")
    text_zh = f"（{'＋'.join(zh)}）÷{present:g}"
    text_en = f"({' + '.join(en)}) ÷ {present:g}"
    if missing_zh:
        text_zh += f"（{'；'.join(missing_zh)}）"
        text_en += f" ({'; '.join(missing_en)})"
    return text_zh, text_en


def score(unit_ids: Sequence[int], year: int) -> dict[int, Part]:
    """Every unit's composite score over the local days of `year`."""
    cfg = metrics.settings()
    rows = {
        row["unit_id"]: row
        for row in metrics.figures(start=date(year, 1, 1), end=date(year, 12, 31))
    }
    parts: dict[int, Part] = {}
    for unit_id in unit_ids:
        row = rows.get(unit_id)
        dispatched = row["counts"]["dispatched"] if row else 0
        rates = row["rates"] if row else {}
        value = row["score"] if row else None
        apart = dispatched < cfg.ranking_min_tickets
        figures = {
            "dispatched": dispatched,
            **{name: rates.get(name) for name in RATES},
            "score": value,
            "figures_rank": row["rank"] if row else None,
        }
        if value is None:
            zh, en = (
                f"年内派单{dispatched}件，三率均无数据，不计分",
                (f"{dispatched} tickets dispatched in the year, no rate to score: not scored"),
            )
        else:
            formula_zh, formula_en = _formula(rates, cfg)
            zh = f"年内派单{dispatched}件；三率加权：{formula_zh} = 综合得分{value:.2f}"
            en = f"{dispatched} tickets dispatched; weighted rates {formula_en} = {value:.2f}"
            if rates.get("on_time") is not None and "on_time" not in dict(cfg.weights):
                zh += f"（按时办结率{_pct(rates['on_time'])}，不计权）"
                en += f" (on-time rate {_pct(rates['on_time'])}, not weighted)"
        if apart:
            zh = (
                f"样本不足：派单少于{cfg.ranking_min_tickets}件，热线指标不计入总分，"
                f"单位不参与排名。{zh}"
            )
            en = (
                f"Too few tickets (under {cfg.ranking_min_tickets}): the hotline figures do not "
                f"count and the unit is not ranked. {en}"
            )
        parts[unit_id] = Part(value, zh, en, figures, apart=apart)
    return parts


COMPONENT = Component(
    key=KEY,
    label="热线办理（三率综合得分）",
    label_en="Hotline handling (composite of the three rates)",
    default_weight=50,
    score=score,
)
