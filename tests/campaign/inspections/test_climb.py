"""Overdue findings climb like the ladder: marked overdue past their due with a notice and an
SMS to the unit head, then FINDING_INTERVIEW_WD working days on into the unit's interview case;
each rung once, through its partial index, whatever the number of runs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from hotline.campaign.inspections import climb, jobs
from hotline.core.extensions import db
from hotline.escalations.models import InterviewCase, InterviewReason
from hotline.escalations.triggers import open_by_rule
from hotline.notify.models import OutboxMessage
from tests.campaign.inspections.conftest import credit, finding, history, notices
from tests.support.plans import query_plan


def at(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


@pytest.fixture
def first(recorded) -> int:
    """Item 1 of the visit, due Friday 16 October (its end: 17 October 00:00 local)."""
    return recorded["findings"][0]["id"]


def sms(unit_id: int) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.unit_id == unit_id).order_by(OutboxMessage.id)
        )
    )


def test_a_finding_is_marked_overdue_once_when_its_due_passes(people, first):
    assert climb.mark_overdue_batch(now=at("2026-10-16T23:59:59+08:00")) == 0
    assert climb.mark_overdue_batch(now=at("2026-10-17T00:00:00+08:00")) == 1
    assert climb.mark_overdue_batch(now=at("2026-10-17T00:05:00+08:00")) == 0
    assert finding(first).overdue_at == at("2026-10-17T00:00:00+08:00")
    told = notices(f"unit:{people.unit.id}:unit_head")[-1]
    assert (told.template, told.params["finding"]) == ("finding_overdue", first)
    text = people.head.get("/api/v1/notices").get_json()["items"][0]["text"]
    assert "第1项" in text
    assert "2026-10-16" in text
    (message,) = [m for m in sms(people.unit.id) if m.template == "finding_overdue"]
    assert message.to == people.unit.head_phone
    assert "超过整改期限" in message.body
    assert [e.type for e in credit(people.unit)][-1] == "finding_overdue"
    assert history(finding(first).inspection_id)[-1] == (first, "overdue")
    shown = people.head.get(f"/api/v1/findings/{first}").get_json()
    assert (shown["overdue"], shown["status"]) == (True, "open")


def test_a_finding_awaiting_review_does_not_climb(people, first, clock):
    people.head.post(f"/api/v1/findings/{first}/answer", json={"text": "已整改"})
    assert climb.mark_overdue_batch(now=at("2026-10-20T09:00:00+08:00")) == 0
    jobs.climb_overdue_findings(now=at("2026-11-20T09:00:00+08:00"))  # item 2 climbs alone
    assert (finding(first).overdue_at, finding(first).interview_id) == (None, None)
    assert finding(first + 1).interview_id is not None


def test_sent_back_after_its_due_it_climbs_from_its_own_due(people, first, clock):
    people.head.post(f"/api/v1/findings/{first}/answer", json={"text": "已整改"})
    clock.set("2026-10-26T09:00:00+08:00")  # the review came late; 6 working days past due
    people.inspector.post(f"/api/v1/findings/{first}/reject", json={"reason": "材料不全"})
    result = jobs.climb_overdue_findings(now=at("2026-10-26T09:05:00+08:00"))
    assert result == {"overdue": 1, "interview": 1}
    assert finding(first).interview_id is not None


def test_five_working_days_overdue_it_opens_the_units_interview_case(people, first):
    climb.mark_overdue_batch(now=at("2026-10-17T09:00:00+08:00"))
    # 19–23 October are the five working days after the due: not yet during the fifth.
    assert climb.escalate_batch(now=at("2026-10-23T18:00:00+08:00")) == 0
    assert climb.escalate_batch(now=at("2026-10-24T00:00:00+08:00")) == 1
    assert climb.escalate_batch(now=at("2026-10-26T09:00:00+08:00")) == 0
    case = db.session.scalars(select(InterviewCase)).one()
    assert (case.unit_id, case.trigger, case.status) == (
        people.unit.id,
        "finding_overdue",
        "proposed",
    )
    assert finding(first).interview_id == case.id
    reason = db.session.scalars(select(InterviewReason)).one()
    assert reason.trigger_key == f"finding_overdue:{first}"
    assert "第1项逾期5个工作日" in reason.reason
    entry = credit(people.unit)[-1]
    assert (entry.type, entry.interview_id) == ("interview_opened", case.id)
    assert entry.data["finding"] == first
    # Inspectors are asked to schedule it; the head hears of it in app and by SMS.
    assert notices("role:inspector")[-1].template == "interview_opened"
    assert notices(f"unit:{people.unit.id}:unit_head")[-1].template == "interview_opened_head"
    assert [m.template for m in sms(people.unit.id)][-1] == "interview"
    shown = people.head.get(f"/api/v1/findings/{first}").get_json()
    assert shown["interview"] == case.id
    assert history(finding(first).inspection_id)[-1] == (first, "interview")


def test_it_joins_the_case_the_unit_already_has_open(people, first):
    case = open_by_rule(
        unit_id=people.unit.id,
        trigger="ranking_last",
        trigger_key=f"ranking_last:{people.unit.id}:2026-09",
        reason="2026-09考核排名末位",
        now=at("2026-10-01T09:00:00+08:00"),
    )
    jobs.climb_overdue_findings(now=at("2026-10-24T09:00:00+08:00"))
    assert db.session.scalars(select(InterviewCase.id)).all() == [case.id]
    assert finding(first).interview_id == case.id
    triggers = db.session.scalars(
        select(InterviewReason.trigger).where(InterviewReason.interview_id == case.id)
    ).all()
    assert triggers == ["ranking_last", "finding_overdue"]
    assert credit(people.unit)[-1].type == "interview_reason_added"


def test_the_number_of_working_days_is_configurable(app, people, first):
    app.config["FINDING_INTERVIEW_WD"] = 2
    try:
        assert jobs.climb_overdue_findings(now=at("2026-10-20T23:00:00+08:00"))["interview"] == 0
        assert jobs.climb_overdue_findings(now=at("2026-10-21T00:00:00+08:00"))["interview"] == 1
    finally:
        app.config["FINDING_INTERVIEW_WD"] = 5


def test_a_job_that_was_down_climbs_both_rungs_in_one_run_and_then_nothing(people, first):
    now = at("2026-11-02T09:00:00+08:00")
    assert jobs.climb_overdue_findings(now=now) == {"overdue": 2, "interview": 1}
    assert jobs.climb_overdue_findings(now=now) == {"overdue": 0, "interview": 0}
    assert finding(first).interview_id is not None
    # Item 2 (due 30 October) is overdue too, but not yet five working days past it.
    assert finding(first + 1).overdue_at == now
    assert finding(first + 1).interview_id is None
    overdue_sms = [m for m in sms(people.unit.id) if m.template == "finding_overdue"]
    assert len(overdue_sms) == 2


def test_a_rectified_finding_never_climbs(people, first):
    people.head.post(f"/api/v1/findings/{first}/answer", json={"text": "已整改"})
    people.inspector.post(f"/api/v1/findings/{first}/accept")
    jobs.climb_overdue_findings(now=at("2026-12-01T09:00:00+08:00"))
    assert (finding(first).overdue_at, finding(first).interview_id) == (None, None)


def test_the_periodic_registry_runs_the_climb():
    from workers.schedule import PERIODIC

    [entry] = [p for p in PERIODIC if p.id == "findings-climb"]
    assert entry.func == "hotline.campaign.inspections.jobs.climb_overdue_findings"
    assert entry.queue == "sla"


def test_each_rung_reads_only_its_partial_index(session):
    now = datetime(2026, 10, 1, tzinfo=UTC)
    plan = query_plan(climb.awaiting_overdue_query(now, 200))
    assert "ix_inspection_findings_awaiting_overdue" in plan, plan
    plan = query_plan(climb.awaiting_interview_query(now, 200))
    assert "ix_inspection_findings_awaiting_interview" in plan, plan
