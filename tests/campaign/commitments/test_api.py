"""/api/v1/commitments: who makes, reads and retires public commitments (承诺), and the credit
record they leave."""

from __future__ import annotations

from sqlalchemy import select

from hotline.core.extensions import db
from hotline.escalations.models import CreditRecord
from tests.support.api import error_fields

URL = "/api/v1/commitments"
BODY = {
    "unit": "SCJGJ",
    "staff_name": "窗口工作人员 张敏",
    "text": "办事群众无需托人找关系，材料齐全当场受理。",
    "measure": "窗口公示承诺内容和监督电话",
}


def test_a_head_commits_for_their_own_unit(head, clock):
    made = head.post(URL, json=BODY)
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert body["unit"] == {"code": "SCJGJ", "name": "市市场监督管理局"}
    assert (body["staff_name"], body["status"]) == ("窗口工作人员 张敏", "active")
    assert body["breaches"] == []
    assert [e["type"] for e in body["history"]] == ["created"]
    entry = db.session.scalar(select(CreditRecord).where(CreditRecord.type == "commitment_made"))
    assert "张敏的承诺" in entry.summary


def test_a_unit_commitment_needs_no_staff_name(inspector, unit, clock):
    made = inspector.post(URL, json={"unit": "SCJGJ", "text": "企业开办一日办结"})
    assert made.status_code == 201
    assert made.get_json()["staff_name"] is None


def test_who_may_make_a_commitment(head, other_head, agent, operator, admin, inspector, clock):
    assert other_head.post(URL, json=BODY).status_code == 404  # another unit's: not theirs
    assert agent.post(URL, json=BODY).status_code == 403
    assert operator.post(URL, json=BODY).status_code == 403
    assert admin.post(URL, json=BODY).status_code == 201
    assert inspector.post(URL, json={**BODY, "unit": "ZJJ"}).status_code == 201


def test_bad_input_names_the_field(head, inspector, clock):
    assert "text" in error_fields(head.post(URL, json={**BODY, "text": ""}))
    assert "text" in error_fields(head.post(URL, json={**BODY, "text": "   "}))
    assert "text" in error_fields(head.post(URL, json={**BODY, "text": "长" * 2001}))
    assert "unit" in error_fields(inspector.post(URL, json={**BODY, "unit": "NOPE"}))
    assert "unit" in error_fields(
        head.post(URL, json={k: v for k, v in BODY.items() if k != "unit"})
    )


def test_unit_staff_read_only_their_units_commitments(
    head, inspector, agent, other_agent, operator, clock
):
    mine = head.post(URL, json=BODY).get_json()
    theirs = inspector.post(URL, json={**BODY, "unit": "ZJJ"}).get_json()
    assert [c["id"] for c in agent.get(URL).get_json()["items"]] == [mine["id"]]
    assert [c["id"] for c in other_agent.get(URL).get_json()["items"]] == [theirs["id"]]
    assert {c["id"] for c in operator.get(URL).get_json()["items"]} == {mine["id"], theirs["id"]}
    assert [c["id"] for c in operator.get(f"{URL}?unit=ZJJ").get_json()["items"]] == [theirs["id"]]
    assert agent.get(f"{URL}?unit=ZJJ").status_code == 404
    assert agent.get(f"{URL}/{theirs['id']}").status_code == 404
    assert agent.get(f"{URL}/{mine['id']}").status_code == 200
    assert operator.get(f"{URL}?status=nonsense").status_code == 422
    assert operator.get(f"{URL}/99999999999").status_code == 404


def test_retiring_keeps_the_record(head, other_head, agent, clock):
    made = head.post(URL, json=BODY).get_json()
    url = f"{URL}/{made['id']}/retire"
    assert "reason" in error_fields(head.post(url, json={}))
    assert agent.post(url, json={"reason": "调岗"}).status_code == 403
    assert other_head.post(url, json={"reason": "调岗"}).status_code == 404
    retired = head.post(url, json={"reason": "张敏调岗，另行承诺"})
    assert retired.status_code == 200
    assert retired.get_json()["status"] == "retired"
    assert head.post(url, json={"reason": "again"}).status_code == 409
    assert [e["type"] for e in retired.get_json()["history"]] == ["created", "retired"]
    assert [c["status"] for c in head.get(f"{URL}?status=retired").get_json()["items"]] == [
        "retired"
    ]
