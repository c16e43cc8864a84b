"""Ticket numbers, YYYYMMDD-NNNNNN on the local date of receipt.

PostgreSQL hands them out from one sequence per day (migration 0004, `hotline_ticket_number`):
a sequence takes no lock, so concurrent intakes do not queue behind each other's COMMIT. A
number whose transaction rolls back is never used again; every such number is logged here. A
statement that fails after drawing its number (a Twilio retry racing the first delivery of the
same text past the key check, `insert.py`) leaves a gap too; `deliveries.once` logs the key.
SQLite uses the per-day counter row in the same transaction (gapless; SQLite serialises writers
anyway).
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime

from sqlalchemy import ColumnElement, Date, bindparam, event, func, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from hotline.core.clock import to_local
from hotline.core.extensions import db
from hotline.tickets.models import TicketSequence

log = logging.getLogger(__name__)

SEQUENCE_PREFIX = "ticket_numbers_"
_DRAWN = "hotline_numbers_drawn"


def local_day(now: datetime) -> date:
    """The day a ticket received at `now` is numbered on."""
    return to_local(now).date()


def sql_number(day: ColumnElement[date]) -> ColumnElement[str]:
    """PostgreSQL: the SQL that draws the next number of `day` (for use inside an INSERT)."""
    return func.hotline_ticket_number(day)


def next_number(now: datetime) -> str:
    """SQLite: the next number of the day `now` falls on, from the counter row (PostgreSQL draws
    its numbers inside the ticket's INSERT, `sql_number`)."""
    day = local_day(now)
    seq = db.session.connection().execute(_COUNT, {"day": day}).scalar_one()
    return f"{day:%Y%m%d}-{seq:06d}"


def drawn(number: str) -> None:
    """Note a number drawn from a PostgreSQL sequence in this session: logged if it rolls back."""
    db.session().info.setdefault(_DRAWN, []).append(number)


_COUNT = (
    sqlite_insert(TicketSequence)
    .values(day=bindparam("day", type_=Date), last=1)
    .on_conflict_do_update(
        index_elements=[TicketSequence.day], set_={"last": TicketSequence.last + 1}
    )
    .returning(TicketSequence.last)
)


@event.listens_for(Session, "after_commit")
def _numbers_used(session: Session) -> None:
    session.info.pop(_DRAWN, None)


@event.listens_for(Session, "after_rollback")
def _numbers_skipped(session: Session) -> None:
    for number in session.info.pop(_DRAWN, None) or ():
        log.warning("ticket number %s was not used: its transaction rolled back", number)


def drop_sequences_before(day: date) -> list[str]:
    """Drop the PostgreSQL sequences of days before `day` (a late ticket for such a day gets a
    fresh sequence that starts after that day's highest number). Returns the dropped names."""
    session = db.session()
    if session.get_bind().dialect.name != "postgresql":
        return []
    names = session.scalars(
        text(
            "SELECT relname FROM pg_class WHERE relkind = 'S' AND relname LIKE :pattern"
        ).bindparams(pattern=SEQUENCE_PREFIX.replace("_", r"\_") + "%")
    ).all()
    cutoff = f"{SEQUENCE_PREFIX}{day:%Y%m%d}"
    dropped = [n for n in names if re.fullmatch(SEQUENCE_PREFIX + r"\d{8}", n) and n < cutoff]
    for name in dropped:
        session.execute(text(f'DROP SEQUENCE IF EXISTS "{name}"'))
    return dropped
