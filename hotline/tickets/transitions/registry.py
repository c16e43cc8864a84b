"""The one table of ticket transitions (DESIGN §2): who may, from which status, with what body.

Every row drives three front-ends: the API action endpoints (`tickets/api/actions.py` registers
POST /api/v1/tickets/{number}/<slug> per row), the staff form posts (`staff/pages/actions.py`
loads the form through the row's schema) and the buttons a page offers (`offered`). The row's
guard (role, own unit, version, status; `transition.Transition`) runs once, for the API, the
forms and every direct call of `hotline.tickets.transitions.<name>`; the service functions beside
this module only do what is particular to each transition (pending requests, windows, texts,
events, notices).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask_babel import lazy_gettext as _l

from hotline.core.actor import HOTLINE_ROLES, UNIT_ROLES, Actor, Role
from hotline.tickets import duplicates
from hotline.tickets.models import Status, Ticket
from hotline.tickets.schemas import (
    ActionSchema,
    AppealSchema,
    CallbackSchema,
    DecisionSchema,
    DispatchSchema,
    ExtensionSchema,
    MergeSchema,
    ReasonSchema,
    ReplySchema,
    ResolveAtSourceSchema,
    ReturnSchema,
)
from hotline.tickets.transitions import appeals
from hotline.tickets.transitions.classify import CLASSIFY_STATUSES, ClassifySchema, classify
from hotline.tickets.transitions.dispatch import accept, dispatch
from hotline.tickets.transitions.outcome import callback, reopen, reply
from hotline.tickets.transitions.requests import (
    approve_extension,
    approve_return,
    deny_extension,
    deny_return,
    grant_extension,
    request_extension,
    request_return,
)
from hotline.tickets.transitions.resolve import (
    AT_SOURCE_KINDS,
    AT_SOURCE_STATUSES,
    resolve_at_source,
)
from hotline.tickets.transitions.transition import Transition, check_version
from hotline.tickets.transitions.triage import merge, reject

__all__ = ["BY_NAME", "BY_SLUG", "TRANSITIONS", "Transition", "check_version", "offered"]

SUPERVISOR = frozenset({Role.supervisor})
INSPECTOR = frozenset({Role.inspector})
WITH_UNIT = frozenset({Status.dispatched, Status.accepted})


def _reason(body: dict) -> dict:
    return {"reason": body.get("reason")}


def _callback(body: dict) -> dict:
    reached = body["reached"]
    return {
        "reached": reached,
        # Not reached: whether it was resolved or how satisfied nobody could say.
        "resolved": body.get("resolved") if reached else None,
        "satisfaction": body.get("satisfaction") if reached else None,
        "note": body.get("note"),
    }


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        name="accept",
        slug="accept",
        verb="accept",
        roles=UNIT_ROLES,
        own_unit=True,
        statuses=frozenset({Status.dispatched}),
        schema=ActionSchema,
        service=accept,
        arguments=lambda b: {},
        summary="签收: the unit takes the ticket (unit staff).",
        label=_l("签收"),
        done=_l("已签收。"),
    ),
    Transition(
        name="dispatch",
        slug="dispatch",
        verb="dispatch",
        roles=HOTLINE_ROLES,
        statuses=frozenset({Status.new, Status.triage, Status.dispatched}),
        schema=DispatchSchema,
        service=dispatch,
        arguments=lambda b: {"unit": b["unit"], "reason": b.get("reason")},
        summary="派单/改派 to a unit by code (hotline staff).",
        label=_l("派单"),
        done=_l("已派单。"),
    ),
    Transition(
        name="request_return",
        slug="return",
        verb="return",
        roles=UNIT_ROLES,
        own_unit=True,
        statuses=WITH_UNIT,
        unless_pending="return",
        schema=ReturnSchema,
        service=request_return,
        arguments=lambda b: {"reason": b["reason"], "suggested_unit": b.get("suggested_unit")},
        summary="退单: the unit says it is not theirs (unit staff).",
        label=_l("退单"),
        done=_l("退单申请已提交，等待审核。"),
    ),
    Transition(
        name="approve_return",
        slug="return/approve",
        verb="approve a return of",
        roles=SUPERVISOR,
        statuses=WITH_UNIT,
        needs_pending="return",
        schema=DecisionSchema,
        service=approve_return,
        arguments=_reason,
        summary="Approve the pending return: back to triage.",
        label=_l("同意退单"),
        done=_l("已审批。"),
    ),
    Transition(
        name="deny_return",
        slug="return/deny",
        verb="deny a return of",
        roles=SUPERVISOR,
        statuses=None,
        needs_pending="return",
        schema=DecisionSchema,
        service=deny_return,
        arguments=_reason,
        summary="Deny the pending return: stays with the unit.",
        label=_l("驳回"),
        done=_l("已审批。"),
    ),
    Transition(
        name="request_extension",
        slug="extension",
        verb="extend",
        roles=UNIT_ROLES,
        own_unit=True,
        statuses=WITH_UNIT,
        unless_pending="extension",
        schema=ExtensionSchema,
        service=request_extension,
        arguments=lambda b: {"days": b["days"], "reason": b["reason"]},
        summary="延期: ask for more working days (unit staff).",
        label=_l("申请延期"),
        done=_l("延期申请已提交，等待审核。"),
    ),
    Transition(
        name="approve_extension",
        slug="extension/approve",
        verb="extend",
        roles=SUPERVISOR,
        statuses=WITH_UNIT,
        needs_pending="extension",
        schema=DecisionSchema,
        service=approve_extension,
        arguments=_reason,
        summary="Grant the pending extension (supervisors).",
        label=_l("同意延期"),
        done=_l("已审批。"),
    ),
    Transition(
        name="deny_extension",
        slug="extension/deny",
        verb="deny an extension of",
        roles=SUPERVISOR,
        statuses=None,
        needs_pending="extension",
        schema=DecisionSchema,
        service=deny_extension,
        arguments=_reason,
        summary="Refuse the pending extension (supervisors).",
        label=_l("驳回"),
        done=_l("已审批。"),
    ),
    Transition(
        name="grant_extension",
        slug="extension/grant",
        verb="grant an extension to",
        roles=INSPECTOR,
        statuses=WITH_UNIT,
        schema=ExtensionSchema,
        service=grant_extension,
        arguments=lambda b: {"days": b["days"], "reason": b["reason"]},
        summary="Grant working days directly, beyond the unit's one request (inspectors).",
        label=_l("督查批准延期"),
        done=_l("已延期。"),
    ),
    Transition(
        name="reply",
        slug="reply",
        verb="reply to",
        roles=UNIT_ROLES,
        own_unit=True,
        statuses=frozenset({Status.accepted}),
        schema=ReplySchema,
        service=reply,
        arguments=lambda b: {"text": b["text"], "media": b["media"]},
        summary="答复: the unit's answer to the complainant (unit staff).",
        label=_l("答复"),
        done=_l("已答复。"),
        uploads=True,
    ),
    Transition(
        name="callback",
        slug="callback",
        verb="call back",
        roles=HOTLINE_ROLES,
        statuses=frozenset({Status.replied}),
        schema=CallbackSchema,
        service=callback,
        arguments=_callback,
        summary="回访: satisfied closes; unresolved/unsatisfied reopens.",
        label=_l("回访"),
        done=_l("回访已记录。"),
    ),
    Transition(
        name="reopen",
        slug="reopen",
        verb="reopen",
        roles=HOTLINE_ROLES,
        statuses=frozenset({Status.replied, Status.closed}),
        # A consultation closed at source (直接办结) never had a unit to send it back to.
        offer_if=lambda ticket: ticket.unit_id is not None,
        schema=ReasonSchema,
        service=reopen,
        arguments=lambda b: {"reason": b["reason"]},
        summary="发回重办: back to the unit with a fresh window.",
        label=_l("发回重办"),
        done=_l("已发回重办。"),
    ),
    Transition(
        name="classify",
        slug="classify",
        verb="classify",
        roles=HOTLINE_ROLES,
        statuses=CLASSIFY_STATUSES,
        schema=ClassifySchema,
        service=classify,
        arguments=lambda b: {"category": b["category"], "kind": b.get("kind")},
        summary="重新分类: set category and kind; re-routes a ticket no unit has accepted yet.",
        label=_l("重新分类"),
        done=_l("已重新分类。"),
    ),
    Transition(
        name="merge",
        slug="merge",
        verb="merge",
        roles=HOTLINE_ROLES,
        statuses=frozenset({Status.new, Status.triage, Status.dispatched, Status.accepted}),
        schema=MergeSchema,
        service=merge,
        arguments=lambda b: {"into": b["into"], "reason": b.get("reason")},
        summary="并单: fold this duplicate into another ticket.",
        label=_l("并单"),
        done=_l("已并单。"),
    ),
    Transition(
        name="dismiss_duplicate",
        slug="not-duplicate",
        verb="dismiss the duplicate flag of",
        roles=HOTLINE_ROLES,
        statuses=frozenset({Status.new, Status.triage, Status.dispatched, Status.accepted}),
        offer_if=lambda ticket: ticket.possible_duplicate_of_id is not None,
        schema=DecisionSchema,
        service=duplicates.dismiss,
        arguments=_reason,
        summary="不是重复: clear the possible-duplicate flag (hotline staff; 409 if none).",
        label=_l("不是重复"),
        done=_l("已标记为不是重复。"),
    ),
    Transition(
        name="reject",
        slug="reject",
        verb="reject",
        roles=SUPERVISOR,
        statuses=frozenset({Status.new, Status.triage}),
        schema=ReasonSchema,
        service=reject,
        arguments=lambda b: {"reason": b["reason"]},
        summary="Reject out of scope / emergency / abuse (supervisors).",
        label=_l("不予受理"),
        done=_l("已不予受理。"),
    ),
    Transition(
        name="resolve_at_source",
        slug="resolve-at-source",
        verb="resolve at source",
        roles=HOTLINE_ROLES,
        statuses=AT_SOURCE_STATUSES,
        offer_if=lambda ticket: ticket.kind in AT_SOURCE_KINDS,
        schema=ResolveAtSourceSchema,
        service=resolve_at_source,
        arguments=lambda b: {"text": b["text"], "article": b.get("article")},
        summary="直接办结: the hotline answers a consultation itself and closes it, undispatched.",
        label=_l("直接办结"),
        done=_l("已直接办结，答复已短信告知来电人。"),
    ),
    Transition(
        name="request_appeal",
        slug="appeal",
        verb="appeal the rating of",
        roles=UNIT_ROLES,
        own_unit=True,
        statuses=None,  # a bad rating decides (409 without one)
        unless_pending=appeals.APPEALED,  # pending or decided: one appeal per rating
        offer_if=appeals.has_bad_rating,
        schema=AppealSchema,
        service=appeals.request_appeal,
        arguments=lambda b: {"reason": b["reason"], "evidence": b["evidence"], "media": b["media"]},
        summary="差评申诉: the unit appeals a bad rating with reason and evidence (unit staff).",
        label=_l("差评申诉"),
        done=_l("申诉已提交，等待督查审核。"),
        uploads=True,
    ),
    Transition(
        name="approve_appeal",
        slug="appeal/approve",
        verb="uphold an appeal on",
        roles=INSPECTOR,
        statuses=None,
        needs_pending="appeal",
        schema=DecisionSchema,
        service=appeals.approve_appeal,
        arguments=_reason,
        summary="Uphold the pending appeal: the rating leaves the figures (inspectors).",
        label=_l("申诉成立"),
        done=_l("已审核。"),
    ),
    Transition(
        name="deny_appeal",
        slug="appeal/deny",
        verb="deny an appeal on",
        roles=INSPECTOR,
        statuses=None,
        needs_pending="appeal",
        schema=DecisionSchema,
        service=appeals.deny_appeal,
        arguments=_reason,
        summary="Deny the pending appeal: the rating keeps counting (inspectors).",
        label=_l("申诉不成立"),
        done=_l("已审核。"),
    ),
)
BY_NAME: Mapping[str, Transition] = {t.name: t for t in TRANSITIONS}
BY_SLUG: Mapping[str, Transition] = {t.slug: t for t in TRANSITIONS}


def offered(ticket: Ticket, actor: Actor, pending: Iterable[str]) -> set[str]:
    """The slugs of the transitions this viewer may start now (the page's buttons).

    `pending` names the request types (`return`, `extension`, `appeal`) awaiting a decision,
    and `appealed` when the ticket's current rating already has an appeal.
    """
    waiting = set(pending)
    return {
        t.slug
        for t in TRANSITIONS
        if t.allows(ticket, actor)
        and (t.needs_pending is None or t.needs_pending in waiting)
        and (t.unless_pending is None or t.unless_pending not in waiting)
    }
