"""/api/v1/units/{code}/negative-list: the unit head drafts and edits, an inspector approves or
sends back, every change is in the item's history; who may do what, and bad input."""

from __future__ import annotations

import pytest

from tests.support.api import error_fields

LIST = "/api/v1/units/SCJGJ/negative-list"


def item_body(**overrides) -> dict:
    body = {
        "title": "个体工商户登记“找熟人”才能快办",
        "description": "群众反映窗口对材料要求不一，托关系可当场办结。",
        "measures": "公布材料清单，一次告知；窗口办件全程留痕。",
        "responsible_person": "李局长（局长）",
        "milestones": [
            {"step": "公布登记材料清单", "due": "2026-10-15"},
            {"step": "窗口办件系统上线留痕", "due": "2026-11-30"},
        ],
    }
    body.update(overrides)
    return body


@pytest.fixture
def item(head, clock) -> dict:
    response = head.post(LIST, json=item_body())
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_head_adds_an_item_that_waits_for_approval(head, item):
    assert item["status"] == "pending"
    assert item["unit"] == {"code": "SCJGJ", "name": "市市场监督管理局"}
    assert [m["step"] for m in item["milestones"]] == ["公布登记材料清单", "窗口办件系统上线留痕"]
    assert item["milestones"][0]["due"] == "2026-10-15"
    assert item["milestones"][0]["done_at"] is None
    assert item["milestones"][0]["overdue"] is False
    one = head.get(f"{LIST}/{item['id']}").get_json()
    assert [e["type"] for e in one["history"]] == ["created"]


def test_every_staff_role_reads_the_list_but_unit_staff_only_their_own(
    item, agent, other_agent, operator, inspector
):
    for reader in (agent, operator, inspector):
        got = reader.get(LIST)
        assert got.status_code == 200
        assert [i["id"] for i in got.get_json()["items"]] == [item["id"]]
    assert other_agent.get(LIST).status_code == 404
    assert other_agent.get(f"{LIST}/{item['id']}").status_code == 404


def test_a_head_editing_another_units_list_gets_404(other_head, item, clock):
    assert other_head.post(LIST, json=item_body()).status_code == 404
    assert other_head.patch(f"{LIST}/{item['id']}", json={"title": "改"}).status_code == 404
    done = f"{LIST}/{item['id']}/milestones/{item['milestones'][0]['id']}/done"
    assert other_head.post(done, json={"note": "已完成"}).status_code == 404


def test_an_agent_may_not_edit_the_list(agent, item, clock):
    assert agent.post(LIST, json=item_body()).status_code == 403
    assert agent.patch(f"{LIST}/{item['id']}", json={"title": "改"}).status_code == 403


def test_only_inspectors_approve(head, operator, admin, item, inspector):
    url = f"{LIST}/{item['id']}/approve"
    for caller in (head, operator, admin):
        assert caller.post(url, json={}).status_code == 403
    approved = inspector.post(url, json={"reason": "措施具体，同意公开"})
    assert approved.status_code == 200, approved.get_json()
    assert approved.get_json()["status"] == "approved"
    again = inspector.post(url, json={})
    assert again.status_code == 409
    assert "approved" in again.get_json()["error"]["message"]


@pytest.mark.parametrize(
    ("milestone", "reason"),
    [
        ({"step": "公布清单"}, "missing"),
        ({"step": "公布清单", "due": None}, "null"),
        ({"step": "公布清单", "due": "2026-13-01"}, "no such month"),
        ({"step": "公布清单", "due": "15/10/2026"}, "not ISO"),
        ({"step": "公布清单", "due": "1900-01-01"}, "outside the century"),
    ],
)
def test_a_milestone_without_a_good_due_date_is_422_naming_the_field(
    head, clock, milestone, reason
):
    body = item_body(milestones=[{"step": "第一步", "due": "2026-10-15"}, milestone])
    response = head.post(LIST, json=body)
    assert response.status_code == 422, reason
    assert "milestones.1.due" in response.get_json()["error"]["message"]
    assert "1" in error_fields(response)["milestones"]


