"""factory_boy factories and a builder that drives tickets through real transitions."""

from __future__ import annotations

from datetime import datetime, timedelta

import factory
from factory.alchemy import SQLAlchemyModelFactory

from hotline.auth.models import User
from hotline.calls.models import CallRecord
from hotline.catalogue.models import Category, RoutingRule
from hotline.core.actor import Actor
from hotline.core.clock import utcnow
from hotline.core.extensions import db
from hotline.tickets import service as tickets
from hotline.tickets import transitions as tx
from hotline.tickets.models import Escalation, Ticket
from hotline.units.models import Unit

PASSWORD = "correct horse battery"


class _Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731 - resolved per test
        sqlalchemy_session_persistence = "flush"


class UnitFactory(_Base):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:03d}")
    name = factory.Sequence(lambda n: f"测试承办单位{n}")
    head_name = "张主任"
    head_phone = factory.Sequence(lambda n: f"+86139{n:08d}")
    duty_phone = factory.Sequence(lambda n: f"+86137{n:08d}")
    level = "city"
    active = True


class UserFactory(_Base):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    role = "operator"
    unit = None
    display_name = factory.LazyAttribute(lambda o: o.username)
    active = True
    password_hash = "unset"

    @factory.post_generation
    def password(obj: User, create: bool, extracted: str | None, **kwargs: object) -> None:
        obj.set_password(extracted or PASSWORD)


class CategoryFactory(_Base):
    class Meta:
        model = Category

    code = factory.Sequence(lambda n: f"C{n:03d}")
    name = factory.Sequence(lambda n: f"测试类别{n}")
    kind = "complaint"
    default_unit = factory.SubFactory(UnitFactory)
    active = True


class RoutingRuleFactory(_Base):
    class Meta:
        model = RoutingRule

    unit = factory.SubFactory(UnitFactory)
    position = 100
    active = True


class CallRecordFactory(_Base):
    """An inbound call an operator's softphone leg (`operator_call_sid`) took from the queue,
    as the voice webhooks record it."""

    class Meta:
        model = CallRecord

    call_sid = factory.Sequence(lambda n: f"CA{n:032x}")
    operator_call_sid = factory.Sequence(lambda n: f"CA{n:016x}{'e' * 16}")
    from_phone = "+8613812345678"
    offered_at = factory.LazyFunction(utcnow)
    outcome = "answered"
    queued_at = factory.LazyFunction(utcnow)
    answered_at = factory.LazyFunction(utcnow)
    wait_seconds = 12


def actor(user: User) -> Actor:
    return Actor.of(user)


OPERATOR = Actor(user_id=None, role="operator", label="test-operator")
SUPERVISOR = Actor(user_id=None, role="supervisor", label="test-supervisor")


def unit_actor(unit: Unit, role: str = "unit_agent") -> Actor:
    return Actor(user_id=None, role=role, unit_id=unit.id, label=f"{unit.code}-{role}")


def new_ticket(
    *, category: Category | None = None, now: datetime | None = None, **fields: object
) -> Ticket:
    """A ticket freshly created through the service (status new)."""
    values: dict = {
        "channel": "api",
        "description": "小区门口占道经营，噪音扰民",
        "phone": "13812345678",
        "kind": "complaint",
    }
    values.update(fields)
    return tickets.create(
        actor=OPERATOR, category=category.code if category else None, now=now, **values
    )


def ticket_in(status: str, *, unit: Unit, now: datetime | None = None, **fields: object) -> Ticket:
    """A ticket walked through the real transitions up to `status` for `unit`."""
    ticket = new_ticket(now=now, **fields)
    if status == "new":
        return ticket
    if status == "triage":
        return tx.route(ticket, now=now)  # no category, no rule: nobody is confident
    tx.dispatch(ticket, actor=OPERATOR, unit=unit.code, now=now)
    if status == "dispatched":
        return ticket
    tx.accept(ticket, actor=unit_actor(unit), now=now)
    if status == "accepted":
        return ticket
    tx.reply(ticket, actor=unit_actor(unit), text="已现场处理，摊贩已劝离。", now=now)
    if status == "replied":
        return ticket
    if status == "closed":
        tx.rate(ticket, actor=Actor.complainant(), rating=5, now=now)
        return ticket
    raise ValueError(status)


def escalated(ticket: Ticket, level: str = "overdue") -> Escalation:
    """An escalation row of `level` for `ticket`'s unit, against a deadline an hour ago."""
    now = utcnow()
    row = Escalation(
        ticket_id=ticket.id,
        unit_id=ticket.unit_id,
        level=level,
        deadline=now - timedelta(hours=1),
        created_at=now,
    )
    db.session.add(row)
    db.session.flush()
    return row
