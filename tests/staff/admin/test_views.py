"""Admin pages: edits are audited and reach the caches; API keys are shown once, stored hashed."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from sqlalchemy import select

from hotline.audit.models import AuditEntry
from hotline.auth.models import ApiKey, User
from hotline.catalogue.models import Category, RoutingRule
from hotline.catalogue.routing import load_catalogue
from hotline.core.extensions import db
from hotline.sla.models import CalendarDay, SlaPolicy
from hotline.sla.service import get_calendar
from hotline.units.models import Unit
from tests.factories import CategoryFactory


def _audited(action: str) -> bool:
    return db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == action)) is not None


def test_admin_creates_and_edits_a_unit(login, staff) -> None:
    client = login(staff.admin)
    client.post("/admin/units", data={"code": "D-XC", "name": "西城区政府", "active": "1"})
    unit = db.session.scalar(select(Unit).where(Unit.code == "D-XC"))
    assert unit.name == "西城区政府"
    client.post("/admin/units", data={"id": unit.id, "code": "D-XC", "name": "西城区人民政府"})
    unit = db.session.get(Unit, unit.id)
    assert unit.name == "西城区人民政府"
    assert unit.active is False
    assert _audited("admin.unit.save")
    assert "西城区人民政府" in client.get("/admin/units").get_data(as_text=True)


def test_duplicate_unit_code_is_a_message(login, staff) -> None:
    client = login(staff.admin)
    response = client.post("/admin/units", data={"code": staff.unit.code, "name": "重复"})
    assert "taken" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_admin_creates_a_unit_agent_and_they_can_sign_in(client, login, staff) -> None:
    admin = login(staff.admin)
    admin.post(
        "/admin/users",
        data={
            "username": "newagent",
            "password": "a-long-password",
            "role": "unit_agent",
            "unit": staff.unit.code,
        },
    )
    assert _audited("admin.user.create")
    admin.post("/logout")
    response = client.post("/login", data={"username": "newagent", "password": "a-long-password"})
    assert response.headers["Location"] == "/workbench"


def test_unit_role_without_unit_is_refused(login, staff) -> None:
    client = login(staff.admin)
    response = client.post(
        "/admin/users", data={"username": "x1", "password": "a-long-password", "role": "unit_agent"}
    )
    assert "unit" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.username == "x1")) is None


def test_change_role_deactivate_and_reset_password(client, login, staff) -> None:
    admin = login(staff.admin)
    user_id, username = staff.operator.id, staff.operator.username
    admin.post(f"/admin/users/{user_id}", data={"role": "supervisor", "active": "1"})
    assert db.session.get(User, user_id).role == "supervisor"
    admin.post(f"/admin/users/{user_id}/password", data={"password": "brand-new-pass"})
    admin.post(f"/admin/users/{user_id}", data={"role": "supervisor"})  # active unchecked
    assert db.session.get(User, user_id).active is False
    assert _audited("admin.user.update")
    assert _audited("admin.user.reset_password")
    admin.post("/logout")
    response = client.post("/login", data={"username": username, "password": "brand-new-pass"})
    assert response.status_code == 401  # deactivated


def test_admin_cannot_lock_themselves_out(login, staff) -> None:
    client = login(staff.admin)
    client.post(f"/admin/users/{staff.admin.id}", data={"role": "operator", "active": "1"})
    assert db.session.get(User, staff.admin.id).role == "admin"


def test_category_edit_changes_routing_at_once(app, login, staff) -> None:
    cat = CategoryFactory(code="NOISE", default_unit=staff.unit)
    load_catalogue()  # warm the per-process cache
    login(staff.admin).post(
        "/admin/categories",
        data={
            "id": cat.id,
            "code": "NOISE",
            "name": "噪音",
            "kind": "complaint",
            "default_unit": staff.other_unit.code,
            "active": "1",
        },
    )
    assert load_catalogue().default_unit_by_category[cat.id] == staff.other_unit.id
    assert _audited("admin.category.save")
    assert db.session.get(Category, cat.id).default_unit_id == staff.other_unit.id


def test_routing_rule_created_reaches_the_cached_catalogue(login, staff) -> None:
    load_catalogue()
    login(staff.admin).post(
        "/admin/rules",
        data={
            "district": "西城区",
            "keywords": "积水,内涝",
            "unit": staff.other_unit.code,
            "position": "10",
            "active": "1",
        },
    )
    rule = db.session.scalar(select(RoutingRule))
    assert any(r.id == rule.id and r.keywords == ("积水", "内涝") for r in load_catalogue().rules)
    assert _audited("admin.rule.save")


def test_sla_policy_saved_and_audited(login, staff) -> None:
    login(staff.admin).post(
        "/admin/policies",
        data={
            "name": "咨询 3 个工作日",
            "kind": "consultation",
            "accept_hours": "12",
            "resolve_value": "3",
            "resolve_unit": "working_days",
            "return_window_wd": "2",
            "callback_wd": "1",
            "active": "1",
        },
    )
    policy = db.session.scalar(select(SlaPolicy))
    assert (policy.kind, policy.resolve_value, policy.accept_hours) == ("consultation", 3, 12)
    assert _audited("admin.policy.save")


def test_policy_with_a_zero_limit_is_refused(login, staff) -> None:
    client = login(staff.admin)
    client.post("/admin/policies", data={"name": "bad", "accept_hours": "0"})
    assert db.session.scalar(select(SlaPolicy)) is None


def test_calendar_day_added_wins_over_state_council_data(login, staff) -> None:
    get_calendar()  # warm the cache
    assert get_calendar().is_workday(date(2026, 10, 12))
    client = login(staff.admin)
    client.post(
        "/admin/calendar", data={"day": "2026-10-12", "type": "holiday", "name": "台风停工"}
    )
    assert db.session.get(CalendarDay, date(2026, 10, 12)).is_workday is False
    assert not get_calendar().is_workday(date(2026, 10, 12))
    assert "台风停工" in client.get("/admin/calendar?year=2026").get_data(as_text=True)
    assert _audited("admin.calendar.set")


def test_missing_calendar_year_is_a_loud_warning(login, staff, clock) -> None:
    clock.set("2031-03-02T09:00:00+08:00")  # chinese_calendar has no data this far ahead
    for user, path in (
        (staff.admin, "/admin"),
        (staff.admin, "/admin/calendar"),
        (staff.inspector, "/dashboard"),
    ):
        body = login(user).get(path).get_data(as_text=True)
        assert "calendar for 2031 not loaded" in body, path


def test_api_key_is_shown_once_and_only_its_hash_is_stored(login, staff) -> None:
    client = login(staff.admin)
    body = client.post("/admin/api-keys", data={"name": "区网格平台"}).get_data(as_text=True)
    key = body.split('data-test="new-key"')[1].split(">")[1].split("<")[0]
    row = db.session.scalar(select(ApiKey))
    assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in (row.key_hash, row.name)
    assert key not in client.get("/admin/api-keys").get_data(as_text=True)
    client.post(f"/admin/api-keys/{row.id}/revoke")
    assert db.session.get(ApiKey, row.id).active is False
    assert _audited("admin.api_key.create")
    assert _audited("admin.api_key.revoke")


def test_other_roles_may_not_use_admin_pages(login, staff) -> None:
    for user in (staff.operator, staff.supervisor, staff.agent, staff.head, staff.inspector):
        client = login(user)
        for path in ("/admin", "/admin/users", "/admin/api-keys", "/admin/calendar"):
            assert client.get(path).status_code == 403, (user.role, path)
        assert client.post("/admin/units", data={"code": "Z", "name": "Z"}).status_code == 403
    assert db.session.scalar(select(Unit).where(Unit.code == "Z")) is None


def test_a_key_issued_on_the_admin_page_opens_open311_posts_until_revoked(login, staff) -> None:
    from tests.factories import CategoryFactory

    CategoryFactory(code="LAMP", name="路灯不亮")
    admin = login(staff.admin)
    body = admin.post("/admin/api-keys", data={"name": "区网格平台"}).get_data(as_text=True)
    key = body.split('data-test="new-key"')[1].split(">")[1].split("<")[0]
    form = {
        "api_key": key,
        "service_code": "LAMP",
        "description": "路灯不亮",
        "lat": "39.9",
        "long": "116.4",
    }
    anonymous = admin.application.test_client()
    assert anonymous.post("/open311/v2/requests.json", data=form).status_code == 201
    row = db.session.scalar(select(ApiKey))
    admin.post(f"/admin/api-keys/{row.id}/revoke")
    assert anonymous.post("/open311/v2/requests.json", data=form).status_code == 403


@pytest.mark.parametrize("year", ["-1", "10000", "1"])
def test_a_calendar_year_outside_the_century_is_a_clear_4xx(login, staff, year) -> None:
    response = login(staff.admin).get(f"/admin/calendar?year={year}")
    assert response.status_code == 422
    assert "2000" in response.get_data(as_text=True)


def test_a_calendar_day_in_year_one_is_refused(login, staff) -> None:
    response = login(staff.admin).post(
        "/admin/calendar", data={"day": "0001-01-01", "type": "holiday"}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "2000" in response.get_data(as_text=True)
