"""Webhook deliveries (for idempotent Twilio retries) and missed-call callback tasks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hotline.dbtypes import UTCDateTime
from hotline.extensions import db


class WebhookDelivery(db.Model):
    """A Twilio webhook already handled, keyed by its Sid, with the answer we gave."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    # "sms:SMxxx", "voice-speech:CAxxx", "recording:RExxx" — unique so a retry is a no-op.
    key: Mapped[str] = mapped_column(String(120), unique=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    response: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CallbackTask(db.Model):
    """A missed call (漏接回拨) an operator must call back."""

    __tablename__ = "callback_tasks"
    __table_args__ = (Index("ix_callback_tasks_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20))
    call_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | done
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
