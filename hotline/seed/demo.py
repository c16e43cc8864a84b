"""`flask seed --demo`: reference data plus a few hundred tickets walked through real transitions.

Deterministic (a seeded random), and every ticket moves only through hotline.tickets.transitions
with backdated `now` values over the last ~3 months, so its events, deadlines and overdue flags
are exactly what the live system would have produced.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update

from hotline.auth.models import User
from hotline.auth.users import create_user
from hotline.catalogue.models import Category, RoutingRule
from hotline.catalogue.routing import invalidate_catalogue
from hotline.core.actor import Actor
from hotline.core.clock import utcnow
from hotline.core.extensions import db
from hotline.core.queue import cancel_wake_ups
from hotline.notify.models import OutboxMessage
from hotline.seed import data, oversight, supervisors
from hotline.seed.campaign_lists import load_campaign_lists
from hotline.seed.inspections import load_inspections
from hotline.seed.interviews import load_interviews
from hotline.seed.knowledge import load_knowledge
from hotline.sla.models import SlaPolicy
from hotline.tickets import service as tickets
from hotline.tickets import transitions as tx
from hotline.tickets.models import FINAL_STATUSES, Status, Ticket
from hotline.tickets.transitions.requests import original_window_days
from hotline.units.models import Unit

# How many tickets end in each status, and how many days ago they came in (min, max).
PLAN: dict[str, tuple[float, float, float]] = {
    # status: (share, oldest days ago, newest days ago)
    "closed": (0.36, 90, 18),
    "replied": (0.12, 30, 2),
    "accepted": (0.15, 40, 1),
    "dispatched": (0.13, 20, 0.1),
    "triage": (0.08, 6, 0.05),
    "new": (0.03, 0.5, 0.01),
    "rejected": (0.06, 80, 1),
    "merged": (0.07, 60, 1),
}
CHANNELS = ["phone"] * 11 + ["sms"] * 3 + ["web"] * 3 + ["api", "walk_in", "open311"]
NO_UNIT_CATEGORIES = ("policy_consult", "suggestion", "other")


def is_empty() -> bool:
    """True when no unit exists yet (a fresh database)."""
    return db.session.scalar(select(Unit.id).limit(1)) is None


def load_reference(*, now: datetime) -> dict[str, int]:
    """Units, categories, routing rules, SLA policies and the demo users."""
    units: dict[str, Unit] = {}
    for code, name, name_en, level, parent, head, duty in data.UNITS:
        unit = Unit(
            code=code,
            name=name,
            name_en=name_en,
            level=level,
            parent_id=units[parent].id if parent in units else None,
            head_name=head,
            head_phone="+86139" + duty[-8:],
            duty_phone=duty,
            active=True,
            created_at=now,
        )
        db.session.add(unit)
        db.session.flush()
        units[code] = unit
    groups: dict[str, Category] = {}
    for code, name, name_en, parent in data.CATEGORY_GROUPS:
        groups[code] = Category(
            code=code,
            name=name,
            name_en=name_en,
            kind="complaint",
            parent_id=groups[parent].id if parent else None,
            active=True,
        )
        db.session.add(groups[code])
        db.session.flush()
    group_by_name = {g.name: g for g in groups.values() if g.parent_id is None}
    categories: dict[str, Category] = {}
    for code, name, name_en, group, kind, unit_code, keywords, attrs in data.CATEGORIES:
        parent = groups.get(data.CATEGORY_PARENTS.get(code, "")) or group_by_name[group]
        category = Category(
            code=code,
            name=name,
            name_en=name_en,
            parent_id=parent.id,
            kind=kind,
            default_unit_id=units[unit_code].id if unit_code else None,
            keywords=keywords or None,
            attributes=attrs,
            description=f"{name} / {name_en}",
            active=True,
        )
        db.session.add(category)
        categories[code] = category
    db.session.flush()
    for position, (cat, district, keywords, unit_code, note) in enumerate(data.RULES, start=10):
        db.session.add(
            RoutingRule(
                category_id=categories[cat].id if cat else None,
                district=district,
                keywords=keywords or None,
                unit_id=units[unit_code].id,
                position=position,
                active=True,
                note=note,
            )
        )
    for name, priority, kind, cat, accept_h, resolve, resolve_unit in data.SLA_POLICIES:
        db.session.add(
            SlaPolicy(
                name=name,
                priority=priority,
                kind=kind,
                category_id=categories[cat].id if cat else None,
                accept_hours=accept_h,
                resolve_value=resolve,
                resolve_unit=resolve_unit,
                return_window_wd=2,
                callback_wd=1,
                active=True,
                updated_at=now,
            )
        )
    for username, password, role, unit_code, display in data.USERS:
        create_user(
            username=username, password=password, role=role, unit=unit_code, display_name=display
        )
    db.session.flush()
    invalidate_catalogue()  # now, not after the commit: the demo's own tickets route with it
    return {"units": len(units), "categories": len(categories), "users": len(data.USERS)}


@dataclass
class _Walk:
    """State shared while walking the tickets: actors, the clock limit, the open tickets."""

    rng: random.Random
    limit: datetime
    operator: Actor
    supervisor: Actor
    inspector: Actor
    agents: dict[int, Actor]
    units: list[Unit]
    open_tickets: list[Ticket] = field(default_factory=list)
    # Appeals draw from their own stream, so the rest of the walk stays as it was without them.
    appeals: random.Random = field(default_factory=lambda: random.Random(16))

    def at(self, start: datetime, hours: float) -> datetime:
        """`start` plus `hours`, never past the real now (the walk must not reach the future)."""
        return max(start, min(start + timedelta(hours=hours), self.limit))

    def agent(self, ticket: Ticket) -> Actor:
        unit_id = ticket.unit_id or 0
        return self.agents.get(
            unit_id, Actor(role="unit_agent", unit_id=unit_id, label=f"unit-{unit_id}-agent")
        )


def _description(rng: random.Random, category: str, district: str) -> tuple[str, str]:
    place = f"{district}{rng.choice(data.STREETS)}{rng.randint(1, 300)}号"
    text = rng.choice(data.TEXTS[category]).format(
        place=place,
        shop=rng.choice(data.SHOPS),
        company=rng.choice(data.COMPANIES),
        amount=rng.choice([86, 120, 350, 800, 1500, 3200, 12000, 46000]),
        months=rng.randint(2, 6),
    )
    return text, place


def _phone(rng: random.Random) -> str:
    return (
        "1" + rng.choice(["38", "39", "58", "86", "35", "77"]) + f"{rng.randint(0, 99999999):08d}"
    )


def _targets(rng: random.Random, count: int) -> list[str]:
    targets = [s for s, (share, _, _) in PLAN.items() for _ in range(max(1, round(share * count)))]
    rng.shuffle(targets)
    return targets[:count]


def _dispatch_by_hand(w: _Walk, ticket: Ticket, t: datetime) -> datetime:
    category = ticket.category
    unit = (category.default_unit if category and category.default_unit else None) or w.rng.choice(
        w.units
    )
    t = w.at(t, w.rng.uniform(0.3, 4))
    tx.dispatch(ticket, actor=w.operator, unit=unit.code, reason="人工派单", now=t)
    return t


def _walk(w: _Walk, ticket: Ticket, target: str, t: datetime) -> None:
    """Move one `new` ticket to `target` through the real transitions, time running forward."""
    rng = w.rng
    if target == "new":
        return
    t = w.at(t, rng.uniform(0.01, 0.1))
    tx.route(ticket, now=t)
    if target == "merged":
        candidates = [o for o in w.open_tickets if o.status not in FINAL_STATUSES]
        if candidates:
            into = rng.choice(candidates[-20:])
            tx.merge(ticket, actor=w.operator, into=into.number, reason="重复诉求", now=w.at(t, 1))
            return
        target = "triage"
    if target == "rejected":
        if ticket.status == Status.triage:
            tx.reject(
                ticket,
                actor=w.supervisor,
                reason=rng.choice(["不属于热线受理范围", "已转110处置", "重复骚扰来电"]),
                now=w.at(t, rng.uniform(0.5, 3)),
            )
        return
    if target == "triage":
        return
    if ticket.status == Status.triage:
        t = _dispatch_by_hand(w, ticket, t)
    else:
        t = ticket.dispatched_at or t
    if target != "dispatched" and rng.random() < 0.08:
        # 退单: the unit says it is not theirs, the supervisor agrees, the operator re-dispatches.
        t = w.at(t, rng.uniform(1, 6))
        tx.request_return(ticket, actor=w.agent(ticket), reason="不属于我单位职责", now=t)
        t = w.at(t, rng.uniform(1, 4))
        tx.approve_return(ticket, actor=w.supervisor, reason="同意退回", now=t)
        t = _dispatch_by_hand(w, ticket, t)
    w.open_tickets.append(ticket)
    if target == "dispatched":
        return
    # Mostly within the 24 h accept window, sometimes late (for the 响应率).
    t = w.at(t, rng.choice([1, 2, 3, 5, 8, 20, 30, 50]) * rng.uniform(0.5, 1.0))
    tx.accept(ticket, actor=w.agent(ticket), now=t)
    if rng.random() < 0.1 and ticket.resolve_due_at and w.at(t, 24) < ticket.resolve_due_at:
        t = w.at(t, 24)
        # At most the ticket's own window (a consultation has 2 working days, urgent 1).
        days = min(3, original_window_days(ticket))
        tx.request_extension(ticket, actor=w.agent(ticket), days=days, reason="需协调多部门", now=t)
        t = w.at(t, rng.uniform(1, 6))
        if rng.random() < 0.8:
            tx.approve_extension(ticket, actor=w.supervisor, reason="同意延期", now=t)
        else:
            tx.deny_extension(ticket, actor=w.supervisor, reason="请按期办结", now=t)
    if target == "accepted":
        return
    t = w.at(t, rng.uniform(4, 24 * 8))
    tx.reply(ticket, actor=w.agent(ticket), text=rng.choice(data.REPLIES), now=t)
    if target == "replied":
        return
    if rng.random() < 0.12:
        # 发回重办: an unsatisfied rating sends it back; the second answer satisfies.
        t = w.at(t, rng.uniform(2, 30))
        tx.rate(ticket, actor=Actor.complainant(), rating=rng.choice([1, 2]), now=t)
        t = _maybe_appeal(w, ticket, t)
        t = w.at(t, rng.uniform(24, 24 * 4))
        tx.reply(ticket, actor=w.agent(ticket), text="重新核查后已彻底解决。", now=t)
    t = w.at(t, rng.uniform(2, 40))
    if rng.random() < 0.3:
        tx.callback(
            ticket,
            actor=w.operator,
            reached=True,
            resolved=True,
            satisfaction=rng.choice([3, 4, 5, 5]),
            note="回访满意",
            now=t,
        )
    else:
        tx.rate(ticket, actor=Actor.complainant(), rating=rng.choice([3, 4, 4, 5, 5, 5]), now=t)


def _maybe_appeal(w: _Walk, ticket: Ticket, t: datetime) -> datetime:
    """Some units appeal the bad rating (差评申诉); inspectors decide most, a few wait."""
    if w.appeals.random() >= 0.4:
        return t
    t = w.at(t, w.appeals.uniform(2, 20))
    tx.request_appeal(
        ticket,
        actor=w.agent(ticket),
        reason="诉求超出本单位法定职责，已依法解释",
        evidence="答复中已引用相关规定，并附现场核查记录",
        now=t,
    )
    if w.appeals.random() < 0.7:
        t = w.at(t, w.appeals.uniform(4, 48))
        upheld = w.appeals.random() < 0.5
        decide = tx.approve_appeal if upheld else tx.deny_appeal
        decide(ticket, actor=w.inspector, reason="证据充分" if upheld else "证据不足", now=t)
    return t


def load_tickets(*, now: datetime, count: int = 300, seed: int = 12345) -> dict[str, int]:
    """`count` tickets in every status, created over the last ~3 months before `now`."""
    rng = random.Random(seed)
    users = {u.username: u for u in db.session.scalars(select(User))}
    units = list(db.session.scalars(select(Unit).where(Unit.level == "city").order_by(Unit.id)))
    agents = {}
    for user in users.values():
        if user.role == "unit_agent" and user.unit_id not in agents:
            agents[user.unit_id] = Actor.of(user)
    walk = _Walk(
        rng=rng,
        limit=now - timedelta(minutes=1),
        operator=Actor.of(users["operator"]),
        supervisor=Actor.of(users["supervisor"]),
        inspector=Actor.of(users["inspector"]),
        agents=agents,
        units=units,
    )
    plans = []
    for target in _targets(rng, count):
        _, oldest, newest = PLAN[target]
        created = now - timedelta(days=rng.uniform(newest, oldest))
        # Complaints mostly come in by day (local 08:00–21:00).
        local_hour = (created.hour + 8) % 24
        if local_hour < 8 or local_hour > 21:
            created = min(created + timedelta(hours=10), now - timedelta(minutes=5))
        if target in ("triage", "rejected"):
            category = rng.choice(NO_UNIT_CATEGORIES)
        else:
            category = rng.choice([c[0] for c in data.CATEGORIES])
        plans.append((created, target, category))
    plans.sort()
    counts: dict[str, int] = {}
    for created, target, category in plans:
        district = rng.choice(data.DISTRICTS)
        text, place = _description(rng, category, district)
        channel = rng.choice(CHANNELS)
        ticket = tickets.create(
            actor=walk.operator if channel in ("phone", "walk_in") else Actor.system(channel),
            channel=channel,
            description=text,
            phone=_phone(rng),
            category=category,
            priority="urgent" if rng.random() < 0.05 else "normal",
            name=rng.choice(data.NAMES) if rng.random() < 0.7 else None,
            disclose_identity=rng.random() < 0.3,
            confidential=rng.random() < 0.05,
            address=place,
            district=district,
            now=created,
        )
        _walk(walk, ticket, target, created)
        counts[ticket.status] = counts.get(ticket.status, 0) + 1
    db.session.flush()
    return counts


def mark_history_sent() -> int:
    """The seed's notifications belong to the past: record them as sent, never send them now."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == "pending")
        .values(status="sent", sent_at=OutboxMessage.created_at)
        .execution_options(synchronize_session=False)
    )
    # Routing and sending wake-ups would start Redis just to replay history: drop them.
    cancel_wake_ups()
    return result.rowcount or 0


