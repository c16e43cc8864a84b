"""Signing in and out, lock-out, CSRF, role homes, navigation, the 403 page, the language."""

from __future__ import annotations

import pytest

from hotline.auth.models import LoginThrottle
from hotline.core.extensions import db

HOMES = {
    "operator": "/console",
    "supervisor": "/console",
    "agent": "/workbench",
    "head": "/workbench",
    "inspector": "/dashboard",
    "admin": "/admin",
}


@pytest.mark.parametrize(("who", "home"), list(HOMES.items()))
def test_each_role_lands_on_its_own_page(client, staff, who, home) -> None:
    user = getattr(staff, who)
    response = client.post(
        "/login", data={"username": user.username, "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == home
    assert client.get("/").headers["Location"] == home
    assert client.get(home).status_code == 200


def test_wrong_password_is_refused_with_a_message(client, staff) -> None:
    response = client.post("/login", data={"username": staff.operator.username, "password": "nope"})
    assert response.status_code == 401
    assert "用户名或密码错误" in response.get_data(as_text=True)
    assert client.get("/console").status_code == 302


def test_five_failures_lock_the_account_even_for_the_right_password(client, staff) -> None:
    name = staff.agent.username
    for _ in range(5):
        client.post("/login", data={"username": name, "password": "wrong"})
    response = client.post("/login", data={"username": name, "password": "correct horse battery"})
    assert response.status_code == 401
    assert "锁定" in response.get_data(as_text=True)
    # The wait is this address's, for this username (auth/service.py).
    assert db.session.get(LoginThrottle, (name, "127.0.0.1")).blocked_until is not None


def test_lock_expires_after_fifteen_minutes(client, staff, clock) -> None:
    clock.set("2026-10-09T09:00:00+08:00")
    name = staff.agent.username
    for _ in range(5):
        client.post("/login", data={"username": name, "password": "wrong"})
    clock.set("2026-10-09T09:16:00+08:00")
    response = client.post("/login", data={"username": name, "password": "correct horse battery"})
    assert response.status_code == 302


def test_anonymous_visitors_are_sent_to_login(client) -> None:
    for path in ("/console", "/workbench", "/dashboard", "/admin", "/tickets/20261001-000001"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login")


def test_login_returns_to_the_page_asked_for(client, staff) -> None:
    response = client.post(
        "/login?next=/console/triage",
        data={"username": staff.operator.username, "password": "correct horse battery"},
    )
    assert response.headers["Location"] == "/console/triage"


def test_login_ignores_an_offsite_next(client, staff) -> None:
    response = client.post(
        "/login?next=//evil.example.org/",
        data={"username": staff.operator.username, "password": "correct horse battery"},
    )
    assert response.headers["Location"] == "/console"


def test_logout_is_a_post_and_ends_the_session(login, staff) -> None:
    client = login(staff.operator)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/console").status_code == 302


def test_a_deactivated_user_cannot_sign_in(client, staff) -> None:
    staff.operator.active = False
    db.session.flush()
    response = client.post(
        "/login", data={"username": staff.operator.username, "password": "correct horse battery"}
    )
    assert response.status_code == 401


def test_wrong_role_gets_a_clear_403_page(login, staff) -> None:
    client = login(staff.agent)
    response = client.get("/console", headers={"Accept": "text/html"})
    assert response.status_code == 403
    body = response.get_data(as_text=True)
    assert "无权访问" in body
    assert "受理台" not in body  # no console link in a unit agent's navigation


@pytest.mark.parametrize(
    ("who", "visible", "hidden"),
    [
        ("operator", ["/console/triage", "/console/callbacks"], ["/console/requests", "/admin"]),
        # hot spots are open to supervisors and admins; the rest of the dashboard is not
        (
            "supervisor",
            ["/console/requests", "/dashboard/hotspots"],
            ["/dashboard/overdue", "/admin"],
        ),
        ("agent", ["/workbench"], ["/workbench/escalations", "/console"]),
        ("head", ["/workbench/escalations", "/workbench/interviews"], ["/console"]),
        ("inspector", ["/dashboard/overdue", "/dashboard/interviews"], ["/console", "/admin/"]),
        ("admin", ["/admin/users", "/dashboard/hotspots"], ["/console", "/dashboard/overdue"]),
    ],
)
def test_navigation_shows_only_what_the_role_may_do(login, staff, who, visible, hidden) -> None:
    client = login(getattr(staff, who))
    home = client.get("/", follow_redirects=True).get_data(as_text=True)
    nav = home.split('<nav class="mainnav">')[1].split("</nav>")[0]
    for path in visible:
        assert f'href="{path}"' in nav, path
    for path in hidden:
        assert f'href="{path}' not in nav, path


def test_post_without_csrf_token_is_refused_when_csrf_is_on(app, client, staff) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(
            "/login",
            data={"username": staff.operator.username, "password": "correct horse battery"},
        )
        assert response.status_code == 400
        assert client.get("/console").status_code == 302  # not signed in
        page = client.get("/login").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        response = client.post(
            "/login",
            data={
                "username": staff.operator.username,
                "password": "correct horse battery",
                "csrf_token": token,
            },
        )
        assert response.status_code == 302
        refused = client.post("/console/calls", data={"phone": "13800000000"})
        assert refused.status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_session_cookie_is_http_only_and_same_site(client, staff) -> None:
    response = client.post(
        "/login", data={"username": staff.operator.username, "password": "correct horse battery"}
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_pages_are_chinese_by_default_and_english_on_request(login, staff) -> None:
    client = login(staff.operator)
    assert "来电登记" in client.get("/console").get_data(as_text=True)
    english = client.get("/console?lang=en").get_data(as_text=True)
    assert "Log a call" in english
    assert 'lang="en"' in english
    # The choice sticks for the session.
    assert "Triage" in client.get("/console/triage").get_data(as_text=True)
    assert "来电登记" in client.get("/console?lang=zh_CN").get_data(as_text=True)


def test_a_rotated_secret_key_ends_old_sessions_unless_kept_as_a_fallback(
    app, client, staff, monkeypatch
) -> None:
    # The session signer is built once per set of keys: a key change must still take effect.
    user = staff.operator
    client.post("/login", data={"username": user.username, "password": "correct horse battery"})
    assert client.get("/console").status_code == 200
    old_key = app.config["SECRET_KEY"]

    monkeypatch.setitem(app.config, "SECRET_KEY", "rotated-secret")
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [old_key])
    assert client.get("/console").status_code == 200

    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [])
    response = client.get("/console")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def _session_cookie(client) -> str:
    return client.get_cookie("session").value


def test_an_old_session_cookie_replayed_after_logout_is_refused(app, login, staff) -> None:
    client = login(staff.operator)
    stolen = _session_cookie(client)
    assert client.post("/logout").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/console")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_an_admin_password_reset_voids_the_users_sessions_and_tokens(
    app, client, login, staff
) -> None:
    from hotline.auth.tokens import issue_token

    victim = app.test_client()
    assert (
        victim.post(
            "/login",
            data={"username": staff.operator.username, "password": "correct horse battery"},
        ).status_code
        == 302
    )
    token = issue_token(staff.operator)
    api = app.test_client()
    bearer = {"Authorization": f"Bearer {token}"}
    assert api.get("/api/v1/tickets", headers=bearer).status_code == 200

    admin = login(staff.admin)
    reset = admin.post(
        f"/admin/users/{staff.operator.id}/password", data={"password": "brand-new-pass"}
    )
    assert reset.status_code == 302

    assert victim.get("/console").status_code == 302  # back to the login page
    assert api.get("/api/v1/tickets", headers=bearer).status_code == 401


def test_a_role_change_voids_the_users_sessions(app, login, staff) -> None:
    victim = app.test_client()
    victim.post(
        "/login", data={"username": staff.operator.username, "password": "correct horse battery"}
    )
    assert victim.get("/console").status_code == 200
    admin = login(staff.admin)
    admin.post(f"/admin/users/{staff.operator.id}", data={"role": "supervisor", "active": "1"})
    assert victim.get("/console").status_code == 302


def test_an_unchanged_save_of_a_user_keeps_their_session(app, login, staff) -> None:
    victim = app.test_client()
    victim.post(
        "/login", data={"username": staff.operator.username, "password": "correct horse battery"}
    )
    admin = login(staff.admin)
    admin.post(
        f"/admin/users/{staff.operator.id}",
        data={"role": staff.operator.role, "active": "1", "display_name": "新名字"},
    )
    assert victim.get("/console").status_code == 200
