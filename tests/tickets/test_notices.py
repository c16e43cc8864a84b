"""A request that waits for a decision lands in the inbox of whoever decides it."""

from __future__ import annotations

import pytest

from hotline.core.actor import Actor
from hotline.tickets import transitions as tx
from tests.factories import UserFactory, ticket_in
from tests.support.api import caller

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


# ---- a request decided: resolved for everyone it reached ---------------------------------------


@pytest.fixture
def second_supervisor(client, session):
    return caller(client, UserFactory(role="supervisor", display_name="王审核"))


@pytest.fixture
def head(client, unit):
    return caller(client, UserFactory(role="unit_head", unit=unit))


@pytest.fixture
def other_head(client, other_unit):
    return caller(client, UserFactory(role="unit_head", unit=other_unit))


def _unread(caller_) -> list[dict]:
    return caller_.get("/api/v1/notices?unread=1").get_json()["items"]


@pytest.mark.parametrize(
    ("ask", "body", "decide", "resolution"),
    [
        ("return", {"reason": "不属于本单位职责"}, "return/approve", "approved"),
        ("return", {"reason": "不属于本单位职责"}, "return/deny", "denied"),
        ("extension", {"days": 3, "reason": "需现场复核"}, "extension/approve", "approved"),
        ("extension", {"days": 3, "reason": "需现场复核"}, "extension/deny", "denied"),
    ],
)
def test_a_decided_request_is_resolved_for_every_supervisor_showing_who_decided(
    agent, supervisor, second_supervisor, unit, clock, ask, body, decide, resolution
):
    clock.set("2026-09-30T10:00:00+08:00")
    ticket = ticket_in("accepted", unit=unit)
    assert agent.post(f"/api/v1/tickets/{ticket.number}/{ask}", json=body).status_code == 200
    # both supervisors have it to decide
    assert [n["type"] for n in _unread(supervisor)] == [f"{ask}_requested"]
    assert [n["type"] for n in _unread(second_supervisor)] == [f"{ask}_requested"]
    assert second_supervisor.get("/api/v1/notices").get_json()["items"][0]["resolved"] is None

    clock.set("2026-10-08T11:00:00+08:00")
    response = second_supervisor.post(f"/api/v1/tickets/{ticket.number}/{decide}", json={})
    assert response.status_code == 200, response.get_json()

    # nobody has it to decide any more; everyone sees who decided it and how
    for reader in (supervisor, second_supervisor):
        assert _unread(reader) == []
        [notice] = reader.get("/api/v1/notices").get_json()["items"]
        assert notice["read"] is True
        assert notice["resolved"] == {
            "at": "2026-10-08T11:00:00+08:00",
            "by": "王审核",
            "resolution": resolution,
        }


def test_a_resolved_request_stays_resolved_by_its_first_decider(
    agent, supervisor, second_supervisor, unit
):
    """The request cannot be decided twice (409), so the notice keeps the one decision."""
    ticket = ticket_in("dispatched", unit=unit)
    agent.post(f"/api/v1/tickets/{ticket.number}/return", json={"reason": "不属于本单位职责"})
    assert second_supervisor.post(f"/api/v1/tickets/{ticket.number}/return/deny").status_code == 200
    late = supervisor.post(f"/api/v1/tickets/{ticket.number}/return/approve")
    assert late.status_code == 409
    [notice] = supervisor.get("/api/v1/notices").get_json()["items"]
    assert notice["resolved"]["resolution"] == "denied"
    assert notice["resolved"]["by"] == "王审核"


def test_a_new_request_after_a_decision_asks_again(agent, supervisor, unit):
    """Only the decided request's notice is resolved: the unit's next one is to decide."""
    ticket = ticket_in("dispatched", unit=unit)
    url = f"/api/v1/tickets/{ticket.number}/return"
    agent.post(url, json={"reason": "不属于本单位职责"})
    supervisor.post(f"{url}/deny", json={"reason": "属于本单位"})
    agent.post(url, json={"reason": "补充说明：辖区已调整"})
    unread = _unread(supervisor)
    assert [n["type"] for n in unread] == ["return_requested"]
    assert unread[0]["resolved"] is None


# ---- how a request ended, told to the unit ----------------------------------------------------


