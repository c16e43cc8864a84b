"""Negative lists (负面清单): the unit head drafts and edits items and marks milestones done; an
inspector approves an item or sends it back. Every change is a row of the item's history
(negative_list_events), written here and nowhere else.

An edit to an approved item sends it back to pending (its history says so): only approved items
are public, so what the public reads is always what an inspector approved. Marking a milestone
done is progress, not an edit of the plan, and leaves the approval as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select

from hotline.campaign.lists import checks, plan
from hotline.campaign.lists.models import (
    ItemStatus,
    Milestone,
    NegativeListEvent,
    NegativeListItem,
)
from hotline.core.actor import Actor, Role
from hotline.core.clock import to_local, utcnow
from hotline.core.errors import Conflict, Forbidden, NotFound
from hotline.core.extensions import db
from hotline.core.grouped import rows_by
from hotline.core.pagecache import PUBLIC_SITE, invalidate_after_commit
from hotline.notify import inbox
from hotline.notify.inbox import Audience
from hotline.units import service as units
from hotline.units.models import Unit

S = ItemStatus
EDITORS = frozenset({Role.unit_head})  # the unit's own head (一把手), for their unit only
APPROVERS = frozenset({Role.inspector})
TEXT_FIELDS = ("title", "description", "measures", "responsible_person")


# ---- scope -----------------------------------------------------------------------------------


def unit_for(code: str, actor: Actor, *, field: str | None = None) -> Unit:
    """The unit whose list `actor` asks for: unit staff see only their own (others 404).

    `field`: the query field the code came from (an unknown code is then a 422 on it)."""
    unit = units.get_by_code(code, field=field)
    if not actor.is_staff or (actor.is_unit and actor.unit_id != unit.id):
        raise NotFound(f"no unit {code}")
    return unit


def list_items(*, unit_id: int, status: str | None = None) -> list[NegativeListItem]:
    """A unit's items, oldest first (the list reads as the unit wrote it), with milestones."""
    query = select(NegativeListItem).where(NegativeListItem.unit_id == unit_id)
    if status:
        query = query.where(NegativeListItem.status == status)
    return list(db.session.scalars(query.order_by(NegativeListItem.id)))


def get_item(*, unit_id: int | None, item_id: int) -> NegativeListItem:
    """One item of this unit's list (any unit's for None); 404 for another unit's or none."""
    item = db.session.get(NegativeListItem, item_id) if 0 < item_id < 2**31 else None
    if item is None or (unit_id is not None and item.unit_id != unit_id):
        raise NotFound(f"no negative-list item {item_id}")
    return item


def items_query(*, status: str | None = None, unit_id: int | None = None) -> Select:
    """Every unit's items for the oversight office: those awaiting approval first, then by
    unit and in list order (a paged list hands this to its paginator)."""
    query = select(NegativeListItem).order_by(
        (NegativeListItem.status == ItemStatus.pending).desc(),
        NegativeListItem.unit_id,
        NegativeListItem.id,
    )
    if status:
        query = query.where(NegativeListItem.status == status)
    if unit_id is not None:
        query = query.where(NegativeListItem.unit_id == unit_id)
    return query


def history(item_id: int) -> list[NegativeListEvent]:
    """An item's history, oldest first."""
    return list(
        db.session.scalars(
            select(NegativeListEvent)
            .where(NegativeListEvent.item_id == item_id)
            .order_by(NegativeListEvent.at, NegativeListEvent.id)
        )
    )


def histories(item_ids: Iterable[int]) -> dict[int, list[NegativeListEvent]]:
    """The histories of several items in one query, oldest first each."""
    return rows_by(NegativeListEvent.item_id, item_ids, NegativeListEvent.at, NegativeListEvent.id)


# ---- checks ----------------------------------------------------------------------------------


def _require(actor: Actor, roles: frozenset[str], what: str) -> None:
    if actor.role not in roles:
        raise Forbidden(f"role {actor.role} may not {what}")


def _require_head_of(actor: Actor, unit_id: int) -> None:
    _require(actor, EDITORS, "edit a negative list (the unit head does)")
    if actor.unit_id != unit_id:
        raise NotFound("no such negative list")


def _check_version(item: NegativeListItem, version: int | None) -> None:
    if version is not None and version != item.version:
        raise Conflict(
            f"the item changed since you read it (version {item.version}); reload and retry",
            current_version=item.version,
        )


# ---- history ---------------------------------------------------------------------------------


def _event(
    item: NegativeListItem,
    type_: str,
    actor: Actor,
    now: datetime,
    *,
    note: str | None = None,
    data: dict | None = None,
) -> None:
    invalidate_after_commit(PUBLIC_SITE)  # the public unit page shows approved items at once
    db.session.add(
        NegativeListEvent(
            item_id=item.id,
            unit_id=item.unit_id,
            type=type_,
            at=now,
            actor_id=actor.user_id,
            actor_label=actor.label,
            note=note,
            data=data,
        )
    )


def _ask_for_review(item: NegativeListItem, now: datetime) -> None:
    """Inspectors get a notice: an item waits for their approval."""
    inbox.post(
        audience=Audience.role(Role.inspector),
        template="negative_list_submitted",
        now=now,
        unit=item.unit.name,
        title=item.title,
    )


# ---- writes ----------------------------------------------------------------------------------


