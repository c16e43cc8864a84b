"""/api/v1/voice: the softphone's AccessToken and the caller's own presence (ready / busy /
away) that the queue board shows."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from hotline.calls import softphone
from hotline.core.actor import HOTLINE_ROLES, Actor
from hotline.core.bearer import BEARER, token_required
from hotline.core.clock import utcnow
from hotline.core.extensions import csrf
from hotline.core.schemas import LocalDateTime

blp = Blueprint(
    "voice", __name__, description="The operators' softphone: its token and their presence."
)
csrf.exempt(blp)


class VoiceTokenSchema(Schema):
    token = fields.Str(
        metadata={
            "description": "a Twilio AccessToken (JWT) with a VoiceGrant for the TwiML App; "
            "give it to the Voice JavaScript SDK's Device"
        }
    )
    identity = fields.Str(
        metadata={"description": "the softphone's client identity, operator-<id>"}
    )
    ttl = fields.Int(metadata={"description": "seconds the token is valid"})


class PresenceArgs(Schema):
    state = fields.Str(
        required=True,
        validate=validate.OneOf(softphone.STATES),
        metadata={"description": "ready (takes the next caller), busy (on a call) or away"},
    )


class PresenceSchema(Schema):
    state = fields.Str(metadata={"description": "ready, busy or away (away until first set)"})
    changed_at = LocalDateTime(allow_none=True)
    call_sid = fields.Str(
        allow_none=True, metadata={"description": "the softphone call that made them busy"}
    )


def _presence_view(actor: Actor) -> dict:
    row = softphone.presence_of(actor.user_id) if actor.user_id is not None else None
    if row is None:
        return {"state": "away", "changed_at": None, "call_sid": None}
    return {"state": row.state, "changed_at": row.changed_at, "call_sid": row.call_sid}


@blp.route("/voice/token")
@blp.doc(security=BEARER)
@blp.response(200, VoiceTokenSchema)
@blp.alt_response(
    503, description="TWILIO_API_KEY, TWILIO_API_SECRET or TWILIO_TWIML_APP_SID unset"
)
@token_required(HOTLINE_ROLES)
def voice_token(*, actor: Actor) -> dict:
    """An AccessToken for the caller's softphone (operators and supervisors)."""
    return softphone.access_token(actor)


@blp.route("/voice/presence")
@blp.doc(security=BEARER)
@blp.response(200, PresenceSchema)
@token_required(HOTLINE_ROLES)
def get_presence(*, actor: Actor) -> dict:
    """The caller's own softphone state."""
    return _presence_view(actor)


@blp.route("/voice/presence", methods=["PUT"])
@blp.doc(security=BEARER)
@blp.arguments(PresenceArgs)
@blp.response(200, PresenceSchema)
@token_required(HOTLINE_ROLES)
def put_presence(args: dict, *, actor: Actor) -> dict:
    """Set the caller's own softphone state (422 for a state not in ready, busy, away)."""
    softphone.set_presence(actor=actor, state=args["state"], now=utcnow())
    return _presence_view(actor)
