"""Answers with personal data or credentials are never stored by a cache (issue 14, item 14)."""

from __future__ import annotations

from hotline.auth.users import create_user


def test_a_token_answer_is_not_cacheable(client, session):
    create_user(username="cc-operator", password="pw-123456", role="operator")
    response = client.post(
        "/api/v1/auth/token", json={"username": "cc-operator", "password": "pw-123456"}
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_pages_and_api_errors_are_not_cacheable_static_files_are(client):
    assert client.get("/complaints/status").headers["Cache-Control"] == "no-store"
    assert client.get("/api/v1/tickets").headers["Cache-Control"] == "no-store"  # 401
    assert client.get("/login").headers["Cache-Control"] == "no-store"
    static = client.get("/static/css/app.css")
    assert static.status_code == 200
    assert static.headers.get("Cache-Control") != "no-store"
