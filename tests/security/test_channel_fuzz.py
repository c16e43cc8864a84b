"""Hypothesis on the public channels (Open311 POST, the SMS webhook, the web form): never a 5xx,
and every rejection says what is wrong (the Open311 error array, an SMS reply, a field error)."""

from __future__ import annotations

import json

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from hotline.auth.api_keys import issue_api_key
from tests.factories import CategoryFactory

PUBLIC = "https://hotline.example.org"
FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None
)
# Any text, including control characters, NULs, RTL marks, markup, huge and empty strings.
TEXT = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=3990, max_size=4010),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "<script>alert(1)</script>",
            "1",
            "TD",
            "CX 20261012-000001",
            "' OR 1=1 --",
            "\u202e",
            "5",
        ]
    ),
)
MAYBE = st.one_of(st.none(), TEXT)


@given(
    service_code=MAYBE,
    description=MAYBE,
    phone=MAYBE,
    address=MAYBE,
    lat=MAYBE,
    long=MAYBE,
    email=MAYBE,
    first_name=MAYBE,
    device_id=MAYBE,
)
@FUZZ
def test_open311_post_never_fails_and_names_the_problem(
    app: Flask,
    session,
    service_code,
    description,
    phone,
    address,
    lat,
    long,
    email,
    first_name,
    device_id,
) -> None:
    with app.app_context():
        CategoryFactory(code="pothole")
        _, key = issue_api_key(name="fuzz")
        fields = {
            "api_key": key,
            "service_code": service_code,
            "description": description,
            "phone": phone,
            "address_string": address,
            "lat": lat,
            "long": long,
            "email": email,
            "first_name": first_name,
            "device_id": device_id,
        }
        form = {k: v for k, v in fields.items() if v is not None}
        response = app.test_client().post("/open311/v2/requests.json", data=form)
        assert response.status_code < 500, response.data[:300]
        body = json.loads(response.data)
        if response.status_code >= 400:
            assert isinstance(body, list)
            assert body[0]["code"] == response.status_code
            assert body[0]["description"].strip()


@given(body=TEXT, sender=st.one_of(st.sampled_from(["+8613812345678", "13812345678"]), TEXT))
@FUZZ
def test_sms_webhook_always_answers_twiml(app: Flask, session, body: str, sender: str) -> None:
    with app.app_context():
        form = {
            "MessageSid": "SM" + format(abs(hash((body, sender))), "032x")[:32],
            "AccountSid": "AC" + "1" * 32,
            "From": sender,
            "To": "+8612345000000",
            "Body": body,
            "NumMedia": "0",
        }
        signature = RequestValidator("test-auth-token").compute_signature(
            PUBLIC + "/twilio/sms", form
        )
        response = app.test_client().post(
            "/twilio/sms",
            data=form,
            base_url="http://10.0.0.5:8000",
            headers={"X-Twilio-Signature": signature, "X-Forwarded-Proto": "https"},
        )
        assert response.status_code < 500, response.data[:300]
        if response.status_code == 200:
            assert response.data.lstrip().startswith(b"<?xml")
            assert b"<Response" in response.data
        else:  # a malformed sender: the JSON error names the field
            assert response.get_json()["error"]["fields"]


@given(
    description=TEXT,
    phone=TEXT,
    address=TEXT,
    district=TEXT,
    name=TEXT,
    kind=st.one_of(st.sampled_from(["complaint", "help", "report"]), TEXT),
    category=st.one_of(st.just("pothole"), TEXT),
)
@FUZZ
def test_web_form_never_fails_and_names_each_bad_field(
    app: Flask,
    session,
    description,
    phone,
    address,
    district,
    name,
    kind,
    category,
) -> None:
    with app.app_context():
        CategoryFactory(code="pothole")
        form = {
            "description": description,
            "phone": phone,
            "address": address,
            "district": district,
            "name": name,
            "kind": kind,
            "category": category,
        }
        response = app.test_client().post("/complaints/new", data=form)
        assert response.status_code < 500, response.data[:300]
        assert response.status_code in (200, 422)
        if response.status_code == 422:  # the form (or the error page) names the bad field
            html = response.get_data(as_text=True)
            marked = any(f'id="{field}-error"' in html for field in form)
            named = any(f"<b>{field}</b>" in html for field in form)
            assert marked or named, html[:500]


def test_web_form_names_a_missing_description(app: Flask, session) -> None:
    with app.app_context():
        form = {"description": " ", "phone": "13812345678", "address": "幸福路1号"}
        response = app.test_client().post("/complaints/new", data=form)
    assert response.status_code == 422
    assert 'id="description-error"' in response.get_data(as_text=True)
