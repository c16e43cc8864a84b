"""The operators' softphone: AccessTokens for Twilio's Voice JavaScript SDK, who a softphone
identity is, and each operator's presence (ready / busy / away) that the queue board shows."""

from __future__ import annotations

import re
from datetime import datetime

from flask import current_app
from twilio.jwt.access_token import AccessToken
from twilio.jwt.access_token.grants import VoiceGrant

from hotline.calls.models import OperatorPresence
from hotline.core.actor import HOTLINE_ROLES, Actor
from hotline.core.errors import Forbidden, ServiceUnavailable, ValidationFailed
from hotline.core.extensions import db

STATES = ("ready", "busy", "away")
_IDENTITY = re.compile(r"^(?:client:)?operator-(\d{1,12})$")


class SoftphoneNotConfigured(ServiceUnavailable):
    """TWILIO_API_KEY, TWILIO_API_SECRET or TWILIO_TWIML_APP_SID is missing (503)."""


def identity_of(user_id: int) -> str:
    """The softphone's client identity for a staff member (`client:operator-7` in webhooks)."""
    return f"operator-{user_id}"


def user_id_of(identity: str | None) -> int | None:
    """The staff member a softphone identity (or a webhook's `From=client:…`) names."""
    match = _IDENTITY.match(identity or "")
    return int(match.group(1)) if match else None


def access_token(actor: Actor) -> dict:
    """`{"token", "identity", "ttl"}`: an AccessToken with a VoiceGrant for the TwiML App.
    Only hotline roles (operators, supervisors) answer calls."""
    if actor.role not in HOTLINE_ROLES or actor.user_id is None:
        raise Forbidden("only operators and supervisors use the softphone")
    cfg = current_app.config
    missing = [
        key
        for key in ("TWILIO_API_KEY", "TWILIO_API_SECRET", "TWILIO_TWIML_APP_SID")
        if not cfg.get(key)
    ]
    if missing:
        raise SoftphoneNotConfigured(", ".join(missing) + " not set (docs/OPERATIONS.md)")
    ttl = int(cfg["VOICE_TOKEN_TTL_SECONDS"])
    identity = identity_of(actor.user_id)
    token = AccessToken(
        cfg["TWILIO_ACCOUNT_SID"],
        cfg["TWILIO_API_KEY"],
        cfg["TWILIO_API_SECRET"],
        identity=identity,
        ttl=ttl,
    )
    token.add_grant(
        VoiceGrant(outgoing_application_sid=cfg["TWILIO_TWIML_APP_SID"], incoming_allow=False)
    )
    return {"token": token.to_jwt(), "identity": identity, "ttl": ttl}


def presence_of(user_id: int) -> OperatorPresence | None:
    return db.session.get(OperatorPresence, user_id)


def set_presence(
    *, actor: Actor, state: str, now: datetime, call_sid: str | None = None
) -> OperatorPresence:
    """Set the caller's own softphone state; the caller's unit of work commits it."""
    if actor.role not in HOTLINE_ROLES or actor.user_id is None:
        raise Forbidden("only operators and supervisors answer calls")
    if state not in STATES:
        raise ValidationFailed(
            f"state must be one of {', '.join(STATES)}", fields={"state": "invalid"}
        )
    row = presence_of(actor.user_id)
    if row is None:
        row = OperatorPresence(user_id=actor.user_id, state=state, changed_at=now)
        db.session.add(row)
    elif row.state != state:
        row.state, row.changed_at = state, now
    row.call_sid = call_sid if state == "busy" else None
    db.session.flush()
    return row
