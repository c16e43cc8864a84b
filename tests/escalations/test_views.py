"""The 约谈 flow through the API: an inspector schedules and holds, the head commits and
rectifies; the escalation list and the credit record."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from hotline.auth.tokens import issue_token
from hotline.core.extensions import db
from hotline.escalations import triggers
from hotline.escalations.models import CreditRecord, InterviewCase
from hotline.escalations.sweep import sweep
from tests.factories import UnitFactory, UserFactory, ticket_in


def auth(user) -> dict:
    return {"Authorization": f"Bearer {issue_token(user)}"}


@pytest.fixture
def case_setup(session, clock):
    """A ticket that climbed the whole ladder, so the unit has a proposed interview case."""
    clock.set("2026-09-30T10:00:00+08:00")
    unit = UnitFactory()
    ticket = ticket_in("accepted", unit=unit)
    sweep(now=datetime(2026, 10, 22, tzinfo=UTC))
    clock.set("2026-10-22T09:00:00+08:00")
    case = db.session.scalar(select(InterviewCase).where(InterviewCase.unit_id == unit.id))
    setup = {
        "unit": unit,
        "ticket": ticket,
        "case": case,
        "inspector": UserFactory(role="inspector"),
        "head": UserFactory(role="unit_head", unit=unit),
        "agent": UserFactory(role="unit_agent", unit=unit),
        "other_head": UserFactory(role="unit_head", unit=UnitFactory()),
    }
    db.session.commit()  # the data must survive a request that rolls back
    return setup


def test_inspector_schedules_holds_head_commits_rectifies_inspector_closes(
    client, case_setup, clock
):
    s = case_setup
    url = f"/api/v1/interviews/{s['case'].id}"
    got = client.get(url, headers=auth(s["inspector"]))
    assert got.status_code == 200
    assert got.json["status"] == "proposed"
    assert got.json["tickets"] == [s["ticket"].number]

    r = client.post(
        f"{url}/schedule",
        json={"at": "2026-10-26T09:30:00+08:00", "place": "市营商环境监督局302会议室"},
        headers=auth(s["inspector"]),
    )
    assert r.status_code == 200, r.json
    assert (r.json["status"], r.json["at"]) == ("scheduled", "2026-10-26T09:30:00+08:00")
    assert r.json["inspector_id"] == s["inspector"].id

    clock.set("2026-10-26T11:00:00+08:00")
    r = client.post(
        f"{url}/hold", json={"minutes": "单位负责人说明超期原因"}, headers=auth(s["inspector"])
    )
    assert r.status_code == 200, r.json
    assert (r.json["status"], r.json["minutes"]) == ("held", "单位负责人说明超期原因")
    assert (r.json["commitment"], r.json["committed_at"]) == (None, None)

    clock.set("2026-10-26T16:00:00+08:00")
    r = client.post(
        f"{url}/commit",
        json={
            "commitment": "一周内完成整改并建立台账",
            "commitment_due": "2026-11-02T00:00:00+08:00",
        },
        headers=auth(s["head"]),
    )
    assert r.status_code == 200, r.json
    assert r.json["commitment"] == "一周内完成整改并建立台账"
    assert r.json["commitment_due"] == "2026-11-02T00:00:00+08:00"
    assert r.json["committed_at"] == "2026-10-26T16:00:00+08:00"

    clock.set("2026-10-30T15:00:00+08:00")
    r = client.post(
        f"{url}/rectify", json={"evidence": "整改报告及台账照片"}, headers=auth(s["head"])
    )
    assert r.status_code == 200, r.json
    assert r.json["status"] == "rectified"

    r = client.post(f"{url}/close", headers=auth(s["inspector"]))
    assert r.status_code == 200
    assert r.json["closed_at"] == "2026-10-30T15:00:00+08:00"

    record = client.get(f"/api/v1/units/{s['unit'].code}/record", headers=auth(s["head"]))
    assert record.status_code == 200
    types = [item["type"] for item in record.json["items"]]
    for step in (
        "interview_opened",
        "interview_scheduled",
        "interview_held",
        "commitment_submitted",
        "rectified",
        "interview_closed",
    ):
        assert step in types
    assert types[0] == "interview_closed"  # newest first
    assert record.json["open_interviews"] == 0


def test_only_inspectors_schedule_and_only_the_units_head_commits_and_rectifies(
    client, case_setup, clock
):
    s = case_setup
    url = f"/api/v1/interviews/{s['case'].id}"
    body = {"at": "2026-10-26T09:30:00+08:00", "place": "会议室"}
    assert client.post(f"{url}/schedule", json=body, headers=auth(s["head"])).status_code == 403
    assert client.post(f"{url}/schedule", json=body).status_code == 401
    client.post(f"{url}/schedule", json=body, headers=auth(s["inspector"]))
    clock.set("2026-10-26T10:00:00+08:00")
    client.post(f"{url}/hold", json={"minutes": "纪要"}, headers=auth(s["inspector"]))
    promise = {"commitment": "承诺", "commitment_due": "2026-11-02T00:00:00+08:00"}
    assert client.post(f"{url}/commit", json=promise, headers=auth(s["agent"])).status_code == 403
    assert client.post(f"{url}/commit", json=promise, headers=auth(s["head"])).status_code == 200
    evidence = {"evidence": "材料"}
    assert client.post(f"{url}/rectify", json=evidence, headers=auth(s["agent"])).status_code == 403
    # Another unit's head does not even see the case.
    other = client.post(f"{url}/rectify", json=evidence, headers=auth(s["other_head"]))
    assert other.status_code == 404
    assert client.get(url, headers=auth(s["other_head"])).status_code == 404


def test_bad_bodies_answer_422_naming_the_fields(client, case_setup):
    s = case_setup
    url = f"/api/v1/interviews/{s['case'].id}"
    r = client.post(
        f"{url}/schedule", json={"at": "2026-10-26T09:30:00"}, headers=auth(s["inspector"])
    )
    assert r.status_code == 422
    assert set(r.json["error"]["fields"]) == {"at", "place"}
    r = client.post(f"{url}/hold", json={}, headers=auth(s["inspector"]))
    assert r.status_code == 422
    assert set(r.json["error"]["fields"]) == {"minutes"}  # the head writes the commitment
    r = client.post(f"{url}/commit", json={}, headers=auth(s["head"]))
    assert r.status_code == 422
    assert set(r.json["error"]["fields"]) == {"commitment", "commitment_due"}


def test_holding_a_proposed_case_is_an_invalid_transition(client, case_setup):
    s = case_setup
    hold = {"minutes": "纪要", "commitment": "承诺", "commitment_due": "2026-11-02T00:00:00+08:00"}
    r = client.post(
        f"/api/v1/interviews/{s['case'].id}/hold", json=hold, headers=auth(s["inspector"])
    )
    assert r.status_code == 409
    assert r.json["error"]["current_status"] == "proposed"


def test_interview_list_filters_by_unit_and_unit_staff_see_only_their_own(client, case_setup):
    s = case_setup
    other = UnitFactory()
    triggers.open_by_rule(
        unit_id=other.id,
        trigger="ranking_last",
        trigger_key=f"ranking_last:{other.id}:2026-09",
        reason="末位",
        now=datetime(2026, 10, 1, tzinfo=UTC),
    )
    everyone = client.get("/api/v1/interviews", headers=auth(s["inspector"])).json["items"]
    assert {i["unit"]["code"] for i in everyone} >= {s["unit"].code, other.code}
    mine = client.get(f"/api/v1/interviews?unit={other.code}", headers=auth(s["inspector"]))
    assert [i["unit"]["code"] for i in mine.json["items"]] == [other.code]
    as_head = client.get("/api/v1/interviews", headers=auth(s["head"])).json["items"]
    assert {i["unit"]["code"] for i in as_head} == {s["unit"].code}
    bad = client.get("/api/v1/interviews?unit=NOPE", headers=auth(s["inspector"]))
    assert bad.status_code == 422
    assert "unit" in bad.json["error"]["fields"]


def test_escalations_list_filters_by_ticket_unit_and_level(client, case_setup):
    s = case_setup
    headers = auth(s["inspector"])
    all_levels = client.get(f"/api/v1/escalations?ticket={s['ticket'].number}", headers=headers)
    assert all_levels.status_code == 200
    assert sorted(e["level"] for e in all_levels.json["items"]) == sorted(
        ["warning", "overdue", "supervision", "interview"]
    )
    only = client.get(
        f"/api/v1/escalations?unit={s['unit'].code}&level=supervision", headers=headers
    ).json["items"]
    assert [(e["ticket"], e["level"]) for e in only] == [(s["ticket"].number, "supervision")]
    assert only[0]["deadline"] == "2026-10-14T00:00:00+08:00"
    bad = client.get("/api/v1/escalations?level=panic", headers=headers)
    assert bad.status_code == 422
    assert "level" in bad.json["error"]["fields"]
    # A unit's staff see their own unit's escalations only.
    theirs = client.get("/api/v1/escalations", headers=auth(s["other_head"])).json["items"]
    assert theirs == []


def test_inspectors_see_the_unloaded_calendar_warning_unit_staff_do_not(client, case_setup, clock):
    s = case_setup
    clock.set("2026-11-01T09:00:00+08:00")  # next year, 2027, has no State Council data
    r = client.get("/api/v1/escalations", headers=auth(s["inspector"]))
    assert "calendar for 2027 not loaded" in r.json["warnings"]
    assert client.get("/api/v1/escalations", headers=auth(s["head"])).json["warnings"] == []


def test_commitment_past_due_without_evidence_is_overdue_and_opens_a_follow_up(
    client, case_setup, clock
):
    s = case_setup
    url = f"/api/v1/interviews/{s['case'].id}"
    client.post(
        f"{url}/schedule",
        json={"at": "2026-10-26T09:30:00+08:00", "place": "会议室"},
        headers=auth(s["inspector"]),
    )
    clock.set("2026-10-26T10:00:00+08:00")
    client.post(f"{url}/hold", json={"minutes": "纪要"}, headers=auth(s["inspector"]))
    client.post(
        f"{url}/commit",
        json={"commitment": "承诺", "commitment_due": "2026-11-02T00:00:00+08:00"},
        headers=auth(s["head"]),
    )
    assert sweep(now=datetime(2026, 11, 1, 15, 59, tzinfo=UTC)).rectification_overdue == 0
    assert sweep(now=datetime(2026, 11, 1, 16, 0, tzinfo=UTC)).rectification_overdue == 1
    assert sweep(now=datetime(2026, 11, 2, 16, 0, tzinfo=UTC)).rectification_overdue == 0
    case = client.get(url, headers=auth(s["inspector"])).json
    assert case["status"] == "rectification_overdue"
    follow = db.session.scalar(select(InterviewCase).where(InterviewCase.parent_id == s["case"].id))
    assert (follow.trigger, follow.status) == ("commitment_overdue", "proposed")
    types = db.session.scalars(
        select(CreditRecord.type).where(CreditRecord.unit_id == s["unit"].id)
    ).all()
    assert "rectification_overdue" in types
    # Late evidence is no longer accepted on the overdue case.
    late = client.post(f"{url}/rectify", json={"evidence": "迟交"}, headers=auth(s["head"]))
    assert late.status_code == 409


def test_the_unit_head_is_told_the_time_place_and_commitment_deadline_by_sms(
    client, case_setup, clock
):
    from hotline.notify.models import OutboxMessage

    s = case_setup
    url = f"/api/v1/interviews/{s['case'].id}"
    at = {"at": "2026-10-26T09:30:00+08:00", "place": "市营商环境监督局302会议室"}
    client.post(f"{url}/schedule", json=at, headers=auth(s["inspector"]))
    client.post(f"{url}/schedule", json=at, headers=auth(s["inspector"]))  # same: told once
    clock.set("2026-10-26T11:00:00+08:00")
    client.post(
        f"{url}/hold",
        json={
            "minutes": "说明情况",
            "commitment": "一周内整改",
            "commitment_due": "2026-11-02T00:00:00+08:00",
        },
        headers=auth(s["inspector"]),
    )
    notices = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.to == s["unit"].head_phone)
        .where(OutboxMessage.template.in_(["interview_scheduled", "interview_held"]))
        .order_by(OutboxMessage.id)
    ).all()
    assert [m.template for m in notices] == ["interview_scheduled", "interview_held"]
    assert "2026-10-26 09:30" in notices[0].body
    assert "302会议室" in notices[0].body
    assert "2026-11-02 00:00" in notices[1].body


@pytest.mark.parametrize(
    "at", ["0001-01-01T09:00:00+08:00", "9999-12-31T23:00:00+08:00", "1899-06-01T09:00:00+08:00"]
)
def test_a_date_outside_this_century_is_422_not_a_500_or_a_mangled_offset(client, case_setup, at):
    s = case_setup
    r = client.post(
        f"/api/v1/interviews/{s['case'].id}/schedule",
        json={"at": at, "place": "302会议室"},
        headers=auth(s["inspector"]),
    )
    assert r.status_code == 422
    assert "at" in r.json["error"]["fields"]
    assert "2000" in str(r.json["error"]["fields"]["at"])
