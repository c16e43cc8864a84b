"""Admin edits: each one audited, and the per-process caches it affects invalidated once it
commits (`uow.on_commit`; the calendar's by `sla.watch`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from hotline.audit.service import record_action
from hotline.auth.api_keys import issue_api_key
from hotline.auth.models import ApiKey, User
from hotline.auth.tokens import revoke_credentials
from hotline.auth.users import MIN_PASSWORD, check_unit, create_user
from hotline.catalogue import service as catalogue
from hotline.catalogue.models import Category, RoutingRule
from hotline.catalogue.routing import invalidate_catalogue
from hotline.catalogue.tree import MAX_DEPTH
from hotline.core import uow
from hotline.core.actor import UNIT_ROLES, Actor, Role
from hotline.core.clock import utcnow
from hotline.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hotline.core.extensions import db
from hotline.core.timebounds import OUT_OF_RANGE, year_in_range
from hotline.sla.models import CalendarDay, SlaPolicy
from hotline.tickets.models import Kind, Ticket
from hotline.units import service as units
from hotline.units.models import Unit, UnitKind


def _require_admin(actor: Actor) -> None:
    if actor.role != Role.admin:
        raise Forbidden("only admins may change the configuration")


def audit(*, actor: Actor, action: str, detail: dict[str, Any]) -> None:
    """Append an audit row for a configuration change."""
    record_action(actor_id=actor.user_id, action=action, detail=detail, now=utcnow())


def _text(value: str | None, field: str, *, required: bool = True, limit: int = 200) -> str | None:
    value = (value or "").strip()
    if not value:
        if required:
            raise ValidationFailed(f"{field} is required", fields={field: ["required"]})
        return None
    if len(value) > limit:
        raise ValidationFailed(f"{field} is too long", fields={field: [f"at most {limit}"]})
    return value


def _get(model: type, row_id: int | None) -> Any:
    row = db.session.get(model, row_id) if row_id else None
    if row_id and row is None:
        raise NotFound(f"no {model.__name__} {row_id}")
    return row


def _unit_id(code: str | None, field: str, *, required: bool) -> int | None:
    if not code:
        if required:
            raise ValidationFailed(f"{field} is required", fields={field: ["required"]})
        return None
    # Routing to a monitoring station would send it tickets it never answers.
    return units.check_takes_tickets(units.get_by_code(code, field=field), field=field).id


def save_unit(*, actor: Actor, unit_id: int | None, values: dict[str, Any]) -> Unit:
    """Create or edit a responsible unit."""
    _require_admin(actor)
    unit = _get(Unit, unit_id) or Unit(created_at=utcnow())
    code = _text(values.get("code"), "code", limit=40)
    clash = units.find_by_code(code)
    if clash is not None and clash.id != unit.id:
        raise Conflict(f"unit code {code} is taken", fields={"code": ["taken"]})
    unit.code = code
    unit.name = _text(values.get("name"), "name", limit=120)
    unit.name_en = _text(values.get("name_en"), "name_en", required=False, limit=160)
    unit.head_name = _text(values.get("head_name"), "head_name", required=False, limit=60)
    unit.head_phone = _text(values.get("head_phone"), "head_phone", required=False, limit=20)
    unit.duty_phone = _text(values.get("duty_phone"), "duty_phone", required=False, limit=20)
    kind = values.get("kind") or UnitKind.responsible
    if kind not in {k.value for k in UnitKind}:
        raise ValidationFailed("unknown kind", fields={"kind": ["responsible or station"]})
    if unit.id is not None and kind != unit.kind:
        _check_kind_change(unit)
    unit.kind = kind
    unit.active = bool(values.get("active"))
    db.session.add(unit)
    db.session.flush()
    uow.on_commit("invalidate_catalogue", invalidate_catalogue)
    audit(
        actor=actor,
        action="admin.unit.save",
        detail={"unit": unit.code, "active": unit.active, "kind": unit.kind},
    )
    return unit


def _check_kind_change(unit: Unit) -> None:
    """A unit becomes a station or stops being one only while no staff or ticket hangs on it:
    unit roles belong to units that take tickets, station staff are special supervisors."""
    staffed = db.session.scalar(select(User.id).where(User.unit_id == unit.id).limit(1))
    handled = db.session.scalar(select(Ticket.id).where(Ticket.unit_id == unit.id).limit(1))
    if staffed is not None or handled is not None:
        raise Conflict(
            f"unit {unit.code} has staff or tickets: its kind cannot change",
            fields={"kind": ["has staff or tickets"]},
        )


def add_user(*, actor: Actor, values: dict[str, Any]) -> User:
    """Create a staff user (the shared create_user checks role, unit and password)."""
    _require_admin(actor)
    if values.get("role") == Role.special_supervisor:
        raise Conflict(
            "special supervisors are appointed on the supervisors page",
            fields={"role": ["appoint instead"]},
        )
    user = create_user(
        username=values.get("username", ""),
        password=values.get("password", ""),
        role=values.get("role", ""),
        unit=values.get("unit") or None,
        display_name=values.get("display_name") or None,
    )
    audit(
        actor=actor, action="admin.user.create", detail={"user": user.username, "role": user.role}
    )
    return user


def update_user(
    *,
    actor: Actor,
    user_id: int,
    role: str,
    unit: str | None,
    active: bool,
    display_name: str | None,
) -> User:
    """Change a user's role, unit, name or active flag."""
    _require_admin(actor)
    user = _get(User, user_id)
    if role not in {r.value for r in Role}:
        raise ValidationFailed(f"unknown role {role!r}", fields={"role": ["unknown role"]})
    if role != user.role and Role.special_supervisor in (role, user.role):
        # An appointment has a term and a record: it is made and ended on its own page.
        raise Conflict(
            "special supervisors are appointed and retired on the supervisors page",
            fields={"role": ["appoint or retire instead"]},
        )
    keeps_unit = role in UNIT_ROLES or role == Role.special_supervisor
    unit_row = units.get_by_code(unit, field="unit") if unit and keeps_unit else None
    check_unit(role, unit_row)
    unit_id = unit_row.id if unit_row else None
    if user.id == actor.user_id and (not active or role != Role.admin):
        raise Conflict("you cannot demote or deactivate yourself", fields={"role": ["self"]})
    if (user.role, user.unit_id, user.active) != (role, unit_id, active):
        revoke_credentials(user)  # sessions and tokens carry the old standing
    user.role, user.unit_id, user.active = role, unit_id, active
    user.unit = db.session.get(Unit, unit_id) if unit_id else None
    user.display_name = (display_name or "").strip() or user.username
    audit(
        actor=actor,
        action="admin.user.update",
        detail={"user": user.username, "role": role, "unit": unit, "active": active},
    )
    return user


