"""The notification outbox (SMS), written in the same transaction as its cause, and the in-app
notices with their per-user read marks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from hotline.core.dbtypes import UTCDateTime
from hotline.core.extensions import db


class OutboxMessage(db.Model):
    __tablename__ = "outbox"
    __table_args__ = (
        Index(
            "ix_outbox_pending",
            "next_attempt_at",
            postgresql_where=text("status IN ('pending', 'retry')"),
            sqlite_where=text("status IN ('pending', 'retry')"),
        ),
        # The periodic check for sends interrupted mid-way reads only these
        # (hotline/notify/jobs.py).
        Index(
            "ix_outbox_sending",
            "next_attempt_at",
            postgresql_where=text("status = 'sending'"),
            sqlite_where=text("status = 'sending'"),
        ),
        # The admin status page lists the latest messages that did not arrive, newest first.
        Index(
            "ix_outbox_undelivered",
            "id",
            postgresql_where=text("status IN ('failed', 'undelivered')"),
            sqlite_where=text("status IN ('failed', 'undelivered')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # sms; "inapp" only on rows written before in-app notices got their own table (Notice)
    channel: Mapped[str] = mapped_column(String(10), default="sms")
    to: Mapped[str | None] = mapped_column(String(40))
    # In-app notices go to a unit's staff or a user.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    template: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)
    # Makes a notification for one cause unique (e.g. "escalation:42:sms:head").
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    # pending, retry, sending, sent, delivered, undelivered, failed, read; review: a send was
    # interrupted (maybe delivered), never resent automatically (hotline/notify/jobs.py)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    provider_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SmsOptOut(db.Model):
    """A phone number that answered TD/STOP: no more notifications to it."""

    __tablename__ = "sms_opt_outs"

    phone: Mapped[str] = mapped_column(String(20), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class Notice(db.Model):
    """An in-app notice to an audience: one user, a unit's agents, a unit's head or a hotline
    role ("user:7", "unit:3:unit_agent", "unit:3:unit_head", "role:inspector").

    A notice to a unit with five agents is one row; each reader's mark is a NoticeRead. The
    text is a template and its parameters (hotline/notify/notice_texts.py), shown in the
    reader's language. Who gets what is decided above notify (the ladder, the transitions).
    """

    __tablename__ = "notices"
    # A reader's list and unread count: `audience IN (their keys) AND id > their cursor`.
    __table_args__ = (Index("ix_notices_audience_id", "audience", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audience: Mapped[str] = mapped_column(String(40))
    template: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict | None] = mapped_column(JSON)
    # What the notice is about, for its links (numbers travel in params). Not foreign keys: a
    # notice is a message that may outlive what it names (its link then finds nothing), and the
    # sweep writes thousands at once, where each key would cost a check per row.
    ticket_id: Mapped[int | None]
    escalation_id: Mapped[int | None]
    interview_id: Mapped[int | None]
    # One notice per cause (e.g. "delivery-failed:42"): a repeated cause posts nothing.
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # A notice that asked for something done (a request to decide, a case to schedule) is
    # resolved once someone did it: for every reader it then shows who and how (approved,
    # denied, done) and counts as read, so the others are not left with work already done.
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Their name as it was then, as a message keeps its sender's (notify reads no users).
    resolved_by: Mapped[str | None] = mapped_column(String(60))
    resolution: Mapped[str | None] = mapped_column(String(20))


class NoticeRead(db.Model):
    """One reader marked one notice read (notices at or below their NoticeCursor need none)."""

    __tablename__ = "notice_reads"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    notice_id: Mapped[int] = mapped_column(
        ForeignKey("notices.id", ondelete="CASCADE"), primary_key=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class NoticeCursor(db.Model):
    """A reader's "mark all read": every notice up to `read_upto` is read for them.

    One row per user instead of a read mark per notice, so the unread count only ever looks at
    notices newer than the reader's last "mark all read".
    """

    __tablename__ = "notice_cursors"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    read_upto: Mapped[int] = mapped_column(default=0)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
