"""The figures (考核) of DESIGN §7: sums of day rows, rates, composite score and ranking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import extract, func, select

from hotline.core.errors import ValidationFailed
from hotline.core.extensions import db
from hotline.core.settings import satisfied_min
from hotline.metrics import appeals, supervised
from hotline.metrics.models import UnitDayFigures
from hotline.metrics.rollup import COUNTERS
from hotline.units.models import Unit

PERIODS = ("day", "month", "year")
MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class Settings:
    """How counters become rates (app config FIGURES_*)."""

    satisfied_min: int
    unrated_as_satisfied: bool
    weights: tuple[tuple[str, float], ...]
    # Units with fewer tickets (dispatched in the period) are listed apart, never ranked.
    ranking_min_tickets: int = 0


def settings() -> Settings:
    """The figures settings from app config, with the DESIGN defaults."""
    cfg = current_app.config
    return Settings(
        satisfied_min=satisfied_min(),
        unrated_as_satisfied=bool(cfg["FIGURES_UNRATED_AS_SATISFIED"]),
        weights=tuple((k, float(v)) for k, v in cfg["FIGURES_WEIGHTS"].items()),
        ranking_min_tickets=int(cfg["RANKING_MIN_TICKETS"]),
    )


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def rates(counts: dict[str, int], cfg: Settings) -> dict[str, float | None]:
    """The named rates of one unit and period; None where the denominator is zero."""
    satisfied = sum(counts.get(f"rating_{k}", 0) for k in range(cfg.satisfied_min, 6))
    rated = counts.get("rated", 0)
    if cfg.unrated_as_satisfied:
        satisfied += counts.get("closed_unrated", 0)
        rated += counts.get("closed_unrated", 0)
    return {
        "response": _ratio(counts.get("accepted_in_time", 0), counts.get("dispatched", 0)),
        "on_time": _ratio(counts.get("replied_on_time", 0), counts.get("due", 0)),
        "resolution": _ratio(counts.get("callbacks_resolved", 0), counts.get("callbacks", 0)),
        "satisfaction": _ratio(satisfied, rated),
        "return": _ratio(counts.get("returns", 0), counts.get("dispatched", 0)),
        "reopen": _ratio(counts.get("reopens", 0), counts.get("replied", 0)),
    }


def score(unit_rates: dict[str, float | None], cfg: Settings) -> float | None:
    """Weighted mean of the weighted rates on a 0–100 scale, over the rates that exist."""
    parts = [(w, unit_rates.get(name)) for name, w in cfg.weights]
    present = [(w, r) for w, r in parts if r is not None and w > 0]
    total = sum(w for w, _ in present)
    if not total:
        return None
    return round(100 * sum(w * r for w, r in present) / total, 2)


def _bucket_columns(period: str | None) -> list:
    if period == "day":
        return [UnitDayFigures.day]
    if period == "month":
        return [extract("year", UnitDayFigures.day), extract("month", UnitDayFigures.day)]
    if period == "year":
        return [extract("year", UnitDayFigures.day)]
    return []


def _label(period: str | None, parts: tuple, start: date, end: date) -> str:
    if period == "day":
        return parts[0].isoformat() if isinstance(parts[0], date) else str(parts[0])
    if period == "month":
        return f"{int(parts[0]):04d}-{int(parts[1]):02d}"
    if period == "year":
        return f"{int(parts[0]):04d}"
    return f"{start.isoformat()}/{end.isoformat()}"


def _day_label(period: str | None, day: date, start: date, end: date) -> str:
    """The label of the period a local day falls in (as `_label` names the day rows' buckets)."""
    parts = {"day": (day,), "month": (day.year, day.month), "year": (day.year,)}
    return _label(period, parts.get(period or "", ()), start, end)


def figures(
    *, start: date, end: date, unit_id: int | None = None, period: str | None = None
) -> list[dict]:
    """Counters, rates, score and rank per unit and period over [start, end] (local days).

    Every unit is ranked among all units of the same period with enough tickets
    (RANKING_MIN_TICKETS); `unit_id` only filters the output. Each row carries the period's
    rating appeals (filed in it) by outcome, and the special supervisors' filings (监督员反映),
    counted apart.
    """
    if end < start:
        raise ValidationFailed("to is before from", fields={"to": ["before from"]})
    if (end - start).days > MAX_DAYS:
        raise ValidationFailed("at most 3 years at once", fields={"from": ["range too long"]})
    if period is not None and period not in PERIODS:
        raise ValidationFailed("unknown period", fields={"period": [f"one of {PERIODS}"]})
    cfg = settings()
    buckets = _bucket_columns(period)
    sums = [func.coalesce(func.sum(getattr(UnitDayFigures, c)), 0) for c in COUNTERS]
    query = (
        select(UnitDayFigures.unit_id, *buckets, *sums)
        .where(UnitDayFigures.day >= start, UnitDayFigures.day <= end)
        .group_by(UnitDayFigures.unit_id, *buckets)
    )
    rows = db.session.execute(query).all()
    filed = appeals.appeal_counts(
        start=start, end=end, label=lambda day: _day_label(period, day, start, end)
    )
    reported = supervised.filing_counts(
        start=start, end=end, label=lambda day: _day_label(period, day, start, end)
    )
    counted = {
        (row[0], _label(period, tuple(row[1 : 1 + len(buckets)]), start, end)): {
            c: int(v) for c, v in zip(COUNTERS, row[1 + len(buckets) :], strict=True)
        }
        for row in rows
    }
    # A unit with appeals or supervisors' filings in a period without other activity still
    # shows them.
    for key in (filed.keys() | reported.keys()) - counted.keys():
        counted[key] = dict.fromkeys(COUNTERS, 0)
    unit_ids = {unit_id for unit_id, _ in counted}
    units = (
        {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids)))}
        if unit_ids
        else {}
    )
    out: list[dict] = []
    for (row_unit, label), counts in counted.items():
        unit_rates = rates(counts, cfg)
        unit = units[row_unit]
        out.append(
            {
                "period": label,
                "unit_id": unit.id,
                "unit": {"code": unit.code, "name": unit.name},
                "counts": counts,
                "rates": unit_rates,
                "score": score(unit_rates, cfg),
                "appeals": filed.get((row_unit, label), appeals.empty()),
                "supervisor_reports": reported.get((row_unit, label), supervised.empty()),
            }
        )
    _rank(out, cfg.ranking_min_tickets)
    out.sort(key=lambda r: (r["period"], r["rank"] is None, r["rank"] or 0, r["unit"]["code"]))
    if unit_id is not None:
        out = [r for r in out if r["unit_id"] == unit_id]
    return out


def _rank(rows: list[dict], min_tickets: int) -> None:
    """Competition ranking (1, 2, 2, 4) by score within each period; no score, no rank.

    Only units with at least `min_tickets` dispatched in the period take part (`eligible`):
    a rate over two tickets says little, and must not send a unit to a 末位 interview.
    """
    by_period: dict[str, list[dict]] = {}
    for row in rows:
        row["eligible"] = row["counts"]["dispatched"] >= min_tickets
        by_period.setdefault(row["period"], []).append(row)
    for group in by_period.values():
        scored = sorted(
            (r for r in group if r["eligible"] and r["score"] is not None),
            key=lambda r: -r["score"],
        )
        for i, row in enumerate(scored):
            same = i > 0 and scored[i - 1]["score"] == row["score"]
            row["rank"] = scored[i - 1]["rank"] if same else i + 1
        for row in group:
            row.setdefault("rank", None)
            row["ranked"] = len(scored)