def seed_demo(*, now: datetime | None = None, count: int = 300) -> dict[str, object]:
    """Load the whole demo data set into an empty database (flushes; the caller commits)."""
    now = now or utcnow()
    summary: dict[str, object] = dict(load_reference(now=now))
    # Special supervisors' filings are some of the `count` tickets (none in a tiny demo).
    filings = len(supervisors.FILINGS) if count >= len(supervisors.FILINGS) else 0
    statuses = load_tickets(now=now, count=count - filings)
    summary["supervisors"] = supervisors.load_supervisors(now=now)
    if filings:
        for status, n in supervisors.load_filings(now=now).items():
            statuses[status] = statuses.get(status, 0) + n
    supervisors.retire_departed(now=now)
    summary["tickets"] = statuses
    summary["interviews"] = oversight.replay(now=now)
    summary.update(load_inspections(now=now))
    summary.update(load_campaign_lists(now=now))
    summary["published_commitments"] = load_interviews(now=now)
    knowledge = load_knowledge(now=now)
    summary["knowledge_articles"] = knowledge["articles"]
    statuses[Status.triage] = statuses.get(Status.triage, 0) - knowledge["resolved_at_source"]
    statuses[Status.closed] = statuses.get(Status.closed, 0) + knowledge["resolved_at_source"]
    summary["resolved_at_source"] = knowledge["resolved_at_source"]
    mark_history_sent()
    return summary
