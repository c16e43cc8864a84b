"""Breaches: a ticket or a spot-check finding that breaks a commitment, recorded on the
commitment, in the unit's credit record and on the ticket's timeline."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from hotline.campaign.commitments import findings
from hotline.core.extensions import db
from hotline.escalations.models import CreditRecord
from hotline.tickets.models import TicketEvent
from tests.factories import ticket_in
from tests.support.api import error_fields

URL = "/api/v1/commitments"


@pytest.fixture
def commitment(head, clock) -> dict:
    clock.set("2026-03-02T09:00:00+08:00")
    body = {"unit": "SCJGJ", "staff_name": "张敏", "text": "材料齐全当场受理，不让群众跑第二趟"}
    made = head.post(URL, json=body)
    assert made.status_code == 201
    return made.get_json()


def _ticket(unit, when: str, clock) -> str:
    clock.set(when)
    number = ticket_in("accepted", unit=unit).number
    db.session.commit()  # the ticket must survive a request that rolls back
    return number


def test_an_operator_links_a_ticket_that_breaks_a_commitment(commitment, operator, unit, clock):
    number = _ticket(unit, "2026-04-10T10:00:00+08:00", clock)
    url = f"{URL}/{commitment['id']}/breaches"
    recorded = operator.post(url, json={"ticket": number, "note": "群众三次补交材料仍未受理"})
    assert recorded.status_code == 201, recorded.get_json()
    breach = recorded.get_json()
    assert breach["ticket"] == number
    assert breach["occurred_at"] == "2026-04-10T10:00:00+08:00"
    listed = operator.get(url).get_json()
    assert [b["ticket"] for b in listed] == [number]
    history = operator.get(f"{URL}/{commitment['id']}").get_json()["history"]
    assert [e["type"] for e in history] == ["created", "breached"]

    entry = db.session.scalar(
        select(CreditRecord).where(CreditRecord.type == "commitment_breached")
    )
    assert entry.unit_id == unit.id
    assert number in entry.summary
    assert "张敏" in entry.summary
    assert entry.data["commitment"] == commitment["id"]
    timeline = db.session.scalars(
        select(TicketEvent.type).where(TicketEvent.ticket_id == entry.ticket_id)
    ).all()
    assert "commitment_breached" in timeline


def test_who_may_record_a_breach(
    commitment, head, agent, admin, supervisor, inspector, unit, clock
):
    first = _ticket(unit, "2026-04-10T10:00:00+08:00", clock)
    second = _ticket(unit, "2026-04-11T10:00:00+08:00", clock)
    url = f"{URL}/{commitment['id']}/breaches"
    for refused in (head, agent, admin):
        assert refused.post(url, json={"ticket": first}).status_code == 403
    assert supervisor.post(url, json={"ticket": first}).status_code == 201
    assert inspector.post(url, json={"ticket": second}).status_code == 201


def test_an_unknown_ticket_is_422(commitment, operator, clock):
    response = operator.post(
        f"{URL}/{commitment['id']}/breaches", json={"ticket": "20260410-999999"}
    )
    assert response.status_code == 422
    assert "ticket" in error_fields(response)


def test_another_units_ticket_or_an_older_one_is_422(commitment, operator, unit, other_unit, clock):
    url = f"{URL}/{commitment['id']}/breaches"
    theirs = _ticket(other_unit, "2026-04-10T10:00:00+08:00", clock)
    assert "ticket" in error_fields(operator.post(url, json={"ticket": theirs}))
    older = _ticket(unit, "2026-03-01T10:00:00+08:00", clock)
    assert "ticket" in error_fields(operator.post(url, json={"ticket": older}))


def test_exactly_one_of_ticket_and_finding(commitment, operator, unit, clock):
    url = f"{URL}/{commitment['id']}/breaches"
    number = _ticket(unit, "2026-04-10T10:00:00+08:00", clock)
    assert "ticket" in error_fields(operator.post(url, json={"note": "无来源"}))
    both = operator.post(url, json={"ticket": number, "finding": 3})
    assert "ticket" in error_fields(both)


def test_the_same_ticket_breaks_a_commitment_once(commitment, operator, unit, clock):
    number = _ticket(unit, "2026-04-10T10:00:00+08:00", clock)
    url = f"{URL}/{commitment['id']}/breaches"
    assert operator.post(url, json={"ticket": number}).status_code == 201
    assert operator.post(url, json={"ticket": number}).status_code == 409


def test_a_retired_commitment_takes_no_breach(commitment, head, operator, unit, clock):
    number = _ticket(unit, "2026-04-10T10:00:00+08:00", clock)
    head.post(f"{URL}/{commitment['id']}/retire", json={"reason": "调岗"})
    response = operator.post(f"{URL}/{commitment['id']}/breaches", json={"ticket": number})
    assert response.status_code == 409


def test_a_unit_staff_member_of_another_unit_cannot_see_it(commitment, other_agent, clock):
    assert other_agent.get(f"{URL}/{commitment['id']}/breaches").status_code == 404


@pytest.fixture
def no_lookup(monkeypatch):
    monkeypatch.setattr(findings, "_lookups", [])


def test_a_finding_is_refused_while_nobody_can_look_it_up(commitment, inspector, no_lookup):
    response = inspector.post(f"{URL}/{commitment['id']}/breaches", json={"finding": 7})
    assert response.status_code == 422
    assert "finding" in error_fields(response)


def test_a_finding_found_through_the_registered_lookup(
    commitment, inspector, unit, other_unit, no_lookup
):
    found_at = datetime.fromisoformat("2026-05-20T15:00:00+08:00")
    known = {7: unit.id, 8: other_unit.id}

    @findings.finding_lookup
    def lookup(finding_id: int) -> findings.FindingRef | None:
        if finding_id not in known:
            return None
        return findings.FindingRef(id=finding_id, unit_id=known[finding_id], found_at=found_at)

    url = f"{URL}/{commitment['id']}/breaches"
    recorded = inspector.post(url, json={"finding": 7, "note": "暗访发现窗口推诿"})
    assert recorded.status_code == 201, recorded.get_json()
    assert (recorded.get_json()["finding"], recorded.get_json()["ticket"]) == (7, None)
    assert recorded.get_json()["occurred_at"] == "2026-05-20T15:00:00+08:00"
    assert "finding" in error_fields(inspector.post(url, json={"finding": 8}))
    assert "finding" in error_fields(inspector.post(url, json={"finding": 9}))
    assert inspector.post(url, json={"finding": 7}).status_code == 409
    entry = db.session.scalar(
        select(CreditRecord).where(CreditRecord.type == "commitment_breached")
    )
    assert "督查发现问题#7" in entry.summary


def test_the_head_is_told_of_a_breach(commitment, head, operator, unit, clock):
    number = _ticket(unit, "2026-04-10T10:00:00+08:00", clock)
    operator.post(f"{URL}/{commitment['id']}/breaches", json={"ticket": number})
    notices = head.get("/api/v1/notices?lang=en").get_json()["items"]
    assert notices[0]["text"].startswith(f"Ticket {number} was found to break")
