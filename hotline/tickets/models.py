"""The ticket, its append-only event log, pending requests and the per-day number sequence."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hotline.catalogue.models import Category
from hotline.core.dbtypes import UTCDateTime
from hotline.core.extensions import db
from hotline.core.fulltext import VECTOR
from hotline.units.models import Unit


class Status(StrEnum):
    new = "new"
    triage = "triage"
    dispatched = "dispatched"
    accepted = "accepted"
    replied = "replied"
    closed = "closed"
    rejected = "rejected"
    merged = "merged"


OPEN_STATUSES = frozenset({Status.new, Status.triage, Status.dispatched, Status.accepted})
WITH_UNIT = frozenset({Status.dispatched, Status.accepted})
FINAL_STATUSES = frozenset({Status.closed, Status.rejected, Status.merged})


class Channel(StrEnum):
    phone = "phone"
    sms = "sms"
    web = "web"
    open311 = "open311"
    api = "api"
    walk_in = "walk_in"
    # Filed by a special supervisor (特邀监督员) or a monitoring station's staff (DESIGN §11).
    supervisor = "supervisor"


class Kind(StrEnum):
    consultation = "consultation"
    help = "help"
    complaint = "complaint"
    report = "report"
    suggestion = "suggestion"


class Priority(StrEnum):
    normal = "normal"
    urgent = "urgent"


ticket_assisting_units = Table(
    "ticket_assisting_units",
    db.metadata,
    Column("ticket_id", ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("units.id"), primary_key=True),
)


class Ticket(db.Model):
    __tablename__ = "tickets"
    __table_args__ = (
        # The sweep reads only due rows: partial indexes on the deadline columns it scans.
        Index(
            "ix_tickets_sla_check_at",
            "sla_check_at",
            postgresql_where=text("sla_check_at IS NOT NULL"),
            sqlite_where=text("sla_check_at IS NOT NULL"),
        ),
        # The public feeds list only published tickets, newest first.
        Index(
            "ix_tickets_published_created",
            "created_at",
            postgresql_where=text("published_at IS NOT NULL"),
            sqlite_where=text("published_at IS NOT NULL"),
        ),
        # Replied tickets whose rating window ran out are closed as "not rated" by the sweep.
        Index(
            "ix_tickets_rating_due_replied",
            "rating_due_at",
            postgresql_where=text("status = 'replied'"),
            sqlite_where=text("status = 'replied'"),
        ),
        # A special supervisor's own filings, and a monitoring station's, newest first; the
        # figures count supervisors' filings per period. Other tickets are not in these indexes.
        Index(
            "ix_tickets_filed_by_created",
            "filed_by_id",
            "created_at",
            postgresql_where=text("filed_by_id IS NOT NULL"),
            sqlite_where=text("filed_by_id IS NOT NULL"),
        ),
        Index(
            "ix_tickets_station_created",
            "station_id",
            "created_at",
            postgresql_where=text("station_id IS NOT NULL"),
            sqlite_where=text("station_id IS NOT NULL"),
        ),
        Index(
            "ix_tickets_supervisor_created",
            "created_at",
            postgresql_where=text("channel = 'supervisor'"),
            sqlite_where=text("channel = 'supervisor'"),
        ),
        Index("ix_tickets_unit_status", "unit_id", "status"),
        Index("ix_tickets_phone_created", "complainant_phone", "created_at"),
        Index("ix_tickets_status_created", "status", "created_at"),
        # Hot spots count tickets per district × category × week of a few weeks: a range on
        # created_at that PostgreSQL answers from this index alone (an index-only scan).
        Index("ix_tickets_created_district_category", "created_at", "district", "category_id"),
        # fulltext.search_index without GIN's pending list (fastupdate): the words are written
        # by a background job, and every search would otherwise scan the list of entries not
        # yet merged (2,000 rewritten tickets made searches 1.5-2.5x slower).
        Index(
            "ix_tickets_search",
            "search_vector",
            postgresql_using="gin",
            postgresql_with={"fastupdate": "off"},
        ),
        # Tickets still without search words: the search-words job's next batch.
        Index(
            "ix_tickets_unindexed",
            "id",
            postgresql_where=text("search_tokens IS NULL"),
            sqlite_where=text("search_tokens IS NULL"),
        ),
        # The duplicate check (tickets/duplicates.py): a few index lookups per ticket, 7 days back.
        Index(
            "ix_tickets_place_key_created",
            "place_key",
            "created_at",
            postgresql_where=text("place_key IS NOT NULL"),
            sqlite_where=text("place_key IS NOT NULL"),
        ),
        Index(
            "ix_tickets_text_key_created",
            "text_key",
            "created_at",
            postgresql_where=text("text_key IS NOT NULL"),
            sqlite_where=text("text_key IS NOT NULL"),
        ),
        Index("ix_tickets_district_created", "district", "created_at"),
        Index(
            "ix_tickets_possible_duplicate_of",
            "possible_duplicate_of_id",
            postgresql_where=text("possible_duplicate_of_id IS NOT NULL"),
            sqlite_where=text("possible_duplicate_of_id IS NOT NULL"),
        ),
        Index(
            "ix_tickets_merged_into",
            "merged_into_id",
            postgresql_where=text("merged_into_id IS NOT NULL"),
            sqlite_where=text("merged_into_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(15), unique=True)
    channel: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(15))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    priority: Mapped[str] = mapped_column(String(10), default=Priority.normal)
    status: Mapped[str] = mapped_column(String(12), default=Status.new)

    complainant_phone: Mapped[str | None] = mapped_column(String(20))
    complainant_name: Mapped[str | None] = mapped_column(String(60))
    disclose_identity: Mapped[bool] = mapped_column(default=False)
    confidential: Mapped[bool] = mapped_column(default=False)
    description: Mapped[str] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(String(300))
    district: Mapped[str | None] = mapped_column(String(60))
    lat: Mapped[float | None]
    long: Mapped[float | None]
    media: Mapped[list | None] = mapped_column(JSON)
    # Open311 attribute answers and other channel-specific extras.
    extra: Mapped[dict | None] = mapped_column(JSON)
    locale: Mapped[str] = mapped_column(String(10), default="zh_CN")

    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    escalation_level: Mapped[str | None] = mapped_column(String(15))
    overdue: Mapped[bool] = mapped_column(default=False)
    rating: Mapped[int | None]
    reply_text: Mapped[str | None] = mapped_column(Text)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    # Set by the duplicate check after intake (疑似重复); cleared when staff say it is not one.
    possible_duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    # Digests the duplicate check looks up: district + normalised address, normalised text.
    place_key: Mapped[str | None] = mapped_column(String(40))
    text_key: Mapped[str | None] = mapped_column(String(40))
    reopen_count: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # Deadlines of the current window (set at dispatch, reopen, extension).
    accept_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolve_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    return_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    callback_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    rating_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the resolve window opened; the 80 % warning is measured from here.
    window_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The next instant the escalation ladder must look at this ticket (NULL: nothing pending).
    sla_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Publication on the public channels (Open311 GET, the public site; DESIGN §11): only with
    # the complainant's consent and a supervisor's approval, and then only `public_text`.
    publish_consent: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    public_text: Mapped[str | None] = mapped_column(Text)
    # Channel `supervisor`: the special supervisor who filed it (its complainant) and, for a
    # monitoring station's staff, their station then; they read it back, nobody else of theirs.
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    station_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    # The staff search's words (hotline/tickets/search.py over hotline/core/fulltext.py) and,
    # on PostgreSQL, their tsvector: written by the search-words job every 15 s, not at intake
    # nor routing (segmenting costs about half a millisecond a ticket); NULL until then. Read
    # by the search only, never loaded.
    search_tokens: Mapped[str | None] = mapped_column(Text, deferred=True)
    search_vector: Mapped[Any] = mapped_column(VECTOR, nullable=True, deferred=True)

    __mapper_args__ = {"version_id_col": version}

    category: Mapped[Category | None] = relationship(lazy="joined")
    unit: Mapped[Unit | None] = relationship(lazy="joined", foreign_keys=[unit_id])
    assisting_units: Mapped[list[Unit]] = relationship(
        secondary=ticket_assisting_units, lazy="selectin"
    )

    def __repr__(self) -> str:
        return f"<Ticket {self.number} {self.status}>"


class TicketEvent(db.Model):
    """One recorded fact about a ticket; never updated or deleted."""

    __tablename__ = "ticket_events"
    __table_args__ = (
        Index("ix_ticket_events_ticket_at", "ticket_id", "at"),
        Index("ix_ticket_events_type_at", "type", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Who acted when there is no user: system, complainant, twilio, open311 client…
    actor_label: Mapped[str | None] = mapped_column(String(60))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str | None] = mapped_column(String(12))
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict | None] = mapped_column(JSON)


class TicketRequest(db.Model):
    """A pending or decided request on a ticket: a return (退单), an extension (延期) or a
    rating appeal (差评申诉); an extension an inspector granted directly is one too, decided."""

    __tablename__ = "ticket_requests"
    __table_args__ = (
        Index("ix_ticket_requests_status_type", "status", "type"),
        # The dashboard counts a period's appeals (差评申诉) by their filing time.
        Index("ix_ticket_requests_type_requested", "type", "requested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(10))  # return | extension | appeal
    status: Mapped[str] = mapped_column(String(10), default="pending")
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    reason: Mapped[str] = mapped_column(Text)
    suggested_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    days: Mapped[int | None]
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_reason: Mapped[str | None] = mapped_column(Text)
    # Who asked: "unit" (the unit's own request, capped) or "inspector" (granted directly).
    origin: Mapped[str] = mapped_column(String(10), default="unit", server_default="unit")
    # An appeal's evidence, and the `rated` event it appeals (the figures exclude it if upheld).
    evidence: Mapped[str | None] = mapped_column(Text)
    rating_event_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_events.id"))

    ticket: Mapped[Ticket] = relationship()
    suggested_unit: Mapped[Unit | None] = relationship(foreign_keys=[suggested_unit_id])
    rating_event: Mapped[TicketEvent | None] = relationship(foreign_keys=[rating_event_id])

    @property
    def appealed_rating(self) -> int | None:
        """The rating an appeal is about (its `rated` event's)."""
        return (self.rating_event.data or {}).get("rating") if self.rating_event else None


class TicketSequence(db.Model):
    """The last number handed out on a local day, for YYYYMMDD-NNNNNN."""

    __tablename__ = "ticket_sequences"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(default=0)


class Escalation(db.Model):
    """A ladder level reached by a ticket against one deadline; at most once per level."""

    __tablename__ = "escalations"
    __table_args__ = (
        UniqueConstraint("ticket_id", "deadline", "level", name="uq_escalations_ticket_deadline"),
        Index("ix_escalations_unit_at", "unit_id", "created_at"),
        Index("ix_escalations_level_at", "level", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    level: Mapped[str] = mapped_column(String(15))
    # accept or resolve: which clock ran out.
    clock: Mapped[str] = mapped_column(String(10), default="resolve")
    deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str | None] = mapped_column(Text)

    unit: Mapped[Unit | None] = relationship(lazy="joined")
