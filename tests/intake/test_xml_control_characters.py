"""One control character from a complainant must not break an XML document for everyone."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest

from hotline.core.actor import Actor
from hotline.core.xml import xml_text
from hotline.intake.sms import twiml
from hotline.tickets import publication
from tests.factories import new_ticket

SUPERVISOR = Actor(role="supervisor", label="审核员")

CONTROL = "".join(chr(c) for c in range(1, 0x20) if chr(c) not in "\t\n\r") + "\ufffe\uffff"


def test_xml_text_drops_only_what_xml_1_0_forbids():
    assert xml_text("路灯\x01不亮\x0b\t\n\r😀") == "路灯不亮\t\n\r😀"
    assert xml_text("\ud800lone surrogate") == "lone surrogate"
    assert xml_text(CONTROL) == ""


def test_open311_xml_feed_stays_well_formed_with_control_characters(client):
    ticket = new_ticket(description="噪音扰民", publish_consent=True)
    publication.publish(ticket, actor=SUPERVISOR, text=f"噪音扰民{CONTROL}夜里十一点")
    response = client.get("/open311/v2/requests.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.data)  # raises on a character XML 1.0 forbids
    numbers = [r.findtext("service_request_id") for r in root]
    assert ticket.number in numbers


@pytest.mark.parametrize("body", [f"已受理{CONTROL}", "\x0c\x1b[31m"])
def test_twiml_answers_stay_well_formed(body):
    ET.fromstring(twiml(body))
