"""Who may call what: a small rules table keyed by role and path pattern, checked against every
endpoint the OpenAPI document and the Flask url_map list. A new endpoint without a rule fails.

Each rule is (method regex, path regex, policy). Policies:
- PUBLIC: anyone, signed in or not (no 401/403 from the access layer).
- CREDENTIAL: outside callers proving themselves another way (Twilio signature, Open311
  api_key): refused without it, signed in or not.
- a tuple of roles: those roles are let through; every other role is refused (403, or 404 for a
  unit-scoped object); anonymous callers get 401 (API) or a redirect to /login (pages).
  When unit-scoped, unit roles are let through only for their own unit's objects (paths with an
  object parameter; collections are filtered instead, which the read tests check).
"""

from __future__ import annotations

import re

PUBLIC = "public"
# Outside callers that prove themselves another way (Twilio signature, Open311 api_key):
# without it they are refused whatever their session.
CREDENTIAL = "credential"
# Any answer but a server error (signing out is fine signed in or not).
SESSION = "session"
ANY_STAFF = ("operator", "supervisor", "unit_agent", "unit_head", "inspector", "admin")
HOTLINE = ("operator", "supervisor")
UNIT = ("unit_agent", "unit_head")
SUPERVISOR = ("supervisor",)
INSPECTOR = ("inspector",)
ADMIN = ("admin",)
INTERVIEWERS = ("inspector",)  # hotline.escalations.interviews.RUN_ROLES
CALENDAR_READERS = ("inspector", "admin", "supervisor", "operator")
METRICS_READERS = ("inspector", "admin", "supervisor", "unit_agent", "unit_head")
# Path parameters naming one unit-owned object.
OBJECT_PARAMS = ("number", "case_id", "code", "escalation_id")

# First match wins. Paths are OpenAPI style ({param}) for the API, Flask style (<param>) else.
RULES: list[tuple[str, str, object, bool]] = [
    # (methods, path, roles or PUBLIC/CREDENTIAL/SESSION, unit-scoped?)
    ("POST", r"^/api/v1/auth/token$", PUBLIC, False),
    ("POST", r"^/api/v1/tickets$", HOTLINE, False),
    ("POST", r"^/api/v1/tickets/\{number\}/(accept|return|extension|reply)$", UNIT, True),
    ("POST", r"^/api/v1/tickets/\{number\}/(return|extension)/(approve|deny)$", SUPERVISOR, True),
    ("POST", r"^/api/v1/tickets/\{number\}/appeal$", UNIT, True),
    (
        "POST",
        r"^/api/v1/tickets/\{number\}/(appeal/(approve|deny)|extension/grant)$",
        INSPECTOR,
        True,
    ),
    ("POST", r"^/api/v1/tickets/\{number\}/(publish|unpublish)$", SUPERVISOR, True),
    ("POST", r"^/api/v1/tickets/\{number\}/reject$", SUPERVISOR, True),
    ("POST", r"^/api/v1/tickets/\{number\}/(dispatch|callback|reopen|merge)$", HOTLINE, True),
    ("GET", r"^/api/v1/tickets(/\{number\}(/events)?)?$", ANY_STAFF, True),
    ("POST", r"^/api/v1/escalations/\{escalation_id\}/respond$", ("unit_head",), True),
    ("POST", r"^/api/v1/interviews/\{case_id\}/(rectify|commit)$", ("unit_head",), True),
    ("POST", r"^/api/v1/interviews/\{case_id\}/(schedule|hold|reject|close)$", INTERVIEWERS, True),
    ("GET", r"^/api/v1/calendar", CALENDAR_READERS, False),
    ("GET", r"^/api/v1/units/\{code\}/record$", ANY_STAFF, True),
    ("GET", r"^/api/v1/(units|categories)", ANY_STAFF, False),  # the directory is shared
    ("GET", r"^/api/v1/(interviews|escalations)", ANY_STAFF, True),
    ("GET", r"^/api/v1/metrics", METRICS_READERS, False),
    # each staff member's own inbox (another's notice answers 404, tests/notify/test_api.py)
    ("GET|POST", r"^/api/v1/notices", ANY_STAFF, False),
    # pages
    ("GET", r"^/(healthz|readyz)$", PUBLIC, False),
    ("GET|POST", r"^/login$", PUBLIC, False),
    ("POST", r"^/logout$", SESSION, False),
    ("GET", r"^/$", ANY_STAFF, False),  # each role's home; anonymous to /login
    ("POST", r"^/open311/v2/requests", CREDENTIAL, False),
    ("GET", r"^/open311/", PUBLIC, False),
    ("GET|POST", r"^/complaints", PUBLIC, False),
    ("POST", r"^/twilio/", CREDENTIAL, False),
    ("GET", r"^/static/", PUBLIC, False),
    ("GET", r"^/api/v1/(openapi\.json|docs)", PUBLIC, False),
    ("POST", r"^/tickets/<number>/(accept|return|extension|reply|appeal)$", UNIT, True),
    ("POST", r"^/tickets/<number>/(publish|unpublish)$", SUPERVISOR, True),
    ("POST", r"^/tickets/<number>/<kind>/<decision>$", SUPERVISOR, True),
    ("POST", r"^/tickets/<number>/reject$", SUPERVISOR, True),
    ("POST", r"^/tickets/<number>/(dispatch|callback|reopen|merge)$", HOTLINE, True),
    ("GET", r"^/tickets/<number>/files/<name>$", ANY_STAFF, True),
    ("GET", r"^/tickets/<number>/print\.pdf$", ANY_STAFF, True),
    ("GET", r"^/escalations/<escalation_id>/letter\.pdf$", ANY_STAFF, True),
    ("GET", r"^/tickets(/<number>)?$", ANY_STAFF, True),
    ("GET|POST", r"^/notices", ANY_STAFF, False),
    ("GET|POST", r"^/console/requests", SUPERVISOR, False),
    ("GET|POST", r"^/console", HOTLINE, False),
    ("GET|POST", r"^/workbench/(interviews|escalations)", ("unit_head",), True),
    ("GET|POST", r"^/workbench", UNIT, True),
    ("GET|POST", r"^/dashboard", INSPECTOR, False),
    ("GET|POST", r"^/admin", ADMIN, False),
]


def rule_for(method: str, path: str) -> tuple[object, bool] | None:
    """(policy, unit-scoped) of the first matching rule, or None."""
    for methods, pattern, policy, scoped in RULES:
        if re.match(f"^({methods})$", method) and re.search(pattern, path):
            has_object = any(f"{{{p}}}" in path or f"<{p}>" in path for p in OBJECT_PARAMS)
            return policy, scoped and has_object
    return None
