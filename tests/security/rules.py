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
# 特邀监督员: their own filings only (collections are filtered), no staff page, no unit's ticket.
FILER = ("special_supervisor",)
HOTLINE = ("operator", "supervisor")
UNIT = ("unit_agent", "unit_head")
SUPERVISOR = ("supervisor",)
INSPECTOR = ("inspector",)
ADMIN = ("admin",)
INTERVIEWERS = ("inspector",)  # hotline.escalations.interviews.RUN_ROLES
CALENDAR_READERS = ("inspector", "admin", "supervisor", "operator")
METRICS_READERS = ("inspector", "admin", "supervisor", "unit_agent", "unit_head")
PHONE_FIGURE_READERS = ("operator", "supervisor", "inspector", "admin")  # metrics.views
INSPECTION_READERS = ("inspector", "admin", "unit_agent", "unit_head")  # campaign/inspections
COMMITMENT_MAKERS = ("unit_head", "inspector", "admin")  # campaign.commitments.service.MAKERS
BREACH_LINKERS = ("operator", "supervisor", "inspector")  # campaign.commitments.breaches
# hotline.calls.recordings.may_hear: a unit hears its own tickets' recordings (not 保密 ones).
LISTENERS = HOTLINE + UNIT + INSPECTOR
KNOWLEDGE_EDITORS = ("admin", "supervisor")  # hotline.knowledge.service.EDITORS
HOTSPOT_READERS = ("inspector", "admin", "supervisor")  # hotline.metrics.hotspots_api.READERS
# Path parameters naming one unit-owned object.
OBJECT_PARAMS = (
    "number",
    "case_id",
    "code",
    "escalation_id",
    "inspection_id",
    "finding_id",
    "item_id",
    "commitment_id",
)

