"""Open311 GeoReport v2: discovery, services, definitions, requests (GET filters and POST with
api_key), tokens; JSON validated against the GeoReport v2 schemas, XML per the spec."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from jsonschema import Draft7Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7
from sqlalchemy import func, select

from hotline.auth.api_keys import issue_api_key
from hotline.core.actor import Actor
from hotline.core.extensions import db
from hotline.tickets import publication
from hotline.tickets.models import Ticket
from tests.factories import CategoryFactory, UnitFactory, new_ticket, ticket_in

SUPERVISOR = Actor(user_id=None, role="supervisor", label="审核员")


def published(ticket: Ticket, text: str | None = None) -> Ticket:
    """The complainant agreed and a supervisor approved: the ticket is on the public feed."""
    ticket.publish_consent = True
    return publication.publish(ticket, actor=SUPERVISOR, text=text)


SCHEMAS = Path(__file__).resolve().parent.parent / "fixtures" / "open311"
NAMES = ("services", "service", "service-definition", "requests", "request")
REGISTRY = Registry().with_resources(
    (
        f"{name}.json",
        Resource.from_contents(json.loads((SCHEMAS / f"{name}.json").read_text()), DRAFT7),
    )
    for name in NAMES
)


def valid(body: object, schema: str) -> object:
    """`body` checked against one of the GeoReport v2 schemas (date-time formats included)."""
    contents = REGISTRY[f"{schema}.json"].contents
    validator = Draft7Validator(contents, registry=REGISTRY, format_checker=FormatChecker())
    errors = [e.message for e in validator.iter_errors(body)]
    assert not errors, errors
    return body


def xml(response) -> ET.Element:
    assert response.content_type == "text/xml; charset=utf-8"
    assert response.data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    return ET.fromstring(response.data)


ATTRIBUTES = [
    {
        "variable": True,
        "code": "DEPTH",
        "datatype": "singlevaluelist",
        "required": True,
        "description": "坑有多深？",
        "values": [{"key": "shallow", "name": "浅"}, {"key": "deep", "name": "深"}],
    }
]


@pytest.fixture
def road() -> object:
    city = CategoryFactory(code="grp-city", name="市政", default_unit=None)
    return CategoryFactory(code="ROAD", name="道路坑洼", parent=city, attributes=ATTRIBUTES)


@pytest.fixture
def api_key() -> str:
    return issue_api_key(name="城市App")[1]


def post(client, api_key: str, fmt: str = "json", **fields: str):
    data = {
        "api_key": api_key,
        "service_code": "ROAD",
        "lat": "39.9087",
        "long": "116.3975",
        "address_string": "长安街1号",
        "description": "路中间有个大坑",
        "attribute[DEPTH]": "deep",
        "first_name": "三",
        "last_name": "张",
        "phone": "13812345678",
        "email": "zhang@example.org",
        "media_url": "https://img.example.org/pothole.jpg",
    }
    data.update(fields)
    return client.post(f"/open311/v2/requests.{fmt}", data=data)


def test_discovery_in_both_formats(client):
    body = client.get("/open311/v2/discovery.json").get_json()
    assert body["endpoints"][0]["url"] == "https://hotline.example.org/open311/v2"
    root = xml(client.get("/open311/v2/discovery.xml"))
    assert root.tag == "discovery"
    formats = [f.text for f in root.findall("endpoints/endpoint/formats/format")]
    assert formats == ["application/json", "text/xml"]


def test_services_list_in_json_and_xml(client, road):
    CategoryFactory(code="NOISE", name="噪音扰民")
    body = valid(client.get("/open311/v2/services.json").get_json(), "services")
    by_code = {s["service_code"]: s for s in body}
    assert by_code["ROAD"]["metadata"] is True
    assert by_code["NOISE"]["metadata"] is False
    assert by_code["ROAD"]["service_name"] == "道路坑洼"
    # The category tree's group is Open311's `group`, never a service of its own.
    assert by_code["ROAD"]["group"] == "市政"
    assert "grp-city" not in by_code
    assert client.get("/open311/v2/services/grp-city.json").status_code == 404
    root = xml(client.get("/open311/v2/services.xml"))
    assert root.tag == "services"
    assert {s.findtext("service_code") for s in root.findall("service")} >= {"ROAD", "NOISE"}
    assert root.find("service[service_code='ROAD']/metadata").text == "true"


def test_service_definition_lists_the_attributes(client, road):
    body = valid(client.get("/open311/v2/services/ROAD.json").get_json(), "service-definition")
    assert body["attributes"][0]["code"] == "DEPTH"
    assert body["attributes"][0]["values"][1] == {"key": "deep", "name": "深"}
    root = xml(client.get("/open311/v2/services/ROAD.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("attributes/attribute/values/value/name") == "浅"


def test_unknown_service_definition_is_404_in_the_spec_error_shape(client):
    response = client.get("/open311/v2/services/NOPE.json")
    assert response.status_code == 404
    assert response.get_json() == [{"code": 404, "description": "service_code NOPE not found"}]
    root = xml(client.get("/open311/v2/services/NOPE.xml"))
    assert (root.tag, root.findtext("error/code")) == ("errors", "404")


def test_post_creates_an_open311_ticket_and_answers_id_and_token(client, road, api_key, woken):
    response = post(client, api_key)
    assert response.status_code == 201
    [created] = response.get_json()
    ticket = db.session.scalars(select(Ticket)).one()
    assert created["service_request_id"] == ticket.number
    assert (ticket.channel, ticket.category_id, ticket.address) == ("open311", road.id, "长安街1号")
    assert (ticket.lat, ticket.long) == (39.9087, 116.3975)
    assert ticket.complainant_phone == "+8613812345678"
    assert ticket.complainant_name == "张 三"
    assert ticket.extra["attributes"] == {"DEPTH": "deep"}
    assert ticket.media == ["https://img.example.org/pothole.jpg"]
    assert woken == ["route"]
    token = client.get(f"/open311/v2/tokens/{created['token']}.json").get_json()
    assert token == [{"service_request_id": ticket.number, "token": created["token"]}]


def test_post_in_xml(client, road, api_key):
    root = xml(post(client, api_key, fmt="xml"))
    assert root.tag == "service_requests"
    number = root.findtext("request/service_request_id")
    assert db.session.scalars(select(Ticket.number)).one() == number
    token = root.findtext("request/token")
    assert (
        xml(client.get(f"/open311/v2/tokens/{token}.xml")).findtext("request/service_request_id")
        == number
    )


@pytest.mark.parametrize("key", ["", "not-a-key"])
def test_post_without_a_valid_api_key_is_403_and_creates_nothing(client, road, key):
    response = post(client, key)
    assert response.status_code == 403
    assert response.get_json()[0]["code"] == 403
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 0


def test_a_deactivated_api_key_is_refused(client, road):
    key, raw = issue_api_key(name="旧客户端")
    key.active = False
    assert post(client, raw).status_code == 403


@pytest.mark.parametrize(
    ("fields", "needle"),
    [
        ({"service_code": "NOPE"}, "service_code NOPE"),
        ({"service_code": ""}, "service_code is required"),
        ({"description": "坑" * 4001}, "description is longer than 4000"),
        ({"lat": "", "long": "", "address_string": ""}, "location is required"),
        ({"lat": "north"}, "lat must be a number"),
        ({"lat": "95"}, "lat"),
        ({"attribute[DEPTH]": ""}, "attribute[DEPTH] is required"),
        ({"attribute[DEPTH]": "bottomless"}, "attribute[DEPTH]"),
        ({"phone": "12"}, "phone"),
        ({"phone": "1380013ABCD"}, "phone"),  # letters are not keypad digits here
        ({"media_url": "javascript:alert(document.cookie)"}, "media_url"),
        ({"media_url": "data:text/html,<script>alert(1)</script>"}, "media_url"),
    ],
)
def test_bad_posts_are_400_with_the_reason(client, road, api_key, fields, needle):
    response = post(client, api_key, **fields)
    assert response.status_code == 400
    [error] = response.get_json()
    assert error["code"] == 400
    assert needle in error["description"]
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 0


def test_requests_show_status_unit_deadline_and_never_personal_data(client, clock, road):
    clock.set("2026-09-30T10:00:00+08:00")
    unit = UnitFactory(name="市政管理处")
    open_one = published(
        ticket_in(
            "dispatched",
            unit=unit,
            phone="13812345678",
            name="王五",
            address="人民路1号",
            district="鼓楼区",
            category=road,
            description="人民路1号门口井盖缺失，联系电话13812345678",
        )
    )
    closed_one = published(ticket_in("closed", unit=unit, phone="13812345678", category=road))
    body = valid(client.get("/open311/v2/requests.json").get_json(), "requests")
    by_id = {r["service_request_id"]: r for r in body}
    assert by_id[open_one.number]["status"] == "open"
    assert by_id[open_one.number]["agency_responsible"] == "市政管理处"
    assert by_id[open_one.number]["expected_datetime"] == "2026-10-14T00:00:00+08:00"
    assert by_id[open_one.number]["requested_datetime"] == "2026-09-30T10:00:00+08:00"
    assert by_id[open_one.number]["address"] == "鼓楼区"  # the district, never the house number
    assert by_id[open_one.number]["description"] == "人民路*号门口井盖缺失，联系电话[电话]"
    assert by_id[closed_one.number]["status"] == "closed"
    assert by_id[closed_one.number]["status_notes"] == "已办结"  # never the unit's reply text
    text = json.dumps(body, ensure_ascii=False) + client.get("/open311/v2/requests.xml").text
    for personal in ("13812345678", "王五", "人民路1号", "已现场处理"):
        assert personal not in text


def test_only_published_tickets_reach_the_public_feed(client, road, session):
    """DESIGN §11: consent by the complainant and a supervisor's approval, or nothing."""
    unpublished = new_ticket(category=road, description="楼道堆放杂物")
    consented = new_ticket(category=road, description="路灯不亮", publish_consent=True)
    shown = published(new_ticket(category=road, description="井盖缺失"))
    session.commit()  # the 404s below roll back their request's work, not the test's
    ids = {r["service_request_id"] for r in client.get("/open311/v2/requests.json").get_json()}
    assert ids == {shown.number}
    for ticket in (unpublished, consented):
        assert client.get(f"/open311/v2/requests/{ticket.number}.json").status_code == 404
    assert client.get(f"/open311/v2/requests/{shown.number}.json").status_code == 200


