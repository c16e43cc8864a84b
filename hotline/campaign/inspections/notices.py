"""Who hears of an inspection's steps (the texts are in hotline/notify/notice_texts.py and,
for SMS, hotline/notify/texts.py).

The unit head: findings to rectify, an answer sent back or accepted, and a finding overdue (in
app and by SMS to the head's phone, as the ladder's 督办 does). The inspector who recorded the
visit (all inspectors when nobody did): an answer to review. Each notice has a dedupe key, so a
step run twice tells nobody twice.
"""

from __future__ import annotations

from datetime import date, datetime

from hotline.campaign.inspections.models import Finding, FindingAnswer, Inspection
from hotline.core.actor import Role
from hotline.notify import inbox
from hotline.notify.inbox import Audience
from hotline.notify.service import queue_sms


def _head(unit_id: int) -> Audience:
    return Audience.unit(unit_id, Role.unit_head)


def _about(finding: Finding) -> dict:
    """What every finding notice names: the inspection, the item, its text and due."""
    return {
        "inspection": finding.inspection_id,
        "finding": finding.id,
        "seq": finding.seq,
        "due": finding.rectify_due.isoformat(),
        "text": finding.text[:200],
    }


def recorded(inspection: Inspection, *, first_due: date, now: datetime) -> None:
    """The head: the visit found problems to rectify."""
    inbox.post(
        audience=_head(inspection.unit_id),
        template="inspection_recorded",
        now=now,
        dedupe_key=f"inspection:{inspection.id}:recorded",
        inspection=inspection.id,
        inspection_kind=inspection.kind,
        count=len(inspection.findings),
        due=first_due.isoformat(),
    )


def answered(
    finding: Finding, inspection: Inspection, answer: FindingAnswer, now: datetime
) -> None:
    """The inspector who recorded the visit (or every inspector): an answer to review."""
    audience = (
        Audience.user(inspection.inspector_id)
        if inspection.inspector_id is not None
        else Audience.role(Role.inspector)
    )
    inbox.post(
        audience=audience,
        template="finding_answered",
        now=now,
        dedupe_key=f"finding-answer:{answer.id}:answered",
        unit=inspection.unit.name,
        **_about(finding),
    )


def decided(finding: Finding, answer: FindingAnswer, now: datetime) -> None:
    """The head: the answer was accepted (rectified) or sent back, with the reason."""
    accepted = answer.decision == "accepted"
    # The text ends the reason with its own full stop.
    reason = (answer.reason or "").rstrip("。.！!；;，, ")
    params = _about(finding) | ({} if accepted else {"reason": reason})
    inbox.post(
        audience=_head(finding.unit_id),
        template="finding_accepted" if accepted else "finding_rejected",
        now=now,
        dedupe_key=f"finding-answer:{answer.id}:{answer.decision}",
        **params,
    )


def overdue(finding: Finding, inspection: Inspection, now: datetime) -> None:
    """The head, in app and by SMS: the finding is past its rectification due."""
    inbox.post(
        audience=_head(finding.unit_id),
        template="finding_overdue",
        now=now,
        dedupe_key=f"finding:{finding.id}:overdue:inapp",
        **_about(finding),
    )
    queue_sms(
        to=inspection.unit.head_phone,
        template="finding_overdue",
        unit_id=finding.unit_id,
        dedupe_key=f"finding:{finding.id}:overdue:sms",
        now=now,
        unit=inspection.unit.name,
        inspection=finding.inspection_id,
        seq=finding.seq,
        due=finding.rectify_due.isoformat(),
    )