def test_an_approved_extension_tells_the_units_agents_the_new_deadline(
    agent, head, other_agent, supervisor, unit, clock
):
    clock.set("2026-11-02T09:00:00+08:00")  # Monday; a complaint: due 10 Nov 00:00
    ticket = ticket_in("accepted", unit=unit)
    url = f"/api/v1/tickets/{ticket.number}/extension"
    assert agent.post(url, json={"days": 3, "reason": "需现场复核"}).status_code == 200
    assert supervisor.post(f"{url}/approve", json={}).status_code == 200
    [notice] = _notices(agent)
    assert (notice["type"], notice["ticket"]) == ("extension_approved", ticket.number)
    assert notice["text"] == f"工单{ticket.number}的延期申请已批准，办理期限延至2026-11-13 00:00。"
    assert _notices(head) == []  # the agents do the work; the head is not asked
    assert _notices(other_agent) == []


def test_an_inspectors_grant_tells_the_units_agents(
    agent, head, other_agent, inspector, unit, clock
):
    clock.set("2026-11-02T09:00:00+08:00")
    ticket = ticket_in("accepted", unit=unit)
    response = inspector.post(
        f"/api/v1/tickets/{ticket.number}/extension/grant",
        json={"days": 10, "reason": "涉及多部门会商"},
    )
    assert response.status_code == 200, response.get_json()
    [notice] = _notices(agent)
    assert notice["type"] == "extension_granted"
    assert notice["text"] == (
        f"督查部门为工单{ticket.number}延期10个工作日，办理期限延至2026-11-24 00:00。"
    )
    english = agent.get("/api/v1/notices?lang=en").get_json()["items"][0]["text"]
    assert english == (
        f"The oversight office gave ticket {ticket.number} 10 more working days: it is now due "
        "2026-11-24 00:00."
    )
    assert _notices(head) == []
    assert _notices(other_agent) == []
    assert _notices(inspector) == []  # the inspector did it


def test_a_denied_extension_tells_nobody_it_was_granted(agent, supervisor, unit):
    ticket = ticket_in("accepted", unit=unit)
    url = f"/api/v1/tickets/{ticket.number}/extension"
    agent.post(url, json={"days": 2, "reason": "需现场复核"})
    assert supervisor.post(f"{url}/deny", json={}).status_code == 200
    assert _notices(agent) == []


# ---- rating appeals ----------------------------------------------------------------------------


def _rated_badly(unit):
    ticket = ticket_in("replied", unit=unit)
    tx.rate(ticket, actor=Actor.complainant(), rating=1)
    return ticket


def test_an_appeal_asks_the_inspectors_to_decide_it(agent, inspector, supervisor, unit):
    ticket = _rated_badly(unit)
    response = agent.post(
        f"/api/v1/tickets/{ticket.number}/appeal",
        json={"reason": "诉求超出法定职责", "evidence": "答复已引用条例第十二条"},
    )
    assert response.status_code == 200, response.get_json()
    [notice] = _notices(inspector)
    assert (notice["type"], notice["ticket"], notice["read"]) == (
        "appeal_requested",
        ticket.number,
        False,
    )
    assert notice["text"] == f"{unit.name}对工单{ticket.number}的差评（1分）提出申诉，请审核。"
    assert _notices(supervisor) == []  # supervisors do not decide appeals (DESIGN §11)
    assert _notices(agent) == []


@pytest.mark.parametrize(
    ("decide", "type_", "text"),
    [
        ("approve", "appeal_upheld", "工单{n}的差评申诉已获支持，该评价不再计入考核。"),
        ("deny", "appeal_denied", "工单{n}的差评申诉未获支持，该评价继续计入考核。"),
    ],
)
def test_an_appeals_outcome_reaches_the_units_agents_and_head_and_resolves_it(
    client, agent, head, other_agent, other_head, inspector, unit, decide, type_, text
):
    ticket = _rated_badly(unit)
    second = caller(client, UserFactory(role="inspector", display_name="赵督查"))
    agent.post(
        f"/api/v1/tickets/{ticket.number}/appeal",
        json={"reason": "诉求超出法定职责", "evidence": "答复已引用条例第十二条"},
    )
    response = second.post(
        f"/api/v1/tickets/{ticket.number}/appeal/{decide}", json={"reason": "经核查"}
    )
    assert response.status_code == 200, response.get_json()
    for reader in (agent, head):
        [notice] = _notices(reader)
        assert (notice["type"], notice["text"]) == (type_, text.format(n=ticket.number))
    assert _notices(other_agent) == []
    assert _notices(other_head) == []
    # the inspectors' "to decide" is resolved for both of them
    assert _unread(inspector) == []
    [asked] = _notices(inspector)
    assert asked["resolved"]["by"] == "赵督查"
    assert asked["resolved"]["resolution"] == ("approved" if decide == "approve" else "denied")
