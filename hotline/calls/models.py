"""Phone calls beyond intake: every call offered to the hotline, the operators' presence, the
recordings Twilio made, and the missed calls (漏接回拨) operators must call back."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hotline.core.dbtypes import UTCDateTime
from hotline.core.extensions import db


class CallbackTask(db.Model):
    """A missed call (漏接回拨) an operator must call back."""

    __tablename__ = "callback_tasks"
    __table_args__ = (Index("ix_callback_tasks_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20))
    call_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | done | closed
    # Why the call was missed: closed (out of hours) | abandoned | timeout | no_caller_id | speech.
    reason: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class CallbackAttempt(db.Model):
    """One try at calling a missed caller back: reached or not, and what was said."""

    __tablename__ = "callback_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(
        ForeignKey("callback_tasks.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reached: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(Text)
    # The softphone leg that made the attempt, when it was made from the console.
    call_sid: Mapped[str | None] = mapped_column(String(64))


class CallRecord(db.Model):
    """One inbound call as Twilio reported it: offered, queued, answered by an operator or
    abandoned. The hotline service figures are counted from these rows."""

    __tablename__ = "call_records"
    __table_args__ = (Index("ix_call_records_offered_at", "offered_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), unique=True)
    from_phone: Mapped[str | None] = mapped_column(String(20))
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # waiting | answered | abandoned (hung up in the queue) | timeout (left after the maximum
    # wait) | closed (out of hours) | failed
    outcome: Mapped[str] = mapped_column(String(12), default="waiting")
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    wait_seconds: Mapped[int | None] = mapped_column(Integer)
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    operator_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # The operator's softphone leg that took the caller (DequeuingCallSid): the console finds
    # its caller by it (screen-pop).
    operator_call_sid: Mapped[str | None] = mapped_column(String(64), index=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))


class OperatorPresence(db.Model):
    """An operator's state on the softphone: ready (can take the next caller), busy (on a
    call), away."""

    __tablename__ = "operator_presence"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[str] = mapped_column(String(8), default="away")  # ready | busy | away
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    call_sid: Mapped[str | None] = mapped_column(String(64))


class CallRecording(db.Model):
    """A recording Twilio made of a call. Its URL is fetched only by the server (the staff
    proxy streams it); it never reaches a browser, the API or Open311."""

    __tablename__ = "call_recordings"

    id: Mapped[int] = mapped_column(primary_key=True)
    recording_sid: Mapped[str] = mapped_column(String(64), unique=True)
    call_sid: Mapped[str] = mapped_column(String(64), index=True)
    url: Mapped[str] = mapped_column(Text)
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id", ondelete="SET NULL"), index=True
    )
    callback_task_id: Mapped[int | None] = mapped_column(
        ForeignKey("callback_tasks.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
