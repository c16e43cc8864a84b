"""Who hears about each ladder level, and the digest a unit gets for many tickets at once."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from hotline.core.extensions import db
from hotline.escalations import interviews, notices
from hotline.escalations.models import PendingLadderNotice
from hotline.escalations.sweep import SweepSummary, sweep, sweep_batch
from hotline.notify.models import Notice, OutboxMessage
from hotline.notify.notice_texts import render_notice
from tests.factories import UnitFactory, ticket_in
from tests.support.notices import told

DISPATCHED = "2026-09-30T10:00:00+08:00"  # due 14 Oct 00:00 (DESIGN's example)
WARNING = datetime.fromisoformat("2026-10-11T06:48:00+08:00")
OVERDUE = datetime.fromisoformat("2026-10-14T00:00:00+08:00")
SUPERVISION = datetime.fromisoformat("2026-10-16T00:00:00+08:00")
INTERVIEW = datetime.fromisoformat("2026-10-21T00:00:00+08:00")


def notices_for(audience: str) -> list[Notice]:
    return list(
        db.session.scalars(select(Notice).where(Notice.audience == audience).order_by(Notice.id))
    )


def sms_of(unit) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.unit_id == unit.id, OutboxMessage.channel == "sms")
            .where(OutboxMessage.template != "dispatch_unit")
            .order_by(OutboxMessage.id)
        )
    )


def counts() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(Notice)),
        db.session.scalar(select(func.count()).select_from(OutboxMessage)),
    )


@pytest.fixture
def unit(session, clock):
    clock.set(DISPATCHED)
    return UnitFactory(name="市城管局")


def test_each_level_reaches_its_audience_in_app_and_by_sms(unit):
    ticket = ticket_in("accepted", unit=unit)
    agents, head = f"unit:{unit.id}:unit_agent", f"unit:{unit.id}:unit_head"
    n = ticket.number

    sweep(now=WARNING)  # 预警: the unit's agents, in-app only
    assert [(x.template, x.params) for x in notices_for(agents)] == [
        ("warning", {"number": n, "due": "2026-10-14 00:00"})
    ]
    assert sms_of(unit) == []

    sweep(now=OVERDUE)  # 催办: agents in-app, the duty phone by SMS
    assert [x.template for x in notices_for(agents)] == ["warning", "overdue"]
    assert [(m.to, m.template) for m in sms_of(unit)] == [(unit.duty_phone, "overdue")]

    sweep(now=SUPERVISION)  # 督办: the head, by SMS and in-app, with the written answer's due
    assert [(x.template, x.params) for x in notices_for(head)] == [
        ("supervision", {"number": n, "days": 2, "answer_due": "2026-10-21 00:00"})
    ]
    assert render_notice("supervision", notices_for(head)[0].params) == (
        f"工单{n}已超期2个工作日，现予督办，请督促办理，并于2026-10-21 00:00前书面答复。"
    )
    assert (sms_of(unit)[-1].to, sms_of(unit)[-1].template) == (unit.head_phone, "supervision")
    assert sms_of(unit)[-1].body.endswith("请督促办理，并于2026-10-21 00:00前书面答复。")

    sweep(now=INTERVIEW)  # 约谈: the head in-app and by SMS; inspectors get a case to schedule
    assert [x.template for x in notices_for(head)] == ["supervision", "interview"]
    assert (sms_of(unit)[-1].to, sms_of(unit)[-1].template) == (unit.head_phone, "interview")
    [case_notice] = notices_for("role:inspector")
    assert case_notice.template == "interview_opened"
    assert case_notice.interview_id is not None
    assert render_notice(case_notice.template, case_notice.params) == (
        f"市城管局因工单{n}超期未办结启动约谈（案件{case_notice.interview_id}），"
        "请安排约谈时间和地点。"
    )
    # the agents heard nothing of 督办 and 约谈, the head nothing of 预警 and 催办
    assert [x.template for x in notices_for(agents)] == ["warning", "overdue"]
    # every in-app notice points at its escalation and ticket
    assert all(x.ticket_id == ticket.id and x.escalation_id for x in notices_for(agents))


def test_from_the_threshold_on_a_unit_gets_one_digest_per_level(unit, app):
    assert app.config["NOTICE_DIGEST_MIN"] == 3
    other = UnitFactory(name="市水务局")
    mine = [ticket_in("accepted", unit=unit) for _ in range(3)]
    theirs = [ticket_in("accepted", unit=other) for _ in range(2)]
    summary = sweep(now=OVERDUE)
    assert summary.levels == {"warning": 5, "overdue": 5}
    assert (summary.notified, summary.digests) == (10, 2)

    # at the threshold: one SMS and one notice per level for the unit
    [digest_sms] = sms_of(unit)
    numbers = "、".join(t.number for t in mine)
    assert (digest_sms.to, digest_sms.template, digest_sms.ticket_id) == (
        unit.duty_phone,
        "digest_overdue",
        None,
    )
    assert digest_sms.body == (
        f"【12345热线催办】市城管局：贵单位有3件工单已超期，包括{numbers}，请立即办理。"
    )
    agents = notices_for(f"unit:{unit.id}:unit_agent")
    assert [(x.template, x.params["count"], x.params["numbers"]) for x in agents] == [
        ("digest_warning", 3, [t.number for t in mine]),
        ("digest_overdue", 3, [t.number for t in mine]),
    ]
    assert (
        render_notice("digest_overdue", agents[1].params) == "本单位有3件工单已超期，请立即办理。"
    )
    assert render_notice("digest_warning", agents[0].params, "en") == (
        "3 tickets of your unit are nearly due (the first at 2026-10-14 00:00); please act."
    )
    # below it: one SMS and one notice per ticket, as before
    assert [(m.template, m.ticket_id) for m in sms_of(other)] == [("overdue", t.id) for t in theirs]
    assert [x.template for x in notices_for(f"unit:{other.id}:unit_agent")] == [
        "warning",
        "warning",
        "overdue",
        "overdue",
    ]


def test_a_digest_sms_names_the_first_five_tickets_and_the_notice_all_of_them(unit):
    tickets = [ticket_in("accepted", unit=unit) for _ in range(7)]
    sweep(now=OVERDUE)
    [digest] = sms_of(unit)
    shown = "、".join(t.number for t in tickets[:5])
    assert f"有7件工单已超期，包括{shown}等，请立即办理。" in digest.body
    assert tickets[5].number not in digest.body
    overdue = notices_for(f"unit:{unit.id}:unit_agent")[-1]
    assert overdue.params["numbers"] == [t.number for t in tickets]


def test_the_head_gets_one_supervision_and_one_interview_digest(unit):
    for _ in range(4):
        ticket_in("accepted", unit=unit)
    sweep(now=INTERVIEW)
    assert [(m.to, m.template) for m in sms_of(unit)] == [
        (unit.duty_phone, "digest_overdue"),
        (unit.head_phone, "digest_supervision"),
        (unit.head_phone, "digest_interview"),
    ]
    assert "贵单位有4件工单超期5个工作日以上" in sms_of(unit)[1].body
    # the written answers are due two working days after the 督办 of Wed 21 Oct (Fri 23, 24:00)
    assert "并于2026-10-24 00:00前逐件书面答复" in sms_of(unit)[1].body
    head = notices_for(f"unit:{unit.id}:unit_head")
    assert [x.template for x in head] == ["digest_supervision", "digest_interview"]
    assert render_notice(head[0].template, head[0].params) == (
        "本单位有4件工单超期5个工作日以上，现予督办，请督促办理，"
        "并于2026-10-24 00:00前逐件书面答复。"
    )
    # one case for the unit: inspectors are asked to schedule it, and hear of the three
    # tickets that joined it in one notice (the head heard of all four just above)
    opened, joined = notices_for("role:inspector")
    assert opened.template == "interview_opened"
    assert joined.template == "digest_interview_ticket_added"
    assert joined.interview_id == opened.interview_id
    assert render_notice(joined.template, joined.params) == (
        f"市城管局有3件工单超期未办结，已并入约谈案件{opened.interview_id}。"
    )


def test_running_the_sweep_again_sends_nothing_twice(unit):
    for _ in range(3):
        ticket_in("accepted", unit=unit)
    ticket_in("accepted", unit=UnitFactory())
    sweep(now=OVERDUE)
    before = counts()
    again = sweep(now=OVERDUE)
    assert (again.notified, again.digests) == (0, 0)
    assert counts() == before
    # and the next level still goes out, once
    sweep(now=SUPERVISION)
    sweep(now=SUPERVISION)
    assert [m.template for m in sms_of(unit)] == ["digest_overdue", "digest_supervision"]


def test_the_threshold_is_a_setting(unit, app, monkeypatch):
    monkeypatch.setitem(app.config, "NOTICE_DIGEST_MIN", 4)
    for _ in range(3):
        ticket_in("accepted", unit=unit)
    sweep(now=OVERDUE)
    assert [m.template for m in sms_of(unit)] == ["overdue"] * 3


def test_notices_a_dead_sweep_left_behind_go_out_with_the_next_one(unit):
    """The levels and their pending notices commit together; a sweep that dies before its
    notice step loses nothing: the next sweep sends them."""
    ticket = ticket_in("accepted", unit=unit)
    sweep_batch(now=OVERDUE, summary=SweepSummary())  # the ladder's batch, then "death"
    assert db.session.scalar(select(func.count()).select_from(PendingLadderNotice)) == 2
    assert notices_for(f"unit:{unit.id}:unit_agent") == []
    summary = sweep(now=OVERDUE)
    assert summary.levels == {}  # nothing new on the ladder…
    assert summary.notified == 2  # …but what was left is sent
    assert [x.ticket_id for x in notices_for(f"unit:{unit.id}:unit_agent")] == [ticket.id] * 2
    assert db.session.scalar(select(func.count()).select_from(PendingLadderNotice)) == 0


def test_a_unit_without_phones_still_hears_in_app(unit):
    unit.duty_phone = unit.head_phone = None
    ticket_in("accepted", unit=unit)
    sweep(now=INTERVIEW)
    assert sms_of(unit) == []
    assert len(notices_for(f"unit:{unit.id}:unit_agent")) == 2
    assert len(notices_for(f"unit:{unit.id}:unit_head")) == 2


def test_an_interview_a_unit_rule_opens_tells_inspectors_and_the_head(unit, clock):
    case = interviews.open_by_rule(
        unit_id=unit.id,
        trigger="on_time_rate",
        trigger_key="on_time_rate:2026-10",
        reason="按时办结率低于标准",
        now=clock.now,
    )
    [to_schedule] = notices_for("role:inspector")
    assert (to_schedule.template, to_schedule.interview_id) == ("interview_opened", case.id)
    [head] = notices_for(f"unit:{unit.id}:unit_head")
    assert render_notice(head.template, head.params) == (
        "因按时办结率低于标准，营商环境监督部门将约谈您，请留意约谈通知。"
    )
    # the same rule firing again opens nothing and posts nothing
    assert (
        interviews.open_by_rule(
            unit_id=unit.id,
            trigger="on_time_rate",
            trigger_key="on_time_rate:2026-10",
            reason="按时办结率低于标准",
            now=clock.now,
        )
        is None
    )
    assert len(notices_for("role:inspector")) == 1


def test_the_cli_summary_counts_digests(runner, unit):
    for _ in range(3):
        ticket_in("accepted", unit=unit)
    result = runner.invoke(args=["sla", "sweep", "--now", OVERDUE.isoformat()])
    assert result.exit_code == 0, result.output
    assert "notified: 6" in result.output
    assert "digests: 2" in result.output


def test_more_pending_levels_than_one_take_all_go_out(unit, monkeypatch):
    monkeypatch.setattr(notices, "CHUNK", 3)
    tickets = [ticket_in("accepted", unit=unit) for _ in range(4)]
    summary = sweep(now=OVERDUE)
    assert summary.notified == 8
    assert db.session.scalar(select(func.count()).select_from(PendingLadderNotice)) == 0
    assert told([unit.id]) == {
        (t.number, level): 1 for t in tickets for level in ("warning", "overdue")
    }
