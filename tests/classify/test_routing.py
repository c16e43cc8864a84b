"""Every channel's untagged ticket is classified as it is routed: keywords first, then the
model; confident → its category and unit, else triage with suggestions; a broken model never
loses a ticket."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from hotline.classify import store
from hotline.classify.models import ClassifierModel
from hotline.core.extensions import db
from hotline.tickets import transitions
from hotline.tickets.models import Ticket, TicketEvent
from tests.classify.helpers import active_model, categories
from tests.factories import CategoryFactory, new_ticket


def _events(ticket: Ticket, type_: str = "auto_classified") -> list[TicketEvent]:
    return list(
        db.session.scalars(
            select(TicketEvent)
            .where(TicketEvent.ticket_id == ticket.id, TicketEvent.type == type_)
            .order_by(TicketEvent.id)
        )
    )


def _route(description: str, **fields: object) -> Ticket:
    ticket = new_ticket(description=description, **fields)
    transitions.route(ticket)
    db.session.flush()
    return ticket


def test_a_catalogue_keyword_classifies_an_untagged_sms_and_routes_it(session) -> None:
    noise = CategoryFactory(code="noise", keywords="噪音,扰民")
    CategoryFactory(code="wage_arrears", keywords="欠薪,工资")

    ticket = _route("楼下酒吧每天半夜噪音很大", channel="sms")

    assert ticket.category.code == "noise"
    assert ticket.status == "dispatched"
    assert ticket.unit_id == noise.default_unit_id
    [event] = _events(ticket)
    assert event.data == {
        "category": "noise",
        "confidence": 1.0,
        "source": "rules",
        "suggestions": [["noise", 1.0]],
    }


def test_the_model_classifies_what_no_keyword_names(session) -> None:
    found = categories()
    active_model()

    ticket = _route("工地晚上施工，吵得睡不着觉，希望尽快处理。", channel="web")

    assert ticket.category.code == "noise"
    assert ticket.status == "dispatched"
    assert ticket.unit_id == found["noise"].default_unit_id
    [event] = _events(ticket)
    assert event.data["source"] == "model"
    assert event.data["category"] == "noise"
    assert event.data["confidence"] >= 0.6
    assert event.data["suggestions"][0][0] == "noise"


def test_below_the_threshold_the_ticket_goes_to_triage_with_three_suggestions(
    session, app, monkeypatch
) -> None:
    categories()
    active_model()
    monkeypatch.setitem(app.config, "CLASSIFY_MIN_CONFIDENCE", 0.999)

    ticket = _route("工地晚上施工，吵得睡不着觉", channel="sms")

    assert ticket.category_id is None
    assert ticket.status == "triage"
    [event] = _events(ticket)
    assert event.data["category"] is None
    assert event.data["source"] == "model"
    assert event.data["suggestions"][0][0] == "noise"
    assert len(event.data["suggestions"]) == 3
    assert event.data["confidence"] == event.data["suggestions"][0][1]


def test_a_ticket_filed_with_a_category_is_not_reclassified(session) -> None:
    found = categories()
    active_model()

    ticket = new_ticket(category=found["food_safety"], description="工地晚上施工太吵")
    transitions.route(ticket)

    assert ticket.category.code == "food_safety"
    assert _events(ticket) == []


def test_equal_keywords_of_two_categories_without_a_model_go_to_triage_with_both(session) -> None:
    CategoryFactory(code="noise", keywords="噪音")
    CategoryFactory(code="property_dispute", keywords="物业")

    ticket = _route("物业不管楼上的噪音")

    assert ticket.status == "triage"
    [event] = _events(ticket)
    assert event.data["category"] is None
    assert sorted(code for code, _ in event.data["suggestions"]) == ["noise", "property_dispute"]


def test_a_corrupted_model_falls_back_to_rules_and_triage_with_one_loud_line(
    session, caplog
) -> None:
    CategoryFactory(code="noise", keywords="噪音")
    CategoryFactory(code="wage_arrears", keywords=None)
    row = active_model([("噪音扰民", "noise"), ("拖欠工资", "wage_arrears")] * 10)
    row.blob = b"\x80\x04 this is not a model any more"
    db.session.flush()
    store.forget()

    with caplog.at_level(logging.ERROR, logger="hotline.classify.store"):
        by_rules = _route("楼下噪音太大")
        unknown = _route("老板半年不发钱")
        _route("又一个看不懂的")

    assert by_rules.category.code == "noise"
    assert by_rules.status == "dispatched"
    assert unknown.category_id is None
    assert unknown.status == "triage"  # not lost: a person classifies it
    loud = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(loud) == 1  # once per process, not once per ticket
    assert f"classifier model {row.id} cannot be loaded" in loud[0].getMessage()


def test_a_model_naming_unknown_categories_is_not_used(session, caplog) -> None:
    CategoryFactory(code="noise", keywords=None)
    active_model([("噪音扰民", "noise"), ("拖欠工资", "retired_code")] * 10)

    with caplog.at_level(logging.ERROR, logger="hotline.classify.store"):
        ticket = _route("楼下噪音扰民")

    assert ticket.status == "triage"
    assert ticket.category_id is None
    assert "retired_code" in caplog.text


def test_a_newer_active_model_replaces_the_cached_one(session) -> None:
    categories()
    first = active_model()
    assert store.active_model(frozenset(["noise", "wage_arrears", "food_safety"])).id == first.id
    second = active_model()
    assert store.active_model(frozenset(["noise", "wage_arrears", "food_safety"])).id == second.id
    assert db.session.get(ClassifierModel, first.id).active is False


@pytest.mark.parametrize(
    "text", ["", "😀😡🙏" * 30, "啊" * 10_000, "<script>alert(1)</script>", "\ufeff\u200b"]
)
def test_hostile_text_is_routed_to_triage_or_a_category_never_lost(session, text) -> None:
    categories()
    active_model()

    ticket = new_ticket(description="。", channel="sms")
    # Past what intake lets through (4,000 characters, not empty): the router copes anyway.
    ticket.description = text
    transitions.route(ticket)
    db.session.flush()

    assert ticket.status in {"triage", "dispatched"}


def test_the_routing_job_classifies_its_batch_and_leaves_tagged_tickets_alone(
    session, queues
) -> None:
    from hotline.tickets.jobs import route_pending

    found = categories()
    active_model()
    noisy = new_ticket(description="工地晚上施工，吵得睡不着觉", channel="sms")
    unpaid = new_ticket(description="包工头跑了，十几个农民工的钱没着落", channel="web")
    tagged = new_ticket(category=found["food_safety"], description="楼下施工太吵")

    assert route_pending(sleep=lambda _: None) == 3

    assert (noisy.category.code, noisy.status) == ("noise", "dispatched")
    assert (unpaid.category.code, unpaid.status) == ("wage_arrears", "dispatched")
    assert tagged.category.code == "food_safety"
    assert _events(tagged) == []
    assert [e.data["source"] for e in _events(noisy) + _events(unpaid)] == ["model", "model"]
