"""Sign-in hygiene: hashed passwords, lock-out after repeated failures, cookie flags."""

from __future__ import annotations

from flask import Flask

import config as config_module
from tests.factories import PASSWORD, UserFactory
from tests.faults.helpers import private_app


def _login(client, username: str, password: str):
    return client.post("/login", data={"username": username, "password": password})


def test_passwords_are_stored_as_salted_hashes(session) -> None:
    one, two = UserFactory(), UserFactory()
    session.flush()
    for user in (one, two):
        assert PASSWORD not in user.password_hash
        assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))
    assert one.password_hash != two.password_hash, "salted: same password, different hashes"


def test_account_locks_after_repeated_failures_even_for_the_right_password(
    app: Flask, session, clock
) -> None:
    clock.set("2026-10-12T10:00:00+08:00")
    user = UserFactory(role="operator")
    session.commit()
    client = app.test_client()
    for _ in range(5):
        assert _login(client, user.username, "wrong-password").status_code == 401
    locked = _login(client, user.username, PASSWORD)
    assert locked.status_code == 401, "locked: even the right password is refused"
    assert client.get("/console").status_code == 302  # still not signed in
    clock.set("2026-10-12T10:16:00+08:00")  # the lock lasts 15 minutes
    assert _login(client, user.username, PASSWORD).status_code == 302


def test_session_cookie_is_httponly_samesite_and_secure_in_production(
    app: Flask, session, monkeypatch
) -> None:
    monkeypatch.setenv("HOTLINE_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 32)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "t" * 32)
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    production = config_module.load()
    assert production.SESSION_COOKIE_SECURE is True
    assert production.SESSION_COOKIE_HTTPONLY is True
    assert production.SESSION_COOKIE_SAMESITE == "Lax"

    secure = private_app(app, SESSION_COOKIE_SECURE=True)
    user = UserFactory(role="operator")
    session.commit()
    response = _login(secure.test_client(), user.username, PASSWORD)
    assert response.status_code == 302
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    flags = {part.strip().lower() for part in cookie.split(";")}
    assert "httponly" in flags
    assert "secure" in flags
    assert "samesite=lax" in flags


def test_login_failure_does_not_say_whether_the_user_exists(app: Flask, session) -> None:
    user = UserFactory(role="operator")
    session.commit()
    client = app.test_client()
    unknown = _login(client, "no-such-user", "whatever-password")
    wrong = _login(client, user.username, "whatever-password")
    assert unknown.status_code == wrong.status_code == 401
    message = "用户名或密码错误"
    assert message in unknown.get_data(as_text=True)
    assert message in wrong.get_data(as_text=True)