def reset_password(*, actor: Actor, user_id: int, password: str) -> User:
    """Set a new password and lift any lock-out."""
    _require_admin(actor)
    user = _get(User, user_id)
    if len(password or "") < MIN_PASSWORD:
        raise ValidationFailed(
            f"password must have at least {MIN_PASSWORD} characters",
            fields={"password": [f"at least {MIN_PASSWORD} characters"]},
        )
    user.set_password(password)
    user.failed_logins = 0
    user.locked_until = None
    revoke_credentials(user)  # whoever knew the old password is signed out everywhere
    audit(actor=actor, action="admin.user.reset_password", detail={"user": user.username})
    return user


def save_category(*, actor: Actor, category_id: int | None, values: dict[str, Any]) -> Category:
    """Create or edit a category and its default unit (the dispatch catalogue)."""
    _require_admin(actor)
    cat = _get(Category, category_id) or Category()
    before = (
        {"name": cat.name, "parent": cat.parent.code if cat.parent else None, "active": cat.active}
        if cat.id
        else None
    )
    code = _text(values.get("code"), "code", limit=40)
    clash = db.session.scalar(select(Category.id).where(Category.code == code))
    if clash and clash != cat.id:
        raise Conflict(f"category code {code} is taken", fields={"code": ["taken"]})
    kind = values.get("kind") or ""
    if kind not in {k.value for k in Kind}:
        raise ValidationFailed("unknown kind", fields={"kind": ["unknown"]})
    cat.code, cat.kind = code, kind
    cat.name = _text(values.get("name"), "name", limit=120)
    cat.name_en = _text(values.get("name_en"), "name_en", required=False, limit=160)
    cat.parent_id = _parent_id(cat, values.get("parent"))
    cat.parent = db.session.get(Category, cat.parent_id) if cat.parent_id else None
    cat.keywords = _text(values.get("keywords"), "keywords", required=False, limit=2000)
    cat.default_unit_id = _unit_id(values.get("default_unit"), "default_unit", required=False)
    cat.default_unit = db.session.get(Unit, cat.default_unit_id) if cat.default_unit_id else None
    cat.active = bool(values.get("active"))
    db.session.add(cat)
    db.session.flush()
    uow.on_commit("invalidate_catalogue", invalidate_catalogue)
    after = {"name": cat.name, "parent": cat.parent.code if cat.parent else None}
    after["active"] = cat.active
    audit(
        actor=actor,
        action="admin.category.save",
        detail={"category": code, "from": before, "to": after},
    )
    return cat


def _parent_id(cat: Category, code: str | None) -> int | None:
    """The node's new parent: known, not the node or below it, and the tree no deeper than
    MAX_DEPTH levels (else 422 naming `parent`)."""
    code = (code or "").strip()
    if not code:
        return None
    parent = catalogue.get_by_code(code, field="parent")
    shape = catalogue.shape()
    if cat.id is not None and (parent.id == cat.id or parent.id in shape.descendants(cat.id)):
        raise ValidationFailed(
            "a category cannot sit under itself", fields={"parent": ["under itself"]}
        )
    levels = shape.depth(parent.id) + (shape.height(cat.id) if cat.id is not None else 1)
    if levels > MAX_DEPTH:
        raise ValidationFailed(
            f"the category tree has at most {MAX_DEPTH} levels",
            fields={"parent": [f"at most {MAX_DEPTH} levels"]},
        )
    return parent.id


