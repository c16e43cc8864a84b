"""Who hears of a 督办's written answer and of an interview case's steps (DESIGN §11).

The ladder's own notices are notices.py; these follow what people do with them: the head
answers a 督办 (or does not), a ticket or a reason joins an open case, the interview is held,
the head commits and submits evidence, an inspector sends it back. A notice that asks someone
to act carries a dedupe key, so the act resolves it for every reader (inbox.resolve).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import groupby
from typing import Any

from hotline.auth.users import name_of
from hotline.core.actor import Actor, Role
from hotline.core.clock import format_local
from hotline.escalations.models import InterviewCase
from hotline.escalations.notices import digest_min
from hotline.notify import inbox
from hotline.notify.inbox import Audience

# Quotes (an answer, a commitment, evidence, a reason) are cut to this in a notice: the whole
# text is on the page the notice links to.
QUOTE = 200

# Who reads each step of a case: its head, or the inspector running it.
HEAD, INSPECTOR = "head", "inspector"
CASE_STEPS: dict[str, str] = {
    "interview_held": HEAD,  # write the rectification commitment
    "commitment_submitted": INSPECTOR,
    "rectified": INSPECTOR,  # evidence to review
    "rectification_rejected": HEAD,  # evidence sent back: submit again
}


def quoted(text: str | None) -> str:
    text = (text or "").strip()
    return text if len(text) <= QUOTE else text[:QUOTE] + "…"


def head_of(unit_id: int) -> Audience:
    return Audience.unit(unit_id, Role.unit_head)


def inspector_of(inspector_id: int | None) -> Audience:
    """The inspector running a case, or every inspector while nobody does."""
    if inspector_id is None:
        return Audience.role(Role.inspector)
    return Audience.user(inspector_id)


# ---- the 督办's written answer ----------------------------------------------------------------


def answer_keys(escalation_id: int) -> list[str]:
    """The head's notices a 督办 answer resolves: the 督办 itself and its missed answer."""
    return [f"escalation:{escalation_id}:inapp", f"escalation:{escalation_id}:unanswered:head"]


def supervision_answered(
    *,
    escalation_id: int,
    ticket_id: int,
    number: str,
    unit_name: str,
    text: str,
    plan_due: str,
    late: bool,
    now: datetime,
) -> None:
    """Inspectors read the head's answer (late ones say so)."""
    inbox.post(
        audience=Audience.role(Role.inspector),
        template="supervision_answered",
        now=now,
        ticket_id=ticket_id,
        escalation_id=escalation_id,
        dedupe_key=f"escalation:{escalation_id}:answered",
        unit=unit_name,
        number=number,
        plan_due=plan_due,
        timing="late" if late else "",
        text=quoted(text),
    )


@dataclass(frozen=True)
class Missed:
    """A 督办 whose written answer did not come by its due."""

    escalation_id: int
    unit_id: int
    ticket_id: int
    number: str
    due_at: datetime


def supervisions_unanswered(
    missed: Iterable[Missed], *, unit_names: dict[int, str], now: datetime
) -> None:
    """Inspectors and the unit's head hear of each answer missed; a unit with NOTICE_DIGEST_MIN
    or more in one run gets one notice each instead (a sweep's 督办 share their due, so they go
    missing together). One INSERT for the batch."""
    rows: list[dict[str, Any]] = []
    threshold = digest_min()
    ordered = sorted(missed, key=lambda m: (m.unit_id, m.escalation_id))
    for unit_id, grouped in groupby(ordered, key=lambda m: m.unit_id):
        group = list(grouped)
        unit = unit_names.get(unit_id, "")
        due = format_local(min(m.due_at for m in group))
        readers = (
            ("inspectors", Audience.role(Role.inspector), ""),
            ("head", head_of(unit_id), "_head"),
        )
        if len(group) >= threshold:
            for name, audience, suffix in readers:
                rows.append(
                    inbox.notice_row(
                        audience=audience,
                        template=f"digest_supervision_unanswered{suffix}",
                        now=now,
                        dedupe_key=f"answers-missed:{group[0].escalation_id}:{name}",
                        unit=unit,
                        count=len(group),
                        due=due,
                        numbers=[m.number for m in group],
                    )
                )
            continue
        for m in group:
            for name, audience, suffix in readers:
                rows.append(
                    inbox.notice_row(
                        audience=audience,
                        template=f"supervision_unanswered{suffix}",
                        now=now,
                        ticket_id=m.ticket_id,
                        escalation_id=m.escalation_id,
                        dedupe_key=f"escalation:{m.escalation_id}:unanswered:{name}",
                        unit=unit,
                        number=m.number,
                        due=format_local(m.due_at),
                    )
                )
    inbox.insert_rows(rows)


# ---- interview cases ---------------------------------------------------------------------------


