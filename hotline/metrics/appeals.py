"""Rating appeals (差评申诉) per unit and period: those filed in it, by where they stand now."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from hotline.core.clock import local_tz
from hotline.core.extensions import db
from hotline.tickets.models import TicketRequest

# A request's status, as an appeal's outcome reads.
OUTCOMES = {"pending": "pending", "approved": "upheld", "denied": "denied"}


def empty() -> dict[str, int]:
    """No appeals: every outcome at zero."""
    return dict.fromkeys(("pending", "upheld", "denied"), 0)


def appeal_counts(
    *, start: date, end: date, label: Callable[[date], str]
) -> dict[tuple[int, str], dict[str, int]]:
    """{(unit id, period label): {"pending", "upheld", "denied"}} for appeals filed on the
    local days [start, end]; `label` names the period of a local day. Appeals are few (one per
    bad rating at most), so they are read as rows and bucketed here."""
    tz = local_tz()
    low = datetime.combine(start, time.min, tz).astimezone(UTC)
    high = datetime.combine(end + timedelta(days=1), time.min, tz).astimezone(UTC)
    rows = db.session.execute(
        select(TicketRequest.unit_id, TicketRequest.requested_at, TicketRequest.status).where(
            TicketRequest.type == "appeal",
            TicketRequest.requested_at >= low,
            TicketRequest.requested_at < high,
        )
    )
    out: dict[tuple[int, str], dict[str, int]] = defaultdict(empty)
    for unit_id, at, status in rows:
        out[(unit_id, label(at.astimezone(tz).date()))][OUTCOMES.get(status, status)] += 1
    return dict(out)
