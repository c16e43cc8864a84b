"""One ticket transition as the front-ends see it (a row of `registry.TRANSITIONS`): who may,
from which status, with what body, and the guard every caller goes through."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from marshmallow import Schema

from hotline.core.actor import Actor
from hotline.core.errors import Conflict, Forbidden, NotFound
from hotline.tickets.models import Ticket
from hotline.tickets.transitions.common import _require_status


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
