"""What the operator console does beyond the ticket transitions: log a call (and close it at
source), close a task."""

from __future__ import annotations

from typing import Any

from hotline.calls import screen_pop
from hotline.calls.models import CallbackTask
from hotline.core.actor import Actor
from hotline.core.clock import utcnow
from hotline.core.errors import Conflict, NotFound, ValidationFailed
from hotline.core.extensions import db
from hotline.tickets import service as tickets
from hotline.tickets import transitions as tx
from hotline.tickets.models import Ticket
from hotline.tickets.transitions.resolve import AT_SOURCE_KINDS


def log_call(
    *,
    actor: Actor,
    phone: str,
    description: str,
    kind: str | None,
    category: str | None,
    priority: str | None,
    name: str | None,
    disclose_identity: bool,
    confidential: bool,
    district: str | None,
    address: str | None,
    unit: str | None,
    task_id: int | None = None,
    call_sid: str | None = None,
    locale: str = "zh_CN",
) -> Ticket:
    """An answered call becomes a ticket, dispatched at once when the operator chose a unit.
    `call_sid`: the caller's call the screen-pop bound the form to; the ticket keeps it and
    the call record points to the ticket."""
    if call_sid is not None:
        call_sid = screen_pop.check_call_sid(call_sid, field="call_sid")
    ticket = tickets.create(
        actor=actor,
        channel="phone",
        description=description,
        phone=phone,
        kind=kind or None,
        category=category or None,
        priority=priority or None,
        name=name,
        disclose_identity=disclose_identity,
        confidential=confidential,
        district=district or None,
        address=address or None,
        extra={"voice": {"call_sid": call_sid}} if call_sid else None,
        locale=locale,
    )
    if call_sid is not None:
        screen_pop.bind(call_sid=call_sid, ticket=ticket)
    if unit:
        tx.dispatch(ticket, actor=actor, unit=unit)
    if task_id:
        finish_callback_task(task_id=task_id, actor=actor, ticket=ticket)
    return ticket


def resolve_call_at_source(
    *, actor: Actor, answer: str, article: int | None, **call: Any
) -> Ticket:
    """A consultation answered on the phone (直接办结): the call is logged and closed with the
    answer at once, never dispatched (a unit picked on the form is not used). `call`: the
    fields of `log_call`."""
    if call.get("kind") not in AT_SOURCE_KINDS:
        raise ValidationFailed(
            "only a consultation (咨询) is resolved at source; dispatch this call instead",
            fields={"kind": ["consultation only"]},
        )
    if not (answer or "").strip():
        raise ValidationFailed("the answer is required", fields={"answer": ["required"]})
    ticket = log_call(actor=actor, **(call | {"unit": None}))
    tx.resolve_at_source(ticket, actor=actor, text=answer, article=article)
    return ticket


def finish_callback_task(
    *, task_id: int, actor: Actor, ticket: Ticket | None = None, note: str | None = None
) -> CallbackTask:
    """Mark a missed-call task done (漏接已回拨), linking the ticket it led to."""
    task = db.session.get(CallbackTask, task_id)
    if task is None:
        raise NotFound(f"no callback task {task_id}")
    if task.status != "open":
        raise Conflict("this missed call was already handled")
    task.status = "done"
    task.done_at = utcnow()
    task.done_by_id = actor.user_id
    if note:
        task.note = note
    if ticket is not None and task.ticket_id is None:
        task.ticket_id = ticket.id
    return task
