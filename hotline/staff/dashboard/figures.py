"""The dashboard's view of the figures: hotline/metrics/service.py rows shaped for tables/charts.

Rates come from the metrics service (ratios 0–1) and are shown as percentages; units with no
activity in the period are listed too, unranked, and so are units under RANKING_MIN_TICKETS,
apart from the ranking ("样本不足，不参与排名").
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, func, select

from hotline.core.clock import utcnow
from hotline.core.extensions import db
from hotline.metrics import appeals, supervised
from hotline.metrics import service as metrics
from hotline.metrics.rollup import COUNTERS
from hotline.tickets.models import Status, Ticket
from hotline.units.models import Unit, UnitKind


def _pct(ratio: float | None) -> float | None:
    return None if ratio is None else round(100.0 * ratio, 1)


@dataclass
class UnitFigures:
    """One unit's counters, rates (in %) and rank over a period."""

    code: str
    name: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTERS, 0))
    rates: dict[str, float | None] = field(default_factory=dict)
    composite: float | None = None
    rank: int | None = None
    eligible: bool = False  # enough tickets to take part in the ranking
    appeals: dict[str, int] = field(default_factory=appeals.empty)
    # 监督员反映: special supervisors' filings now with this unit (counted apart).
    supervisor_reports: dict[str, int] = field(default_factory=supervised.empty)

    @property
    def response(self) -> float | None:
        return _pct(self.rates.get("response"))

    @property
    def on_time(self) -> float | None:
        return _pct(self.rates.get("on_time"))

    @property
    def resolution(self) -> float | None:
        return _pct(self.rates.get("resolution"))

    @property
    def satisfaction(self) -> float | None:
        return _pct(self.rates.get("satisfaction"))


def period_figures(*, start: date, end: date) -> list[UnitFigures]:
    """Every active unit's figures for [start, end] (local days): ranked units first, then the
    units with enough tickets but no score, then those below the minimum volume. Monitoring
    stations take no tickets: they are not listed."""
    rows = {r["unit"]["code"]: r for r in metrics.figures(start=start, end=end)}
    idle = metrics.settings().ranking_min_tickets == 0  # no tickets is enough then
    out = []
    responsible = select(Unit).where(Unit.active.is_(True), Unit.kind == UnitKind.responsible)
    for unit in db.session.scalars(responsible.order_by(Unit.code)):
        row = rows.get(unit.code)
        if row is None:
            out.append(UnitFigures(unit.code, unit.name, eligible=idle))
            continue
        score = row["score"]
        out.append(
            UnitFigures(
                unit.code,
                unit.name,
                counts=row["counts"],
                rates=row["rates"],
                composite=None if score is None else round(score, 1),
                rank=row["rank"],
                eligible=row["eligible"],
                appeals=row["appeals"],
                supervisor_reports=row["supervisor_reports"],
            )
        )
    out.sort(key=lambda f: (not f.eligible, f.rank is None, f.rank or 0, f.code))
    return out


def month_bounds(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return first, nxt - timedelta(days=1)


def monthly_trend(*, end: date, months: int = 6) -> list[dict]:
    """The whole hotline's four rates (in %) per month for the `months` months up to `end`."""
    year, month = end.year, end.month
    keys = []
    for _ in range(months):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    keys.reverse()
    start = date(int(keys[0][:4]), int(keys[0][5:]), 1)
    totals: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    for row in metrics.figures(start=start, end=end, period="month"):
        bucket = totals[row["period"]]
        for name, value in row["counts"].items():
            bucket[name] = bucket.get(name, 0) + value
    cfg = metrics.settings()
    trend = []
    for key in keys:
        rates = metrics.rates(totals[key], cfg)
        trend.append(
            {
                "month": key,
                **{
                    k: _pct(rates[k]) for k in ("response", "on_time", "resolution", "satisfaction")
                },
            }
        )
    return trend


def overdue_clause(now: datetime) -> ColumnElement[bool]:
    """Open with a unit and past a deadline: flagged by the sweep, or past due right now."""
    return Ticket.status.in_([Status.dispatched, Status.accepted]) & (
        Ticket.overdue.is_(True)
        | (Ticket.resolve_due_at < now)
        | ((Ticket.status == Status.dispatched) & (Ticket.accept_due_at < now))
    )


def overdue_by_unit() -> list[tuple[str, int]]:
    """Open overdue tickets per unit, now (live, from the tickets)."""
    rows = db.session.execute(
        select(Unit.name, func.count(Ticket.id))
        .join(Ticket, Ticket.unit_id == Unit.id)
        .where(overdue_clause(utcnow()))
        .group_by(Unit.name)
        .order_by(func.count(Ticket.id).desc())
    ).all()
    return [(name, count) for name, count in rows]