def create_item(
    *,
    unit: Unit,
    actor: Actor,
    title: str | None,
    milestones: Sequence[dict] | None,
    description: str | None = None,
    measures: str | None = None,
    responsible_person: str | None = None,
    now: datetime | None = None,
) -> NegativeListItem:
    """The unit head adds an item with its plan; it waits for an inspector's approval."""
    now = now or utcnow()
    _require_head_of(actor, unit.id)
    item = NegativeListItem(
        unit_id=unit.id,
        title=checks.text(title, "title", required=True),
        description=checks.text(description, "description"),
        measures=checks.text(measures, "measures"),
        responsible_person=checks.text(responsible_person, "responsible_person"),
        status=S.pending,
        created_at=now,
        created_by=actor.user_id,
        updated_at=now,
    )
    for position, spec in enumerate(checks.milestone_specs(milestones, now)):
        item.milestones.append(plan.new_milestone(unit.id, position, spec, actor))
    db.session.add(item)
    db.session.flush()
    _event(item, "created", actor, now, data={"milestones": len(item.milestones)})
    _ask_for_review(item, now)
    db.session.flush()
    return item


def update_item(
    *,
    item: NegativeListItem,
    actor: Actor,
    changes: dict[str, Any],
    version: int | None = None,
    now: datetime | None = None,
) -> NegativeListItem:
    """The unit head edits an item: any of its texts and, given `milestones`, the whole plan
    (entries with an `id` keep that milestone, others are new, those left out are removed).

    A done milestone stays as it was (409 on changing or removing it). A change to an approved
    or sent-back item puts it back to pending. No change, no history row.
    """
    now = now or utcnow()
    _require_head_of(actor, item.unit_id)
    _check_version(item, version)
    changed: dict[str, Any] = {}
    for field in TEXT_FIELDS:
        if field in changes:
            value = checks.text(changes[field], field, required=field == "title")
            if value != getattr(item, field):
                changed[field] = {"from": getattr(item, field), "to": value}
                setattr(item, field, value)
    if changes.get("milestones") is not None:
        specs = checks.milestone_specs(changes["milestones"], now)
        replaced = plan.replace_milestones(item, specs, actor)
        if replaced:
            changed["milestones"] = replaced
    if not changed:
        return item
    was = item.status
    item.status = S.pending
    item.updated_at = now
    data: dict[str, Any] = {"changes": changed, "was": was}
    if was == S.approved:
        data["reapproval"] = True  # public again only once an inspector approves the change
    _event(item, "edited", actor, now, data=data)
    if was != S.pending:  # a pending item is in the inspectors' queue already
        _ask_for_review(item, now)
    db.session.flush()
    return item


def mark_done(
    *,
    item: NegativeListItem,
    milestone_id: int,
    actor: Actor,
    note: str | None,
    done_at: datetime | date | None = None,
    now: datetime | None = None,
) -> Milestone:
    """The unit head marks a step of the plan done, with a note on what was done."""
    now = now or utcnow()
    _require_head_of(actor, item.unit_id)
    milestone = next((m for m in item.milestones if m.id == milestone_id), None)
    if milestone is None:
        raise NotFound(f"no milestone {milestone_id} on item {item.id}")
    note = checks.text(note, "note", required=True)
    if milestone.done_at is not None:
        raise Conflict(f"milestone {milestone_id} is already done")
    done = checks.done_instant(done_at, "done_at", now) or now
    milestone.done_at = done
    milestone.done_by = actor.user_id
    milestone.done_note = note
    item.updated_at = now
    _event(
        item,
        "milestone_done",
        actor,
        now,
        note=note,
        data={
            "milestone": milestone.id,
            "step": milestone.step,
            "due": milestone.due.isoformat(),
            "done_on": to_local(done).date().isoformat(),
            "late": done >= milestone.due_at,
        },
    )
    db.session.flush()
    return milestone


def approve(
    *,
    item: NegativeListItem,
    actor: Actor,
    reason: str | None = None,
    version: int | None = None,
    now: datetime | None = None,
) -> NegativeListItem:
    """An inspector approves a pending item (it becomes public), with an optional remark."""
    now = now or utcnow()
    _require(actor, APPROVERS, "approve a negative-list item (inspectors do)")
    _check_version(item, version)
    if item.status != S.pending:
        raise Conflict(f"only a pending item is approved; this one is {item.status}")
    item.status = S.approved
    item.approved_at = now
    item.approved_by = actor.user_id
    _event(item, "approved", actor, now, note=checks.text(reason, "reason"))
    db.session.flush()
    return item


def send_back(
    *,
    item: NegativeListItem,
    actor: Actor,
    reason: str | None,
    version: int | None = None,
    now: datetime | None = None,
) -> NegativeListItem:
    """An inspector sends a pending item back to the head with the reason (退回修改)."""
    now = now or utcnow()
    _require(actor, APPROVERS, "send back a negative-list item (inspectors do)")
    _check_version(item, version)
    reason = checks.text(reason, "reason", required=True)
    if item.status != S.pending:
        raise Conflict(f"only a pending item is sent back; this one is {item.status}")
    item.status = S.returned
    item.returned_at = now
    item.return_reason = reason
    _event(item, "returned", actor, now, note=reason)
    inbox.post(
        audience=Audience.unit(item.unit_id, Role.unit_head),
        template="negative_list_returned",
        now=now,
        title=item.title,
        reason=reason,
    )
    db.session.flush()
    return item
