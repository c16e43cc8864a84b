"""Incremental roll-up of the event log into per-unit, per-local-day counters (docs/FIGURES.md)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from hotline.core.clock import local_tz
from hotline.core.extensions import db
from hotline.escalations.models import InterviewCase
from hotline.metrics.models import RollupCursor, UnitDayFigures
from hotline.sla.ladder import Level
from hotline.tickets.models import TicketEvent

EVENTS_STREAM, INTERVIEWS_STREAM = 1, 2
BATCH_SIZE = 5000
# An id below the cursor not seen yet belongs to a transaction that had not committed when the
# cursor passed it; it is re-read until it shows up or this long has passed (a rollback).
GAP_TTL = timedelta(minutes=15)

COUNTERS = (
    "dispatched",
    "accepted_in_time",
    "due",
    "replied_on_time",
    "replied",
    "callbacks",
    "callbacks_resolved",
    "rated",
    "rating_1",
    "rating_2",
    "rating_3",
    "rating_4",
    "rating_5",
    "closed_unrated",
    "returns",
    "reopens",
    "overdue",
    "escalations",
    "interviews",
)
SANCTION_LEVELS = frozenset({Level.OVERDUE, Level.SUPERVISION, Level.INTERVIEW})

Key = tuple[int, date]


@dataclass(frozen=True)
class EventFact:
    """The part of a ticket event the figures read."""

    id: int
    type: str
    at: datetime
    unit_id: int | None
    data: dict | None


def counters_for(event: EventFact) -> Counter:
    """What one event adds to its unit's counters on its local day (see docs/FIGURES.md)."""
    data = event.data or {}
    out: Counter = Counter()
    t = event.type
    if t in ("dispatched", "redispatched"):
        out["dispatched"] += 1
    elif t == "accepted":
        if data.get("in_time"):
            out["accepted_in_time"] += 1
    elif t == "replied":
        out["replied"] += 1
        if not data.get("was_overdue"):
            out["due"] += 1  # an overdue window was counted as due at its 催办 already
        if data.get("on_time"):
            out["replied_on_time"] += 1
    elif t == "escalated":
        level = data.get("level")
        if level == "overdue":
            out["overdue"] += 1
            out["due"] += 1
        if level in SANCTION_LEVELS:
            out["escalations"] += 1
    elif t == "callback":
        if data.get("reached"):
            out["callbacks"] += 1
            if data.get("resolved"):
                out["callbacks_resolved"] += 1
    elif t == "rated":
        rating = data.get("rating")
        if isinstance(rating, int) and 1 <= rating <= 5:
            out["rated"] += 1
            out[f"rating_{rating}"] += 1
    elif t == "closed":
        if data.get("rated") is False:
            out["closed_unrated"] += 1
    elif t == "return_requested":
        out["returns"] += 1
    elif t == "reopened":
        out["reopens"] += 1
    elif t == "appeal_upheld":
        # An upheld appeal (差评申诉) takes its rating back out, where counted_where says.
        rating = data.get("rating")
        if isinstance(rating, int) and 1 <= rating <= 5:
            out["rated"] -= 1
            out[f"rating_{rating}"] -= 1
    return out


def counted_where(event: EventFact) -> tuple[int | None, datetime]:
    """The unit and instant an event counts for: its own, except an upheld appeal's, which
    counts for the appealed rating's unit and time, so the rating leaves the very day row (and
    period) it was added to. A malformed one counts nowhere."""
    if event.type != "appeal_upheld":
        return event.unit_id, event.at
    data = event.data or {}
    try:
        return int(data["rated_unit"]), datetime.fromisoformat(data["rated_at"])
    except (KeyError, TypeError, ValueError):
        return None, event.at


def figures_from_events(
    events: Iterable[EventFact], tz: ZoneInfo, interviews: Iterable[tuple[int, datetime]] = ()
) -> dict[Key, Counter]:
    """From-scratch figures: every event's counters summed by (unit, local day)."""
    totals: dict[Key, Counter] = defaultdict(Counter)
    for event in events:
        unit_id, at = counted_where(event)
        if unit_id is None:
            continue
        counts = counters_for(event)
        if counts:
            totals[(unit_id, at.astimezone(tz).date())].update(counts)
    for unit_id, opened_at in interviews:
        totals[(unit_id, opened_at.astimezone(tz).date())]["interviews"] += 1
    # Subtractions can cancel additions out: keep what is not zero (negative counts included).
    nonzero = {k: Counter({n: c for n, c in v.items() if c}) for k, v in totals.items()}
    return {k: v for k, v in nonzero.items() if v}


