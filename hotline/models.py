"""Imports every model so metadata is complete for Alembic and create_all."""

from hotline.audit.models import AuditEntry
from hotline.auth.models import ApiKey, SupervisorAppointment, User
from hotline.calls.models import (
    CallbackAttempt,
    CallbackTask,
    CallRecord,
    CallRecording,
    OperatorPresence,
)
from hotline.campaign.assessment.models import AssessmentVersion, AssessmentWeights
from hotline.campaign.commitments.models import (
    Commitment,
    CommitmentBreach,
    CommitmentEvent,
    CommitmentYear,
)
from hotline.campaign.inspections.models import (
    Finding,
    FindingAnswer,
    Inspection,
    InspectionEvent,
    InspectionFile,
)
from hotline.campaign.lists.models import Milestone, NegativeListEvent, NegativeListItem
from hotline.catalogue.models import Category, RoutingRule
from hotline.classify.models import ClassifierModel
from hotline.core.models import IdempotencyKey
from hotline.escalations.models import (
    CreditRecord,
    EscalationAnswer,
    InterviewCase,
    InterviewReason,
    PendingLadderNotice,
)
from hotline.knowledge.models import KnowledgeArticle, KnowledgeRevision
from hotline.metrics.models import RollupCursor, UnitDayFigures
from hotline.notify.models import Notice, NoticeCursor, NoticeRead, OutboxMessage, SmsOptOut
from hotline.sla.models import CalendarDay, SlaPolicy
from hotline.tickets.models import Escalation, Ticket, TicketEvent, TicketRequest, TicketSequence
from hotline.units.models import Unit

__all__ = [
    "ApiKey",
    "AssessmentVersion",
    "AssessmentWeights",
    "AuditEntry",
    "CalendarDay",
    "CallRecord",
    "CallRecording",
    "CallbackAttempt",
    "CallbackTask",
    "Category",
    "ClassifierModel",
    "Commitment",
    "CommitmentBreach",
    "CommitmentEvent",
    "CommitmentYear",
    "CreditRecord",
    "Escalation",
    "EscalationAnswer",
    "Finding",
    "FindingAnswer",
    "IdempotencyKey",
    "Inspection",
    "InspectionEvent",
    "InspectionFile",
    "InterviewCase",
    "InterviewReason",
    "KnowledgeArticle",
    "KnowledgeRevision",
    "Milestone",
    "NegativeListEvent",
    "NegativeListItem",
    "Notice",
    "NoticeCursor",
    "NoticeRead",
    "OperatorPresence",
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
