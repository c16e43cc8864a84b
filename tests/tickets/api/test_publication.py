"""Publication on the public channels: consent, a supervisor's approval, redacted text."""

from __future__ import annotations

import pytest

from hotline.tickets.redaction import redact
from tests.support.api import ticket_body


@pytest.mark.parametrize(
    ("text", "public"),
    [
        ("电话13812345678", "电话[电话]"),
        ("+86 138 1234 5678 找我", "[电话] 找我"),
        ("座机0591-87654321", "座机[电话]"),
        ("身份证350102199001011234", "身份证[身份证号]"),
        ("卡号6222 0212 3456 7890 123", "卡号[卡号]"),
        ("邮箱 wang.li@example.com", "邮箱 [邮箱]"),
        ("幸福路12号3单元502室", "幸福路*号*单元*室"),
        ("晚上10点后噪音超过70分贝，12345热线", "晚上10点后噪音超过70分贝，12345热线"),
    ],
)
def test_redaction_takes_out_numbers_and_house_numbers_and_keeps_the_rest(text, public):
    assert redact(text) == public


def _ticket(operator, **complainant) -> str:
    body = ticket_body(description="幸福路12号噪音扰民，电话13812345678")
    body["complainant"].update(complainant)
    response = operator.post("/api/v1/tickets", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["number"]


def test_a_supervisor_publishes_a_consenting_ticket_with_a_redacted_text(
    operator, supervisor, session, client
):
    number = _ticket(operator, publish_consent=True)
    assert client.get(f"/open311/v2/requests/{number}.json").status_code == 404
    response = supervisor.post(f"/api/v1/tickets/{number}/publish")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["public_text"] == "幸福路*号噪音扰民，电话[电话]"
    [public] = client.get(f"/open311/v2/requests/{number}.json").get_json()
    assert public["description"] == "幸福路*号噪音扰民，电话[电话]"
    # Whatever the supervisor types is redacted again.
    edited = supervisor.post(
        f"/api/v1/tickets/{number}/publish", json={"text": "王先生反映噪音，手机13900001111"}
    )
    assert edited.get_json()["public_text"] == "王先生反映噪音，手机[电话]"
    events = [e["type"] for e in operator.get(f"/api/v1/tickets/{number}/events").get_json()]
    assert events.count("published") == 2
    withdrawn = supervisor.post(f"/api/v1/tickets/{number}/unpublish", json={"reason": "重名"})
    assert withdrawn.status_code == 200
    assert client.get(f"/open311/v2/requests/{number}.json").status_code == 404


def test_without_consent_nothing_is_published(operator, supervisor, session):
    number = _ticket(operator)
    response = supervisor.post(f"/api/v1/tickets/{number}/publish")
    assert response.status_code == 422
    assert "publish_consent" in response.get_json()["error"]["fields"]


def test_only_supervisors_publish(operator, session):
    number = _ticket(operator, publish_consent=True)
    assert operator.post(f"/api/v1/tickets/{number}/publish").status_code == 403
