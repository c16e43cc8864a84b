"""Who hears of a 督办's answer (or its absence) and of each step of an interview case, in
GET /api/v1/notices; and a notice that asked for an act is resolved once someone did it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from hotline.auth.tokens import issue_token
from hotline.core.extensions import db
from hotline.escalations import answers, case_notices
from hotline.escalations.models import InterviewCase
from hotline.escalations.sweep import sweep
from hotline.escalations.triggers import open_by_rule
from hotline.tickets.models import Escalation
from tests.factories import UnitFactory, UserFactory, ticket_in

DISPATCHED = "2026-09-30T10:00:00+08:00"  # due 14 Oct 00:00
SUPERVISION = datetime.fromisoformat("2026-10-16T09:00:00+08:00")
ANSWER_DUE = datetime.fromisoformat("2026-10-21T00:00:00+08:00")
INTERVIEW = datetime.fromisoformat("2026-10-22T00:00:00+08:00")
AT = "2026-10-26T09:30:00+08:00"
DUE = "2026-11-02T00:00:00+08:00"


def notices(client, user, unread: bool = False) -> list[dict]:
    url = "/api/v1/notices" + ("?unread=1" if unread else "")
    response = client.get(url, headers={"Authorization": f"Bearer {issue_token(user)}"})
    assert response.status_code == 200, response.json
    return response.json["items"]


def types(client, user, unread: bool = False) -> list[str]:
    return [n["type"] for n in notices(client, user, unread)]


def call(client, user, path: str, body: dict | None = None):
    headers = {"Authorization": f"Bearer {issue_token(user)}"}
    return client.post(path, json=body or {}, headers=headers)


@pytest.fixture
def people(session, clock):
    clock.set(DISPATCHED)
    unit, other = UnitFactory(name="市城管局"), UnitFactory(name="市水务局")
    setup = {
        "unit": unit,
        "head": UserFactory(role="unit_head", unit=unit, display_name="李局长"),
        "agent": UserFactory(role="unit_agent", unit=unit),
        "other_head": UserFactory(role="unit_head", unit=other),
        "inspector": UserFactory(role="inspector", display_name="赵督查"),
        "inspector2": UserFactory(role="inspector"),
        "supervisor": UserFactory(role="supervisor"),
    }
    db.session.commit()
    return setup


# ---- the head's written answer to a 督办 -------------------------------------------------------


@pytest.fixture
def supervised(people, clock):
    ticket = ticket_in("accepted", unit=people["unit"])
    sweep(now=SUPERVISION)
    esc = db.session.scalar(
        select(Escalation).where(
            Escalation.ticket_id == ticket.id, Escalation.level == "supervision"
        )
    )
    clock.set("2026-10-19T10:00:00+08:00")
    db.session.commit()
    return {**people, "ticket": ticket, "esc": esc, "url": f"/api/v1/escalations/{esc.id}/respond"}


def test_the_heads_answer_reaches_the_inspectors_and_closes_the_heads_supervision_notice(
    client, supervised
):
    s, n = supervised, supervised["ticket"].number
    [asked] = notices(client, s["head"])
    assert asked["type"] == "supervision"
    assert "并于2026-10-21 00:00前书面答复" in asked["text"]
    body = {"text": "已约谈经办人，明日完成现场处置", "plan_due": "2026-10-23"}
    assert call(client, s["head"], s["url"], body).status_code == 200

    for inspector in ("inspector", "inspector2"):
        [told] = notices(client, s[inspector])
        assert (told["type"], told["ticket"], told["escalation"]) == (
            "supervision_answered",
            n,
            s["esc"].id,
        )
        assert told["text"] == f"市城管局已书面答复工单{n}的督办，计划2026-10-23前办结。"
    # the head's 督办 is done: no longer unread, and says who answered it
    assert types(client, s["head"], unread=True) == []
    [done] = notices(client, s["head"])
    assert (done["resolved"]["by"], done["resolved"]["resolution"]) == ("李局长", "done")
    # nobody else hears of it
    for who in ("agent", "other_head", "supervisor"):
        assert "supervision_answered" not in types(client, s[who]), who


def test_a_late_answer_says_so_to_the_inspectors(client, supervised, clock):
    s = supervised
    clock.set("2026-10-22T09:00:00+08:00")
    body = {"text": "补充答复", "plan_due": "2026-10-26"}
    assert call(client, s["head"], s["url"], body).status_code == 200
    told = notices(client, s["inspector"])[0]
    assert "督办（逾期答复），计划2026-10-26前办结" in told["text"]


def test_a_refused_answer_tells_nobody(client, supervised):
    s = supervised
    assert (
        call(client, s["head"], s["url"], {"text": " ", "plan_due": "2026-10-23"}).status_code
        == 422
    )
    assert (
        call(client, s["agent"], s["url"], {"text": "说明", "plan_due": "2026-10-23"}).status_code
        == 403
    )
    assert notices(client, s["inspector"]) == []
    assert types(client, s["head"], unread=True) == ["supervision"]


def test_a_missing_answer_reaches_the_inspectors_and_the_head_once(client, supervised):
    s, n = supervised, supervised["ticket"].number
    assert answers.record_missing(now=ANSWER_DUE) == 1
    assert answers.record_missing(now=ANSWER_DUE) == 0  # once, however often the job runs
    db.session.commit()
    [told] = notices(client, s["inspector"])
    assert told["type"] == "supervision_unanswered"
    assert told["text"] == f"市城管局未在2026-10-21 00:00前书面答复工单{n}的督办，已记入信用档案。"
    assert types(client, s["head"]) == ["supervision_unanswered_head", "supervision"]
    assert "请尽快答复" in notices(client, s["head"])[0]["text"]
    assert "supervision_unanswered_head" not in types(client, s["other_head"])
    assert "supervision_unanswered_head" not in types(client, s["agent"])
    # a late answer still comes, and answers both of the head's notices
    clock_answer = {"text": "补充答复", "plan_due": "2026-10-26"}
    assert call(client, s["head"], s["url"], clock_answer).status_code == 200
    assert types(client, s["head"], unread=True) == []


def test_many_missing_answers_of_one_unit_make_one_notice_each(client, people):
    tickets = [ticket_in("accepted", unit=people["unit"]) for _ in range(3)]
    lone = ticket_in("accepted", unit=UnitFactory(name="市水务局"))
    sweep(now=SUPERVISION)
    assert answers.record_missing(now=ANSWER_DUE) == 4
    db.session.commit()
    told = notices(client, people["inspector"])
    digest = next(x for x in told if x["type"] == "digest_supervision_unanswered")
    assert digest["tickets"] == [t.number for t in tickets]
    assert digest["text"] == "市城管局有3件督办未在2026-10-21 00:00前书面答复，已记入信用档案。"
    single = next(x for x in told if x["type"] == "supervision_unanswered")
    assert single["ticket"] == lone.number
    assert types(client, people["head"])[0] == "digest_supervision_unanswered_head"


# ---- interview cases -----------------------------------------------------------------------------


@pytest.fixture
def case(people, clock):
    clock.set("2026-10-22T09:00:00+08:00")
    opened = open_by_rule(
        unit_id=people["unit"].id,
        trigger="ranking_last",
        trigger_key=f"ranking_last:{people['unit'].id}:2026-09",
        reason="2026-09考核排名末位",
        now=datetime(2026, 10, 1, 1, tzinfo=UTC),
    )
    db.session.commit()
    return {**people, "case": opened, "url": f"/api/v1/interviews/{opened.id}"}


def _schedule(client, c, who: str = "inspector"):
    r = call(client, c[who], f"{c['url']}/schedule", {"at": AT, "place": "302会议室"})
    assert r.status_code == 200, r.json


def test_scheduling_resolves_the_case_for_every_inspector(client, case):
    c = case
    assert types(client, c["inspector2"], unread=True) == ["interview_opened"]
    _schedule(client, c)
    for who in ("inspector", "inspector2"):
        assert types(client, c[who], unread=True) == [], who
        [opened] = notices(client, c[who])
        assert opened["resolved"]["by"] == "赵督查"


def test_each_step_of_a_case_reaches_whoever_acts_next(client, case, clock):
    c, case_id = case, case["case"].id
    _schedule(client, c)  # 赵督查 runs the case from now on
    clock.set("2026-10-26T11:00:00+08:00")
    assert (
        call(client, c["inspector"], f"{c['url']}/hold", {"minutes": "说明情况"}).status_code == 200
    )

    # held → the head writes the commitment
    held, opened = notices(client, c["head"], unread=True)
    assert opened["type"] == "interview_opened_head"
    assert (held["type"], held["interview"]) == ("interview_held", case_id)
    assert held["text"] == f"约谈案件{case_id}已约谈，请书面提交整改承诺及整改期限。"
    assert "interview_held" not in types(client, c["agent"])

    # committed → the case's inspector, not the other one; the head's notice is done
    body = {"commitment": "一周内完成整改", "commitment_due": DUE}
    assert call(client, c["head"], f"{c['url']}/commit", body).status_code == 200
    [committed] = notices(client, c["inspector"], unread=True)
    assert committed["type"] == "commitment_submitted"
    assert committed["text"] == (
        f"市城管局已书面提交约谈案件{case_id}的整改承诺，整改期限2026-11-02 00:00。"
    )
    assert "commitment_submitted" not in types(client, c["inspector2"])
    assert types(client, c["head"], unread=True) == ["interview_opened_head"]

    # evidence in → the case's inspector reviews it
    clock.set("2026-10-30T10:00:00+08:00")
    assert (
        call(client, c["head"], f"{c['url']}/rectify", {"evidence": "整改报告"}).status_code == 200
    )
    assert types(client, c["inspector"], unread=True) == ["rectified", "commitment_submitted"]
    assert "rectified" not in types(client, c["inspector2"])

    # sent back → the head, with the reason; the inspector's review is done (denied)
    reason = "缺少现场照片"
    assert call(client, c["inspector"], f"{c['url']}/reject", {"reason": reason}).status_code == 200
    back = notices(client, c["head"], unread=True)[0]
    assert back["type"] == "rectification_rejected"
    assert back["text"] == (
        f"约谈案件{case_id}的整改佐证材料被退回，请补充后重新提交（整改期限2026-11-02 00:00不变）。"
    )
    reviewed = next(n for n in notices(client, c["inspector"]) if n["type"] == "rectified")
    assert reviewed["resolved"]["resolution"] == "denied"

    # submitted again → a new review for the inspector; the head's notice is done
    clock.set("2026-10-31T10:00:00+08:00")
    again = {"evidence": "整改报告及现场照片"}
    assert call(client, c["head"], f"{c['url']}/rectify", again).status_code == 200
    assert types(client, c["head"], unread=True) == ["interview_opened_head"]
    assert types(client, c["inspector"], unread=True) == ["rectified", "commitment_submitted"]
    # closed → that review is done (approved)
    assert call(client, c["inspector"], f"{c['url']}/close").status_code == 200
    latest = notices(client, c["inspector"])[0]
    assert (latest["type"], latest["resolved"]["resolution"]) == ("rectified", "approved")


def test_a_quote_is_cut_to_200_characters_the_page_of_the_case_has_it_all():
    assert case_notices.quoted("  缺少现场照片 ") == "缺少现场照片"
    assert case_notices.quoted("补" * 300) == "补" * 200 + "…"
    assert case_notices.quoted(None) == ""


def test_a_reason_joining_an_open_case_reaches_its_head_and_the_inspectors(client, case):
    c = case
    joined = open_by_rule(
        unit_id=c["unit"].id,
        trigger="on_time_rate",
        trigger_key=f"on_time_rate:{c['unit'].id}:2026-09",
        reason="2026-09按时办结率低于标准",
        now=datetime(2026, 10, 22, 2, tzinfo=UTC),
    )
    assert joined.id == c["case"].id
    db.session.commit()
    text = f"因2026-09按时办结率低于标准，市城管局约谈案件{joined.id}增加约谈事由。"
    for who in ("head", "inspector", "inspector2"):  # nobody runs the case yet: every inspector
        assert notices(client, c[who])[0]["text"] == text, who
    assert "interview_reason_added" not in types(client, c["other_head"])
    assert "interview_reason_added" not in types(client, c["agent"])


def test_a_ticket_joining_a_scheduled_case_reaches_the_inspector_running_it(client, case, clock):
    c = case
    _schedule(client, c)
    clock.set(DISPATCHED)
    ticket = ticket_in("accepted", unit=c["unit"])
    sweep(now=INTERVIEW)
    db.session.commit()
    [told] = [n for n in notices(client, c["inspector"]) if n["type"] == "interview_ticket_added"]
    assert told["text"] == f"市城管局工单{ticket.number}超期未办结，已并入约谈案件{c['case'].id}。"
    assert (told["ticket"], told["interview"]) == (ticket.number, c["case"].id)
    assert "interview_ticket_added" not in types(client, c["inspector2"])
    # the head heard of the ticket from the ladder's 约谈 level itself
    assert "interview_ticket_added" not in types(client, c["head"])
    assert "interview" in types(client, c["head"])
    [fresh] = db.session.scalars(select(InterviewCase).where(InterviewCase.unit_id == c["unit"].id))
    assert fresh.id == c["case"].id  # joined, not a parallel case
