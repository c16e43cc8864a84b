"""Malformed input answers 4xx naming the field, never a 500 (issue 14, item 12)."""

from __future__ import annotations

from sqlalchemy import func, select

from hotline.core.extensions import db
from hotline.tickets.models import Ticket
from tests.support.api import ticket_body


def _deep(depth: int, leaf: str) -> str:
    return '{"a":' * depth + f'"{leaf}"' + "}" * depth


def test_deeply_nested_json_with_a_nul_escape_is_400_for_an_anonymous_caller(client):
    body = _deep(5000, "\\u0000")
    response = client.post("/api/v1/auth/token", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "nested too deeply" in response.get_json()["error"]["message"]


def test_deeply_nested_json_without_escapes_is_400_too(client):
    body = _deep(5000, "x")
    response = client.post("/api/v1/auth/token", data=body, content_type="application/json")
    assert response.status_code == 400


def test_a_lone_surrogate_in_a_username_is_refused_naming_the_field(client):
    body = '{"username": "ad\\ud800min", "password": "x"}'
    response = client.post("/api/v1/auth/token", data=body, content_type="application/json")
    assert response.status_code == 422
    assert "username" in response.get_json()["error"]["fields"]


def test_a_lone_surrogate_in_a_description_creates_nothing(operator, session):
    import json

    body = ticket_body()
    raw = json.dumps(body, ensure_ascii=True).replace(
        json.dumps(body["description"], ensure_ascii=True)[1:-1],
        "\\udc00路灯不亮",
    )
    response = operator.post(
        "/api/v1/tickets", data=raw, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert "description" in response.get_json()["error"]["fields"]
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 0


def test_a_paired_surrogate_escape_is_an_ordinary_character_and_kept(operator, session):
    body = ticket_body()
    raw = '{"description": "路灯不亮 \\ud83d\\ude00", ' + __import__("json").dumps(body)[1:]
    response = operator.post(
        "/api/v1/tickets", data=raw, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 201, response.get_json()


def test_open311_dates_in_year_one_are_400_in_the_spec_shape(client):
    for fmt in ("json", "xml"):
        response = client.get(f"/open311/v2/requests.{fmt}?start_date=0001-01-01T00:00:00Z")
        assert response.status_code == 400
    [error] = client.get("/open311/v2/requests.json?start_date=0001-01-01T00:00:00Z").get_json()
    assert "start_date" in error["description"]


def test_metrics_dates_outside_the_century_are_422(inspector):
    response = inspector.get("/api/v1/metrics?from=0001-01-01&to=0001-01-31")
    assert response.status_code == 422
    assert "from" in response.get_json()["error"]["fields"]
