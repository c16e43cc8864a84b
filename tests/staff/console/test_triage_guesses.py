"""The triage page offers the classifier's suggestions for a ticket it was not sure of, each a
one-click dispatch to the suggested category's unit."""

from __future__ import annotations

from sqlalchemy import select

from hotline.core.extensions import db
from hotline.tickets import transitions
from hotline.tickets.models import Ticket
from tests.classify.helpers import active_model
from tests.factories import CategoryFactory, new_ticket


def test_triage_shows_the_suggestions_and_one_click_dispatches(
    login, staff, clock, app, monkeypatch
) -> None:
    noise = CategoryFactory(code="noise", name="噪音扰民", keywords=None, default_unit=staff.unit)
    CategoryFactory(code="wage_arrears", name="拖欠工资", keywords=None)
    CategoryFactory(code="food_safety", name="食品安全", keywords=None)
    active_model()
    monkeypatch.setitem(app.config, "CLASSIFY_MIN_CONFIDENCE", 0.999)
    ticket = new_ticket(description="工地晚上施工，吵得睡不着觉", channel="sms")
    transitions.route(ticket)
    db.session.flush()
    assert ticket.status == "triage"
    client = login(staff.operator)

    body = client.get("/console/triage").get_data(as_text=True)

    assert "自动分类建议" in body
    guesses = body[body.index(ticket.number) :].split('data-test="guesses"')[1]
    # The best guess first, with its probability and where one click sends it.
    first = guesses.split('data-test="guess"')[1]
    assert "噪音扰民" in first.split("</button>")[0]
    assert f'name="unit" value="{staff.unit.code}"' in guesses
    assert f"→ {staff.unit.name}" in first

    response = client.post(
        f"/tickets/{ticket.number}/dispatch",
        data={
            "unit": noise.default_unit.code,
            "version": str(ticket.version),
            "reason": "自动分类建议：噪音扰民",
            "next": "/console/triage",
        },
    )

    assert response.status_code == 302
    routed = db.session.scalar(select(Ticket).where(Ticket.number == ticket.number))
    assert routed.status == "dispatched"
    assert routed.unit_id == staff.unit.id


def test_a_ticket_the_classifier_settled_shows_no_suggestions(login, staff, clock) -> None:
    CategoryFactory(code="noise", name="噪音扰民", keywords="噪音", default_unit=None)
    ticket = new_ticket(description="楼下噪音", channel="sms")
    transitions.route(ticket)  # a keyword: classified, but no unit to send it to → triage
    db.session.flush()
    assert ticket.status == "triage"

    body = login(staff.operator).get("/console/triage").get_data(as_text=True)

    assert ticket.number in body
    assert "自动分类建议" not in body


def test_a_near_zero_suggestion_is_not_offered(login, staff, clock) -> None:
    from hotline.core.actor import Actor
    from hotline.tickets.events import record_event

    CategoryFactory(code="noise", name="噪音扰民", keywords=None, default_unit=staff.unit)
    CategoryFactory(code="wage_arrears", name="拖欠工资", keywords=None)
    ticket = new_ticket(description="说不清楚的事", channel="sms")
    transitions.route(ticket)
    record_event(
        ticket,
        "auto_classified",
        Actor.system("classifier"),
        now=clock.now,
        data={
            "category": None,
            "confidence": 0.41,
            "source": "model",
            "suggestions": [["noise", 0.41], ["wage_arrears", 0.01]],
        },
    )
    db.session.flush()

    body = login(staff.operator).get("/console/triage").get_data(as_text=True)

    guesses = body[body.index(ticket.number) :].split('data-test="guesses"')[1].split("</div>")[0]
    assert "噪音扰民" in guesses
    assert "41%" in guesses
    assert "拖欠工资" not in guesses
