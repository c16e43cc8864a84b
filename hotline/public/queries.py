"""What the public site reads: last full month's ranking, a unit's twelve months, the data-as-of
time and the unit a URL names. Figures come from the metrics service (hotline/metrics), the very
rates, scores and ranks the inspectors' dashboard shows; nothing here reads a ticket."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from hotline.core.clock import to_local, utcnow
from hotline.core.extensions import db
from hotline.metrics import service as metrics
from hotline.metrics.models import RollupCursor
from hotline.units.models import Unit

# The rates the public sees, in the dashboard's order: 响应率, 按时办结率, 解决率, 满意率.
RATES = ("response", "on_time", "resolution", "satisfaction")
TREND_MONTHS = 12
MAX_CODE = 40  # units.code is a String(40): a longer path value names no unit


def _pct(ratio: float | None) -> float | None:
    return None if ratio is None else round(100.0 * ratio, 1)


@dataclass
class UnitFigures:
    """One unit's figures over a period, rates in %."""

    code: str
    name: str
    name_en: str | None
    dispatched: int = 0
    rates: dict[str, float | None] = field(default_factory=lambda: dict.fromkeys(RATES))
    score: float | None = None
    rank: int | None = None
    out_of: int = 0  # units ranked in the period
    eligible: bool = False  # enough tickets (RANKING_MIN_TICKETS) to take part in the ranking


@dataclass
class Ranking:
    """A month's ranking as the public page shows it."""

    month: str  # YYYY-MM
    start: date
    end: date
    ranked: list[UnitFigures]  # eligible units, best first (a unit without a score last)
    apart: list[UnitFigures]  # below the minimum volume: listed, never ranked
    min_tickets: int
    weights: dict[str, float]
    as_of: datetime | None


def last_full_month(now: datetime | None = None) -> tuple[date, date]:
    """The first and last local day of the last month that has ended."""
    today = to_local(now or utcnow()).date()
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def min_tickets() -> int:
    """RANKING_MIN_TICKETS: below it a unit is listed apart, not ranked."""
    return metrics.settings().ranking_min_tickets


def as_of() -> datetime | None:
    """When the figures were last rolled up from the event log (None: never yet)."""
    return db.session.scalar(select(func.max(RollupCursor.updated_at)))


def _unit_figures(unit: Unit, row: dict | None, idle_eligible: bool) -> UnitFigures:
    if row is None:  # no activity in the period
        return UnitFigures(unit.code, unit.name, unit.name_en, eligible=idle_eligible)
    return UnitFigures(
        unit.code,
        unit.name,
        unit.name_en,
        dispatched=row["counts"]["dispatched"],
        rates={name: _pct(row["rates"][name]) for name in RATES},
        score=None if row["score"] is None else round(row["score"], 1),
        rank=row["rank"],
        out_of=row["ranked"],
        eligible=row["eligible"],
    )


def active_units() -> list[Unit]:
    return list(db.session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.code)))


def ranking(*, now: datetime | None = None) -> Ranking:
    """Every active unit's figures for the last full month: ranked ones, then those apart."""
    start, end = last_full_month(now)
    cfg = metrics.settings()
    rows = {r["unit"]["code"]: r for r in metrics.figures(start=start, end=end)}
    idle = cfg.ranking_min_tickets == 0  # no tickets is enough then
    everyone = [_unit_figures(u, rows.get(u.code), idle) for u in active_units()]
    everyone.sort(key=lambda f: (f.rank is None, f.rank or 0, -f.dispatched, f.code))
    return Ranking(
        month=f"{start.year:04d}-{start.month:02d}",
        start=start,
        end=end,
        ranked=[f for f in everyone if f.eligible],
        apart=[f for f in everyone if not f.eligible],
        min_tickets=cfg.ranking_min_tickets,
        weights=dict(cfg.weights),
        as_of=as_of(),
    )


def find_unit(code: str) -> Unit | None:
    """The active unit a public URL names; None for anything else (never an error)."""
    if not code or len(code) > MAX_CODE or any(ch < " " or ch == "\x7f" for ch in code):
        return None
    return db.session.scalar(select(Unit).where(Unit.code == code, Unit.active.is_(True)))


@dataclass
class MonthFigures:
    """One month of a unit's trend."""

    month: str  # YYYY-MM
    figures: UnitFigures


def trend(unit: Unit, *, now: datetime | None = None) -> list[MonthFigures]:
    """The unit's last TREND_MONTHS full months, oldest first; a month without activity has no
    rates. Each month's rank is the unit's place in that month's ranking."""
    _, end = last_full_month(now)
    first = end.replace(day=1)
    for _ in range(TREND_MONTHS - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    rows = {
        r["period"]: r
        for r in metrics.figures(start=first, end=end, unit_id=unit.id, period="month")
    }
    idle = metrics.settings().ranking_min_tickets == 0
    out = []
    month = first
    while month <= end:
        label = f"{month.year:04d}-{month.month:02d}"
        out.append(MonthFigures(label, _unit_figures(unit, rows.get(label), idle)))
        month = (month + timedelta(days=32)).replace(day=1)
    return out
