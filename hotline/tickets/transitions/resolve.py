"""直接办结 (resolve at source): the hotline answers a consultation itself and closes it, without
dispatching it to a unit.

The staff action here is unguarded: its row in registry.py checks who may (hotline staff), from
which status and at which version; call it as `hotline.tickets.transitions.resolve_at_source`.
The ticket never had a unit (it is `new` or in `triage`), so its events count for no unit's
figures (hotline/metrics/rollup.py counts by the event's unit); the hotline's own
`resolved_at_source_rate` counts its `resolved_at_source` event.
"""

from __future__ import annotations

from datetime import datetime

from hotline.core.actor import Actor
from hotline.core.clock import to_local, utcnow
from hotline.core.errors import Conflict
from hotline.knowledge import service as knowledge
from hotline.notify.service import queue_sms
from hotline.tickets import duplicates
from hotline.tickets.models import Kind, Status, Ticket
from hotline.tickets.transitions.common import _require_text, _set_status

# Before any unit has it: a ticket already dispatched is the unit's to answer (DESIGN §2).
AT_SOURCE_STATUSES = frozenset({Status.new, Status.triage})
# DESIGN §11: consultations (咨询). A complaint, report, request for help or suggestion needs a
# unit to act, so it is dispatched, however well the operator could explain the rules.
AT_SOURCE_KINDS = frozenset({Kind.consultation})
# The answer as the SMS quotes it; the whole text stays on the ticket (and in CX replies).
SMS_ANSWER_CHARS = 120


def shortened(text: str, limit: int = SMS_ANSWER_CHARS) -> str:
    """`text` on one line, cut to `limit` characters with an ellipsis when longer."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def resolve_at_source(
    ticket: Ticket,
    *,
    actor: Actor,
    text: str,
    article: int | None = None,
    now: datetime | None = None,
) -> Ticket:
    """The operator's answer closes the consultation (直接办结): a `resolved_at_source` event
    (the article answered from and the text), the answer on the ticket, an SMS to the caller."""
    now = now or utcnow()
    _require_text(text, "text")
    if ticket.kind not in AT_SOURCE_KINDS:
        raise Conflict(
            f"only a consultation is resolved at source; ticket {ticket.number} is a "
            f"{ticket.kind}: dispatch it to a unit",
            current_status=ticket.status,
            kind=ticket.kind,
        )
    source = (
        knowledge.in_force(article, field="article", on=to_local(now).date())
        if article is not None
        else None
    )
    answer = text.strip()
    ticket.reply_text = answer
    ticket.replied_at = ticket.closed_at = now
    ticket.sla_check_at = None
    _set_status(
        ticket,
        "resolved_at_source",
        actor,
        Status.closed,
        now,
        data={
            "article": source.id if source else None,
            "article_title": source.title if source else None,
            "text": answer,
        },
    )
    queue_sms(
        to=ticket.complainant_phone,
        template="resolved_at_source",
        locale=ticket.locale,
        ticket_id=ticket.id,
        dedupe_key=f"resolved_at_source:{ticket.id}",
        now=now,
        number=ticket.number,
        answer=shortened(answer),
    )
    duplicates.answer_merged(ticket, now=now)  # 并单: the merged callers hear it too
    return ticket
