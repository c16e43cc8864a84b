"""The in-app inbox: notices posted to an audience, read per user.

An audience is a key: one user (`user:7`), a unit's agents or its head (`unit:3:unit_agent`,
`unit:3:unit_head`) or a hotline role (`role:supervisor`). A reader's keys are their user key
and the one of their role (and unit), so a notice to a unit's five agents is one row, and the
unread count is one query over `ix_notices_audience_id`. Who gets which notice is decided above
notify: the ladder (hotline/escalations/notices.py), the ticket requests
(hotline/tickets/notices.py), the interview cases and 督办 answers
(hotline/escalations/case_notices.py) and failed deliveries.

A notice that asks for an act (a request to decide, a case to schedule) is posted under a dedupe
key; whoever does the act resolves it (`resolve`), for every reader at once: it then shows who
did it and how, and counts as read, so four other supervisors are not left with a request one
of them already decided.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from hotline.core import bulk
from hotline.core.actor import UNIT_ROLES, Actor, Role
from hotline.core.clock import utcnow
from hotline.core.errors import NotFound
from hotline.core.extensions import db
from hotline.notify.models import Notice, NoticeCursor, NoticeRead

# The badge shows "99+" past this: the count never reads more rows than this many.
BADGE_CAP = 100


@dataclass(frozen=True)
class Audience:
    """Who a notice is for, as the key stored on it."""

    key: str

    @classmethod
    def user(cls, user_id: int) -> Audience:
        return cls(f"user:{user_id}")

    @classmethod
    def unit(cls, unit_id: int, role: str) -> Audience:
        """The unit's agents or its head (a unit role)."""
        if role not in UNIT_ROLES:
            raise ValueError(f"{role} is not a unit role")
        return cls(f"unit:{unit_id}:{role}")

    @classmethod
    def role(cls, role: str) -> Audience:
        """Everyone with a hotline-wide role (supervisors, inspectors…); never a unit role,
        which would reach every unit."""
        if role in UNIT_ROLES or role not in set(Role):
            raise ValueError(f"{role} is not a hotline-wide role")
        return cls(f"role:{role}")


def audience_keys(actor: Actor) -> list[str]:
    """The audience keys whose notices `actor` reads: their own and their role's."""
    if actor.user_id is None or not actor.role:
        return []
    keys = [Audience.user(actor.user_id).key]
    if actor.role in UNIT_ROLES:
        if actor.unit_id is not None:
            keys.append(Audience.unit(actor.unit_id, actor.role).key)
    else:
        keys.append(Audience.role(actor.role).key)
    return keys


def notice_row(
    *,
    audience: Audience,
    template: str,
    now: datetime,
    ticket_id: int | None = None,
    escalation_id: int | None = None,
    interview_id: int | None = None,
    dedupe_key: str | None = None,
    **params: Any,
) -> dict[str, Any]:
    """One notice as plain column values (the sweep inserts a batch of them at once)."""
    return {
        "audience": audience.key,
        "template": template,
        "params": params,
        "ticket_id": ticket_id,
        "escalation_id": escalation_id,
        "interview_id": interview_id,
        "dedupe_key": dedupe_key,
        "created_at": now,
    }


def insert_rows(rows: list[dict[str, Any]]) -> None:
    """INSERT notices built by notice_row, in the caller's transaction, one statement."""
    bulk.insert_rows(Notice.__table__, rows)


