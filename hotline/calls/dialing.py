"""What an operator's softphone may dial through the TwiML App: who the operator is, whether a
number may be called back, and the operator's presence around each softphone call."""

from __future__ import annotations

import logging
from datetime import datetime

import phonenumbers
from sqlalchemy import select

from hotline.auth.models import User
from hotline.calls import softphone
from hotline.calls.models import OperatorPresence
from hotline.core.actor import HOTLINE_ROLES, Actor
from hotline.core.errors import ValidationFailed
from hotline.core.extensions import db
from hotline.notify.models import SmsOptOut
from hotline.tickets.service import normalize_phone

log = logging.getLogger(__name__)


class CallbackRefused(Exception):
    """A number the softphone must not call; `reason` names why (invalid, premium, opted_out)."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def operator_of(identity: str | None) -> User | None:
    """The active operator or supervisor a softphone identity (`client:operator-7`) names."""
    user_id = softphone.user_id_of(identity)
    user = db.session.get(User, user_id) if user_id is not None else None
    if user is None or not user.active or user.role not in HOTLINE_ROLES:
        return None
    return user


def callback_number(raw: str | None) -> str:
    """The E.164 number a callback may dial, or CallbackRefused: not a phone number, a
    premium-rate number (a forged or mistyped `To` must not run up charges), or a number whose
    owner answered TD/STOP."""
    try:
        number = normalize_phone(raw, field="To")
    except ValidationFailed as exc:
        raise CallbackRefused("invalid", exc.message) from exc
    assert number is not None  # required=True: None raises above
    parsed = phonenumbers.parse(number)
    if phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.PREMIUM_RATE:
        raise CallbackRefused("premium", f"{number} is a premium-rate number")
    if db.session.get(SmsOptOut, number) is not None:
        raise CallbackRefused("opted_out", f"{number} opted out (TD/STOP)")
    return number


def on_softphone_call(*, operator: User, call_sid: str, now: datetime) -> None:
    """The operator's softphone placed a call (taking the next caller, or a callback): busy,
    bound to that leg so its end sets them ready again."""
    softphone.set_presence(actor=Actor.of(operator), state="busy", now=now, call_sid=call_sid)


def softphone_call_ended(*, user_id: int, call_sid: str, now: datetime) -> bool:
    """The operator's softphone leg ended: ready again, unless they chose another state since
    (away, or busy on a newer call). True when the presence changed."""
    row = db.session.get(OperatorPresence, user_id)
    if row is None or row.state != "busy" or row.call_sid != call_sid:
        return False
    row.state, row.changed_at, row.call_sid = "ready", now, None
    db.session.flush()
    return True


def operator_on_leg(*, claimed: int | None, leg_sid: str | None) -> int | None:
    """The operator whose softphone leg dequeued a caller: the id our own <Queue url> carried
    (Twilio signed it with the URL), else the operator whose presence is bound to that leg."""
    if claimed is not None and db.session.get(User, claimed) is not None:
        return claimed
    if not leg_sid:
        return None
    return db.session.scalar(
        select(OperatorPresence.user_id).where(OperatorPresence.call_sid == leg_sid).limit(1)
    )
