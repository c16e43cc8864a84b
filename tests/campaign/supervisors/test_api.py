"""/api/v1/supervisors: admins appoint and retire, admins and inspectors read the roster; a
retired supervisor's token stops working at once."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD, UserFactory
from tests.support.api import Caller, caller, error_fields, sign_in
from tests.support.supervisors import appointed, station

BODY = {
    "username": "jiandu",
    "password": PASSWORD,
    "name": "刘建华",
    "phone": "13905710001",
    "affiliation": "区人大代表，个体工商户",
    "appointed_on": "2026-09-01",
    "term_ends_on": "2028-08-31",
}


@pytest.fixture
def admin(client, session) -> Caller:
    return caller(client, UserFactory(role="admin"))


def test_an_admin_appoints_and_the_supervisor_can_sign_in_and_file(admin, client, clock):
    desk = station(code="S-SMZX", name="市民中心监督测评站点")
    response = admin.post("/api/v1/supervisors", json={**BODY, "station": "S-SMZX"})

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["username"] == "jiandu"
    assert body["station"] == {"code": desk.code, "name": "市民中心监督测评站点"}
    assert body["appointment"]["term_ends_on"] == "2028-08-31"
    assert body["serving"] is True
    assert "password" not in body

    token = client.post(
        "/api/v1/auth/token", json={"username": "jiandu", "password": PASSWORD}
    ).get_json()["token"]
    filed = client.post(
        "/api/v1/tickets",
        json={"description": "窗口推诿"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert filed.status_code == 201
    assert filed.get_json()["channel"] == "supervisor"


def test_inspectors_read_the_roster_but_do_not_appoint(inspector, session, clock):
    appointed()
    session.commit()

    roster = inspector.get("/api/v1/supervisors")
    assert roster.status_code == 200
    assert [s["name"] for s in roster.get_json()] == ["刘建华"]
    assert inspector.post("/api/v1/supervisors", json=BODY).status_code == 403


@pytest.mark.parametrize("role", ["operator", "supervisor", "unit_agent"])
def test_other_roles_see_nothing(client, session, clock, role, unit):
    other = caller(client, UserFactory(role=role, unit=unit if role == "unit_agent" else None))
    assert other.get("/api/v1/supervisors").status_code == 403


def test_a_special_supervisor_cannot_appoint_another(client, session, clock):
    special = caller(client, appointed())
    assert special.post("/api/v1/supervisors", json=BODY).status_code == 403
    assert special.get("/api/v1/supervisors").status_code == 403


def test_bad_fields_are_named(admin, clock):
    response = admin.post(
        "/api/v1/supervisors", json={**BODY, "phone": "12", "term_ends_on": "2026-01-01"}
    )
    assert response.status_code == 422
    assert "phone" in error_fields(response)
    taken = admin.post("/api/v1/supervisors", json=BODY)
    assert taken.status_code == 201
    again = admin.post("/api/v1/supervisors", json=BODY)
    assert again.status_code == 409
    assert error_fields(again) == {"username": ["taken"]}


def test_retiring_refuses_the_supervisors_token_at_once(admin, client, session, clock):
    user = appointed()
    special = sign_in(client, user)
    assert special.get("/api/v1/tickets").status_code == 200

    retired = admin.post(f"/api/v1/supervisors/{user.id}/retire", json={"reason": "迁居外地"})

    assert retired.status_code == 200
    assert retired.get_json()["serving"] is False
    assert retired.get_json()["appointment"]["retire_reason"] == "迁居外地"
    assert special.get("/api/v1/tickets").status_code == 401
    again = client.post(
        "/api/v1/auth/token", json={"username": user.username, "password": PASSWORD}
    )
    assert again.status_code == 401
    assert admin.post(f"/api/v1/supervisors/{user.id}/retire", json={}).status_code == 409
    assert admin.post("/api/v1/supervisors/999999/retire", json={}).status_code == 404
