"""A finding's rectification through /api/v1/findings: the head answers, the inspector sends
it back once and then accepts; the wrong person, the wrong unit and the wrong state are
refused, and each step is in the history, the credit record and the right inbox."""

from __future__ import annotations

import pytest

from tests.campaign.inspections.conftest import (
    credit,
    finding,
    history,
    inspection,
    notices,
    visit,
)
from tests.support.api import error_fields


@pytest.fixture
def first(recorded) -> int:
    return recorded["findings"][0]["id"]


def answer(caller, finding_id: int, text: str = "已对脱岗人员批评教育，建立AB岗制度"):
    return caller.post(f"/api/v1/findings/{finding_id}/answer", json={"text": text})


def test_answer_send_back_answer_accept(people, recorded, first, clock):
    r = answer(people.head, first, "已批评教育")
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["status"] == "answered"
    assert r.get_json()["answers"][0]["on_time"] is True
    # The inspector who recorded the visit is told; the head is not asked to review.
    (told,) = notices(f"user:{people.inspector.user.id}")
    assert told.template == "finding_answered"

    clock.set("2026-10-14T09:00:00+08:00")
    r = people.inspector.post(
        f"/api/v1/findings/{first}/reject", json={"reason": "未见AB岗制度文件"}
    )
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["status"] == "open"
    assert (body["answers"][0]["decision"], body["answers"][0]["reason"]) == (
        "rejected",
        "未见AB岗制度文件",
    )
    sent_back = notices(f"unit:{people.unit.id}:unit_head")[-1]
    assert sent_back.template == "finding_rejected"
    assert "未见AB岗制度文件" in people.head.get("/api/v1/notices").get_json()["items"][0]["text"]

    clock.set("2026-10-15T16:00:00+08:00")
    assert answer(people.head, first).status_code == 200
    clock.set("2026-10-19T10:00:00+08:00")  # reviewed after the due: on time all the same
    r = people.inspector.post(f"/api/v1/findings/{first}/accept")
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert (body["status"], body["rectified_on_time"]) == ("rectified", True)
    assert [a["decision"] for a in body["answers"]] == ["rejected", "accepted"]
    assert body["rectified_at"] == "2026-10-19T10:00:00+08:00"
    assert notices(f"unit:{people.unit.id}:unit_head")[-1].template == "finding_accepted"

    assert history(recorded["id"])[1:] == [
        (first, "answered"),
        (first, "rejected"),
        (first, "answered"),
        (first, "accepted"),
    ]
    assert [e.type for e in credit(people.unit)] == [
        "inspection_recorded",
        "finding_answered",
        "finding_rejected",
        "finding_answered",
        "finding_accepted",
    ]
    accepted = credit(people.unit)[-1]
    assert (accepted.data["finding"], accepted.data["on_time"]) == (first, True)
    assert accepted.actor_id == people.inspector.user.id
    # One of two findings rectified: the inspection stays open.
    assert inspection(recorded["id"]).status == "open"


def test_the_inspection_closes_with_its_last_finding(people, recorded):
    for item in recorded["findings"]:
        answer(people.head, item["id"])
        assert people.inspector.post(f"/api/v1/findings/{item['id']}/accept").status_code == 200
    shown = people.head.get(f"/api/v1/inspections/{recorded['id']}").get_json()
    assert shown["status"] == "closed"
    assert shown["history"][-1]["type"] == "closed"
    assert credit(people.unit)[-1].type == "inspection_closed"


def test_an_answer_after_the_due_is_late_and_marks_the_finding_overdue(people, first, clock):
    clock.set("2026-10-17T08:00:00+08:00")  # the due (16 October) has passed
    r = answer(people.head, first)
    assert r.get_json()["answers"][0]["on_time"] is False
    assert r.get_json()["overdue_at"] == "2026-10-17T08:00:00+08:00"
    people.inspector.post(f"/api/v1/findings/{first}/accept")
    assert finding(first).rectified_on_time is False
    assert "finding_overdue" in [e.type for e in credit(people.unit)]