def test_a_plan_needs_a_title_and_a_milestone(head, clock):
    assert "title" in error_fields(head.post(LIST, json=item_body(title="")))
    assert "milestones" in error_fields(head.post(LIST, json=item_body(milestones=[])))
    too_long = head.post(LIST, json=item_body(title="长" * 201))
    assert too_long.status_code == 422
    blank = head.post(LIST, json=item_body(title="   "))
    assert blank.status_code == 422
    assert "title" in error_fields(blank)


def test_an_edit_after_approval_goes_back_to_pending_and_says_so(head, inspector, item):
    url = f"{LIST}/{item['id']}"
    inspector.post(f"{url}/approve", json={})
    edited = head.patch(url, json={"measures": "公布材料清单；设立“办不成事”反映窗口。"})
    assert edited.status_code == 200, edited.get_json()
    assert edited.get_json()["status"] == "pending"
    history = head.get(url).get_json()["history"]
    assert [e["type"] for e in history] == ["created", "approved", "edited"]
    assert history[-1]["data"]["reapproval"] is True
    assert history[-1]["data"]["was"] == "approved"
    assert history[-1]["data"]["changes"]["measures"]["to"].startswith("公布材料清单；")


def test_an_edit_that_changes_nothing_leaves_no_history(head, inspector, item):
    url = f"{LIST}/{item['id']}"
    inspector.post(f"{url}/approve", json={})
    same = head.patch(url, json={"title": item["title"]})
    assert same.get_json()["status"] == "approved"
    assert [e["type"] for e in head.get(url).get_json()["history"]] == ["created", "approved"]


def test_inspector_sends_back_with_a_reason_and_the_head_resubmits(head, inspector, item):
    url = f"{LIST}/{item['id']}"
    assert "reason" in error_fields(inspector.post(f"{url}/reject", json={}))
    sent = inspector.post(f"{url}/reject", json={"reason": "缺少牵头科室和完成标准"})
    assert sent.status_code == 200
    assert sent.get_json()["status"] == "returned"
    assert sent.get_json()["return_reason"] == "缺少牵头科室和完成标准"
    assert inspector.post(f"{url}/approve", json={}).status_code == 409
    resubmitted = head.patch(url, json={"responsible_person": "王科长（登记注册科）"})
    assert resubmitted.get_json()["status"] == "pending"
    types = [e["type"] for e in head.get(url).get_json()["history"]]
    assert types == ["created", "returned", "edited"]


def test_the_plan_is_replaced_keeping_milestones_by_id(head, item):
    first, second = item["milestones"]
    plan = [
        {"id": second["id"], "step": second["step"], "due": "2026-12-15"},
        {"step": "开展回头看", "due": "2027-01-20"},
    ]
    edited = head.patch(f"{LIST}/{item['id']}", json={"milestones": plan})
    assert edited.status_code == 200, edited.get_json()
    milestones = edited.get_json()["milestones"]
    assert [m["step"] for m in milestones] == ["窗口办件系统上线留痕", "开展回头看"]
    assert milestones[0]["id"] == second["id"]
    assert milestones[0]["due"] == "2026-12-15"
    change = head.get(f"{LIST}/{item['id']}").get_json()["history"][-1]["data"]["changes"]
    assert change["milestones"]["removed"] == [
        {"step": first["step"], "due": "2026-10-15", "done": False}
    ]
    assert change["milestones"]["added"] == [{"step": "开展回头看", "due": "2027-01-20"}]
    assert change["milestones"]["edited"][0]["to"]["due"] == "2026-12-15"


def test_an_unknown_milestone_id_in_the_plan_is_422(head, item):
    plan = [{"id": 999_999, "step": "x", "due": "2026-12-01"}]
    response = head.patch(f"{LIST}/{item['id']}", json={"milestones": plan})
    assert response.status_code == 422
    assert "milestones" in error_fields(response)


def test_head_marks_a_milestone_done_with_a_note_once(head, inspector, item, clock):
    inspector.post(f"{LIST}/{item['id']}/approve", json={})
    clock.set("2026-10-12T15:00:00+08:00")
    url = f"{LIST}/{item['id']}/milestones/{item['milestones'][0]['id']}/done"
    assert "note" in error_fields(head.post(url, json={}))
    done = head.post(url, json={"note": "清单已在门户网站和窗口公示"})
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert body["status"] == "approved"  # progress is not an edit of the plan
    assert body["milestones"][0]["done_at"] == "2026-10-12T15:00:00+08:00"
    assert body["milestones"][0]["on_time"] is True
    assert head.post(url, json={"note": "再次"}).status_code == 409
    event = head.get(f"{LIST}/{item['id']}").get_json()["history"][-1]
    assert (event["type"], event["note"]) == ("milestone_done", "清单已在门户网站和窗口公示")
    assert event["data"]["late"] is False


