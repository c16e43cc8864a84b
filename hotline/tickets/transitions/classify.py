"""重新分类 (classify): an operator sets a ticket's category and kind, and a ticket no unit has
accepted yet goes where the catalogue sends the new category.

The staff action here is unguarded: its row in registry.py checks who may (hotline staff), from
which status and at which version; call it as `hotline.tickets.transitions.classify`.

Its `classified` event (`{"from", "to", "kind_from", "kind_to"}`) is written even when nothing
changes: an operator's confirmation is as much labelled truth for the text model
(hotline/catalogue's classifier) as a correction. The clock (DESIGN §3): a ticket that moves to
another unit gives that unit a full window, as every re-dispatch does; a ticket that stays with
its unit keeps its window's start, and its deadlines follow the new kind and category as a
policy change would move them (`deadline_recomputed`).
"""

from __future__ import annotations

from datetime import datetime

from marshmallow import fields, validate

from hotline.catalogue import service as catalogue
from hotline.catalogue.routing import decide, load_catalogue
from hotline.core.actor import Actor
from hotline.core.clock import utcnow
from hotline.core.extensions import db
from hotline.tickets.models import Kind, Status, Ticket
from hotline.tickets.recompute import recompute_ticket
from hotline.tickets.schemas import ActionSchema
from hotline.tickets.transitions.common import (
    _deadlines,
    _notify_unit_of_dispatch,
    _open_window,
    _set_status,
    sla_next_check,
)
from hotline.units.models import Unit


class ClassifySchema(ActionSchema):
    category = fields.Str(
        required=True,
        validate=validate.Length(min=1, max=40),
        metadata={"description": "an active leaf of the category tree (its service code)"},
    )
    kind = fields.Str(
        allow_none=True,
        validate=validate.OneOf([k.value for k in Kind]),
        metadata={"description": "the ticket's kind; unchanged when not given"},
    )


# Not final: a closed, rejected or merged ticket's category is history (409).
CLASSIFY_STATUSES = frozenset(
    {Status.new, Status.triage, Status.dispatched, Status.accepted, Status.replied}
)


def classify(
    ticket: Ticket,
    *,
    actor: Actor,
    category: str,
    kind: str | None = None,
    now: datetime | None = None,
) -> Ticket:
    """Set the category (an active leaf of the tree) and kind (unchanged when not given), then
    re-route a ticket in triage or dispatched but not accepted."""
    now = now or utcnow()
    target = catalogue.leaf_by_code(category, field="category")
    before, kind_before = (ticket.category.code if ticket.category else None), ticket.kind
    ticket.category_id, ticket.category = target.id, target
    ticket.kind = kind or ticket.kind
    _set_status(
        ticket,
        "classified",
        actor,
        None,
        now,
        data={"from": before, "to": target.code, "kind_from": kind_before, "kind_to": ticket.kind},
    )
    if (before, kind_before) == (target.code, ticket.kind):
        return ticket
    if ticket.status in (Status.triage, Status.dispatched):
        _reroute(ticket, now)
    elif ticket.status == Status.accepted:
        recompute_ticket(ticket, actor=Actor.system("sla-recompute"), now=now)
    # `new`: the routing job has yet to run and will use the new category.
    return ticket


def _reroute(ticket: Ticket, now: datetime) -> None:
    decision = decide(
        load_catalogue(),
        category_id=ticket.category_id,
        district=ticket.district,
        description=ticket.description,
    )
    stays = decision.unit_id is None or decision.unit_id == ticket.unit_id
    if stays:
        # No confident unit: a ticket in triage waits for an operator, a dispatched one stays
        # with its unit (改派 is the operator's); the same unit keeps its window.
        if ticket.status == Status.dispatched:
            recompute_ticket(ticket, actor=Actor.system("sla-recompute"), now=now)
        return
    unit = db.session.get(Unit, decision.unit_id)
    previous = ticket.unit.code if ticket.unit else None
    _open_window(ticket, unit, now)
    _set_status(
        ticket,
        "dispatched" if previous is None else "redispatched",
        Actor.system("router"),
        Status.dispatched,
        now,
        reason=f"reclassified: {decision.reason}",
        data=_deadlines(ticket) | {"unit": unit.code, "from_unit": previous},
    )
    ticket.sla_check_at = sla_next_check(ticket)
    _notify_unit_of_dispatch(ticket, unit, now)
