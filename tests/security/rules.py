"""Who may call what: a small rules table keyed by role and path pattern, checked against every
endpoint the OpenAPI document and the Flask url_map list. A new endpoint without a rule fails.

Each rule is (method regex, path regex, policy). Policies:
- PUBLIC: anyone, signed in or not (no 401/403 from the access layer).
- SIGNED: outside callers proving themselves another way (Twilio signature): 403 unsigned.
- a tuple of roles: those roles are let through; every other role is refused (403, or 404 for a
  unit-scoped object); anonymous callers get 401 (API) or a redirect to /login (pages).
  With UNIT_SCOPED, unit roles are let through only for their own unit's objects.
"""

from __future__ import annotations

import re

PUBLIC = "public"
SIGNED = "signed"
ANY_STAFF = ("operator", "supervisor", "unit_agent", "unit_head", "inspector", "admin")
HOTLINE = ("operator", "supervisor")
UNIT = ("unit_agent", "unit_head")
SUPERVISOR = ("supervisor",)
INSPECTOR = ("inspector",)
ADMIN = ("admin",)
UNIT_SCOPED = "unit-scoped"

# First match wins. Paths are OpenAPI style ({param}) for the API, Flask style (<param>) else.
RULES: list[tuple[str, str, object, bool]] = [
    # (methods, path, roles or PUBLIC/SIGNED, unit-scoped?)
    ("POST", r"^/api/v1/auth/token$", PUBLIC, False),
    ("POST", r"^/api/v1/tickets$", HOTLINE, False),
    ("POST", r"^/api/v1/tickets/\{number\}/(accept|return|extension|reply)$", UNIT, True),
    ("POST", r"^/api/v1/tickets/\{number\}/(return|extension)/(approve|deny)$", SUPERVISOR, True),
    (
        "POST",
        r"^/api/v1/tickets/\{number\}/(dispatch|callback|reopen|merge|reject)$",
        HOTLINE,
        True,
    ),
    ("GET", r"^/api/v1/tickets(/\{number\}(/events)?)?$", ANY_STAFF, True),
    ("POST", r"^/api/v1/interviews/\{case_id\}/rectify$", ("unit_head",), True),
    ("POST", r"^/api/v1/interviews/\{case_id\}/(schedule|hold|close)$", INSPECTOR, True),
    ("GET", r"^/api/v1/(interviews|escalations|units|categories|calendar)", ANY_STAFF, True),
    (
        "GET",
        r"^/api/v1/metrics",
        ("inspector", "admin", "supervisor", "unit_agent", "unit_head"),
        False,
    ),
    # pages
    ("GET", r"^/(healthz|readyz)$", PUBLIC, False),
    ("GET|POST", r"^/login$", PUBLIC, False),
    ("GET", r"^/$", PUBLIC, False),
    ("POST", r"^/logout$", ANY_STAFF, False),
    ("GET|POST", r"^/(open311|complaints)/", PUBLIC, False),
    ("GET|POST", r"^/complaints", PUBLIC, False),
    ("POST", r"^/twilio/", SIGNED, False),
    ("GET", r"^/static/", PUBLIC, False),
    ("GET", r"^/api/v1/(openapi\.json|docs)", PUBLIC, False),
    ("POST", r"^/tickets/<number>/(accept|return|extension|reply)$", UNIT, True),
    ("POST", r"^/tickets/<number>/<kind>/<decision>$", SUPERVISOR, True),
    ("POST", r"^/tickets/<number>/(dispatch|callback|reopen|merge|reject)$", HOTLINE, True),
    ("GET", r"^/tickets(/<number>)?$", ANY_STAFF, True),
    ("GET", r"^/uploads/", ANY_STAFF, False),
    ("GET|POST", r"^/console/requests", SUPERVISOR, False),
    ("GET|POST", r"^/console", HOTLINE, False),
    ("GET|POST", r"^/workbench/interviews", ("unit_head",), True),
    ("GET|POST", r"^/workbench", UNIT, True),
    ("GET|POST", r"^/dashboard", INSPECTOR, False),
    ("GET|POST", r"^/admin", ADMIN, False),
]


def rule_for(method: str, path: str) -> tuple[object, bool] | None:
    for methods, pattern, policy, scoped in RULES:
        if re.match(f"^({methods})$", method) and re.search(pattern, path):
            return policy, scoped
    return None
