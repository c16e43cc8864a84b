"""/admin/supervisors: an admin appoints and retires special supervisors; the generic users page
makes no supervisor and units become stations only while nothing hangs on them."""

from __future__ import annotations

from sqlalchemy import select

from hotline.auth.models import SupervisorAppointment, User
from hotline.core.extensions import db
from tests.factories import PASSWORD, ticket_in
from tests.support.supervisors import appointed, station

FORM = {
    "username": "jiandu",
    "name": "刘建华",
    "phone": "13905710001",
    "password": PASSWORD,
    "affiliation": "区人大代表",
    "appointed_on": "2026-09-01",
    "term_ends_on": "2028-08-31",
}


def _flashes(client) -> list[tuple[str, str]]:
    with client.session_transaction() as sess:
        return list(sess.get("_flashes", []))


def test_an_admin_appoints_from_the_page_and_sees_the_roster(login, staff, clock) -> None:
    desk = station(code="S-SMZX", name="市民中心监督测评站点")
    client = login(staff.admin)
    page = client.get("/admin/supervisors").get_data(as_text=True)
    assert "聘任特邀监督员" in page
    assert "市民中心监督测评站点" in page  # the station picker

    response = client.post("/admin/supervisors", data={**FORM, "station": "S-SMZX"})

    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "jiandu"))
    assert (user.role, user.unit_id) == ("special_supervisor", desk.id)
    roster = client.get("/admin/supervisors").get_data(as_text=True)
    assert 'data-user="jiandu"' in roster
    assert "2026-09-01 –<br>2028-08-31" in roster
    assert "在聘" in roster


def test_a_bad_appointment_is_flashed_naming_the_field(login, staff, clock) -> None:
    client = login(staff.admin)
    client.post("/admin/supervisors", data={**FORM, "term_ends_on": "31/08/2028"})
    [(kind, message)] = _flashes(client)
    assert kind == "error"
    assert "term_ends_on" in message
    assert db.session.scalar(select(User).where(User.username == "jiandu")) is None


def test_retiring_from_the_page_ends_the_sign_in(login, staff, client, clock) -> None:
    user = appointed()
    admin = login(staff.admin)
    admin.post(f"/admin/supervisors/{user.id}/retire", data={"reason": "迁居外地"})

    row = db.session.get(SupervisorAppointment, user.id)
    assert row.retire_reason == "迁居外地"
    assert "已解聘" in admin.get("/admin/supervisors").get_data(as_text=True)
    client.post("/logout")
    refused = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert refused.status_code == 401


def test_other_staff_cannot_open_the_page(login, staff, clock) -> None:
    for user in (staff.inspector, staff.operator, staff.head):
        assert login(user).get("/admin/supervisors").status_code == 403


def test_the_users_page_makes_no_special_supervisor(login, staff, clock) -> None:
    client = login(staff.admin)
    assert 'value="special_supervisor"' not in client.get("/admin/users").get_data(as_text=True)
    client.post(
        "/admin/users",
        data={"username": "sneaky", "password": PASSWORD, "role": "special_supervisor"},
    )
    assert db.session.scalar(select(User).where(User.username == "sneaky")) is None
    client.post(
        f"/admin/users/{staff.operator.id}",
        data={"role": "special_supervisor", "active": "1"},
    )
    assert db.session.get(User, staff.operator.id).role == "operator"


def test_a_unit_with_tickets_cannot_become_a_station(login, staff, clock) -> None:
    ticket_in("dispatched", unit=staff.unit)
    client = login(staff.admin)
    client.post(
        "/admin/units",
        data={
            "id": staff.unit.id,
            "code": staff.unit.code,
            "name": "改名",
            "kind": "station",
            "active": "1",
        },
    )
    assert db.session.get(type(staff.unit), staff.unit.id).kind == "responsible"
    fresh = client.post(
        "/admin/units", data={"code": "S-NEW", "name": "新站点", "kind": "station", "active": "1"}
    )
    assert fresh.status_code == 302
    assert "监督测评站点" in client.get("/admin/units").get_data(as_text=True)
