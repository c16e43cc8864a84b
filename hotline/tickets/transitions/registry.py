"""The one table of ticket transitions (DESIGN §2): who may, from which status, with what body.

Every row drives three front-ends: the API action endpoints (`tickets/api/actions.py` registers
POST /api/v1/tickets/{number}/<slug> per row), the staff form posts (`staff/pages/actions.py`
loads the form through the row's schema) and the buttons a page offers (`offered`). The guard
(role, own unit, version, status) runs here once, for the API, the forms and every direct call
of `hotline.tickets.transitions.<name>`; the service functions beside this module only do what
is particular to each transition (pending requests, windows, texts, events, notices).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import Schema

from hotline.core.actor import HOTLINE_ROLES, UNIT_ROLES, Actor, Role
from hotline.core.errors import Conflict, Forbidden, NotFound
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
    ReturnSchema,
)
from hotline.tickets.transitions import appeals
from hotline.tickets.transitions.common import _require_status
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
from hotline.tickets.transitions.triage import merge, reject

SUPERVISOR = frozenset({Role.supervisor})
INSPECTOR = frozenset({Role.inspector})
WITH_UNIT = frozenset({Status.dispatched, Status.accepted})


def check_version(ticket: Ticket, expected: int | None) -> None:
    """The optimistic lock, for the API (body `version` or If-Match), forms and direct calls."""
    if expected is not None and expected != ticket.version:
        raise Conflict(
            f"ticket {ticket.number} changed (version {ticket.version}, you had {expected})",
            current_status=ticket.status,
            current_version=ticket.version,
        )


@dataclass(frozen=True, repr=False)
class Transition:
    """One life-cycle transition and everything the front-ends need to offer it."""

    name: str  # the service function (`transitions.<name>`) and the form's endpoint
    slug: str  # POST /api/v1/tickets/{number}/<slug> and POST /tickets/<number>/<slug>
    verb: str  # for messages: "role X may not <verb> a ticket", "cannot <verb> a ticket in …"
    roles: frozenset[str]
    statuses: frozenset[str] | None  # None: any status (a pending request decides)
    schema: type[Schema]  # the API body and the form fields, loaded alike
    service: Callable[..., Any]  # the unguarded service function
    arguments: Callable[[dict], dict]  # loaded body -> the service's keyword arguments
    summary: str  # the OpenAPI summary
    label: Any  # the button (lazy zh-CN msgid; English from the catalogue)
    done: Any  # the flash after a form post
    own_unit: bool = False  # unit staff act on their own unit's tickets only (others: 404)
    needs_pending: str | None = None  # offered only while such a request is pending
    unless_pending: str | None = None  # offered only while no such request is pending
    uploads: bool = False  # the form's `files` become the body's `media`
    offer_if: Callable[[Ticket], bool] | None = None  # offered only when the ticket passes it

    def __repr__(self) -> str:
        return f"<Transition {self.name} POST …/{self.slug}>"

    @property
    def body_required(self) -> bool:
        """Whether the API needs a body at all (else `{}` or nothing will do)."""
        return any(field.required for field in self.schema().fields.values())

    def allows(self, ticket: Ticket, actor: Actor) -> bool:
        """Role, own unit, status and `offer_if`, without raising: what a page may offer."""
        return (
            actor.role in self.roles
            and (not self.own_unit or ticket.unit_id == actor.unit_id)
            and (self.statuses is None or ticket.status in self.statuses)
            and (self.offer_if is None or self.offer_if(ticket))
        )

    def guard(self, ticket: Ticket, actor: Actor, expected_version: int | None = None) -> None:
        """The checks every caller goes through: 403, 404 (another unit's), 409 stale, 409."""
        if actor.role not in self.roles:
            raise Forbidden(f"role {actor.role or actor.label} may not {self.verb} a ticket")
        if self.own_unit and ticket.unit_id != actor.unit_id:
            # Another unit's ticket does not exist as far as this user is concerned.
            raise NotFound(f"no ticket {ticket.number}")
        check_version(ticket, expected_version)
        if self.statuses is not None:
            _require_status(ticket, self.verb, self.statuses)

    def __call__(
        self, ticket: Ticket, *, actor: Actor, expected_version: int | None = None, **kwargs: Any
    ) -> Any:
        """`transitions.<name>(ticket, actor=…, [expected_version=…,] **arguments)`."""
        self.guard(ticket, actor, expected_version)
        return self.service(ticket, actor=actor, **kwargs)

    def perform(self, ticket: Ticket, actor: Actor, body: dict) -> Any:
        """Apply a body loaded with `schema` (API or form); its `version` is the lock."""
        version = body.get("version")
        return self(ticket, actor=actor, expected_version=version, **self.arguments(body))


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
        schema=ReasonSchema,
        service=reopen,
        arguments=lambda b: {"reason": b["reason"]},
        summary="发回重办: back to the unit with a fresh window.",
        label=_l("发回重办"),
        done=_l("已发回重办。"),
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
