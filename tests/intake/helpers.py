"""Intake test helpers: requests signed the way Twilio signs them, TwiML parsing."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from flask.testing import FlaskClient
from twilio.request_validator import RequestValidator

PUBLIC = "https://hotline.example.org"  # PUBLIC_BASE_URL of the test app
TOKEN = "test-auth-token"  # TWILIO_AUTH_TOKEN of the test app


class Twilio:
    """Posts webhooks to the app as Twilio would: form-encoded, signed over the public URL."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def post(
        self,
        path: str,
        data: dict,
        *,
        token: str = TOKEN,
        url: str | None = None,
        signature: str | None = None,
    ):
        sig = signature
        if sig is None:
            sig = RequestValidator(token).compute_signature(url or PUBLIC + path, data)
        headers = {"X-Forwarded-Proto": "https"}
        if sig:
            headers["X-Twilio-Signature"] = sig
        # Behind the proxy the app sees plain http on another host; Twilio signed the public URL.
        return self.client.post(path, data=data, base_url="http://10.0.0.5:8000", headers=headers)


def twiml(response) -> ET.Element:
    """The response parsed as XML (fails the test if it is not well-formed TwiML)."""
    assert response.status_code == 200, response.data
    assert response.mimetype in ("application/xml", "text/xml")
    root = ET.fromstring(response.data)
    assert root.tag == "Response"
    return root


def message_text(response) -> str:
    """The single <Message> body of an SMS TwiML answer."""
    messages = twiml(response).findall("Message")
    assert len(messages) == 1
    return messages[0].text or ""
