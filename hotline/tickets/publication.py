"""Publishing a ticket on the public channels (DESIGN §11 "Privacy of public channels").

A ticket appears in the Open311 feed and on the public site only when its complainant agreed
(`publish_consent`, asked at intake) and a supervisor approved it; what appears is the
`public_text` the supervisor approved (the description with personal data taken out by
`redaction.redact`, edited if a name or another detail remains), never the original.
"""

from __future__ import annotations

from datetime import datetime

from hotline.core.actor import Actor, Role
from hotline.core.clock import utcnow
from hotline.core.errors import Forbidden, InvalidTransition, ValidationFailed
from hotline.tickets.events import record_event as record
from hotline.tickets.models import Status, Ticket
from hotline.tickets.redaction import redact
from hotline.tickets.service import MAX_DESCRIPTION

PUBLISHERS = frozenset({Role.supervisor})
NOT_PUBLISHABLE = frozenset({Status.rejected, Status.merged})


def proposed_text(ticket: Ticket) -> str:
    """What a supervisor is offered to approve: the description, redacted."""
    return redact(ticket.description)


def publishable(ticket: Ticket) -> bool:
    """Whether the complainant's consent and the ticket allow publication at all."""
    return bool(
        ticket.publish_consent and not ticket.confidential and ticket.status not in NOT_PUBLISHABLE
    )


def publish(
    ticket: Ticket, *, actor: Actor, text: str | None = None, now: datetime | None = None
) -> Ticket:
    """A supervisor approves publication, with the public text (default: the redacted
    description); the text is redacted again, whatever the supervisor typed."""
    if actor.role not in PUBLISHERS:
        raise Forbidden("only a supervisor may approve publication")
    if not ticket.publish_consent or ticket.confidential:
        raise ValidationFailed(
            "the complainant did not agree to publication (or asked for 保密)",
            fields={"publish_consent": ["not given"]},
        )
    if not publishable(ticket):
        raise InvalidTransition("publish", ticket.status)
    public = redact((text if text is not None else ticket.description).strip())
    if not public:
        raise ValidationFailed("text is required", fields={"text": ["required"]})
    if len(public) > MAX_DESCRIPTION:
        raise ValidationFailed("text is too long", fields={"text": [f"at most {MAX_DESCRIPTION}"]})
    now = now or utcnow()
    ticket.public_text = public
    ticket.published_at = now
    ticket.published_by_id = actor.user_id
    ticket.updated_at = now
    record(ticket, "published", actor, now=now, data={"text": public})
    return ticket


def unpublish(
    ticket: Ticket, *, actor: Actor, reason: str | None = None, now: datetime | None = None
) -> Ticket:
    """A supervisor takes a ticket off the public channels."""
    if actor.role not in PUBLISHERS:
        raise Forbidden("only a supervisor may withdraw publication")
    if ticket.published_at is None:
        raise InvalidTransition("unpublish", ticket.status)
    now = now or utcnow()
    ticket.published_at = None
    ticket.published_by_id = None
    ticket.public_text = None
    ticket.updated_at = now
    record(ticket, "unpublished", actor, now=now, reason=(reason or "").strip() or None)
    return ticket