# First match wins. Paths are OpenAPI style ({param}) for the API, Flask style (<param>) else.
RULES: list[tuple[str, str, object, bool]] = [
    # (methods, path, roles or PUBLIC/CREDENTIAL/SESSION, unit-scoped?)
    ("POST", r"^/api/v1/auth/token$", PUBLIC, False),
    ("POST", r"^/api/v1/tickets$", HOTLINE + FILER, False),
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
    (
        "POST",
        r"^/api/v1/tickets/\{number\}/(dispatch|callback|reopen|merge|not-duplicate)$",
        HOTLINE,
        True,
    ),
    ("POST", r"^/api/v1/tickets/\{number\}/resolve-at-source$", HOTLINE, True),
    ("POST", r"^/api/v1/tickets/\{number\}/classify$", HOTLINE, True),
    ("GET", r"^/api/v1/tickets$", ANY_STAFF + FILER, True),
    ("GET", r"^/api/v1/tickets/\{number\}(/events)?$", ANY_STAFF, True),
    ("POST", r"^/api/v1/escalations/\{escalation_id\}/respond$", ("unit_head",), True),
    ("POST", r"^/api/v1/interviews/\{case_id\}/(rectify|commit)$", ("unit_head",), True),
    (
        "POST",
        r"^/api/v1/interviews/\{case_id\}/(schedule|hold|reject|close|publish|unpublish)$",
        INTERVIEWERS,
        True,
    ),
    ("GET", r"^/api/v1/calendar", CALENDAR_READERS, False),
    ("GET", r"^/api/v1/units/\{code\}/record$", ANY_STAFF, True),
    # the campaign: negative lists (the head drafts, inspectors approve) and commitments
    ("GET", r"^/api/v1/units/\{code\}/negative-list", ANY_STAFF, True),
    (
        "POST|PATCH",
        r"^/api/v1/units/\{code\}/negative-list(/\{item_id\}(/milestones/\{milestone_id\}/done)?)?$",
        ("unit_head",),
        True,
    ),
    (
        "POST",
        r"^/api/v1/units/\{code\}/negative-list/\{item_id\}/(approve|reject)$",
        INSPECTOR,
        True,
    ),
    ("GET", r"^/api/v1/milestones/overdue$", ANY_STAFF, False),
    # the annual assessment: heads read their own unit's row (the rows are filtered)
    ("GET", r"^/api/v1/assessments/\{year\}$", ("inspector", "admin", "unit_head"), False),
    ("GET", r"^/api/v1/assessments/\{year\}/(versions|weights)$", ("inspector", "admin"), False),
    ("POST", r"^/api/v1/assessments/\{year\}/finalise$", INSPECTOR, False),
    ("PUT", r"^/api/v1/assessments/\{year\}/weights$", ADMIN, False),
    ("POST", r"^/dashboard/assessment/<year>/finalise$", INSPECTOR, False),
    ("GET", r"^/dashboard/assessment", ("inspector", "admin"), False),
    ("GET", r"^/api/v1/commitments", ANY_STAFF, True),
    ("POST", r"^/api/v1/commitments(/\{commitment_id\}/retire)?$", COMMITMENT_MAKERS, True),
    ("POST", r"^/api/v1/commitments/\{commitment_id\}/breaches$", BREACH_LINKERS, True),
    ("GET", r"^/api/v1/categories", ANY_STAFF + FILER, False),  # a filing names one
    ("GET", r"^/api/v1/(units|categories)", ANY_STAFF, False),  # the directory is shared
    # the knowledge base: every staff role reads, admins and supervisors write
    ("GET", r"^/api/v1/knowledge", ANY_STAFF, False),
    ("POST|PUT", r"^/api/v1/knowledge", KNOWLEDGE_EDITORS, False),
    ("GET", r"^/api/v1/supervisors$", ("admin", "inspector"), False),
    ("POST", r"^/api/v1/supervisors", ADMIN, False),
    ("GET|POST", r"^/(api/v1/)?notices", ANY_STAFF, False),  # each user's own inbox
    ("GET", r"^/api/v1/(interviews|escalations)", ANY_STAFF, True),
    ("GET", r"^/api/v1/metrics/hotline$", PHONE_FIGURE_READERS, False),
    ("GET", r"^/api/v1/metrics/hotspots$", HOTSPOT_READERS, False),
    ("GET", r"^/api/v1/metrics", METRICS_READERS, False),
    ("GET", r"^/api/v1/callbacks$", HOTLINE, False),  # missed calls: full numbers
    ("POST", r"^/api/v1/callbacks/\{task_id\}/attempts$", HOTLINE, False),
    # the operators' softphone: their own token and presence
    ("GET|PUT", r"^/api/v1/voice/(token|presence)$", HOTLINE, False),
    ("POST", r"^/api/v1/inspections(/\{inspection_id\}/files)?$", INSPECTOR, True),
    ("POST", r"^/api/v1/findings/\{finding_id\}/answer$", ("unit_head",), True),
    ("POST", r"^/api/v1/findings/\{finding_id\}/(accept|reject)$", INSPECTOR, True),
    ("GET", r"^/api/v1/(inspections|findings)", INSPECTION_READERS, True),
    # pages
    ("GET", r"^/(healthz|readyz)$", PUBLIC, False),
    ("GET|POST", r"^/login$", PUBLIC, False),
    ("POST", r"^/logout$", SESSION, False),
    ("GET", r"^/$", ANY_STAFF + FILER, False),  # each role's home; anonymous to /login
    ("GET|POST", r"^/supervise", FILER, False),
    ("POST", r"^/open311/v2/requests", CREDENTIAL, False),
    ("GET", r"^/open311/", PUBLIC, False),
    ("GET|POST", r"^/complaints", PUBLIC, False),
    ("GET", r"^/public", PUBLIC, False),  # the public site: no login, nothing personal
    ("POST", r"^/twilio/", CREDENTIAL, False),
    ("GET", r"^/static/", PUBLIC, False),
    ("GET", r"^/api/v1/(openapi\.json|docs)", PUBLIC, False),
    ("POST", r"^/tickets/<number>/(accept|return|extension|reply|appeal)$", UNIT, True),
    ("POST", r"^/tickets/<number>/(publish|unpublish)$", SUPERVISOR, True),
    ("POST", r"^/tickets/<number>/breach$", BREACH_LINKERS, True),
    ("POST", r"^/tickets/<number>/<kind>/<decision>$", SUPERVISOR, True),
    ("POST", r"^/tickets/<number>/reject$", SUPERVISOR, True),
    ("POST", r"^/tickets/<number>/(dispatch|callback|reopen|merge|not-duplicate)$", HOTLINE, True),
    ("POST", r"^/tickets/<number>/resolve-at-source$", HOTLINE, True),
    ("POST", r"^/tickets/<number>/classify$", HOTLINE, True),
    ("GET", r"^/tickets/<number>/files/<name>$", ANY_STAFF, True),
    ("GET", r"^/tickets/<number>/recordings/<sid>$", LISTENERS, True),
    ("GET", r"^/tickets/<number>/print\.pdf$", ANY_STAFF, True),
    ("GET", r"^/escalations/<escalation_id>/letter\.pdf$", ANY_STAFF, True),
    ("GET", r"^/tickets(/<number>)?$", ANY_STAFF, True),
    ("GET", r"^/knowledge(/<article_id>)?$", ANY_STAFF, False),
    (
        "GET|POST",
        r"^/knowledge/(new|<article_id>/(edit|archive|restore))$",
        KNOWLEDGE_EDITORS,
        False,
    ),
    ("GET|POST", r"^/console/requests", SUPERVISOR, False),
    ("GET|POST", r"^/console", HOTLINE, False),
    (
        "GET|POST",
        r"^/workbench/(interviews|escalations|findings|negative-list|commitments)",
        ("unit_head",),
        True,
    ),
    ("GET|POST", r"^/workbench", UNIT, True),
    ("GET", r"^/dashboard/hotspots", HOTSPOT_READERS, False),
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
