"""The console's softphone: its AccessToken (decoded with Twilio's SDK), presence, the vendored
Voice JavaScript SDK and the Content-Security-Policy that lets only these pages reach Twilio."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from twilio.jwt import Jwt, JwtDecodeError

from hotline.calls.models import OperatorPresence
from hotline.core.extensions import db

ROOT = Path(__file__).resolve().parents[3]
VENDORED = ROOT / "hotline" / "static" / "vendor" / "twilio-voice"
API_KEY, API_SECRET = "SK" + "a" * 32, "softphone-test-secret-of-32-bytes-or-more"
APP_SID = "AP" + "b" * 32


@pytest.fixture
def configured(app, monkeypatch):
    monkeypatch.setitem(app.config, "TWILIO_API_KEY", API_KEY)
    monkeypatch.setitem(app.config, "TWILIO_API_SECRET", API_SECRET)
    monkeypatch.setitem(app.config, "TWILIO_TWIML_APP_SID", APP_SID)
    monkeypatch.setitem(app.config, "VOICE_TOKEN_TTL_SECONDS", 3600)


def test_an_operator_gets_a_voice_token_for_the_twiml_app(login, staff, configured) -> None:
    response = login(staff.operator).get("/console/voice/token")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["identity"] == f"operator-{staff.operator.id}"
    assert body["ttl"] == 3600
    # Signed with the API secret (a wrong key would not verify), for the API key and account.
    jwt = Jwt.from_jwt(body["token"], API_SECRET)
    assert jwt.issuer == API_KEY
    assert jwt.subject.startswith("AC")
    grants = jwt.payload["grants"]
    assert grants["identity"] == body["identity"]
    assert grants["voice"]["outgoing"]["application_sid"] == APP_SID
    assert not grants["voice"].get("incoming", {}).get("allow")
    assert jwt.payload["exp"] - jwt.payload["nbf"] == 3600
    assert jwt.headers["cty"] == "twilio-fpa;v=1"  # what Twilio.Device accepts
    with pytest.raises(JwtDecodeError):
        Jwt.from_jwt(body["token"], "another-secret-of-32-bytes-or-more-too")


def test_without_twilio_keys_the_token_is_a_503_naming_them_and_the_console_still_works(
    login, staff, app, monkeypatch
) -> None:
    monkeypatch.setitem(app.config, "TWILIO_API_KEY", "")
    client = login(staff.operator)
    response = client.get("/console/voice/token", headers={"Accept": "application/json"})
    assert response.status_code == 503
    assert "TWILIO_API_KEY" in response.get_json()["error"]["message"]
    page = client.get("/console")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-t-unconfigured="软电话未配置"' in html  # what softphone.js shows on a 503
    assert 'id="callform"' in html


@pytest.mark.parametrize("who", ["agent", "head", "inspector", "admin"])
def test_only_hotline_roles_get_a_token_or_set_a_presence(login, staff, configured, who) -> None:
    client = login(getattr(staff, who))
    assert client.get("/console/voice/token").status_code == 403
    assert client.post("/console/presence", data={"state": "ready"}).status_code == 403


def test_signed_out_the_token_is_not_given(client, configured) -> None:
    response = client.get("/console/voice/token")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_presence_is_saved_and_shown_on_the_next_page(login, staff, clock) -> None:
    client = login(staff.operator)
    response = client.post("/console/presence", data={"state": "ready"})
    assert response.status_code == 200
    assert response.get_json()["state"] == "ready"
    assert db.session.get(OperatorPresence, staff.operator.id).state == "ready"
    busy = client.post(
        "/console/presence", data={"state": "busy", "call_sid": "CA" + "1" * 32}
    ).get_json()
    assert busy["state"] == "busy"
    row = db.session.get(OperatorPresence, staff.operator.id)
    assert row.call_sid == "CA" + "1" * 32
    html = client.get("/console").get_data(as_text=True)
    assert re.search(r'sp-busy on" data-presence="busy" aria-pressed="true"', html)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"state": "sleeping"}, "state"),
        ({}, "state"),
        ({"state": "busy", "call_sid": "<script>"}, "call_sid"),
        ({"state": "busy", "call_sid": "CA123"}, "call_sid"),
    ],
)
def test_junk_presence_is_refused_naming_the_field(login, staff, data, field) -> None:
    response = login(staff.operator).post(
        "/console/presence", data=data, headers={"Accept": "application/json"}
    )
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert db.session.get(OperatorPresence, staff.operator.id) is None


def test_console_pages_load_the_vendored_sdk_and_only_they_may_reach_twilio(
    login, staff, clock
) -> None:
    client = login(staff.operator)
    for path in (
        "/console",
        "/console/missed",
        "/console/callbacks",
        "/console/triage",
        "/console/calls",
        "/console/figures",
    ):
        response = client.get(path)
        html = response.get_data(as_text=True)
        assert "/static/vendor/twilio-voice/twilio.min.js" in html, path
        assert 'id="softphone"' in html, path
        policy = response.headers["Content-Security-Policy"]
        assert "connect-src 'self' wss://*.twilio.com https://*.twilio.com;" in policy
        assert "media-src 'self' blob: https://sdk.twilio.com;" in policy
        assert "script-src 'self';" in policy  # no inline script, no eval
    notices = client.get("/notices")
    assert "twilio" not in notices.headers["Content-Security-Policy"]
    assert "twilio.min.js" not in notices.get_data(as_text=True)
    # A unit's staff never get the softphone, whatever page they open.
    agent = login(staff.agent)
    assert "twilio" not in agent.get("/workbench").headers["Content-Security-Policy"]
    assert agent.get("/console").status_code == 403


def test_the_vendored_sdk_is_served_as_javascript_and_is_the_file_its_version_names(
    client,
) -> None:
    response = client.get("/static/vendor/twilio-voice/twilio.min.js")
    assert response.status_code == 200
    assert response.mimetype in ("text/javascript", "application/javascript")
    body = response.get_data()
    assert b"Twilio" in body[:2000] or b"twilio" in body[:2000]
    version = (VENDORED / "VERSION").read_text()
    assert version.startswith("@twilio/voice-sdk 2.")
    digest = re.search(r"^sha256 ([0-9a-f]{64}) twilio\.min\.js$", version, re.M).group(1)
    assert hashlib.sha256(body).hexdigest() == digest  # untouched since scripts/vendor-…
    assert (VENDORED / "LICENSE.md").read_text().count("Apache License") >= 1
    response.close()


def test_the_softphone_and_screen_pop_read_in_english(login, staff, clock) -> None:
    client = login(staff.operator)
    html = client.get("/console?lang=en").get_data(as_text=True)
    for text in ("Take next caller", "Ready", "Busy", "Away", 'data-t-unconfigured="Softphone'):
        assert text in html
    assert "Ctrl+Enter logs it" in html
    waiting = client.get(f"/console/screen-pop?call=CA{'4' * 32}").get_data(as_text=True)
    assert "identifying the caller" in waiting
