"""/api/v1/voice: the softphone's AccessToken (decoded as Twilio would) and the caller's own
presence."""

from __future__ import annotations

import jwt
import pytest

from tests.factories import UnitFactory, UserFactory
from tests.support.api import caller

SECRET = "test-api-secret-" + "4" * 32  # TWILIO_API_SECRET of the test app


@pytest.fixture
def now(clock):
    return clock.set("2026-10-12T10:00:00+08:00")


@pytest.mark.parametrize("role", ["operator", "supervisor"])
def test_a_hotline_user_gets_a_voice_token_for_the_twiml_app(app, client, now, role):
    user = UserFactory(role=role)
    response = caller(client, user).get("/api/v1/voice/token")
    assert response.status_code == 200
    body = response.get_json()
    assert body["identity"] == f"operator-{user.id}"
    assert body["ttl"] == app.config["VOICE_TOKEN_TTL_SECONDS"]
    claims = jwt.decode(body["token"], SECRET, algorithms=["HS256"], options={"verify_exp": False})
    header = jwt.get_unverified_header(body["token"])
    assert header["cty"] == "twilio-fpa;v=1"  # what Twilio's Voice SDK expects
    assert claims["iss"] == app.config["TWILIO_API_KEY"]
    assert claims["sub"] == app.config["TWILIO_ACCOUNT_SID"]
    assert claims["exp"] - claims["nbf"] == body["ttl"]
    grants = claims["grants"]
    assert grants["identity"] == body["identity"]
    assert grants["voice"]["outgoing"]["application_sid"] == app.config["TWILIO_TWIML_APP_SID"]


def test_a_token_signed_with_another_secret_does_not_verify(client, now):
    body = caller(client, UserFactory(role="operator")).get("/api/v1/voice/token").get_json()
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(body["token"], "another-secret-" + "5" * 32, algorithms=["HS256"])


@pytest.mark.parametrize("role", ["unit_agent", "unit_head", "inspector", "admin"])
def test_no_one_else_gets_a_voice_token(client, now, role):
    unit = UnitFactory() if role.startswith("unit") else None
    response = caller(client, UserFactory(role=role, unit=unit)).get("/api/v1/voice/token")
    assert response.status_code == 403
    assert "token" not in response.get_json()


def test_without_a_token_there_is_no_voice_token(client, now):
    assert client.get("/api/v1/voice/token").status_code == 401


def test_an_unconfigured_softphone_answers_503_naming_what_is_missing(
    app, client, now, monkeypatch
):
    monkeypatch.setitem(app.config, "TWILIO_TWIML_APP_SID", "")
    response = caller(client, UserFactory(role="operator")).get("/api/v1/voice/token")
    assert response.status_code == 503
    assert "TWILIO_TWIML_APP_SID" in response.get_json()["error"]["message"]


def test_an_operator_sets_and_reads_their_own_presence(client, now):
    op = caller(client, UserFactory(role="operator"))
    assert op.get("/api/v1/voice/presence").get_json() == {
        "state": "away",
        "changed_at": None,
        "call_sid": None,
    }
    response = op.put("/api/v1/voice/presence", json={"state": "ready"})
    assert response.status_code == 200
    assert response.get_json()["state"] == "ready"
    body = op.get("/api/v1/voice/presence").get_json()
    assert (body["state"], body["changed_at"]) == ("ready", "2026-10-12T10:00:00+08:00")


def test_one_operators_presence_is_not_anothers(client, now):
    first, second = UserFactory(role="operator"), UserFactory(role="operator")
    a = caller(client, first)
    a.put("/api/v1/voice/presence", json={"state": "ready"})
    assert caller(client, second).get("/api/v1/voice/presence").get_json()["state"] == "away"


@pytest.mark.parametrize("body", [{"state": "asleep"}, {"state": ""}, {}, {"state": 3}])
def test_a_bad_state_is_a_422_naming_the_field(client, now, body):
    op = caller(client, UserFactory(role="operator"))
    response = op.put("/api/v1/voice/presence", json=body)
    assert response.status_code == 422
    assert "state" in str(response.get_json()["error"]["fields"])
    assert op.get("/api/v1/voice/presence").get_json()["state"] == "away"


def test_a_unit_agent_has_no_presence(client, now):
    agent = caller(client, UserFactory(role="unit_agent", unit=UnitFactory()))
    response = agent.put("/api/v1/voice/presence", json={"state": "ready"})
    assert response.status_code == 403
