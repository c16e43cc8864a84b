"""The head's written answer to a 督办: once, in scope, validated, shown; a missing one recorded."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from hotline.auth.tokens import issue_token
from hotline.core.extensions import db
from hotline.escalations import answers
from hotline.escalations.models import CreditRecord, EscalationAnswer
from hotline.escalations.sweep import sweep
from hotline.tickets.models import Escalation, TicketEvent
from tests.factories import UnitFactory, UserFactory, escalated, ticket_in
from tests.support.plans import query_plan

# Dispatched 30 Sep 10:00 local, due 14 Oct 00:00; 2 working days overdue on 16 Oct 00:00.
REACHED = datetime.fromisoformat("2026-10-16T09:00:00+08:00")
# 次日起算: Mon 19 and Tue 20 October are the two working days after Fri 16 October.
DUE = datetime.fromisoformat("2026-10-21T00:00:00+08:00")


def auth(user) -> dict:
    return {"Authorization": f"Bearer {issue_token(user)}"}


@pytest.fixture
def supervised(session, clock):
    """A unit's ticket that reached 督办 at REACHED, with the people around it."""
    clock.set("2026-09-30T10:00:00+08:00")
    unit = UnitFactory()
    ticket = ticket_in("accepted", unit=unit)
    sweep(now=REACHED)
    esc = db.session.scalar(
        select(Escalation).where(
            Escalation.ticket_id == ticket.id, Escalation.level == "supervision"
        )
    )
    overdue = db.session.scalar(
        select(Escalation).where(Escalation.ticket_id == ticket.id, Escalation.level == "overdue")
    )
    clock.set("2026-10-19T10:00:00+08:00")
    setup = {
        "unit": unit,
        "ticket": ticket,
        "esc": esc,
        "overdue": overdue,
        "url": f"/api/v1/escalations/{esc.id}/respond",
        "head": UserFactory(role="unit_head", unit=unit),
        "agent": UserFactory(role="unit_agent", unit=unit),
        "inspector": UserFactory(role="inspector"),
        "other_head": UserFactory(role="unit_head", unit=UnitFactory()),
    }
    db.session.commit()  # the data must survive a request that rolls back
    return setup


def answer_of(esc) -> EscalationAnswer:
    return db.session.scalar(
        select(EscalationAnswer).where(EscalationAnswer.escalation_id == esc.id)
    )


def events_of(ticket, type_: str) -> list[TicketEvent]:
    return list(
        db.session.scalars(
            select(TicketEvent).where(TicketEvent.ticket_id == ticket.id, TicketEvent.type == type_)
        )
    )


def credits_of(unit, type_: str) -> list[CreditRecord]:
    return list(
        db.session.scalars(
            select(CreditRecord).where(CreditRecord.unit_id == unit.id, CreditRecord.type == type_)
        )
    )


def test_reaching_supervision_awaits_an_answer_due_two_working_days_later(supervised):
    s = supervised
    awaited = answer_of(s["esc"])
    assert awaited.due_at == DUE
    assert (awaited.state, awaited.text, awaited.answered_at) == ("awaited", None, None)
    # Lower levels ask for no written answer.
    assert answer_of(s["overdue"]) is None


def test_the_head_answers_once_and_the_answer_shows_in_the_list_timeline_and_credit_record(
    client, supervised
):
    s = supervised
    body = {"text": "已约谈经办人，明日完成现场处置并答复群众", "plan_due": "2026-10-23"}
    r = client.post(s["url"], json=body, headers=auth(s["head"]))
    assert r.status_code == 200, r.json
    assert r.json["id"] == s["esc"].id
    assert r.json["answer"] == {
        "state": "answered",
        "due_at": "2026-10-21T00:00:00+08:00",
        "text": body["text"],
        "plan_due": "2026-10-23",
        "answered_at": "2026-10-19T10:00:00+08:00",
        "missed_at": None,
    }

    # Inspectors see it in the escalation list, next to the 督办.
    listed = client.get(
        f"/api/v1/escalations?ticket={s['ticket'].number}", headers=auth(s["inspector"])
    ).json["items"]
    by_level = {e["level"]: e for e in listed}
    assert by_level["supervision"]["answer"]["text"] == body["text"]
    assert by_level["overdue"]["answer"] is None

    # The ticket's timeline and the unit's credit record hold it.
    [event] = events_of(s["ticket"], "supervision_answered")
    assert event.reason == body["text"]
    assert event.actor_id == s["head"].id
    assert event.data == {"escalation": s["esc"].id, "plan_due": "2026-10-23", "late": False}
    record = client.get(f"/api/v1/units/{s['unit'].code}/record", headers=auth(s["inspector"]))
    entry = next(i for i in record.json["items"] if i["type"] == "supervision_answered")
    assert body["text"] in entry["summary"]
    assert "计划2026-10-23前办结" in entry["summary"]
    assert entry["escalation_id"] == s["esc"].id

    # A second answer is refused and changes nothing: the first is on record.
    again = client.post(
        s["url"], json={"text": "改一下", "plan_due": "2026-10-30"}, headers=auth(s["head"])
    )
    assert again.status_code == 409
    assert "answered on 2026-10-19 10:00" in again.json["error"]["message"]
    db.session.expire_all()
    assert (answer_of(s["esc"]).text, str(answer_of(s["esc"]).plan_due)) == (
        body["text"],
        "2026-10-23",
    )
    assert len(events_of(s["ticket"], "supervision_answered")) == 1
    assert len(credits_of(s["unit"], "supervision_answered")) == 1


