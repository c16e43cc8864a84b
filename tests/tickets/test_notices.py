"""A request that waits for a decision lands in the inbox of whoever decides it."""

from __future__ import annotations

import pytest

from tests.factories import ticket_in

pytestmark = pytest.mark.usefixtures("woken_jobs")


def _notices(caller) -> list[dict]:
    return caller.get("/api/v1/notices").get_json()["items"]


def test_a_return_request_asks_the_supervisors_to_review_it(agent, supervisor, operator, unit):
    ticket = ticket_in("dispatched", unit=unit)
    response = agent.post(
        f"/api/v1/tickets/{ticket.number}/return", json={"reason": "不属于本单位职责"}
    )
    assert response.status_code == 200, response.get_json()
    [notice] = _notices(supervisor)
    assert (notice["type"], notice["ticket"], notice["read"]) == (
        "return_requested",
        ticket.number,
        False,
    )
    assert notice["text"] == f"{unit.name}申请退回工单{ticket.number}（退单），请审核。"
    assert _notices(operator) == []  # operators do not decide returns
    assert _notices(agent) == []


def test_an_extension_request_asks_the_supervisors_to_decide(agent, supervisor, unit, clock):
    clock.set("2026-09-30T10:00:00+08:00")
    ticket = ticket_in("accepted", unit=unit)
    response = agent.post(
        f"/api/v1/tickets/{ticket.number}/extension", json={"days": 3, "reason": "需现场复核"}
    )
    assert response.status_code == 200, response.get_json()
    [notice] = _notices(supervisor)
    assert notice["type"] == "extension_requested"
    assert notice["text"] == f"{unit.name}申请工单{ticket.number}延期3个工作日，请审批。"
    english = supervisor.get("/api/v1/notices?lang=en").get_json()["items"][0]["text"]
    assert english == (
        f"{unit.name} asks for 3 more working days on ticket {ticket.number}; please decide."
    )


def test_a_refused_request_leaves_no_notice(agent, supervisor, unit):
    """Nothing half-done: a request answered 409 posts nothing."""
    ticket = ticket_in("dispatched", unit=unit)
    url = f"/api/v1/tickets/{ticket.number}/return"
    assert agent.post(url, json={"reason": "不属于本单位职责"}).status_code == 200
    assert agent.post(url, json={"reason": "再申请一次"}).status_code == 409
    assert len(_notices(supervisor)) == 1