def _cursor(stream: int) -> RollupCursor:
    cursor = db.session.scalar(
        select(RollupCursor).where(RollupCursor.id == stream).with_for_update()
    )
    if cursor is None:
        cursor = RollupCursor(id=stream, last_event_id=0, gaps={})
        db.session.add(cursor)
        db.session.flush()
    return cursor


def _add(totals: dict[Key, Counter], now: datetime) -> None:
    """Add counters into unit_day_figures with one upsert per (unit, day)."""
    if not totals:
        return
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    for (unit_id, day), counts in sorted(totals.items()):
        values = {name: int(counts.get(name, 0)) for name in COUNTERS}
        stmt = insert(UnitDayFigures).values(unit_id=unit_id, day=day, updated_at=now, **values)
        table = UnitDayFigures.__table__
        stmt = stmt.on_conflict_do_update(
            index_elements=[UnitDayFigures.unit_id, UnitDayFigures.day],
            set_={name: table.c[name] + stmt.excluded[name] for name in COUNTERS if values[name]}
            | {"updated_at": stmt.excluded.updated_at},
        )
        db.session.execute(stmt)


def _event_facts(query: Select) -> list[EventFact]:
    return [EventFact(*row) for row in db.session.execute(query)]


def _advance(cursor: RollupCursor, seen: list[int], now: datetime) -> None:
    """Move the cursor past `seen` ids, remembering the holes as gaps with a first-seen time."""
    gaps = dict(cursor.gaps or {})
    if seen:
        present = set(seen)
        # A fresh cursor starts at the first id it sees, not at 1: no gap list of old ids.
        low = cursor.last_event_id + 1 if cursor.last_event_id else min(seen)
        for missing in range(low, max(seen)):
            if missing not in present:
                gaps.setdefault(str(missing), now.isoformat())
        cursor.last_event_id = max(cursor.last_event_id, max(seen))
    cursor.gaps = {k: v for k, v in gaps.items() if now - datetime.fromisoformat(v) < GAP_TTL}
    cursor.updated_at = now


def _roll_events(*, now: datetime, limit: int, tz: ZoneInfo) -> int:
    cursor = _cursor(EVENTS_STREAM)
    cols = (TicketEvent.id, TicketEvent.type, TicketEvent.at, TicketEvent.unit_id, TicketEvent.data)
    facts: list[EventFact] = []
    gap_ids = [int(k) for k in (cursor.gaps or {})]
    if gap_ids:
        found = _event_facts(select(*cols).where(TicketEvent.id.in_(gap_ids)))
        facts += found
        cursor.gaps = {k: v for k, v in cursor.gaps.items() if int(k) not in {f.id for f in found}}
    fresh = _event_facts(
        select(*cols)
        .where(TicketEvent.id > cursor.last_event_id)
        .order_by(TicketEvent.id)
        .limit(limit)
    )
    facts += fresh
    _add(figures_from_events(facts, tz), now)
    _advance(cursor, [f.id for f in fresh], now)
    return len(fresh)


def _roll_interviews(*, now: datetime, limit: int, tz: ZoneInfo) -> int:
    cursor = _cursor(INTERVIEWS_STREAM)
    cols = (InterviewCase.id, InterviewCase.unit_id, InterviewCase.opened_at)
    rows = []
    gap_ids = [int(k) for k in (cursor.gaps or {})]
    if gap_ids:
        found = db.session.execute(select(*cols).where(InterviewCase.id.in_(gap_ids))).all()
        rows += found
        ids = {r.id for r in found}
        cursor.gaps = {k: v for k, v in cursor.gaps.items() if int(k) not in ids}
    fresh = db.session.execute(
        select(*cols)
        .where(InterviewCase.id > cursor.last_event_id)
        .order_by(InterviewCase.id)
        .limit(limit)
    ).all()
    rows += fresh
    _add(figures_from_events((), tz, [(r.unit_id, r.opened_at) for r in rows]), now)
    _advance(cursor, [r.id for r in fresh], now)
    return len(fresh)


def roll_up(*, now: datetime, limit: int = BATCH_SIZE) -> int:
    """Fold one batch of new events and interview cases into the day rows; 0 when caught up."""
    tz = local_tz()
    count = _roll_events(now=now, limit=limit, tz=tz)
    count += _roll_interviews(now=now, limit=limit, tz=tz)
    db.session.flush()
    return count


def rebuild(*, now: datetime) -> None:
    """Drop the day rows and cursors; the next roll-ups recompute everything from the log."""
    db.session.execute(delete(UnitDayFigures))
    db.session.execute(delete(RollupCursor))
    db.session.flush()
