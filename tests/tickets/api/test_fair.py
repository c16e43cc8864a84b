"""Fair figures through HTTP: extension caps and the inspector's grant, rating appeals."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from hotline.core.actor import Actor
from hotline.tickets import transitions as tx
from hotline.tickets.models import Ticket, TicketEvent, TicketRequest
from tests.factories import UserFactory, ticket_in
from tests.support.api import caller, error_fields


def url(ticket: Ticket, action: str) -> str:
    return f"/api/v1/tickets/{ticket.number}/{action}"


def _trail(session, ticket: Ticket) -> tuple[int, int, int]:
    """Requests, events and version of a ticket: a refused call changes none of them."""
    session.expire_all()
    requests = session.scalar(select(func.count()).where(TicketRequest.ticket_id == ticket.id))
    events = session.scalar(select(func.count()).where(TicketEvent.ticket_id == ticket.id))
    return requests, events, session.get(Ticket, ticket.id).version


@pytest.fixture
def rated_badly(session, unit, clock) -> Ticket:
    clock.set("2026-10-08T09:00:00+08:00")
    ticket = ticket_in("replied", unit=unit)
    clock.set("2026-10-09T09:00:00+08:00")
    tx.rate(ticket, actor=Actor.complainant(), rating=1)
    clock.set("2026-10-12T09:00:00+08:00")
    session.commit()
    return ticket


APPEAL = {"reason": "诉求超出法定职责范围", "evidence": "答复引用了相关条例，附现场照片"}


def test_the_units_second_extension_is_409_with_a_message(agent, supervisor, session, unit):
    ticket = ticket_in("accepted", unit=unit)
    session.commit()
    assert (
        agent.post(url(ticket, "extension"), json={"days": 3, "reason": "需检测"}).status_code
        == 200
    )
    assert supervisor.post(url(ticket, "extension/approve")).status_code == 200
    before = _trail(session, ticket)
    second = agent.post(url(ticket, "extension"), json={"days": 1, "reason": "再延一天"})
    assert second.status_code == 409
    assert "only an inspector" in second.get_json()["error"]["message"]
    assert second.get_json()["error"]["current_status"] == "accepted"
    assert _trail(session, ticket) == before


def test_more_days_than_the_window_is_409_naming_days(agent, session, unit):
    ticket = ticket_in("accepted", unit=unit)  # complaint: 5 working days
    session.commit()
    before = _trail(session, ticket)
    response = agent.post(url(ticket, "extension"), json={"days": 6, "reason": "需检测"})
    assert response.status_code == 409
    assert response.get_json()["error"]["fields"] == {"days": ["at most 5"]}
    assert response.get_json()["error"]["current_status"] == "accepted"
    assert _trail(session, ticket) == before


def test_an_inspector_grants_days_the_unit_may_not_ask_for(agent, inspector, session, unit, clock):
    clock.set("2026-09-30T10:00:00+08:00")
    ticket = ticket_in("accepted", unit=unit)
    session.commit()
    read = inspector.post(url(ticket, "extension/grant"), json={"days": 10, "reason": "督查批准"})
    assert read.status_code == 200, read.get_json()
    # 14 October 00:00 plus 10 working days (14–16, 19–23, 26–27 October).
    assert read.get_json()["resolve_due_at"] == "2026-10-28T00:00:00+08:00"
    refused = agent.post(url(ticket, "extension/grant"), json={"days": 1, "reason": "x"})
    assert refused.status_code == 403


@pytest.mark.parametrize(
    "body",
    [{"days": 31, "reason": "x"}, {"days": "ten", "reason": "x"}, {"days": 3}, {"reason": "x"}],
)
def test_a_bad_grant_is_422_and_changes_nothing(inspector, session, unit, body):
    ticket = ticket_in("accepted", unit=unit)
    session.commit()
    before = _trail(session, ticket)
    response = inspector.post(url(ticket, "extension/grant"), json=body)
    assert response.status_code == 422
    assert set(error_fields(response)) <= {"days", "reason"}
    assert _trail(session, ticket) == before


def test_the_unit_appeals_and_an_inspector_upholds(agent, inspector, session, rated_badly):
    response = agent.post(url(rated_badly, "appeal"), json=APPEAL)
    assert response.status_code == 200, response.get_json()
    again = agent.post(url(rated_badly, "appeal"), json=APPEAL)
    assert again.status_code == 409
    assert "already pending" in again.get_json()["error"]["message"]
    upheld = inspector.post(url(rated_badly, "appeal/approve"), json={"reason": "证据充分"})
    assert upheld.status_code == 200
    request = session.scalar(select(TicketRequest).where(TicketRequest.type == "appeal"))
    assert (request.status, request.decision_reason) == ("approved", "证据充分")


def test_an_appeal_without_a_rating_is_409(agent, session, unit):
    ticket = ticket_in("replied", unit=unit)
    session.commit()
    before = _trail(session, ticket)
    response = agent.post(url(ticket, "appeal"), json=APPEAL)
    assert response.status_code == 409
    assert response.get_json()["error"]["current_status"] == "replied"
    assert _trail(session, ticket) == before


def test_another_units_appeal_is_404(other_agent, session, rated_badly):
    assert other_agent.post(url(rated_badly, "appeal"), json=APPEAL).status_code == 404


@pytest.mark.parametrize("role", ["unit_agent", "unit_head", "supervisor", "operator"])
def test_only_inspectors_decide_appeals(client, agent, session, unit, rated_badly, role):
    assert agent.post(url(rated_badly, "appeal"), json=APPEAL).status_code == 200
    who = caller(client, UserFactory(role=role, unit=unit if role.startswith("unit") else None))
    before = _trail(session, rated_badly)
    for decision in ("approve", "deny"):
        response = who.post(url(rated_badly, f"appeal/{decision}"), json={"reason": "x"})
        assert response.status_code == 403
    assert _trail(session, rated_badly) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": "不公"}, "evidence"),
        ({"evidence": "录音"}, "reason"),
        ({"reason": "不公", "evidence": "x" * 4001}, "evidence"),
        ({"reason": ["不公"], "evidence": "录音"}, "reason"),
        ({**APPEAL, "media": ["javascript:alert(1)"]}, "media"),
        ({**APPEAL, "rating": 5}, "rating"),
    ],
)
def test_hostile_appeal_bodies_are_422_naming_the_field(agent, session, rated_badly, body, field):
    before = _trail(session, rated_badly)
    response = agent.post(url(rated_badly, "appeal"), json=body)
    assert response.status_code == 422
    assert field in error_fields(response)
    assert _trail(session, rated_badly) == before


def test_a_denied_appeal_cannot_be_filed_again(agent, inspector, session, rated_badly):
    assert agent.post(url(rated_badly, "appeal"), json=APPEAL).status_code == 200
    assert (
        inspector.post(url(rated_badly, "appeal/deny"), json={"reason": "证据不足"}).status_code
        == 200
    )
    again = agent.post(url(rated_badly, "appeal"), json=APPEAL)
    assert again.status_code == 409
    assert "already appealed" in again.get_json()["error"]["message"]
    # Nothing pending: deciding again is a wrong state, not a 500.
    assert inspector.post(url(rated_badly, "appeal/approve")).status_code == 409