def save_rule(*, actor: Actor, rule_id: int | None, values: dict[str, Any]) -> RoutingRule:
    """Create or edit a routing rule (category / district / keywords → unit)."""
    _require_admin(actor)
    rule = _get(RoutingRule, rule_id) or RoutingRule()
    code = values.get("category") or None
    rule.category_id = (
        db.session.scalar(select(Category.id).where(Category.code == code)) if code else None
    )
    if code and rule.category_id is None:
        raise ValidationFailed("unknown category", fields={"category": ["unknown"]})
    rule.district = _text(values.get("district"), "district", required=False, limit=60)
    rule.keywords = _text(values.get("keywords"), "keywords", required=False, limit=2000)
    rule.unit_id = _unit_id(values.get("unit"), "unit", required=True)
    rule.unit = db.session.get(Unit, rule.unit_id)
    try:
        rule.position = int(values.get("position") or 100)
    except ValueError as exc:
        raise ValidationFailed(
            "position must be a number", fields={"position": ["number"]}
        ) from exc
    rule.note = _text(values.get("note"), "note", required=False)
    rule.active = bool(values.get("active"))
    db.session.add(rule)
    db.session.flush()
    uow.on_commit("invalidate_catalogue", invalidate_catalogue)
    audit(
        actor=actor, action="admin.rule.save", detail={"rule": rule.id, "unit": values.get("unit")}
    )
    return rule


def _positive(values: dict[str, Any], field: str, default: int) -> int:
    try:
        number = int(values.get(field) or default)
    except ValueError as exc:
        raise ValidationFailed(f"{field} must be a number", fields={field: ["number"]}) from exc
    if number < 1:
        raise ValidationFailed(f"{field} must be positive", fields={field: ["at least 1"]})
    return number


def save_policy(*, actor: Actor, policy_id: int | None, values: dict[str, Any]) -> SlaPolicy:
    """Create or edit an SLA policy; open tickets' deadlines are recomputed after commit."""
    _require_admin(actor)
    policy = _get(SlaPolicy, policy_id) or SlaPolicy()
    policy.name = _text(values.get("name"), "name", limit=120)
    policy.priority = values.get("priority") or None
    policy.kind = values.get("kind") or None
    code = values.get("category") or None
    policy.category_id = (
        db.session.scalar(select(Category.id).where(Category.code == code)) if code else None
    )
    policy.accept_hours = _positive(values, "accept_hours", 24)
    policy.resolve_value = _positive(values, "resolve_value", 5)
    policy.resolve_unit = values.get("resolve_unit") or "working_days"
    if policy.resolve_unit not in ("working_days", "hours"):
        raise ValidationFailed("unknown unit", fields={"resolve_unit": ["working_days or hours"]})
    policy.return_window_wd = _positive(values, "return_window_wd", 2)
    policy.callback_wd = _positive(values, "callback_wd", 1)
    policy.active = bool(values.get("active"))
    policy.updated_at = utcnow()
    db.session.add(policy)
    db.session.flush()
    audit(
        actor=actor, action="admin.policy.save", detail={"policy": policy.id, "name": policy.name}
    )
    return policy


def set_calendar_day(*, actor: Actor, day: str, is_workday: bool, name: str | None) -> CalendarDay:
    """The admin's word on one date (holiday or workday), which always wins."""
    _require_admin(actor)
    try:
        parsed = date.fromisoformat(day)
    except ValueError as exc:
        raise ValidationFailed("day must be YYYY-MM-DD", fields={"day": ["a date"]}) from exc
    if not year_in_range(parsed.year):
        raise ValidationFailed(f"day {OUT_OF_RANGE}", fields={"day": [OUT_OF_RANGE]})
    row = db.session.get(CalendarDay, parsed) or CalendarDay(day=parsed)
    row.is_workday = is_workday
    row.name = (name or "").strip() or None
    row.updated_by_id = actor.user_id
    row.updated_at = utcnow()
    db.session.add(row)
    db.session.flush()  # sla.watch drops the calendar cache after the commit
    audit(
        actor=actor,
        action="admin.calendar.set",
        detail={"day": parsed.isoformat(), "workday": is_workday, "name": row.name},
    )
    return row


def create_api_key(*, actor: Actor, name: str) -> tuple[ApiKey, str]:
    """A new Open311 api_key; returns the row and the plain key, which is never stored."""
    _require_admin(actor)
    label = _text(name, "name", limit=120)
    row, key = issue_api_key(name=label, created_by_id=actor.user_id)
    db.session.flush()
    audit(actor=actor, action="admin.api_key.create", detail={"key": row.id, "prefix": row.prefix})
    return row, key


def revoke_api_key(*, actor: Actor, key_id: int) -> ApiKey:
    _require_admin(actor)
    row = _get(ApiKey, key_id)
    row.active = False
    audit(actor=actor, action="admin.api_key.revoke", detail={"key": row.id, "prefix": row.prefix})
    return row