def test_accept_on_an_open_finding_is_409(people, first):
    r = people.inspector.post(f"/api/v1/findings/{first}/accept")
    assert r.status_code == 409
    assert r.get_json()["error"]["current_status"] == "open"
    assert "open" in r.get_json()["error"]["message"]
    r = people.inspector.post(f"/api/v1/findings/{first}/reject", json={"reason": "x"})
    assert r.status_code == 409
    assert finding(first).status == "open"


def test_a_second_answer_while_one_awaits_review_is_409(people, first):
    answer(people.head, first)
    r = answer(people.head, first, "补充材料")
    assert r.status_code == 409
    assert r.get_json()["error"]["current_status"] == "answered"
    assert len(finding(first).answers) == 1


def test_a_rectified_finding_takes_nothing_more(people, first):
    answer(people.head, first)
    people.inspector.post(f"/api/v1/findings/{first}/accept")
    assert answer(people.head, first).status_code == 409
    assert people.inspector.post(f"/api/v1/findings/{first}/accept").status_code == 409


def test_another_units_head_answering_is_404(people, first):
    assert answer(people.other_head, first).status_code == 404
    assert people.other_head.get(f"/api/v1/findings/{first}").status_code == 404
    assert finding(first).status == "open"


@pytest.mark.parametrize("who", ["agent", "inspector", "admin", "operator"])
def test_only_the_units_head_answers(people, first, who):
    assert answer(getattr(people, who), first).status_code == 403
    assert finding(first).status == "open"


@pytest.mark.parametrize("who", ["head", "agent", "admin"])
def test_only_inspectors_accept_or_send_back(people, first, who):
    answer(people.head, first)
    caller = getattr(people, who)
    assert caller.post(f"/api/v1/findings/{first}/accept").status_code == 403
    r = caller.post(f"/api/v1/findings/{first}/reject", json={"reason": "不行"})
    assert r.status_code == 403
    assert finding(first).status == "answered"


@pytest.mark.parametrize(
    "body", [{}, {"text": ""}, {"text": "  "}, {"text": "长" * 4001}, {"text": 5}, []]
)
def test_an_answer_without_text_is_422_naming_it(people, first, body):
    r = people.head.post(f"/api/v1/findings/{first}/answer", json=body)
    assert r.status_code == 422, r.get_json()
    assert "text" in error_fields(r)
    assert finding(first).status == "open"


def test_sending_back_needs_a_reason(people, first):
    answer(people.head, first)
    for body in ({}, {"reason": ""}, {"reason": "   "}):
        r = people.inspector.post(f"/api/v1/findings/{first}/reject", json=body)
        assert r.status_code == 422
        assert "reason" in error_fields(r)
    assert finding(first).status == "answered"


def test_the_findings_list_is_scoped_and_filtered(people, recorded, first):
    people.inspector.post("/api/v1/inspections", json=visit(unit="C-ZJJ"))
    answer(people.head, first)
    mine = people.head.get("/api/v1/findings").get_json()
    assert mine["total"] == 2
    assert {f["unit"]["code"] for f in mine["items"]} == {"C-SCJG"}
    assert people.inspector.get("/api/v1/findings").get_json()["total"] == 4
    answered = people.inspector.get("/api/v1/findings?status=answered").get_json()["items"]
    assert [f["id"] for f in answered] == [first]
    assert people.inspector.get("/api/v1/findings?overdue=1").get_json()["total"] == 0
    assert people.inspector.get("/api/v1/findings?status=late").status_code == 422
    assert people.operator.get("/api/v1/findings").status_code == 403


@pytest.mark.parametrize("finding_id", [0, 424242, 2**31])
def test_an_unknown_finding_is_404(people, finding_id):
    assert people.inspector.get(f"/api/v1/findings/{finding_id}").status_code == 404
    assert answer(people.head, finding_id).status_code == 404
