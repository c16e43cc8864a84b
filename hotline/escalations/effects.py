"""What reaching a ladder level does: the event, the interview case, the record, and the
notices to send once the ladder is done (who hears what: hotline/escalations/notices.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hotline.core import bulk
from hotline.core.actor import Actor
from hotline.core.clock import format_local, local_tz
from hotline.core.extensions import db
from hotline.escalations import answers, case_notices, notices, record, triggers
from hotline.escalations.models import CreditRecord, EscalationAnswer, PendingLadderNotice
from hotline.sla.deadlines import working_days_overdue
from hotline.sla.ladder import Level, TicketClock, overdue_from
from hotline.sla.service import get_calendar
from hotline.tickets.events import record_event
from hotline.tickets.models import TicketEvent
from hotline.units.models import Unit

SWEEP = Actor.system("sla-sweep")
LEVEL_NAMES = {"warning": "预警", "overdue": "催办", "supervision": "督办", "interview": "约谈"}


@dataclass
class Writes:
    """The rows a batch's levels add: events, pending notices, credit-record entries, awaited
    督办 answers.

    Plain dicts written with one INSERT per table (bulk.insert_rows): ORM objects for tens of
    thousands of append-only rows nobody reads back in this transaction cost more than the
    INSERTs themselves. Rows keep the order they were added in, so ids grow in the order the
    ORM's flush gave them.
    """

    events: list[dict[str, Any]] = field(default_factory=list)
    pending: list[dict[str, Any]] = field(default_factory=list)
    credits: list[dict[str, Any]] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)
    # Tickets that joined an open interview case: told once the batch is done, one notice per
    # case from NOTICE_DIGEST_MIN on (case_notices.tickets_added).
    joined: list[dict[str, Any]] = field(default_factory=list)
    # Every 督办 of a batch is reached at the batch's `now`: one due for all their answers.
    answer_due: dict[datetime, datetime] = field(default_factory=dict)

    def answer_due_after(self, reached_at: datetime) -> datetime:
        """When the answers to the 督办 reached at `reached_at` are due (computed once)."""
        if reached_at not in self.answer_due:
            self.answer_due[reached_at] = answers.due_after(reached_at)
        return self.answer_due[reached_at]

    def write(self) -> None:
        """INSERT what has piled up, in the caller's transaction, and start over."""
        for table, rows in (
            (TicketEvent.__table__, self.events),
            (PendingLadderNotice.__table__, self.pending),
            (CreditRecord.__table__, self.credits),
            (EscalationAnswer.__table__, self.answers),
        ):
            bulk.insert_rows(table, rows)
            rows.clear()

    def tell_joined(self, now: datetime) -> None:
        """Write the notices of the tickets that joined open cases in this batch."""
        if self.joined:
            case_notices.tickets_added(self.joined, now=now)
            self.joined.clear()


def which_clock(clock: TicketClock) -> str:
    start = overdue_from(clock)
    if start is not None and clock.accepted_at is None and start == clock.accept_due_at:
        return "accept"
    return "resolve"


def apply(
    *,
    level: Level,
    esc_id: int,
    row,
    unit: Unit | None,
    clock: TicketClock,
    now: datetime,
    writes: Writes,
) -> None:
    """The event, pending notices and credit entry of one level this sweep recorded."""
    cal, tz = get_calendar(), local_tz()
    start = overdue_from(clock)
    days = working_days_overdue(start, now, cal, tz) if start and start < now else 0
    which = "resolve" if level == Level.WARNING else which_clock(clock)
    due_text = format_local(row.resolve_due_at)
    record_event(
        row,
        "escalated",
        SWEEP,
        now=now,
        from_status=row.status,
        to_status=row.status,
        data={
            "level": level.value,
            "clock": which,
            "deadline": row.resolve_due_at.isoformat(),
            "escalation": esc_id,
            "overdue_working_days": days,
        },
        batch=writes.events,
    )
    if unit is None:
        return
    # The notices wait until the ladder is done, so a unit with many tickets at this level gets
    # one digest (notices.send_pending).
    writes.pending.append(
        notices.pending_row(
            escalation_id=esc_id,
            unit_id=unit.id,
            level=level.value,
            ticket_id=row.id,
            number=row.number,
            due=row.resolve_due_at,
            overdue_days=days,
        )
    )
    if level == Level.SUPERVISION:
        writes.answers.append(
            answers.awaited_row(
                escalation_id=esc_id,
                unit_id=unit.id,
                ticket_id=row.id,
                due_at=writes.answer_due_after(now),
            )
        )
    if level == Level.INTERVIEW:
        # The case lookup must see cases opened earlier in this batch, and the case's credit
        # entry must land before this level's: write what piled up, then flush the ORM side.
        writes.write()
        db.session.flush()
        triggers.open_for_ticket(
            unit_id=unit.id,
            ticket_id=row.id,
            number=row.number,
            escalation_id=esc_id,
            now=now,
            joined=writes.joined,
        )
        db.session.flush()
    writes.credits.append(
        record.entry(
            unit_id=unit.id,
            type_="escalation",
            summary=f"工单{row.number}{LEVEL_NAMES[level.value]}（期限{due_text}）",
            now=now,
            ticket_id=row.id,
            escalation_id=esc_id,
            data={"level": level.value, "clock": which},
        )
    )
