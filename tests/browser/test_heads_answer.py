"""In Chromium: a unit head answers a 督办 and writes an interview commitment on the workbench;
the inspector reads the answer on the dashboard's escalation list."""

from __future__ import annotations

from datetime import timedelta

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.committed]

UNIT = "C-RSJ"  # the demo unit of the `rsj_head` login (the story test works in C-SCJG)
ANSWER = "经查，该工单因涉及多部门会商而超期，已明确专人负责，本周内答复群众。"
COMMITMENT = "一个月内建立超期工单周调度机制，逐件销号。"


def _login(browser, base: str, username: str):
    page = browser.new_context(locale="zh-CN").new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"{username}123")
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    return page


def _supervised_ticket_and_held_case(live_app) -> tuple[str, int, int, str]:
    """A C-RSJ ticket 20 days past dispatch swept up the ladder (督办 and 约谈), and the unit's
    case held an hour ago; (ticket number, escalation id, case id, a plan date)."""
    from sqlalchemy import select

    from hotline.core.actor import Actor
    from hotline.core.clock import to_local, utcnow
    from hotline.core.extensions import db
    from hotline.escalations import interviews
    from hotline.escalations.models import InterviewCase
    from hotline.escalations.sweep import sweep
    from hotline.tickets.models import Escalation
    from hotline.units.models import Unit
    from tests.factories import ticket_in

    with live_app.app_context():
        now = utcnow()
        unit = db.session.scalar(select(Unit).where(Unit.code == UNIT))
        ticket = ticket_in("accepted", unit=unit, now=now - timedelta(days=20))
        sweep(now=now)
        esc_id = db.session.scalar(
            select(Escalation.id).where(
                Escalation.ticket_id == ticket.id, Escalation.level == "supervision"
            )
        )
        case_id = db.session.scalar(
            select(InterviewCase.id)
            .join(InterviewCase.unit)
            .where(Unit.code == UNIT, InterviewCase.status == "proposed")
        )
        inspector = Actor(user_id=None, role="inspector", label="browser-test")
        interviews.schedule(
            case_id=case_id, actor=inspector, at=now - timedelta(hours=1), place="302会议室"
        )
        interviews.hold(case_id=case_id, actor=inspector, minutes="负责人说明超期原因")
        db.session.commit()
        plan = (to_local(now).date() + timedelta(days=3)).isoformat()
        return ticket.number, esc_id, case_id, plan


def test_head_answers_a_supervision_and_the_inspector_reads_it(
    browser, live_server, live_app, shoot
) -> None:
    number, esc_id, case_id, plan = _supervised_ticket_and_held_case(live_app)

    # The head answers the 督办 from the workbench.
    head = _login(browser, live_server, "rsj_head")
    head.goto(f"{live_server}/workbench/escalations")
    row = head.locator(f"tr[data-escalation='{esc_id}']")
    assert "待答复" in row.inner_text()
    row.locator("summary", has_text="答复督办").click()
    row.locator("textarea[name=text]").fill(ANSWER)
    row.locator("input[name=plan_due]").fill(plan)
    shoot(head, "i16-answer-01-head-answers")
    row.locator("button[type=submit]").click()
    head.wait_for_load_state()
    row = head.locator(f"tr[data-escalation='{esc_id}']")
    assert ANSWER in row.inner_text()
    assert "已按时答复" in row.inner_text()
    assert plan in row.inner_text()
    assert row.locator("summary", has_text="答复督办").count() == 0
    assert "督办答复已提交" in head.inner_text("body")
    shoot(head, "i16-answer-02-head-answered")

    # The ticket page shows it in the timeline and beside the 督办.
    head.goto(f"{live_server}/tickets/{number}")
    assert "督办答复" in head.inner_text(".timeline")
    assert ANSWER in head.inner_text("body")
    shoot(head, "i16-answer-03-ticket-page")

    # The head writes the rectification commitment of the held interview.
    head.goto(f"{live_server}/workbench/interviews")
    card = head.locator(f"[data-case='{case_id}']")
    card.locator("textarea[name=commitment]").fill(COMMITMENT)
    card.locator("input[name=commitment_due]").fill(f"{plan}T18:00")
    card.locator("button[type=submit]").click()
    head.wait_for_load_state()
    card = head.locator(f"[data-case='{case_id}']")
    assert COMMITMENT in card.inner_text()
    assert card.locator("textarea[name=evidence]").count() == 1  # next: the evidence
    shoot(head, "i16-answer-04-head-committed")

    # The inspector sees the answer in the escalation list.
    inspector = _login(browser, live_server, "inspector")
    inspector.goto(f"{live_server}/dashboard/escalations?level=supervision&unit={UNIT}")
    row = inspector.locator(f"tr[data-escalation='{esc_id}']")
    assert ANSWER in row.inner_text()
    assert "已按时答复" in row.inner_text()
    shoot(inspector, "i16-answer-05-inspector-escalations")
    inspector.goto(f"{live_server}/dashboard/interviews?unit={UNIT}")
    assert COMMITMENT[:10] in inspector.inner_text("body")
    shoot(inspector, "i16-answer-06-inspector-interviews")

    for page in (head, inspector):
        page.context.close()
