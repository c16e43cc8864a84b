"""An escalation SMS that did not arrive (DESIGN §11): inspectors are told, and the text goes
once to the unit's duty phone, unless that is where it failed.

notify records delivery statuses and decides nothing; this module subscribes to the messages it
reports undelivered (Twilio's status callback, or the sender giving up). What was done is kept
in the inspectors' notice, which the admin status page reads back (`outcomes`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from hotline.core.actor import Role
from hotline.core.extensions import db
from hotline.core.privacy import mask_phone
from hotline.notify import inbox
from hotline.notify.delivery_status import on_undelivered
from hotline.notify.inbox import Audience
from hotline.notify.models import Notice, OutboxMessage
from hotline.notify.service import resend_sms
from hotline.tickets.models import Ticket
from hotline.units.models import Unit

# The SMS the ladder sends (hotline/escalations/notices.py), one ticket or a digest.
ESCALATION_TEMPLATES = frozenset(
    {
        "overdue",
        "supervision",
        "interview",
        "digest_overdue",
        "digest_supervision",
        "digest_interview",
    }
)
RESEND_PREFIX = "resend:"
NOTICE_PREFIX = "delivery-failed:"
_CODE = re.compile(r"[A-Za-z0-9_]{1,20}")


def _digits(phone: str | None) -> str:
    return re.sub(r"\D", "", phone or "").removeprefix("86")


def _error_code(raw: str | None) -> str:
    """Twilio's code as sent, if it looks like one: a callback's field is anyone's input."""
    raw = (raw or "").strip()
    return raw if _CODE.fullmatch(raw) else ("?" if raw else "")


@on_undelivered
def escalation_sms_undelivered(
    message: OutboxMessage, error_code: str | None, now: datetime
) -> None:
    """Tell inspectors, and re-send to the duty phone once (never a re-sent copy again)."""
    if message.template not in ESCALATION_TEMPLATES or message.unit_id is None:
        return
    unit = db.session.get(Unit, message.unit_id)
    if unit is None:
        return
    resend_id = None
    if (message.dedupe_key or "").startswith(RESEND_PREFIX):
        action = "resend_failed"
    elif not unit.duty_phone:
        action = "no_duty_phone"
    elif _digits(unit.duty_phone) == _digits(message.to):
        action = "same_number"
    else:
        action = "resent"
        copy = resend_sms(
            message, to=unit.duty_phone, dedupe_key=f"{RESEND_PREFIX}{message.id}", now=now
        )
        if copy is not None:
            db.session.flush()
            resend_id = copy.id
    number = (
        db.session.scalar(select(Ticket.number).where(Ticket.id == message.ticket_id))
        if message.ticket_id
        else None
    )
    inbox.post(
        audience=Audience.role(Role.inspector),
        template="delivery_failed" if number else "delivery_failed_unit",
        now=now,
        ticket_id=message.ticket_id,
        dedupe_key=f"{NOTICE_PREFIX}{message.id}",
        unit=unit.name,
        number=number,
        to=mask_phone(message.to),
        sms=message.template,
        error=_error_code(error_code),
        action=action,
        duty=mask_phone(unit.duty_phone),
        outbox=message.id,
        resend=resend_id,
        text=message.body,
    )


@dataclass(frozen=True)
class Outcome:
    """What was done about one undelivered escalation SMS."""

    action: str  # resent, same_number, no_duty_phone, resend_failed
    resend_id: int | None
    resend_status: str | None


def outcomes(message_ids: list[int]) -> dict[int, Outcome]:
    """{outbox id: what was done} for those of `message_ids` that were escalation SMS: two
    queries through the unique dedupe keys, whatever the number of messages."""
    if not message_ids:
        return {}
    notices = db.session.execute(
        select(Notice.dedupe_key, Notice.params).where(
            Notice.dedupe_key.in_([f"{NOTICE_PREFIX}{i}" for i in message_ids])
        )
    ).all()
    resent = dict(
        db.session.execute(
            select(OutboxMessage.dedupe_key, OutboxMessage.status).where(
                OutboxMessage.dedupe_key.in_([f"{RESEND_PREFIX}{i}" for i in message_ids])
            )
        ).all()
    )
    out = {}
    for key, params in notices:
        message_id = int(key.removeprefix(NOTICE_PREFIX))
        params = params or {}
        out[message_id] = Outcome(
            action=str(params.get("action") or ""),
            resend_id=params.get("resend"),
            resend_status=resent.get(f"{RESEND_PREFIX}{message_id}"),
        )
    return out
