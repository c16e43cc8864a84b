"""Publishing an interviewed head's rectification commitment (公开承诺整改措施和期限).

An inspector approves showing the commitment the unit head wrote (`interviews.commit`) on the
public site, or withdraws it; both go into the unit's credit record. A case without the head's
own commitment cannot be published (409). The public site reads `published_for_unit`: the
commitment (personal numbers taken out once more), its deadline and where it stands, never the
minutes, the evidence or the tickets behind the case. Any change to a published case (status,
restated commitment, the overdue sweep) drops the public pages' cache after its commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import object_session

from hotline.core import pagecache
from hotline.core.actor import Actor
from hotline.core.clock import format_local, utcnow
from hotline.core.errors import Conflict, ValidationFailed
from hotline.core.extensions import db
from hotline.escalations import record
from hotline.escalations.interviews import MAX_TEXT, get, require_runner
from hotline.escalations.models import InterviewCase, InterviewStatus
from hotline.tickets.redaction import redact

S = InterviewStatus


def publish(*, case_id: int, actor: Actor, now: datetime | None = None) -> InterviewCase:
    """An inspector approves publication of the head's written commitment and its due."""
    now = now or utcnow()
    case = get(case_id=case_id, actor=actor)  # another unit's staff: 404, as for any case
    require_runner(actor, "publish the commitment of")
    if case.committed_at is None or not case.commitment:
        raise Conflict(
            f"case {case.id} has no rectification commitment written by the unit head: "
            "nothing to publish yet",
            current_status=case.status,
        )
    if case.published_at is not None:
        raise Conflict(
            f"the commitment of case {case.id} is public since {format_local(case.published_at)}",
            current_status=case.status,
        )
    case.published_at = now
    case.published_by = actor.user_id
    record.add(
        unit_id=case.unit_id,
        type_="commitment_published",
        summary=f"约谈案件{case.id}整改承诺经督查批准向社会公开",
        now=now,
        interview_id=case.id,
        actor_id=actor.user_id,
    )
    db.session.flush()
    return case


def unpublish(
    *, case_id: int, actor: Actor, reason: str | None = None, now: datetime | None = None
) -> InterviewCase:
    """An inspector takes a published commitment off the public site, with an optional reason."""
    now = now or utcnow()
    case = get(case_id=case_id, actor=actor)
    require_runner(actor, "withdraw the commitment of")
    if case.published_at is None:
        raise Conflict(
            f"the commitment of case {case.id} is not public", current_status=case.status
        )
    reason = (reason or "").strip() or None
    if reason is not None and len(reason) > MAX_TEXT:
        raise ValidationFailed("reason is too long", fields={"reason": [f"at most {MAX_TEXT}"]})
    record.add(
        unit_id=case.unit_id,
        type_="commitment_unpublished",
        summary=f"约谈案件{case.id}整改承诺撤回公开" + (f"：{reason}" if reason else ""),
        now=now,
        interview_id=case.id,
        actor_id=actor.user_id,
        data={"published_at": case.published_at.isoformat(), "reason": reason},
    )
    case.published_at = None
    case.published_by = None
    db.session.flush()
    return case


@dataclass(frozen=True)
class PublicCommitment:
    """What the public site shows of one published case."""

    case_id: int
    trigger: str  # why the head was interviewed: the trigger's code (never the tickets)
    held_at: datetime | None
    commitment: str
    commitment_due: datetime | None
    status: str  # in_progress, overdue, rectified_on_time, rectified_late
    rectified_at: datetime | None
    published_at: datetime


def public_status(case: InterviewCase, now: datetime) -> str:
    """Where a published commitment stands, in the public's terms."""
    due = case.commitment_due
    if case.status == S.rectified:
        on_time = due is None or case.rectified_at is None or case.rectified_at <= due
        return "rectified_on_time" if on_time else "rectified_late"
    if case.status == S.rectification_overdue or (due is not None and due < now):
        return "overdue"
    return "in_progress"


def published_for_unit(*, unit_id: int, now: datetime | None = None) -> list[PublicCommitment]:
    """The unit's published commitments, newest interview first."""
    now = now or utcnow()
    cases = db.session.scalars(
        select(InterviewCase)
        .where(InterviewCase.unit_id == unit_id, InterviewCase.published_at.is_not(None))
        .order_by(InterviewCase.held_at.desc(), InterviewCase.id.desc())
    )
    return [
        PublicCommitment(
            case_id=case.id,
            trigger=case.trigger,
            held_at=case.held_at,
            # The inspector read it before approving; numbers are taken out again all the same.
            commitment=redact(case.commitment or ""),
            commitment_due=case.commitment_due,
            status=public_status(case, now),
            rectified_at=case.rectified_at,
            published_at=case.published_at,  # type: ignore[arg-type]  # filtered above
        )
        for case in cases
    ]


@event.listens_for(InterviewCase, "after_update")
def _watch_published(_mapper: object, _connection: object, case: InterviewCase) -> None:
    """A published case that changed (or its publication) makes the public pages stale."""
    if case.published_at is not None or inspect(case).attrs.published_at.history.deleted:
        pagecache.invalidate_after_commit(pagecache.PUBLIC_SITE, session=object_session(case))
