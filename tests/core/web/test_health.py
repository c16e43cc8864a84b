"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from redis import Redis


def test_healthz_answers_without_touching_the_database(client: FlaskClient, monkeypatch) -> None:
    from hotline.core.extensions import db

    def _boom(*args, **kwargs):
        raise AssertionError("healthz must not query the database")

    monkeypatch.setattr(db.session, "execute", _boom)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_is_ready_when_database_redis_and_migrations_are_current(
    client: FlaskClient, redis: Redis
) -> None:
    response = client.get("/readyz")
    body = response.get_json()
    assert response.status_code == 200, body
    assert body["status"] == "ready"
    assert body["checks"]["database"]["ok"]
    assert body["checks"]["redis"]["ok"]
    assert body["checks"]["migrations"]["ok"]
    assert body["checks"]["migrations"]["current"]


@pytest.mark.slow
def test_readyz_is_unavailable_when_redis_does_not_answer(
    app: Flask, client: FlaskClient, monkeypatch
) -> None:
    from tests.faults.tcpproxy import free_port

    dead = Redis(port=free_port(), socket_connect_timeout=0.5)
    monkeypatch.setitem(app.extensions, "hotline_redis", dead)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert response.get_json()["checks"]["redis"] == {"ok": False, "error": "ConnectionError"}


def test_readyz_is_unavailable_when_a_migration_has_not_been_applied(
    app: Flask, client: FlaskClient, redis: Redis, monkeypatch
) -> None:
    monkeypatch.setitem(app.extensions, "hotline_script_heads", frozenset({"9999_not_applied"}))
    response = client.get("/readyz")
    assert response.status_code == 503
    migrations = response.get_json()["checks"]["migrations"]
    assert migrations["ok"] is False
    assert migrations["heads"] == ["9999_not_applied"]
