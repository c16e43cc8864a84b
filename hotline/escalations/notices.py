"""Who hears about the ladder and the interview cases, and how (DESIGN §4, §11).

ROUTES is the ladder's table: each level's in-app audience and the unit's number its SMS goes
to. The sweep's batches leave one PendingLadderNotice per level reached, in the escalation's own
transaction; when the ladder is done, `send_pending` turns them into notices and SMS: one per
ticket, or, when a unit has NOTICE_DIGEST_MIN or more tickets at one level, one digest SMS and
one digest notice for the unit and level instead of one per ticket. Each pending row is
deleted in the transaction that writes its notices, so a sweep run again sends nothing twice and
one that died halfway sends what it left on the next run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from typing import Any

from flask import current_app
from sqlalchemy import delete, select

from hotline.core import bulk
from hotline.core.actor import Role
from hotline.core.clock import format_local
from hotline.core.extensions import db
from hotline.core.queue import wake_after_commit
from hotline.escalations.models import EscalationAnswer, InterviewCase, PendingLadderNotice
from hotline.notify import inbox
from hotline.notify.inbox import Audience
from hotline.notify.models import OutboxMessage
from hotline.notify.service import sms_row
from hotline.notify.texts import number_list
from hotline.sla.ladder import RANK
from hotline.units.models import Unit

# A sweep's pending notices are taken this many at a time (one transaction each). A unit's
# tickets at one level split across two takes only past this many pending at once.
CHUNK = 5000


@dataclass(frozen=True)
class Route:
    """Who hears of a level: the unit role that reads the notice, and the Unit attribute
    holding the number its SMS goes to (None: in-app only)."""

    inapp: str
    sms: str | None


ROUTES: dict[str, Route] = {
    "warning": Route(inapp=Role.unit_agent, sms=None),
    "overdue": Route(inapp=Role.unit_agent, sms="duty_phone"),
    "supervision": Route(inapp=Role.unit_head, sms="head_phone"),
    "interview": Route(inapp=Role.unit_head, sms="head_phone"),
}


def pending_row(
    *,
    escalation_id: int,
    unit_id: int,
    level: str,
    ticket_id: int,
    number: str,
    due: datetime | None,
    overdue_days: int,
) -> dict[str, Any]:
    """One level's notices to send once the ladder is done, as plain column values."""
    return {
        "escalation_id": escalation_id,
        "unit_id": unit_id,
        "level": level,
        "ticket_id": ticket_id,
        "number": number,
        "due": due,
        "overdue_days": overdue_days,
    }


def digest_min() -> int:
    """From this many tickets of one unit at one level in one sweep, a digest is sent."""
    return int(current_app.config["NOTICE_DIGEST_MIN"])


@dataclass
class _Out:
    """The rows one take writes: SMS and notices, one INSERT each."""

    sms: list[dict[str, Any]]
    notices: list[dict[str, Any]]


def _answer_dues(rows: list[Any]) -> dict[int, str]:
    """When the head's written answer to each 督办 among `rows` is due, as the texts say it:
    one query for the take (the sweep wrote the answer rows beside the pending ones)."""
    ids = [r.escalation_id for r in rows if r.level == "supervision"]
    if not ids:
        return {}
    found = db.session.execute(
        select(EscalationAnswer.escalation_id, EscalationAnswer.due_at).where(
            bulk.among(EscalationAnswer.escalation_id, ids)
        )
    ).all()
    # A sweep's 督办 share one due: each distinct instant is formatted once.
    texts = {due: format_local(due) for due in {due for _, due in found}}
    return {escalation_id: texts[due] for escalation_id, due in found}


def _single(unit: Unit, row: Any, now: datetime, out: _Out, answer_dues: dict[int, str]) -> None:
    """One ticket's notice, and its SMS when the level has one and the unit a number."""
    route = ROUTES[row.level]
    due = format_local(row.due) if row.due else ""
    key = f"escalation:{row.escalation_id}"
    facts: dict[str, Any] = (
        {"number": row.number, "due": due}
        if row.level in ("warning", "overdue")
        else {"number": row.number, "days": row.overdue_days}
    )
    if row.level == "supervision":
        facts["answer_due"] = answer_dues.get(row.escalation_id, "")
    phone = getattr(unit, route.sms) if route.sms else None
    if phone:
        if row.level == "overdue":
            params: dict[str, Any] = facts
        elif row.level == "supervision":
            params = {"unit": unit.name, **facts}
        else:
            reason = f"工单{row.number}超期{row.overdue_days}个工作日未办结"
            params = {"unit": unit.name, "reason": reason}
        out.sms.append(
            sms_row(
                to=phone,
                template=row.level,
                ticket_id=row.ticket_id,
                unit_id=unit.id,
                dedupe_key=f"{key}:sms",
                now=now,
                **params,
            )
        )
    out.notices.append(
        inbox.notice_row(
            audience=Audience.unit(unit.id, route.inapp),
            template=row.level,
            now=now,
            ticket_id=row.ticket_id,
            escalation_id=row.escalation_id,
            dedupe_key=f"{key}:inapp",
            **facts,
        )
    )


