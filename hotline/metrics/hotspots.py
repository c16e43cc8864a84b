"""Hot spots (热点): tickets per district × category × local ISO week, each cell measured
against its own trailing 8-week average (DESIGN §11 "Classify and find").

A cell is a spike when count ≥ max(HOTSPOT_MIN_COUNT, HOTSPOT_SPIKE_FACTOR × average), the
average being the mean of the 8 weeks before it (weeks without tickets count as 0, so a new
problem spikes against 0). Cells are ranked by how anomalous they are: (count − average) /
√(average + 1), a Poisson-like z-score, so 30 against 2 outranks 300 against 250.

Every ticket filed in a week counts (merged duplicates too: 30 people complaining about one
building site is the signal). One set-based query per call: GROUP BY district, category and a
week bucket computed from the local Monday boundaries, over the index on (created_at,
district, category_id), so PostgreSQL answers it from the index alone.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, and_, case, func, or_, select

from hotline.catalogue import service as catalogue
from hotline.catalogue.models import Category
from hotline.core.clock import local_tz, to_local, utcnow
from hotline.core.errors import ValidationFailed
from hotline.core.extensions import db
from hotline.tickets.models import Ticket

BASELINE_WEEKS = 8
DEFAULT_WEEKS = BASELINE_WEEKS + 1  # the last 8 full weeks and the current one
MAX_WEEKS = 53
# Drill-down lists stop here: a cell of thousands is read through the search instead.
CELL_TICKETS_MAX = 200
TOP_ADDRESSES = 5
# 道路名: the street part of a Chinese address ("幸福路12号工地" → "幸福路"), to group house
# numbers and sites of one street together.
STREET = re.compile(r"^(.*?(?:大道|大街|胡同|路|街|道|巷|弄|里))")


@dataclass(frozen=True)
class Settings:
    spike_factor: float
    min_count: int


def settings() -> Settings:
    cfg = current_app.config
    return Settings(
        spike_factor=float(cfg["HOTSPOT_SPIKE_FACTOR"]), min_count=int(cfg["HOTSPOT_MIN_COUNT"])
    )


@dataclass
class Series:
    """One district × category over the shown weeks (counts[i] is weeks[i]'s)."""

    district: str | None
    category_id: int | None
    category_code: str | None = None
    category_name: str | None = None
    counts: list[int] = field(default_factory=list)
    averages: list[float] = field(default_factory=list)
    spikes: list[bool] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def score(self) -> float:
        return max(self.scores, default=0.0)

    @property
    def spiking(self) -> bool:
        return any(self.spikes)


@dataclass
class Hotspots:
    weeks: list[date]  # the Monday (local) of each shown week, oldest first
    series: list[Series]
    settings: Settings


def week_start(day: date) -> date:
    """The Monday of the ISO week holding `day`."""
    return day - timedelta(days=day.weekday())


def week_label(monday: date) -> str:
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(value: str | None, name: str = "week") -> date:
    """A week given as its ISO label (2026-W49) or any day in it (2026-12-02) → its Monday."""
    text = (value or "").strip()
    try:
        if re.fullmatch(r"\d{4}-W\d{2}", text):
            return date.fromisocalendar(int(text[:4]), int(text[6:]), 1)
        return week_start(date.fromisoformat(text))
    except ValueError:
        raise ValidationFailed(
            f"{name} must be a week such as 2026-W49 or a day such as 2026-12-02",
            fields={name: ["not a week"]},
        ) from None


def default_weeks() -> tuple[date, date]:
    """(first Monday, last Monday) of the default view: 8 full weeks and the current one."""
    this = week_start(to_local(utcnow()).date())
    return this - timedelta(weeks=DEFAULT_WEEKS - 1), this


def parse_filters(args: Any) -> dict[str, Any]:
    """Query args from/to (a week or a day in it), district, category (a code) → compute()'s
    keywords; a bad value is a ValidationFailed naming its field."""
    first, last = default_weeks()
    if args.get("from"):
        first = parse_week(args.get("from"), "from")
    if args.get("to"):
        last = parse_week(args.get("to"), "to")
    code = (args.get("category") or "").strip()
    category = catalogue.get_by_code(code[:40], field="category") if code else None
    district = (args.get("district") or "").strip()[:60] or None
    return {
        "first": first,
        "last": last,
        "district": district,
        "category_id": category.id if category else None,
    }


def check_span(first: date, last: date) -> list[date]:
    if last < first:
        raise ValidationFailed("to is before from", fields={"to": ["before from"]})
    count = (last - first).days // 7 + 1
    if count > MAX_WEEKS:
        raise ValidationFailed(
            f"at most {MAX_WEEKS} weeks at a time", fields={"from": ["range too long"]}
        )
    return [first + timedelta(weeks=i) for i in range(count)]


def _instant(monday: date) -> datetime:
    """A local Monday 00:00 as a UTC instant (local midnight, whatever the offset that day)."""
    return datetime.combine(monday, time.min, local_tz()).astimezone(UTC)


def _bucket(mondays: list[date]) -> ColumnElement[int]:
    """The index of the week a ticket falls in, from the local week boundaries: portable
    (PostgreSQL and SQLite) and right across offset changes, unlike arithmetic on epochs."""
    bounds = [_instant(m + timedelta(weeks=1)) for m in mondays]
    return case(*[(Ticket.created_at < b, i) for i, b in enumerate(bounds)], else_=len(bounds))


def _filters(district: str | None, category_id: int | None) -> list[ColumnElement[bool]]:
    out = []
    if district:
        out.append(Ticket.district == district)
    if category_id is not None:
        out.append(Ticket.category_id == category_id)
    return out


def compute(
    *,
    first: date,
    last: date,
    district: str | None = None,
    category_id: int | None = None,
) -> Hotspots:
    """The series of the weeks first..last (Mondays), most anomalous first; a series with no
    ticket in the shown weeks is left out."""
    shown = check_span(first, last)
    counted = [first - timedelta(weeks=BASELINE_WEEKS - i) for i in range(BASELINE_WEEKS)]
    counted += shown
    bucket = _bucket(counted).label("week")
    stmt = (
        select(Ticket.district, Ticket.category_id, bucket, func.count())
        .where(
            Ticket.created_at >= _instant(counted[0]),
            Ticket.created_at < _instant(counted[-1] + timedelta(weeks=1)),
            *_filters(district, category_id),
        )
        .group_by(Ticket.district, Ticket.category_id, bucket)
    )
    grid: dict[tuple[str | None, int | None], list[int]] = defaultdict(lambda: [0] * len(counted))
    for where, cat, week, count in db.session.execute(stmt):
        grid[(where, cat)][week] = count
    cfg = settings()
    series = []
    for (where, cat), counts in grid.items():
        if not any(counts[BASELINE_WEEKS:]):
            continue
        row = Series(district=where, category_id=cat)
        for i in range(BASELINE_WEEKS, len(counted)):
            count = counts[i]
            average = sum(counts[i - BASELINE_WEEKS : i]) / BASELINE_WEEKS
            row.counts.append(count)
            row.averages.append(round(average, 2))
            row.spikes.append(count >= max(cfg.min_count, cfg.spike_factor * average))
            row.scores.append(round((count - average) / math.sqrt(average + 1), 2))
        series.append(row)
    _name_categories(series)
    series.sort(key=lambda s: (not s.spiking, -s.score, -s.total, s.district or ""))
    return Hotspots(weeks=shown, series=series, settings=cfg)


def _name_categories(series: list[Series]) -> None:
    ids = {s.category_id for s in series if s.category_id is not None}
    if not ids:
        return
    names = {
        c.id: (c.code, c.name)
        for c in db.session.scalars(select(Category).where(Category.id.in_(ids)))
    }
    for s in series:
        if s.category_id in names:
            s.category_code, s.category_name = names[s.category_id]


def _cell_where(
    district: str | None, category_id: int | None, monday: date
) -> list[ColumnElement[bool]]:
    """One cell: a district and category (None = not given on the ticket) and a week."""
    return [
        Ticket.created_at >= _instant(monday),
        Ticket.created_at < _instant(monday + timedelta(weeks=1)),
        Ticket.district.is_(None) if district is None else Ticket.district == district,
        Ticket.category_id.is_(None) if category_id is None else Ticket.category_id == category_id,
    ]


def cell_tickets(*, district: str | None, category_id: int | None, monday: date) -> list[Ticket]:
    """The tickets of one cell, newest first (at most CELL_TICKETS_MAX)."""
    stmt = (
        select(Ticket)
        .where(*_cell_where(district, category_id, monday))
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .limit(CELL_TICKETS_MAX)
    )
    return list(db.session.scalars(stmt))


def street_of(address: str) -> str:
    """The street an address names, or the address itself when no street is recognised."""
    text = address.strip()
    match = STREET.match(text)
    return match.group(1) if match else text


def top_places(
    *, district: str | None, category_id: int | None, monday: date
) -> dict[str, list[tuple[str, int]]]:
    """Where a cell's tickets come from: {"addresses": [(address, n)], "streets": [(street,
    n)]}, the most frequent first: "one street, 30 complaints about the same site"."""
    return places_of_cells([(district, category_id)], monday=monday)[(district, category_id)]


def places_of_cells(
    keys: list[tuple[str | None, int | None]], *, monday: date
) -> dict[tuple[str | None, int | None], dict[str, list[tuple[str, int]]]]:
    """top_places() of several district × category cells of one week in one query: one range
    scan of the week on the index, however many cells the page shows."""
    pairs = [
        and_(
            Ticket.district.is_(None) if where is None else Ticket.district == where,
            Ticket.category_id.is_(None) if cat is None else Ticket.category_id == cat,
        )
        for where, cat in keys
    ]
    stmt = (
        select(Ticket.district, Ticket.category_id, Ticket.address, func.count())
        .where(
            Ticket.created_at >= _instant(monday),
            Ticket.created_at < _instant(monday + timedelta(weeks=1)),
            Ticket.address.is_not(None),
            or_(*pairs),
        )
        .group_by(Ticket.district, Ticket.category_id, Ticket.address)
    )
    addresses: dict[tuple, Counter[str]] = {key: Counter() for key in keys}
    streets: dict[tuple, Counter[str]] = {key: Counter() for key in keys}
    for where, cat, address, count in db.session.execute(stmt):
        text = (address or "").strip()
        if text and (where, cat) in addresses:
            addresses[(where, cat)][text] += count
            streets[(where, cat)][street_of(text)] += count
    return {
        key: {
            "addresses": addresses[key].most_common(TOP_ADDRESSES),
            "streets": streets[key].most_common(TOP_ADDRESSES),
        }
        for key in keys
    }
