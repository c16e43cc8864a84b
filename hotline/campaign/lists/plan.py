"""How an edit changes a plan: the item's milestones kept, changed, added and removed, and
what the history says about it. A done milestone stays on the plan as it was."""

from __future__ import annotations

from hotline.campaign.lists import checks
from hotline.campaign.lists.models import Milestone, NegativeListItem
from hotline.core.actor import Actor
from hotline.core.errors import Conflict, ValidationFailed


def view(m: Milestone) -> dict:
    """A milestone as the history records it."""
    return {"step": m.step, "due": m.due.isoformat(), "done": m.done_at is not None}


def new_milestone(unit_id: int, position: int, spec: dict, actor: Actor) -> Milestone:
    """A milestone from a checked spec (checks.milestone_specs)."""
    return Milestone(
        unit_id=unit_id,
        position=position,
        step=spec["step"],
        due=spec["due"],
        due_at=checks.due_instant(spec["due"]),
        done_at=spec["done_at"],
        done_by=actor.user_id if spec["done_at"] else None,
    )


def replace_milestones(item: NegativeListItem, specs: list[dict], actor: Actor) -> dict:
    """Apply the new plan to the item's milestones; what changed, for the history.

    Entries with an `id` keep that milestone, others are new, those left out are removed; a
    done milestone stays as it was (Conflict on changing or removing it)."""
    existing = {m.id: m for m in item.milestones}
    kept_ids = {s["id"] for s in specs if s["id"] is not None}
    unknown = kept_ids - set(existing)
    if unknown:
        raise ValidationFailed(
            f"no milestone {sorted(unknown)[0]} on this item",
            fields={"milestones": [f"unknown id {sorted(unknown)[0]}"]},
        )
    added: list[dict] = []
    edited: list[dict] = []
    removed: list[dict] = []
    for milestone in list(item.milestones):
        if milestone.id not in kept_ids:
            if milestone.done_at is not None:
                raise Conflict(f"milestone {milestone.id} is done: a done step stays on the plan")
            removed.append(view(milestone))
            item.milestones.remove(milestone)
    for position, spec in enumerate(specs):
        if spec["id"] is None:
            item.milestones.append(new_milestone(item.unit_id, position, spec, actor))
            added.append({"step": spec["step"], "due": spec["due"].isoformat()})
            continue
        milestone = existing[spec["id"]]
        milestone.position = position
        before = view(milestone)
        same = milestone.step == spec["step"] and milestone.due == spec["due"]
        if milestone.done_at is not None and not same:
            raise Conflict(f"milestone {milestone.id} is done: its step and due stay as they were")
        if not same:
            milestone.step = spec["step"]
            milestone.due = spec["due"]
            milestone.due_at = checks.due_instant(spec["due"])
            edited.append({"id": milestone.id, "from": before, "to": view(milestone)})
        if spec["done_at"] is not None and milestone.done_at is None:
            raise Conflict(
                f"milestone {milestone.id}: mark a step done with its note (…/done), not by an edit"
            )
    # The collection loads by position; keep the one in memory in the same order.
    item.milestones.sort(key=lambda m: m.position)
    plan = {k: v for k, v in (("added", added), ("edited", edited), ("removed", removed)) if v}
    return plan
