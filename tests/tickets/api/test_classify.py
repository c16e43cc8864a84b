"""POST /api/v1/tickets/{number}/classify (重新分类): an operator sets a ticket's category (a leaf
of the tree) and kind; a ticket no unit has accepted yet goes where the new category routes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from hotline.notify.models import OutboxMessage
from hotline.tickets import transitions as tx
from hotline.tickets.models import Ticket, TicketEvent
from tests.factories import OPERATOR, CategoryFactory, UserFactory, new_ticket
from tests.factories import ticket_in as walked
from tests.support.api import caller, error_fields


def url(ticket: Ticket) -> str:
    return f"/api/v1/tickets/{ticket.number}/classify"


@pytest.fixture
def tree(session, unit, other_unit) -> dict:
    """市场监管 › {食品安全 → unit, 价格欺诈 → other_unit}, an inactive leaf, an empty group."""
    market = CategoryFactory(code="grp-market", name="市场监管", default_unit=None)
    nodes = {
        "market": market,
        "food": CategoryFactory(code="food", name="食品安全", parent=market, default_unit=unit),
        "price": CategoryFactory(
            code="price", name="价格欺诈", parent=market, default_unit=other_unit
        ),
        "old": CategoryFactory(code="old", name="旧类别", parent=market, active=False),
    }
    session.commit()
    return nodes


def _events(session, ticket: Ticket, type_: str | None = None) -> list[TicketEvent]:
    rows = session.scalars(
        select(TicketEvent).where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id)
    )
    return [e for e in rows if type_ is None or e.type == type_]


def _dispatch_sms(session, ticket: Ticket) -> list[str]:
    rows = session.scalars(select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id))
    return [m.to for m in rows if m.template == "dispatch_unit"]


def test_a_ticket_in_triage_is_classified_and_dispatched_where_its_category_goes(
    operator, session, clock, tree, unit
) -> None:
    ticket = tx.route(new_ticket(kind="consultation"))
    assert ticket.status == "triage"
    session.commit()
    response = operator.post(url(ticket), json={"category": "food", "kind": "complaint"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["category"], body["kind"], body["status"]) == ("food", "complaint", "dispatched")
    assert body["unit"]["code"] == unit.code

    (classified,) = _events(session, ticket, "classified")
    assert classified.data == {
        "from": None,
        "to": "food",
        "kind_from": "consultation",
        "kind_to": "complaint",
    }
    assert classified.actor_id == operator.user.id
    (dispatched,) = _events(session, ticket, "dispatched")
    assert dispatched.reason.startswith("reclassified")
    assert _dispatch_sms(session, ticket) == [unit.duty_phone]


def test_a_dispatched_ticket_not_yet_accepted_moves_to_the_new_categorys_unit_with_a_window(
    operator, session, clock, tree, unit, other_unit
) -> None:
    ticket = new_ticket(category=tree["food"])
    tx.route(ticket)
    assert ticket.unit_id == unit.id
    session.commit()
    clock.now += timedelta(hours=3)
    response = operator.post(url(ticket), json={"category": "price"})
    assert response.status_code == 200, response.get_json()
    session.refresh(ticket)
    assert ticket.unit_id == other_unit.id
    assert ticket.status == "dispatched"
    # The new unit never had it: its accept clock starts now, as at every re-dispatch.
    assert ticket.window_started_at == clock.now
    assert ticket.accept_due_at == clock.now + timedelta(hours=24)
    (moved,) = _events(session, ticket, "redispatched")
    assert moved.data["from_unit"] == unit.code
    assert moved.data["unit"] == other_unit.code
    assert _dispatch_sms(session, ticket)[-1] == other_unit.duty_phone


def test_a_kind_change_with_the_same_unit_moves_the_deadlines_not_the_window(
    operator, session, clock, tree, unit
) -> None:
    ticket = new_ticket(category=tree["food"], kind="consultation")  # 2 working days
    tx.route(ticket)
    started, resolve_before = ticket.window_started_at, ticket.resolve_due_at
    session.commit()
    clock.now += timedelta(hours=5)
    response = operator.post(url(ticket), json={"category": "food", "kind": "suggestion"})
    assert response.status_code == 200, response.get_json()
    session.refresh(ticket)
    assert ticket.unit_id == unit.id
    assert ticket.window_started_at == started  # the clock is not restarted
    assert ticket.resolve_due_at > resolve_before  # 10 working days instead of 2
    assert _events(session, ticket, "redispatched") == []
    assert len(_events(session, ticket, "deadline_recomputed")) == 1


def test_an_accepted_ticket_keeps_its_unit(operator, session, clock, tree, unit) -> None:
    ticket = walked("accepted", unit=unit, category=tree["food"])
    session.commit()
    response = operator.post(url(ticket), json={"category": "price", "kind": "complaint"})
    assert response.status_code == 200, response.get_json()
    session.refresh(ticket)
    assert (ticket.status, ticket.unit_id, ticket.category.code) == ("accepted", unit.id, "price")
    assert _events(session, ticket, "redispatched") == []


def test_confirming_the_category_is_recorded_and_routes_nothing(
    operator, session, clock, tree, unit
) -> None:
    """A confirmation is labelled truth for the text model, as a correction is."""
    ticket = new_ticket(category=tree["food"])
    tx.route(ticket)
    session.commit()
    response = operator.post(url(ticket), json={"category": "food", "kind": "complaint"})
    assert response.status_code == 200
    (event,) = _events(session, ticket, "classified")
    assert (event.data["from"], event.data["to"]) == ("food", "food")
    assert len(_dispatch_sms(session, ticket)) == 1  # the first dispatch's only


def test_a_new_ticket_is_left_to_the_routing_job_with_its_new_category(
    operator, session, clock, tree, unit
) -> None:
    ticket = new_ticket()
    session.commit()
    assert operator.post(url(ticket), json={"category": "food"}).status_code == 200
    session.refresh(ticket)
    assert ticket.status == "new"
    tx.route(ticket)
    assert ticket.unit_id == unit.id


@pytest.mark.parametrize("status", ["closed"])
def test_a_closed_ticket_is_409(operator, session, clock, tree, unit, status) -> None:
    ticket = walked(status, unit=unit, category=tree["food"])
    session.commit()
    response = operator.post(url(ticket), json={"category": "price"})
    assert response.status_code == 409
    assert response.get_json()["error"]["current_status"] == status
    session.refresh(ticket)
    assert ticket.category.code == "food"


def test_a_merged_ticket_is_409(operator, session, clock, tree, unit) -> None:
    kept = new_ticket()
    ticket = tx.merge(new_ticket(), actor=OPERATOR, into=kept.number)
    session.commit()
    response = operator.post(url(ticket), json={"category": "price"})
    assert response.status_code == 409
    assert response.get_json()["error"]["current_status"] == "merged"


@pytest.mark.parametrize(
    ("body", "field", "problem"),
    [
        ({"category": "grp-market"}, "category", "group"),
        ({"category": "old"}, "category", "inactive"),
        ({"category": "NOPE"}, "category", "unknown"),
        ({"category": "x" * 10_000}, "category", None),
        ({"category": ""}, "category", None),
        ({"category": 12}, "category", None),
        ({"category": None}, "category", None),
        ({}, "category", None),
        ({"category": "food", "kind": "rant"}, "kind", None),
        ({"category": "food", "kind": ["complaint"]}, "kind", None),
        ({"category": "food", "version": 0}, "version", None),
    ],
)
def test_bad_bodies_are_422_naming_the_field(
    operator, session, clock, tree, body, field, problem
) -> None:
    ticket = tx.route(new_ticket())
    session.commit()
    response = operator.post(url(ticket), json=body)
    assert response.status_code == 422, response.get_json()
    fields = error_fields(response)
    assert field in fields
    if problem:
        assert fields[field] == [problem]
    session.refresh(ticket)
    assert (ticket.category_id, ticket.status) == (None, "triage")
    assert _events(session, ticket, "classified") == []


def test_a_stale_version_is_409(operator, session, clock, tree) -> None:
    ticket = tx.route(new_ticket())
    session.commit()
    stale = ticket.version - 1 if ticket.version > 1 else ticket.version + 5
    response = operator.post(url(ticket), json={"category": "food", "version": stale})
    assert response.status_code == 409


@pytest.mark.parametrize("role", ["inspector", "admin", "special_supervisor"])
def test_other_roles_are_403(client, session, clock, tree, role) -> None:
    ticket = tx.route(new_ticket())
    session.commit()
    someone = caller(client, UserFactory(role=role))
    assert someone.post(url(ticket), json={"category": "food"}).status_code == 403
    session.refresh(ticket)
    assert ticket.category_id is None


def test_unit_staff_are_403_on_their_own_units_ticket(agent, session, clock, tree, unit) -> None:
    ticket = walked("dispatched", unit=unit)
    session.commit()
    assert agent.post(url(ticket), json={"category": "price"}).status_code == 403


def test_without_a_token_401(client, session, clock, tree) -> None:
    ticket = tx.route(new_ticket())
    session.commit()
    assert client.post(url(ticket), json={"category": "food"}).status_code == 401


def test_a_supervisor_may_classify_and_the_ticket_lists_offer_it(
    client, session, clock, tree
) -> None:
    ticket = tx.route(new_ticket())
    session.commit()
    supervisor = caller(client, UserFactory(role="supervisor"))
    assert "classify" in tx.offered(ticket, OPERATOR, ())
    response = supervisor.post(url(ticket), json={"category": "price", "kind": "report"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["kind"] == "report"
