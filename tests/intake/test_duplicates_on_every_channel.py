"""疑似重复 on every channel: the same matter by SMS, spoken voicemail, the web form and Open311
is flagged on each later ticket once the router has seen it."""

from __future__ import annotations

from sqlalchemy import select

from hotline.auth.api_keys import issue_api_key
from hotline.core.extensions import db
from hotline.tickets import transitions as tx
from hotline.tickets.jobs import route_pending
from hotline.tickets.models import Ticket, TicketEvent
from tests.factories import (
    OPERATOR,
    CategoryFactory,
    RoutingRuleFactory,
    UnitFactory,
    new_ticket,
    ticket_in,
    unit_actor,
)
from tests.intake.helpers import message_text

SAID = "人民路5号工地夜里十二点还在打桩，吵得睡不着"


def test_the_same_matter_on_four_channels_is_one_original_and_three_flags(twilio, client, clock):
    clock.set("2026-10-12T10:00:00+08:00")
    unit = UnitFactory(name="区城管执法局")
    RoutingRuleFactory(unit=unit, keywords="打桩")
    CategoryFactory(code="NOISE", name="噪音扰民", default_unit=unit)
    raw_key = issue_api_key(name="城市App")[1]

    twilio.post(
        "/twilio/sms", {"MessageSid": "SM" + "1" * 32, "From": "+8613800000001", "Body": SAID}
    )
    call = {"CallSid": "CA" + "1" * 32, "From": "+8613800000002"}
    twilio.post("/twilio/voice/queue-result", call | {"QueueResult": "leave"})
    twilio.post("/twilio/voice/speech", call | {"SpeechResult": SAID + "。"})
    web = client.post(
        "/complaints/new",
        data={
            "kind": "complaint",
            "description": f"  {SAID}！",
            "address": "人民路5号",
            "phone": "13800000003",
        },
    )
    o311 = client.post(
        "/open311/v2/requests.json",
        data={
            "api_key": raw_key,
            "service_code": "NOISE",
            "address_string": "人民路5号",
            "description": SAID,
        },
    )
    assert (web.status_code, o311.status_code) == (200, 201)

    assert route_pending() == 4
    rows = list(db.session.scalars(select(Ticket).order_by(Ticket.id)))
    assert [t.channel for t in rows] == ["sms", "phone", "web", "open311"]
    original, *later = rows
    assert original.possible_duplicate_of_id is None
    for ticket in later:
        assert ticket.possible_duplicate_of_id is not None, ticket.channel
        data = db.session.scalar(
            select(TicketEvent.data).where(
                TicketEvent.ticket_id == ticket.id, TicketEvent.type == "possible_duplicate"
            )
        )
        assert data["reason"] == "text", ticket.channel
        assert ticket.status == "dispatched"  # flagged, still routed: staff decide


def test_a_merged_complainant_rates_the_final_answer_by_sms(twilio, session, clock):
    unit = UnitFactory()
    kept = ticket_in("accepted", unit=unit, phone="13900000001")
    merged = new_ticket(phone="13900000002")
    tx.merge(merged, actor=OPERATOR, into=kept.number)
    db.session.commit()
    sms = {"MessageSid": "SM" + "2" * 32, "From": "+8613900000002", "Body": "5"}
    assert "暂无待评价" in message_text(twilio.post("/twilio/sms", sms))  # nothing answered yet

    tx.reply(kept, actor=unit_actor(unit), text="已处理", now=clock.now)
    db.session.commit()
    answer = message_text(twilio.post("/twilio/sms", sms | {"MessageSid": "SM" + "3" * 32}))
    assert merged.number in answer
    db.session.refresh(merged)
    assert (merged.status, merged.rating) == ("merged", 5)
    assert kept.status == "replied"
