"""Load and dump schemas of the notices API (/api/v1/notices)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from hotline.core.i18n import current_locale
from hotline.core.schemas import LocalDateTime, PageArgsSchema, PageSchema
from hotline.notify.models import Notice
from hotline.notify.notice_texts import render_notice


class NoticeArgs(PageArgsSchema):
    unread = fields.Boolean(load_default=False, metadata={"description": "only unread ones (1)"})


class ResolvedSchema(Schema):
    at = LocalDateTime()
    by = fields.Str(allow_none=True, metadata={"description": "who did it (their name)"})
    resolution = fields.Str(metadata={"description": "approved, denied or done"})


class NoticeSchema(Schema):
    id = fields.Int()
    type = fields.Str(
        attribute="template",
        metadata={
            "description": "the template (docs/TICKETS.md, Notices): warning, overdue, "
            "digest_overdue, return_requested, supervision_answered, appeal_upheld, …"
        },
    )
    text = fields.Str(metadata={"description": "in the request's language (?lang=en)"})
    ticket = fields.Str(allow_none=True, metadata={"description": "the ticket number"})
    tickets = fields.List(fields.Str(), metadata={"description": "a digest's ticket numbers"})
    escalation = fields.Int(attribute="escalation_id", allow_none=True)
    interview = fields.Int(attribute="interview_id", allow_none=True)
    inspection = fields.Int(
        attribute="inspection_id", allow_none=True, metadata={"description": "a spot check's"}
    )
    finding = fields.Int(attribute="finding_id", allow_none=True)
    created_at = LocalDateTime()
    read = fields.Bool(metadata={"description": "true also once the notice is resolved"})
    resolved = fields.Nested(
        ResolvedSchema,
        allow_none=True,
        metadata={"description": "what it asked for was done, by whom and how; else null"},
    )


class NoticePageSchema(PageSchema):
    items = fields.List(fields.Nested(NoticeSchema))


def notice_view(notice: Notice, read: bool) -> dict[str, Any]:
    """A notice as the API and the page show it, its text in the request's language."""
    params = notice.params or {}
    numbers = params.get("numbers")
    resolved = None
    if notice.resolved_at is not None:
        resolved = {
            "at": notice.resolved_at,
            "by": notice.resolved_by,
            "resolution": notice.resolution or "done",
        }
    return {
        "id": notice.id,
        "template": notice.template,
        "text": render_notice(notice.template, params, current_locale()),
        "ticket": params.get("number") or None,
        "tickets": [str(n) for n in numbers] if isinstance(numbers, list) else [],
        "escalation_id": notice.escalation_id,
        "interview_id": notice.interview_id,
        # a spot check's notices name it and its finding in their parameters
        "inspection_id": params.get("inspection"),
        "finding_id": params.get("finding"),
        "created_at": notice.created_at,
        "read": bool(read) or resolved is not None,
        "resolved": resolved,
        "quote": params.get("text") or None,
    }