def tickets_added(joined: list[dict[str, Any]], *, now: datetime) -> None:
    """Tickets the ladder added to open cases (triggers.open_for_ticket): the case's inspector
    (every inspector while none runs it) hears of them, one notice per case from
    NOTICE_DIGEST_MIN tickets on. Not the head: the same sweep tells the head of each of those
    tickets at the 约谈 level already (notices.send_pending). Rows as `joined_row` makes them;
    one INSERT for a sweep batch."""
    rows: list[dict[str, Any]] = []
    threshold = digest_min()
    ordered = sorted(joined, key=lambda j: (j["case"], j["ticket_id"]))
    for case_id, grouped in groupby(ordered, key=lambda j: j["case"]):
        group = list(grouped)
        first = group[0]
        audience = inspector_of(first["inspector_id"])
        if len(group) >= threshold:
            rows.append(
                inbox.notice_row(
                    audience=audience,
                    template="digest_interview_ticket_added",
                    now=now,
                    interview_id=case_id,
                    unit=first["unit"],
                    case=case_id,
                    count=len(group),
                    numbers=[j["number"] for j in group],
                )
            )
            continue
        rows.extend(
            inbox.notice_row(
                audience=audience,
                template="interview_ticket_added",
                now=now,
                ticket_id=j["ticket_id"],
                interview_id=case_id,
                unit=j["unit"],
                case=case_id,
                number=j["number"],
            )
            for j in group
        )
    inbox.insert_rows(rows)


def joined_row(case: InterviewCase, *, unit_name: str, ticket_id: int, number: str) -> dict:
    """A ticket that joined `case`, for tickets_added."""
    return {
        "case": case.id,
        "unit": unit_name,
        "inspector_id": case.inspector_id,
        "ticket_id": ticket_id,
        "number": number,
    }


def reason_added(case: InterviewCase, *, unit_name: str, reason: str, now: datetime) -> None:
    """A unit rule joined the open case: its head and its inspector hear why."""
    for audience in (head_of(case.unit_id), inspector_of(case.inspector_id)):
        inbox.post(
            audience=audience,
            template="interview_reason_added",
            now=now,
            interview_id=case.id,
            unit=unit_name,
            case=case.id,
            reason=reason,
        )


def step_key(case: InterviewCase, step: str, at: datetime | None = None) -> str:
    """The dedupe key of a step's notice; `at` tells repeated steps apart (evidence sent,
    sent back, sent again)."""
    # In UTC, as the instant reads back from the database whatever zone it was given in.
    return f"interview:{case.id}:{step}" + (f":{at.astimezone(UTC).isoformat()}" if at else "")


def step_done(
    case: InterviewCase,
    step: str,
    *,
    by: Actor,
    now: datetime,
    at: datetime | None = None,
    resolution: str = "done",
) -> None:
    """Whoever `step`'s notice asked did it: the notice is resolved for every reader."""
    resolved([step_key(case, step, at)], by=by, now=now, resolution=resolution)


def resolved(keys: list[str], *, by: Actor, now: datetime, resolution: str = "done") -> None:
    """The notices under `keys` asked for something `by` did: resolved for every reader."""
    inbox.resolve(
        dedupe_keys=keys, by_id=by.user_id, by_name=name_of(by), resolution=resolution, now=now
    )


def held(case: InterviewCase, *, now: datetime) -> None:
    """The interview took place: the head writes the commitment."""
    case_step(case, "interview_held", now=now)


def committed(case: InterviewCase, *, by: Actor, now: datetime) -> None:
    """The head wrote the commitment: the inspector reads it; the head's "write it" is done."""
    due = format_local(case.commitment_due) if case.commitment_due else ""
    case_step(case, "commitment_submitted", now=now, text=case.commitment, due=due)
    step_done(case, "interview_held", by=by, now=now)


def evidence_in(case: InterviewCase, *, by: Actor, now: datetime) -> None:
    """The head submitted evidence (`case.rectified_at`): the inspector reviews it; evidence
    sent back before is answered."""
    if case.rejected_at is not None:
        step_done(case, "rectification_rejected", at=case.rejected_at, by=by, now=now)
    case_step(case, "rectified", now=now, at=case.rectified_at, text=case.evidence)


def reviewed(case: InterviewCase, *, by: Actor, now: datetime, resolution: str) -> None:
    """The inspector reviewed the evidence under review (accepted it or sent it back)."""
    if case.rectified_at is not None:
        step_done(case, "rectified", at=case.rectified_at, by=by, now=now, resolution=resolution)


def evidence_sent_back(case: InterviewCase, *, by: Actor, reason: str, now: datetime) -> None:
    """Called before the case forgets its evidence: the review is done (denied), and the head
    submits again by the commitment's unchanged due."""
    reviewed(case, by=by, now=now, resolution="denied")
    due = format_local(case.commitment_due) if case.commitment_due else ""
    case_step(case, "rectification_rejected", now=now, at=now, text=reason, due=due)


def case_step(
    case: InterviewCase,
    step: str,
    *,
    now: datetime,
    at: datetime | None = None,
    text: str | None = None,
    **params: Any,
) -> None:
    """Tell whoever acts next on `case` after `step` (CASE_STEPS); `text` is quoted."""
    reader = CASE_STEPS[step]
    audience = head_of(case.unit_id) if reader == HEAD else inspector_of(case.inspector_id)
    inbox.post(
        audience=audience,
        template=step,
        now=now,
        interview_id=case.id,
        dedupe_key=step_key(case, step, at),
        case=case.id,
        unit=case.unit.name,
        **({"text": quoted(text)} if text else {}),
        **params,
    )
