"""Every ticket transition of DESIGN §2: who may, from which status, what it records.

The staff transitions are the rows of `registry.TRANSITIONS`: `transitions.accept(...)` and the
others below are those rows, which check role, unit, version and status before calling the
service function of the same name in dispatch.py, requests.py, appeals.py, outcome.py or
triage.py.
`route`, `rate` and `close_unrated` are the system's and the complainant's, outside the table.
`resolve_at_source` (直接办结, resolve.py) is the hotline's answer to a consultation, closing it.
"""

from hotline.tickets.transitions.common import sla_next_check
from hotline.tickets.transitions.dispatch import route
from hotline.tickets.transitions.outcome import close_unrated, rate
from hotline.tickets.transitions.registry import BY_NAME, BY_SLUG, TRANSITIONS, Transition, offered

accept = BY_NAME["accept"]
dispatch = BY_NAME["dispatch"]
request_return = BY_NAME["request_return"]
approve_return = BY_NAME["approve_return"]
deny_return = BY_NAME["deny_return"]
request_extension = BY_NAME["request_extension"]
approve_extension = BY_NAME["approve_extension"]
deny_extension = BY_NAME["deny_extension"]
grant_extension = BY_NAME["grant_extension"]
reply = BY_NAME["reply"]
callback = BY_NAME["callback"]
reopen = BY_NAME["reopen"]
merge = BY_NAME["merge"]
dismiss_duplicate = BY_NAME["dismiss_duplicate"]
classify = BY_NAME["classify"]
reject = BY_NAME["reject"]
request_appeal = BY_NAME["request_appeal"]
approve_appeal = BY_NAME["approve_appeal"]
deny_appeal = BY_NAME["deny_appeal"]
resolve_at_source = BY_NAME["resolve_at_source"]

__all__ = [
    "BY_NAME",
    "BY_SLUG",
    "TRANSITIONS",
    "Transition",
    "accept",
    "approve_appeal",
    "approve_extension",
    "approve_return",
    "callback",
    "classify",
    "close_unrated",
    "deny_appeal",
    "deny_extension",
    "deny_return",
    "dismiss_duplicate",
    "dispatch",
    "grant_extension",
    "merge",
    "offered",
    "rate",
    "reject",
    "reopen",
    "reply",
    "request_appeal",
    "request_extension",
    "request_return",
    "resolve_at_source",
    "route",
    "sla_next_check",
]
