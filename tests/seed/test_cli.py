"""`flask seed --demo`: a database to explore, with tickets in every status and every role."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from hotline.auth.models import User
from hotline.catalogue.models import Category, RoutingRule
from hotline.core.actor import Role
from hotline.sla.models import SlaPolicy
from hotline.tickets.models import Status, Ticket, TicketEvent
from hotline.units.models import Unit


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


@pytest.mark.slow
def test_demo_seed_covers_every_status_and_role(runner, session):
    result = runner.invoke(args=["seed", "--demo"])

    assert result.exit_code == 0, result.output
    statuses = dict(
        session.execute(select(Ticket.status, func.count()).group_by(Ticket.status)).all()
    )
    assert set(statuses) == {s.value for s in Status}
    assert sum(statuses.values()) == 300
    roles = set(session.scalars(select(User.role).distinct()))
    assert roles == {r.value for r in Role}
    assert session.scalar(select(Unit.name).where(Unit.code == "C-SCJG")) == "市市场监督管理局"
    assert _count(session, Category) >= 15
    assert _count(session, RoutingRule) >= 5
    assert _count(session, SlaPolicy) >= 6
    # Tickets were walked through real transitions: each has a recorded history.
    assert _count(session, TicketEvent) > 3 * 300
    login = session.scalar(select(User).where(User.username == "operator"))
    assert login.check_password("operator123")


@pytest.mark.slow
def test_demo_seed_is_deterministic_and_backdated(runner, session):
    runner.invoke(args=["seed", "--demo"])

    oldest, newest = session.execute(
        select(func.min(Ticket.created_at), func.max(Ticket.created_at))
    ).one()
    assert (newest - oldest).days >= 60
    overdue_open = session.scalar(
        select(func.count())
        .select_from(Ticket)
        .where(Ticket.status.in_(["dispatched", "accepted"]), Ticket.resolve_due_at < newest)
    )
    assert overdue_open > 0


@pytest.mark.slow
def test_seed_refuses_a_database_with_data_unless_if_empty(runner, session):
    assert runner.invoke(args=["seed", "--demo", "--tickets", "20"]).exit_code == 0

    again = runner.invoke(args=["seed", "--demo"])
    assert again.exit_code != 0
    assert "not empty" in again.output

    skipped = runner.invoke(args=["seed", "--demo", "--if-empty"])
    assert skipped.exit_code == 0
    assert "skipped" in skipped.output
    assert _count(session, Ticket) == 20


@pytest.mark.slow
def test_demo_seed_has_inspections_with_findings_in_every_state(runner, session):
    from hotline.campaign.inspections.models import Finding, Inspection

    assert runner.invoke(args=["seed", "--demo", "--tickets", "20"]).exit_code == 0
    kinds = set(session.scalars(select(Inspection.kind)))
    assert kinds == {"mystery_visit", "special"}
    states = set(session.execute(select(Finding.status, Finding.overdue_at.is_not(None))).all())
    assert states == {("rectified", False), ("answered", False), ("open", False), ("open", True)}
    rectified = session.scalars(select(Finding).where(Finding.status == "rectified")).one()
    assert [a.decision for a in rectified.answers] == ["rejected", "accepted"]
