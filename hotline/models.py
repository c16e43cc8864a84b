"""Imports every model so metadata is complete for Alembic and create_all."""

from hotline.audit.models import AuditEntry
from hotline.auth.models import ApiKey, SupervisorAppointment, User
from hotline.calls.models import CallbackTask
from hotline.catalogue.models import Category, RoutingRule
from hotline.core.models import IdempotencyKey
from hotline.escalations.models import (
    CreditRecord,
    EscalationAnswer,
    InterviewCase,
    InterviewReason,
    PendingLadderNotice,
)
from hotline.metrics.models import RollupCursor, UnitDayFigures
from hotline.notify.models import Notice, NoticeCursor, NoticeRead, OutboxMessage, SmsOptOut
from hotline.sla.models import CalendarDay, SlaPolicy
from hotline.tickets.models import Escalation, Ticket, TicketEvent, TicketRequest, TicketSequence
from hotline.units.models import Unit

__all__ = [
    "ApiKey",
    "AuditEntry",
    "CalendarDay",
    "CallbackTask",
    "Category",
    "CreditRecord",
    "Escalation",
    "EscalationAnswer",
    "IdempotencyKey",
    "InterviewCase",
    "InterviewReason",
    "Notice",
    "NoticeCursor",
    "NoticeRead",
    "OutboxMessage",
    "PendingLadderNotice",
    "RollupCursor",
    "RoutingRule",
    "SlaPolicy",
    "SmsOptOut",
    "SupervisorAppointment",
    "Ticket",
    "TicketEvent",
    "TicketRequest",
    "TicketSequence",
    "Unit",
    "UnitDayFigures",
    "User",
]
