"""API test helpers: users with bearer tokens, and JSON calls that carry them.

Registered for the whole suite by `pytest_plugins` in tests/conftest.py. `woken_jobs` is not
autouse here: tests/tickets/api/conftest.py turns it on for its folder, other API tests name it
in `pytestmark`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from hotline.auth.models import User
from hotline.auth.tokens import issue_token
from hotline.core.extensions import db
from tests.factories import PASSWORD, UnitFactory, UserFactory

# DESIGN §5 and §11 (fair figures): the ticket action endpoints outside clients rely on.
DESIGN_ACTIONS = (
    "accept",
    "dispatch",
    "return",
    "return/approve",
    "return/deny",
    "extension",
    "extension/approve",
    "extension/deny",
    "reply",
    "callback",
    "reopen",
    "merge",
    "reject",
    "appeal",
    "appeal/approve",
    "appeal/deny",
    "resolve-at-source",  # 直接办结 (§11 "Knowledge base")
    "classify",  # 重新分类 (§11 "Classify and find")
)
# Ours beyond DESIGN's list (docs/TICKETS.md): an inspector grants extension days directly;
# hotline staff clear a possible-duplicate flag (不是重复).
OWN_ACTIONS = ("extension/grant", "not-duplicate")


def recording_wake_ups(app: Flask) -> Iterator[list[str]]:
    """Record wake-ups after commit instead of sending them to Redis, for one test."""
    app.config["JOBS_ENABLED"] = False
    woken = app.extensions.setdefault("hotline_woken", [])
    woken.clear()
    try:
        yield woken
    finally:
        app.config["JOBS_ENABLED"] = True
        woken.clear()


@pytest.fixture
def woken_jobs(app: Flask) -> Iterator[list[str]]:
    """Wake-ups after commit are recorded instead of going to Redis (routing is not under test)."""
    yield from recording_wake_ups(app)


@dataclass
class Caller:
    """A signed-in API client: `caller.post(path, json=…)` sends a bearer token.

    The token is minted per call at the test clock's "now", so moving the clock never expires
    it by accident (expiry has its own test); `sign_in` gets one through the endpoint.
    """

    client: FlaskClient
    user: User
    token: str | None = None

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        token = self.token or issue_token(self.user)
        return {"Authorization": f"Bearer {token}", **(headers or {})}

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.client.get(path, headers=self._headers(kwargs.pop("headers", None)), **kwargs)

    def post(self, path: str, **kwargs: Any) -> TestResponse:
        return self.client.post(path, headers=self._headers(kwargs.pop("headers", None)), **kwargs)

    def patch(self, path: str, **kwargs: Any) -> TestResponse:
        return self.client.patch(path, headers=self._headers(kwargs.pop("headers", None)), **kwargs)

    def put(self, path: str, **kwargs: Any) -> TestResponse:
        return self.client.put(path, headers=self._headers(kwargs.pop("headers", None)), **kwargs)


def sign_in(client: FlaskClient, user: User) -> Caller:
    """Get a token through the API, as a real client would."""
    db.session.commit()  # the user must survive a request that rolls back
    response = client.post(
        "/api/v1/auth/token", json={"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 200, response.get_json()
    return Caller(client, user, response.get_json()["token"])


@pytest.fixture
def unit(session):
    return UnitFactory(code="SCJGJ", name="市市场监督管理局", head_name="李局长")


@pytest.fixture
def other_unit(session):
    return UnitFactory(code="ZJJ", name="市住房和城乡建设局")


def caller(client: FlaskClient, user: User) -> Caller:
    db.session.commit()  # the user must survive a request that rolls back
    return Caller(client, user)


@pytest.fixture
def operator(client, session) -> Caller:
    return caller(client, UserFactory(role="operator"))


@pytest.fixture
def supervisor(client, session) -> Caller:
    return caller(client, UserFactory(role="supervisor"))


@pytest.fixture
def inspector(client, session) -> Caller:
    return caller(client, UserFactory(role="inspector"))


@pytest.fixture
def agent(client, session, unit) -> Caller:
    return caller(client, UserFactory(role="unit_agent", unit=unit))


@pytest.fixture
def other_agent(client, session, other_unit) -> Caller:
    return caller(client, UserFactory(role="unit_agent", unit=other_unit))


def ticket_body(**overrides: Any) -> dict[str, Any]:
    """A valid creation body (DESIGN §5)."""
    body: dict[str, Any] = {
        "kind": "complaint",
        "priority": "normal",
        "description": "小区门口占道经营，噪音扰民",
        "complainant": {
            "phone": "13812345678",
            "name": "王先生",
            "disclose_identity": False,
            "confidential": False,
        },
        "location": {"address": "人民路 1 号", "district": "鼓楼区", "lat": 26.08, "long": 119.3},
    }
    body.update(overrides)
    return body


def error_fields(response: TestResponse) -> dict:
    body = response.get_json()
    assert set(body) == {"error"}, body
    assert {"code", "message", "fields"} <= set(body["error"]), body
    return body["error"]["fields"]
