"""Every ticket transition of DESIGN §2: who may, from which status, what it records."""

from hotline.tickets.transitions.common import sla_next_check
from hotline.tickets.transitions.dispatch import accept, dispatch, route
from hotline.tickets.transitions.outcome import callback, close_unrated, rate, reopen, reply
from hotline.tickets.transitions.requests import (
    approve_extension,
    approve_return,
    deny_extension,
    deny_return,
    request_extension,
    request_return,
)
from hotline.tickets.transitions.triage import merge, reject

__all__ = [
    "accept",
    "approve_extension",
    "approve_return",
    "callback",
    "close_unrated",
    "deny_extension",
    "deny_return",
    "dispatch",
    "merge",
    "rate",
    "reject",
    "reopen",
    "reply",
    "request_extension",
    "request_return",
    "route",
    "sla_next_check",
]