def test_a_confidential_request_is_never_published(client, road):
    from hotline.core.errors import ValidationFailed

    ticket = new_ticket(category=road, confidential=True, address="秘密地址", publish_consent=True)
    assert ticket.publish_consent is False  # 保密 outranks consent
    with pytest.raises(ValidationFailed):
        published(ticket)
    assert client.get(f"/open311/v2/requests/{ticket.number}.json").status_code == 404


def test_requests_filters(client, clock, road):
    clock.set("2026-09-01T10:00:00+08:00")
    old = published(new_ticket(category=road))
    clock.set("2026-10-20T10:00:00+08:00")
    other = CategoryFactory(code="NOISE")
    noise = published(new_ticket(category=other))
    closed = published(ticket_in("closed", unit=UnitFactory(), category=road))

    def ids(query: str) -> set[str]:
        body = client.get(f"/open311/v2/requests.json?{query}").get_json()
        return {r["service_request_id"] for r in valid(body, "requests")}

    assert ids("") == {old.number, noise.number, closed.number}
    assert ids("service_code=NOISE") == {noise.number}
    assert ids("status=closed") == {closed.number}
    assert ids("status=open") == {old.number, noise.number}
    assert ids("start_date=2026-10-01T00:00:00%2B08:00&end_date=2026-10-31T00:00:00Z") == {
        noise.number,
        closed.number,
    }
    assert ids(f"service_request_id={old.number},{noise.number}&status=closed") == {
        old.number,
        noise.number,
    }


