"""Special supervisors' filings (监督员反映) per unit and period, counted apart (DESIGN §11).

Their tickets are handled like any other, so they also count in the unit's rates as every
ticket does; this count only shows how many of the period's tickets came from special
supervisors and monitoring stations, and how many of them have been answered.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from hotline.core.clock import local_tz
from hotline.core.extensions import db
from hotline.tickets.models import Channel, Status, Ticket

ANSWERED = frozenset({Status.replied, Status.closed})


def empty() -> dict[str, int]:
    """No filings: `filed` (tickets filed in the period) and `answered` (of those, replied or
    closed by now)."""
    return {"filed": 0, "answered": 0}


def filing_counts(
    *, start: date, end: date, label: Callable[[date], str]
) -> dict[tuple[int, str], dict[str, int]]:
    """{(unit id, period label): {"filed", "answered"}} for the tickets special supervisors
    filed on the local days [start, end], by the unit now responsible for each (one not yet
    dispatched counts nowhere until it is); `label` names the period of a local day.

    Read from the tickets through the partial index on channel `supervisor` (created_at): such
    tickets are a small share of all, so they are read as rows and bucketed here."""
    tz = local_tz()
    low = datetime.combine(start, time.min, tz).astimezone(UTC)
    high = datetime.combine(end + timedelta(days=1), time.min, tz).astimezone(UTC)
    rows = db.session.execute(
        select(Ticket.unit_id, Ticket.created_at, Ticket.status).where(
            Ticket.channel == Channel.supervisor,
            Ticket.created_at >= low,
            Ticket.created_at < high,
            Ticket.unit_id.is_not(None),
        )
    )
    out: dict[tuple[int, str], dict[str, int]] = defaultdict(empty)
    for unit_id, at, status in rows:
        counts = out[(unit_id, label(at.astimezone(tz).date()))]
        counts["filed"] += 1
        counts["answered"] += status in ANSWERED
    return dict(out)