def test_a_done_time_in_the_future_is_refused(head, item, clock):
    url = f"{LIST}/{item['id']}/milestones/{item['milestones'][0]['id']}/done"
    response = head.post(url, json={"note": "提前", "done_at": "2026-12-01T09:00:00+08:00"})
    assert response.status_code == 422
    assert "done_at" in error_fields(response)


def test_a_done_milestone_stays_on_the_plan(head, item, clock):
    first, second = item["milestones"]
    head.post(f"{LIST}/{item['id']}/milestones/{first['id']}/done", json={"note": "完成"})
    dropped = [{"id": second["id"], "step": second["step"], "due": second["due"]}]
    response = head.patch(f"{LIST}/{item['id']}", json={"milestones": dropped})
    assert response.status_code == 409
    moved = [
        {"id": first["id"], "step": first["step"], "due": "2027-01-01"},
        {"id": second["id"], "step": second["step"], "due": second["due"]},
    ]
    assert head.patch(f"{LIST}/{item['id']}", json={"milestones": moved}).status_code == 409


def test_a_stale_version_is_a_conflict(head, inspector, item):
    url = f"{LIST}/{item['id']}"
    head.patch(url, json={"title": "新的标题"})
    stale = inspector.post(f"{url}/approve", json={"version": item["version"]})
    assert stale.status_code == 409
    assert head.patch(url, json={"title": "再改", "version": item["version"]}).status_code == 409


def test_the_status_filter_and_unknown_things(head, inspector, item):
    inspector.post(f"{LIST}/{item['id']}/approve", json={})
    head.post(LIST, json=item_body(title="第二项"))
    assert [i["title"] for i in head.get(f"{LIST}?status=pending").get_json()["items"]] == [
        "第二项"
    ]
    assert head.get(f"{LIST}?status=nonsense").status_code == 422
    assert head.get("/api/v1/units/NOPE/negative-list").status_code == 404
    assert head.get(f"{LIST}/999999").status_code == 404
    assert head.get(f"{LIST}/99999999999").status_code == 404


def test_an_idempotency_key_replays_the_first_answer(head, clock):
    headers = {"Idempotency-Key": "nl-1"}
    first = head.post(LIST, json=item_body(), headers=headers)
    again = head.post(LIST, json=item_body(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.get_json()["id"] == first.get_json()["id"]
    assert len(head.get(LIST).get_json()["items"]) == 1


def test_the_overdue_list_by_api(head, agent, other_agent, inspector, item, clock):
    clock.set("2026-10-16T09:00:00+08:00")
    got = inspector.get("/api/v1/milestones/overdue").get_json()["items"]
    assert [(m["unit"], m["step"], m["days_overdue"]) for m in got] == [
        ("SCJGJ", "公布登记材料清单", 1)
    ]
    assert agent.get("/api/v1/milestones/overdue").get_json()["items"] == got
    assert other_agent.get("/api/v1/milestones/overdue").get_json()["items"] == []
    assert other_agent.get("/api/v1/milestones/overdue?unit=SCJGJ").status_code == 404
    assert inspector.get("/api/v1/milestones/overdue?unit=NOPE").status_code == 422


def test_notices_reach_the_inspectors_and_the_head(head, inspector, item):
    texts = [n["text"] for n in inspector.get("/api/v1/notices").get_json()["items"]]
    assert texts == ["市市场监督管理局提交了负面清单事项“个体工商户登记“找熟人”才能快办”，请审核。"]
    inspector.post(f"{LIST}/{item['id']}/reject", json={"reason": "缺少完成标准"})
    texts = [n["text"] for n in head.get("/api/v1/notices").get_json()["items"]]
    assert texts[0] == "负面清单事项“个体工商户登记“找熟人”才能快办”被退回修改：缺少完成标准"
    head.patch(f"{LIST}/{item['id']}", json={"measures": "补充完成标准"})
    assert len(inspector.get("/api/v1/notices").get_json()["items"]) == 2
