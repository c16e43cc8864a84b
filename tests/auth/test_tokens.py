"""POST /api/v1/auth/token and bearer checks on every API call."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hotline.auth.models import LoginThrottle
from hotline.auth.tokens import issue_token
from tests.factories import PASSWORD, UserFactory
from tests.support.api import error_fields, sign_in

# Wake-ups after commit are recorded, not enqueued (as in tests/tickets/api/).
pytestmark = pytest.mark.usefixtures("woken_jobs")


def test_good_credentials_give_a_token_that_opens_the_api(client, session, clock):
    user = UserFactory(role="operator")
    caller = sign_in(client, user)
    response = caller.get("/api/v1/units")
    assert response.status_code == 200


def test_wrong_password_is_401_in_the_error_shape(client, session):
    user = UserFactory(role="operator")
    session.commit()
    response = client.post(
        "/api/v1/auth/token", json={"username": user.username, "password": "wrong"}
    )
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    assert "token" not in response.get_json()


def test_unknown_user_is_401_like_a_wrong_password(client, session):
    response = client.post("/api/v1/auth/token", json={"username": "nobody", "password": "x"})
    assert response.status_code == 401
    assert response.get_json()["error"]["message"] == "wrong username or password"


def test_inactive_user_gets_no_token(client, session):
    user = UserFactory(role="operator", active=False)
    session.commit()
    response = client.post(
        "/api/v1/auth/token", json={"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 401


def test_missing_password_is_422_naming_the_field(client, session):
    response = client.post("/api/v1/auth/token", json={"username": "someone"})
    assert response.status_code == 422
    assert "password" in error_fields(response)


def test_no_token_is_401_with_a_bearer_challenge(client, session):
    response = client.get("/api/v1/tickets")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_forged_token_is_401(client, session, app):
    user = UserFactory(role="operator")
    session.commit()
    good = sign_in(client, user).token
    payload, _, signature = good.rpartition(".")
    forged = payload + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    response = client.get("/api/v1/tickets", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401
    assert response.get_json()["error"]["message"] == "invalid token"


def test_token_signed_with_another_secret_is_401(client, session, app):
    from itsdangerous import URLSafeTimedSerializer

    other = URLSafeTimedSerializer("not-our-secret", salt="hotline-api-token")
    token = other.dumps({"u": 1, "r": "admin", "n": None, "l": "mallory"})
    response = client.get("/api/v1/tickets", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_token_expires_after_the_configured_ttl(client, session, clock, app):
    clock.set("2026-10-08T09:00:00+08:00")
    caller = sign_in(client, UserFactory(role="operator"))
    ttl = app.config["API_TOKEN_TTL_SECONDS"]
    clock.set((clock.now + timedelta(seconds=ttl - 60)).isoformat())
    assert caller.get("/api/v1/units").status_code == 200
    clock.set((clock.now + timedelta(seconds=120)).isoformat())
    response = caller.get("/api/v1/units")
    assert response.status_code == 401
    assert response.get_json()["error"]["message"] == "token expired"


def test_a_token_checked_before_is_still_refused_once_expired_or_not_yet_issued(
    client, session, clock, app
):
    """Each process remembers tokens it has verified; their age is still checked every time."""
    clock.set("2026-10-08T09:00:00+08:00")
    caller = sign_in(client, UserFactory(role="operator"))
    assert caller.get("/api/v1/units").status_code == 200  # verified and remembered
    clock.set("2026-10-08T08:59:00+08:00")  # the clock is put back before the token was signed
    assert caller.get("/api/v1/units").status_code == 401
    ttl = app.config["API_TOKEN_TTL_SECONDS"]
    clock.set((clock.now + timedelta(seconds=60 + ttl)).isoformat())
    assert caller.get("/api/v1/units").status_code == 200  # exactly the TTL old: still good
    clock.set((clock.now + timedelta(seconds=1)).isoformat())
    response = caller.get("/api/v1/units")
    assert response.status_code == 401
    assert response.get_json()["error"]["message"] == "token expired"


def test_token_check_needs_no_database_query(client, session, app):
    """DESIGN §10: the hot path checks tokens without a round trip (users' standing is read
    once per STANDING_TTL per process, not per request)."""
    import sqlalchemy as sa

    from hotline.core.bearer import bearer_actor
    from hotline.core.extensions import db

    user = UserFactory(role="unit_agent", unit=None)
    session.commit()
    token = issue_token(user)
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    with app.test_request_context(headers={"Authorization": f"Bearer {token}"}):
        bearer_actor()  # the first request after the standing's TTL reads it
    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        with app.test_request_context(headers={"Authorization": f"Bearer {token}"}):
            actor = bearer_actor()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert statements == []
    assert (actor.user_id, actor.role, actor.label) == (user.id, "unit_agent", user.username)


def test_non_bearer_authorization_is_401(client, session):
    response = client.get("/api/v1/units", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert response.status_code == 401


def test_a_deactivated_users_token_is_refused_at_once(client, session, clock):
    from hotline.staff.admin.service import update_user
    from tests.factories import actor

    clock.set("2026-10-08T09:00:00+08:00")
    user = UserFactory(role="operator")
    caller = sign_in(client, user)
    assert caller.get("/api/v1/units").status_code == 200
    admin = actor(UserFactory(role="admin"))
    update_user(
        actor=admin, user_id=user.id, role="operator", unit=None, active=False, display_name=None
    )
    session.commit()
    response = caller.get("/api/v1/units")
    assert response.status_code == 401
    assert "no longer valid" in response.get_json()["error"]["message"]


def test_a_change_made_by_another_process_applies_within_the_standing_ttl(client, session, clock):
    from hotline.auth.tokens import STANDING_TTL

    clock.set("2026-10-08T09:00:00+08:00")
    user = UserFactory(role="supervisor")
    caller = sign_in(client, user)
    assert caller.get("/api/v1/units").status_code == 200
    user.role = "operator"  # written elsewhere: this process was not told
    session.commit()
    assert caller.get("/api/v1/units").status_code == 200  # its cached standing still says so
    clock.set((clock.now + STANDING_TTL).isoformat())
    assert caller.get("/api/v1/units").status_code == 401  # the token claims a role it lost


def test_a_new_users_token_works_on_a_process_that_cached_users_before(client, session, clock):
    clock.set("2026-10-08T09:00:00+08:00")
    assert sign_in(client, UserFactory(role="operator")).get("/api/v1/units").status_code == 200
    newcomer = UserFactory(role="inspector")  # created after this process read the users
    session.commit()
    assert sign_in(client, newcomer).get("/api/v1/units").status_code == 200


def test_failed_api_logins_count_toward_the_web_forms_lock_out(client, session):
    """Four wrong passwords through the API and one on the web form lock the account."""
    user = UserFactory(role="operator")
    session.commit()
    for _ in range(4):
        response = client.post(
            "/api/v1/auth/token", json={"username": user.username, "password": "wrong"}
        )
        assert response.status_code == 401
    response = client.post("/login", data={"username": user.username, "password": "wrong"})
    assert response.status_code == 401
    assert "锁定" in response.get_data(as_text=True)
    throttle = session.get(LoginThrottle, (user.username, "127.0.0.1"))
    assert throttle.failures == 5
    assert throttle.blocked_until is not None


def test_a_locked_account_gets_the_same_401_with_the_right_and_a_wrong_password(client, session):
    user = UserFactory(role="operator")
    session.commit()
    for _ in range(5):
        client.post("/api/v1/auth/token", json={"username": user.username, "password": "wrong"})
    answers = [
        client.post("/api/v1/auth/token", json={"username": user.username, "password": password})
        for password in (PASSWORD, "wrong")
    ]
    assert [a.status_code for a in answers] == [401, 401]
    assert answers[0].get_json() == answers[1].get_json()
    assert answers[0].get_json()["error"]["message"] == "this account is disabled or locked"


def test_a_deactivated_account_gets_the_same_401_as_a_wrong_password(client, session):
    user = UserFactory(role="operator", active=False)
    session.commit()
    answers = [
        client.post("/api/v1/auth/token", json={"username": user.username, "password": password})
        for password in (PASSWORD, "wrong")
    ]
    assert [a.status_code for a in answers] == [401, 401]
    assert answers[0].get_json() == answers[1].get_json()
    assert answers[0].get_json()["error"]["message"] == "wrong username or password"


def test_a_good_api_login_clears_the_failure_count(client, session):
    user = UserFactory(role="operator")
    session.commit()
    for _ in range(4):
        client.post("/api/v1/auth/token", json={"username": user.username, "password": "wrong"})
    assert sign_in(client, user).token
    client.post("/api/v1/auth/token", json={"username": user.username, "password": "wrong"})
    session.refresh(user)
    assert user.locked_until is None
    assert user.failed_logins == 1