def _digest(
    unit: Unit,
    level: str,
    rows: list[Any],
    now: datetime,
    out: _Out,
    answer_dues: dict[int, str],
) -> None:
    """One SMS and one notice for many tickets of the unit at `level`."""
    route = ROUTES[level]
    numbers = [r.number for r in rows]
    dues = [r.due for r in rows if r.due is not None]
    days = min(r.overdue_days for r in rows)
    # The earliest answer due of the group ("YYYY-MM-DD HH:MM" sorts as it reads).
    answer = min(
        (answer_dues[r.escalation_id] for r in rows if r.escalation_id in answer_dues), default=""
    )
    extra: dict[str, Any] = {"answer_due": answer} if level == "supervision" else {}
    # The first escalation of the group names it: each escalation is in one group only once.
    key = f"digest:{rows[0].escalation_id}"
    phone = getattr(unit, route.sms) if route.sms else None
    if phone:
        out.sms.append(
            sms_row(
                to=phone,
                template=f"digest_{level}",
                unit_id=unit.id,
                dedupe_key=f"{key}:sms",
                now=now,
                unit=unit.name,
                count=len(rows),
                days=days,
                **number_list(numbers),
                **extra,
            )
        )
    out.notices.append(
        inbox.notice_row(
            audience=Audience.unit(unit.id, route.inapp),
            template=f"digest_{level}",
            now=now,
            dedupe_key=f"{key}:inapp",
            count=len(rows),
            due=format_local(min(dues)) if dues else "",
            days=days,
            numbers=numbers,
            **extra,
        )
    )


def _unit_level(row: Any) -> tuple[int, str]:
    return row.unit_id, row.level


def send_pending(*, now: datetime, limit: int = CHUNK) -> tuple[int, int]:
    """Write the notices of up to `limit` pending levels, grouped by unit and level, and drop
    them from the pending table; returns (levels taken, digests sent). Fewer than `limit`
    taken: none left but what a concurrent sweep holds (and sends)."""
    # Taken and deleted in one statement (the DELETE locks them; a concurrent sweep skips
    # them), as plain rows: a take is thousands of rows nobody changes. The notices below are
    # written in the same transaction, so a rollback puts the rows back.
    pending = PendingLadderNotice.__table__
    taken = (
        select(pending.c.escalation_id)
        .order_by(pending.c.unit_id, pending.c.level, pending.c.escalation_id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows = db.session.execute(
        delete(pending).where(pending.c.escalation_id.in_(taken)).returning(*pending.c)
    ).all()
    rows.sort(key=lambda r: (r.unit_id, r.level, r.escalation_id))
    if not rows:
        return 0, 0
    units = {
        u.id: u
        for u in db.session.scalars(select(Unit).where(Unit.id.in_({r.unit_id for r in rows})))
    }
    out = _Out(sms=[], notices=[])
    answer_dues = _answer_dues(rows)
    digests = 0
    threshold = digest_min()
    groups = [(key, list(grouped)) for key, grouped in groupby(rows, key=_unit_level)]
    # Lower levels first, so a ticket that climbed several at once lists its highest on top.
    groups.sort(key=lambda g: (RANK.get(g[0][1], 0), g[0][0]))
    for (unit_id, level), group in groups:
        unit = units.get(unit_id)
        if unit is None or level not in ROUTES:
            continue
        if len(group) >= threshold:
            _digest(unit, level, group, now, out, answer_dues)
            digests += 1
        else:
            for row in group:
                _single(unit, row, now, out, answer_dues)
    bulk.insert_rows(OutboxMessage.__table__, out.sms)
    if out.sms:
        wake_after_commit("outbox")
    inbox.insert_rows(out.notices)
    return len(rows), digests


def case_opened(
    case: InterviewCase, *, unit_name: str, reason: str, now: datetime, tell_head: bool
) -> None:
    """A new interview case: inspectors schedule it; a head the ladder has not told already
    (a unit rule opened it) hears of it in-app beside the SMS."""
    inbox.post(
        audience=Audience.role(Role.inspector),
        template="interview_opened",
        now=now,
        interview_id=case.id,
        dedupe_key=f"interview:{case.id}:opened:inspectors",
        unit=unit_name,
        reason=reason,
        case=case.id,
    )
    if tell_head:
        inbox.post(
            audience=Audience.unit(case.unit_id, Role.unit_head),
            template="interview_opened_head",
            now=now,
            interview_id=case.id,
            dedupe_key=f"interview:{case.id}:opened:head",
            reason=reason,
        )