def _insert_ignoring_duplicates(table: Any, values: dict[str, Any], keys: list[str]) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True when the row was new."""
    dialect = db.session.get_bind().dialect.name
    make = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = make(table).values(**values).on_conflict_do_nothing(index_elements=keys)
    # RETURNING, not rowcount: drivers report -1 for an INSERT that returns its key otherwise.
    return db.session.execute(stmt.returning(table.c[keys[0]])).first() is not None


def post(
    *,
    audience: Audience,
    template: str,
    now: datetime | None = None,
    ticket_id: int | None = None,
    escalation_id: int | None = None,
    interview_id: int | None = None,
    dedupe_key: str | None = None,
    **params: Any,
) -> bool:
    """Post one notice in the caller's transaction; False when `dedupe_key` was posted before
    (a repeated cause, even one racing this transaction, posts nothing)."""
    row = notice_row(
        audience=audience,
        template=template,
        now=now or utcnow(),
        ticket_id=ticket_id,
        escalation_id=escalation_id,
        interview_id=interview_id,
        dedupe_key=dedupe_key,
        **params,
    )
    if dedupe_key is None:
        db.session.execute(insert(Notice), [row])
        return True
    return _insert_ignoring_duplicates(Notice.__table__, row, ["dedupe_key"])


def resolve(
    *,
    dedupe_keys: Iterable[str],
    by_id: int | None,
    by_name: str | None,
    resolution: str,
    now: datetime,
) -> int:
    """Resolve, for every reader, the notices posted under these keys: someone (`by_id`,
    named `by_name`) did what they asked (`resolution`: approved, denied, done). A notice
    keeps its first resolution. Returns how many were resolved now; one UPDATE through the
    dedupe key's unique index."""
    keys = list(dedupe_keys)
    if not keys:
        return 0
    result = db.session.execute(
        update(Notice)
        .where(Notice.dedupe_key.in_(keys), Notice.resolved_at.is_(None))
        .values(
            resolved_at=now,
            resolved_by_id=by_id,
            resolved_by=(by_name or "")[:60] or None,
            resolution=resolution,
        )
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount or 0


# ---- reading ------------------------------------------------------------------------------


def _read_upto(user_id: int) -> ColumnElement[int]:
    return func.coalesce(
        select(NoticeCursor.read_upto).where(NoticeCursor.user_id == user_id).scalar_subquery(),
        0,
    )


# A resolved notice is read for everyone: what it asked for is done, whoever did it.
def _is_read(user_id: int) -> ColumnElement[bool]:
    marked = exists().where(NoticeRead.user_id == user_id, NoticeRead.notice_id == Notice.id)
    return or_(Notice.id <= _read_upto(user_id), marked, Notice.resolved_at.is_not(None))


def _unread(user_id: int) -> ColumnElement[bool]:
    marked = exists().where(NoticeRead.user_id == user_id, NoticeRead.notice_id == Notice.id)
    return and_(Notice.id > _read_upto(user_id), ~marked, Notice.resolved_at.is_(None))


def for_reader(actor: Actor, *, unread: bool = False) -> Select:
    """(Notice, read) rows addressed to `actor`, newest first; only unread ones if asked."""
    keys = audience_keys(actor)
    user_id = actor.user_id or 0
    stmt = (
        select(Notice, _is_read(user_id).label("read"))
        .where(Notice.audience.in_(keys))
        .order_by(Notice.id.desc())
    )
    return stmt.where(_unread(user_id)) if unread else stmt


def unread_count(actor: Actor, *, cap: int = BADGE_CAP) -> int:
    """How many notices `actor` has not read, counted up to `cap`: one query, whose index
    range starts at the reader's last "mark all read"."""
    keys = audience_keys(actor)
    if not keys:
        return 0
    ids = (
        select(Notice.id)
        .where(Notice.audience.in_(keys), _unread(actor.user_id or 0))
        .limit(cap)
        .subquery()
    )
    return db.session.scalar(select(func.count()).select_from(ids)) or 0


def get(*, actor: Actor, notice_id: int) -> Notice:
    """One notice addressed to `actor`; 404 for any other (it is not theirs to know of)."""
    if not 0 < notice_id < 2**31:
        raise NotFound(f"no notice {notice_id}")
    notice = db.session.scalar(
        select(Notice).where(Notice.id == notice_id, Notice.audience.in_(audience_keys(actor)))
    )
    if notice is None:
        raise NotFound(f"no notice {notice_id}")
    return notice


def is_read(*, actor: Actor, notice: Notice) -> bool:
    return bool(
        db.session.scalar(select(_is_read(actor.user_id or 0)).where(Notice.id == notice.id))
    )


def mark_read(*, actor: Actor, notice_id: int, now: datetime | None = None) -> Notice:
    """Mark one of the actor's notices read (again: nothing changes)."""
    notice = get(actor=actor, notice_id=notice_id)
    _insert_ignoring_duplicates(
        NoticeRead.__table__,
        {"user_id": actor.user_id, "notice_id": notice.id, "at": now or utcnow()},
        ["user_id", "notice_id"],
    )
    return notice


def mark_all_read(*, actor: Actor, now: datetime | None = None) -> int:
    """Mark every notice the actor has now read: their cursor moves to the newest one, and the
    single read marks it covers are dropped. Returns the cursor."""
    keys = audience_keys(actor)
    newest = db.session.scalar(select(func.max(Notice.id)).where(Notice.audience.in_(keys)))
    if not newest or actor.user_id is None:
        return 0
    now = now or utcnow()
    cursor = db.session.get(NoticeCursor, actor.user_id, with_for_update=True)
    if cursor is None and not _insert_ignoring_duplicates(
        NoticeCursor.__table__,
        {"user_id": actor.user_id, "read_upto": newest, "at": now},
        ["user_id"],
    ):  # a concurrent "mark all read" made the row first: move that one
        cursor = db.session.get(NoticeCursor, actor.user_id, with_for_update=True)
    if cursor is not None and cursor.read_upto < newest:
        cursor.read_upto, cursor.at = newest, now
    db.session.execute(
        delete(NoticeRead).where(
            NoticeRead.user_id == actor.user_id, NoticeRead.notice_id <= newest
        )
    )
    db.session.flush()
    return newest