@pytest.mark.parametrize(
    ("query", "needle"),
    [
        ("start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", "90 days"),
        ("start_date=yesterday", "start_date"),
        ("status=pending", "status"),
        ("start_date=2026-06-01T00:00:00Z&end_date=2026-01-01T00:00:00Z", "before"),
    ],
)
def test_bad_request_filters_are_400(client, query, needle):
    response = client.get(f"/open311/v2/requests.json?{query}")
    assert response.status_code == 400
    assert needle in response.get_json()[0]["description"]
    root = xml(client.get(f"/open311/v2/requests.xml?{query}"))
    assert root.findtext("error/code") == "400"


def test_single_request_in_both_formats_and_404(client, road):
    ticket = published(new_ticket(category=road, description="井盖 <缺失> & 危险"))
    [body] = valid(client.get(f"/open311/v2/requests/{ticket.number}.json").get_json(), "requests")
    assert body["description"] == "井盖 <缺失> & 危险"
    root = xml(client.get(f"/open311/v2/requests/{ticket.number}.xml"))
    assert root.findtext("request/description") == "井盖 <缺失> & 危险"
    assert root.findtext("request/status") == "open"
    assert client.get("/open311/v2/requests/20990101-000001.json").status_code == 404
    assert client.get("/open311/v2/tokens/unknown.json").status_code == 404


def test_open311_post_needs_no_csrf_token_even_when_csrf_is_on(client, road, api_key, csrf_on):
    assert post(client, api_key).status_code == 201
