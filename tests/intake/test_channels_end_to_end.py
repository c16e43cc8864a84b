"""Done-when of issue 4: a complaint by SMS, by phone, on the web form and through Open311 each
becomes a routed ticket with the right channel, and the complainant gets the right answer."""

from __future__ import annotations

from sqlalchemy import select

from hotline.auth.api_keys import issue_api_key
from hotline.core.actor import Actor
from hotline.core.extensions import db
from hotline.tickets import publication
from hotline.tickets.jobs import route_pending
from hotline.tickets.models import Ticket
from tests.factories import CategoryFactory, RoutingRuleFactory, UnitFactory
from tests.intake.helpers import message_text, twiml


def test_every_channel_ends_as_a_routed_ticket(twilio, client, clock):
    clock.set("2026-10-12T10:00:00+08:00")  # a Monday, operators on duty
    unit = UnitFactory(name="区城管执法局")
    RoutingRuleFactory(unit=unit, keywords="噪音")
    CategoryFactory(code="NOISE", name="噪音扰民", default_unit=unit)
    raw_key = issue_api_key(name="城市App")[1]

    ack = message_text(
        twilio.post(
            "/twilio/sms",
            {"MessageSid": "SM" + "1" * 32, "From": "+8613800000001", "Body": "工地夜间噪音"},
        )
    )
    call = {"CallSid": "CA" + "1" * 32, "From": "+8613800000002"}
    twilio.post("/twilio/voice/queue-result", call | {"QueueResult": "leave"})
    spoken = twiml(twilio.post("/twilio/voice/speech", call | {"SpeechResult": "楼上噪音扰民"}))
    web = client.post(
        "/complaints/new",
        data={
            "kind": "complaint",
            "description": "广场舞噪音太大",
            "address": "文化广场",
            "phone": "13800000003",
        },
    )
    o311 = client.post(
        "/open311/v2/requests.json",
        data={
            "api_key": raw_key,
            "service_code": "NOISE",
            "address_string": "人民路5号",
            "description": "酒吧噪音",
        },
    )
    assert (web.status_code, o311.status_code) == (200, 201)

    assert route_pending() == 4
    tickets = {t.channel: t for t in db.session.scalars(select(Ticket))}
    assert set(tickets) == {"sms", "phone", "web", "open311"}
    for ticket in tickets.values():
        db.session.refresh(ticket)
        assert (ticket.status, ticket.unit_id) == ("dispatched", unit.id)
        # The deadline promised at intake is the one the unit got (routing was immediate).
        assert ticket.resolve_due_at.isoformat() == "2026-10-19T16:00:00+00:00"

    assert tickets["sms"].number in ack
    assert "2026-10-20 00:00" in ack
    assert " ".join(tickets["phone"].number.replace("-", "")) in spoken.find("Say").text
    assert tickets["web"].number in web.get_data(as_text=True)
    assert o311.get_json()[0]["service_request_id"] == tickets["open311"].number

    status = message_text(
        twilio.post(
            "/twilio/sms",
            {
                "MessageSid": "SM" + "2" * 32,
                "From": "+8613800000001",
                "Body": f"CX {tickets['sms'].number}",
            },
        )
    )
    assert "已派单" in status
    assert "区城管执法局" in status
    # Public once the complainant agreed and a supervisor approved (DESIGN §11).
    assert client.get(f"/open311/v2/requests/{tickets['open311'].number}.json").status_code == 404
    tickets["open311"].publish_consent = True
    publication.publish(tickets["open311"], actor=Actor(role="supervisor", label="审核员"))
    [request] = client.get(f"/open311/v2/requests/{tickets['open311'].number}.json").get_json()
    assert request["agency_responsible"] == "区城管执法局"
    assert request["expected_datetime"] == "2026-10-20T00:00:00+08:00"
