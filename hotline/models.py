"""Imports every model so metadata is complete for Alembic and create_all."""

from hotline.api.models import IdempotencyKey
from hotline.audit.models import AuditEntry
from hotline.auth.models import ApiKey, User
from hotline.catalogue.models import Category, RoutingRule
from hotline.escalations.models import CreditRecord, Escalation, InterviewCase
from hotline.intake.models import CallbackTask
from hotline.metrics.models import RollupCursor, UnitDayFigures
from hotline.notify.models import OutboxMessage, SmsOptOut
from hotline.sla.models import CalendarDay, SlaPolicy
from hotline.tickets.models import Ticket, TicketEvent, TicketRequest, TicketSequence
from hotline.units.models import Unit

__all__ = [
    "ApiKey",
    "AuditEntry",
    "CalendarDay",
    "CallbackTask",
    "Category",
    "CreditRecord",
    "Escalation",
    "IdempotencyKey",
    "InterviewCase",
    "OutboxMessage",
    "RollupCursor",
    "RoutingRule",
    "SlaPolicy",
    "SmsOptOut",
    "Ticket",
    "TicketEvent",
    "TicketRequest",
    "TicketSequence",
    "Unit",
    "UnitDayFigures",
    "User",
]