def test_only_the_head_of_the_escalated_unit_answers(client, supervised):
    s = supervised
    body = {"text": "说明", "plan_due": "2026-10-23"}
    # Another unit's head does not even see it; nor does anybody see an id that is not there.
    other = client.post(s["url"], json=body, headers=auth(s["other_head"]))
    assert other.status_code == 404
    for missing in (s["esc"].id + 10_000, 2**40):
        url = f"/api/v1/escalations/{missing}/respond"
        assert client.post(url, json=body, headers=auth(s["head"])).status_code == 404
    # Staff who may see it but are not the head are refused.
    for user in ("agent", "inspector"):
        r = client.post(s["url"], json=body, headers=auth(s[user]))
        assert r.status_code == 403, user
    assert client.post(s["url"], json=body).status_code == 401
    assert answer_of(s["esc"]).answered_at is None


def test_a_level_other_than_supervision_is_not_answered(client, supervised):
    s = supervised
    r = client.post(
        f"/api/v1/escalations/{s['overdue'].id}/respond",
        json={"text": "说明", "plan_due": "2026-10-23"},
        headers=auth(s["head"]),
    )
    assert r.status_code == 409
    assert "supervision" in r.json["error"]["message"]
    assert answer_of(s["overdue"]) is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"plan_due": "2026-10-23"}, "text"),
        ({"text": "", "plan_due": "2026-10-23"}, "text"),
        ({"text": "   \n ", "plan_due": "2026-10-23"}, "text"),
        ({"text": "长" * 4001, "plan_due": "2026-10-23"}, "text"),
        ({"text": "说明"}, "plan_due"),
        ({"text": "说明", "plan_due": "2026-10-18"}, "plan_due"),  # yesterday
        ({"text": "说明", "plan_due": "next week"}, "plan_due"),
        ({"text": "说明", "plan_due": "2026-13-01"}, "plan_due"),
        ({"text": "说明", "plan_due": "0001-01-01"}, "plan_due"),
        ({"text": "说明", "plan_due": "9999-12-31"}, "plan_due"),
        ({"text": "说明", "plan_due": 20261023}, "plan_due"),
        ({"text": ["说明"], "plan_due": "2026-10-23"}, "text"),
    ],
)
def test_a_bad_answer_is_422_naming_the_field_and_leaves_nothing_behind(
    client, supervised, body, field
):
    s = supervised
    r = client.post(s["url"], json=body, headers=auth(s["head"]))
    assert r.status_code == 422, r.json
    assert field in r.json["error"]["fields"]
    assert field in r.json["error"]["message"]
    db.session.expire_all()
    assert answer_of(s["esc"]).answered_at is None
    assert events_of(s["ticket"], "supervision_answered") == []
    assert credits_of(s["unit"], "supervision_answered") == []


def test_plan_due_today_is_accepted(client, supervised):
    s = supervised
    r = client.post(
        s["url"], json={"text": "今日办结", "plan_due": "2026-10-19"}, headers=auth(s["head"])
    )
    assert r.status_code == 200, r.json


def test_a_missing_answer_is_recorded_once_and_a_late_answer_is_still_taken(
    client, supervised, clock
):
    s = supervised
    just_before = datetime(2026, 10, 20, 15, 59, 59, tzinfo=UTC)
    assert answers.record_missing(now=just_before) == 0
    assert answers.record_missing(now=DUE) == 1
    assert answers.record_missing(now=DUE) == 0  # once, however often the job runs
    [event] = events_of(s["ticket"], "supervision_answer_missed")
    assert (event.actor_label, event.data["escalation"]) == ("answers-job", s["esc"].id)
    [entry] = credits_of(s["unit"], "supervision_unanswered")
    assert entry.summary.startswith("督办未按时答复")
    assert s["ticket"].number in entry.summary
    db.session.commit()
    listed = client.get(
        f"/api/v1/escalations?level=supervision&unit={s['unit'].code}",
        headers=auth(s["inspector"]),
    ).json["items"]
    assert listed[0]["answer"]["state"] == "missed"
    assert listed[0]["answer"]["missed_at"] == "2026-10-21T00:00:00+08:00"

    clock.set("2026-10-22T09:00:00+08:00")
    r = client.post(
        s["url"], json={"text": "补充答复", "plan_due": "2026-10-26"}, headers=auth(s["head"])
    )
    assert r.status_code == 200, r.json
    assert r.json["answer"]["state"] == "late"
    [late] = credits_of(s["unit"], "supervision_answered")
    assert "逾期答复" in late.summary
    assert answers.record_missing(now=datetime(2026, 10, 30, tzinfo=UTC)) == 0


def test_an_escalation_from_before_answers_had_rows_is_answered_with_a_due_from_its_time(
    client, session, clock
):
    clock.set("2026-10-19T10:00:00+08:00")
    unit = UnitFactory()
    ticket = ticket_in("accepted", unit=unit)
    esc = escalated(ticket, "supervision")  # no answer row, as for one reached before 0009
    head = UserFactory(role="unit_head", unit=unit)
    db.session.commit()
    r = client.post(
        f"/api/v1/escalations/{esc.id}/respond",
        json={"text": "说明", "plan_due": "2026-10-20"},
        headers=auth(head),
    )
    assert r.status_code == 200, r.json
    assert r.json["answer"]["due_at"] == "2026-10-22T00:00:00+08:00"
    count = select(func.count()).where(EscalationAnswer.escalation_id == esc.id)
    assert db.session.scalar(count) == 1


def test_the_missing_answers_job_reads_only_the_awaited_answers_index(session):
    plan = query_plan(answers.overdue_query(datetime(2026, 10, 1, tzinfo=UTC), 500))
    assert "ix_escalation_answers_awaited_due" in plan, plan
