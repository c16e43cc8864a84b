"""The head's written answers on the workbench: the answer to a 督办, the interview
commitment and its evidence."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from hotline.core.clock import utcnow
from hotline.core.extensions import db
from hotline.escalations.models import EscalationAnswer, InterviewCase
from hotline.escalations.sweep import sweep
from hotline.tickets.models import Escalation, Ticket
from tests.factories import ticket_in


def _ticket(number: str) -> Ticket:
    return db.session.scalar(select(Ticket).where(Ticket.number == number))


def _supervised(staff, clock) -> tuple[str, int]:
    """A ticket of the unit that reached 督办 through the sweep; (number, escalation id)."""
    clock.set("2026-09-30T10:00:00+08:00")
    number = ticket_in("accepted", unit=staff.unit).number
    sweep(now=datetime.fromisoformat("2026-10-16T09:00:00+08:00"))
    esc_id = db.session.scalar(
        select(Escalation.id).where(
            Escalation.ticket_id == _ticket(number).id, Escalation.level == "supervision"
        )
    )
    clock.set("2026-10-19T10:00:00+08:00")
    return number, esc_id


def test_unit_head_answers_a_supervision_and_everybody_sees_the_answer(login, staff, clock):
    number, esc_id = _supervised(staff, clock)
    client = login(staff.head)
    page = client.get("/workbench/escalations").get_data(as_text=True)
    assert "答复督办" in page
    assert "待答复" in page
    assert 'min="2026-10-19"' in page  # no plan date in the past
    response = client.post(
        f"/workbench/escalations/{esc_id}/respond",
        data={"text": "已安排专人现场核查", "plan_due": "2026-10-23"},
    )
    assert response.status_code == 302
    page = client.get("/workbench/escalations").get_data(as_text=True)
    assert "督办答复已提交" in page
    assert "已安排专人现场核查" in page
    assert "2026-10-23" in page
    assert "答复督办" not in page  # answered once: no second form
    ticket_page = client.get(f"/tickets/{number}").get_data(as_text=True)
    assert "已安排专人现场核查" in ticket_page
    assert "督办答复" in ticket_page
    dashboard = login(staff.inspector).get("/dashboard/escalations?level=supervision")
    assert "已安排专人现场核查" in dashboard.get_data(as_text=True)
    exported = login(staff.inspector).get("/dashboard/export/escalations.csv?level=supervision")
    assert "已安排专人现场核查" in exported.data.decode("utf-8-sig")


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"text": "说明", "plan_due": "2026-10-18"}, "plan_due must not be in the past"),
        ({"text": "说明", "plan_due": "2026-13-40"}, "plan_due must be a date"),
        ({"text": "说明", "plan_due": ""}, "plan_due must be a date"),
        ({"text": "  ", "plan_due": "2026-10-23"}, "text is required"),
    ],
)
def test_a_bad_answer_from_the_workbench_is_a_message_and_stores_nothing(
    login, staff, clock, form, message
):
    _number, esc_id = _supervised(staff, clock)
    client = login(staff.head)
    assert client.post(f"/workbench/escalations/{esc_id}/respond", data=form).status_code == 302
    assert message in client.get("/workbench/escalations").get_data(as_text=True)
    answer = db.session.scalar(
        select(EscalationAnswer).where(EscalationAnswer.escalation_id == esc_id)
    )
    assert answer.answered_at is None


def test_only_the_units_head_answers_from_the_workbench(login, staff, clock):
    from tests.factories import UserFactory

    _number, esc_id = _supervised(staff, clock)
    form = {"text": "说明", "plan_due": "2026-10-23"}
    url = f"/workbench/escalations/{esc_id}/respond"
    assert login(staff.agent).post(url, data=form).status_code == 403
    other_head = login(UserFactory(role="unit_head", unit=staff.other_unit))
    assert other_head.post(url, data=form).status_code == 302
    assert f"no escalation {esc_id}" in other_head.get("/workbench/escalations").get_data(
        as_text=True
    )
    answer = db.session.scalar(
        select(EscalationAnswer).where(EscalationAnswer.escalation_id == esc_id)
    )
    assert answer.answered_at is None


def test_unit_head_writes_the_commitment_then_the_evidence(login, staff, clock):
    clock.set("2026-10-09T09:00:00+08:00")
    now = utcnow()
    case = InterviewCase(
        unit_id=staff.unit.id,
        status="held",
        trigger="ranking_last",
        reason="考核排名末位",
        opened_at=now - timedelta(days=10),
        held_at=now,
        minutes="约谈纪要",
    )
    db.session.add(case)
    db.session.flush()
    case_id = case.id
    client = login(staff.head)
    page = client.get("/workbench/interviews").get_data(as_text=True)
    assert "提交整改承诺" in page
    assert 'name="evidence"' not in page
    early = client.post(f"/workbench/interviews/{case_id}/rectify", data={"evidence": "材料"})
    assert early.status_code == 302
    assert db.session.get(InterviewCase, case_id).status == "held"
    client.post(
        f"/workbench/interviews/{case_id}/commit",
        data={"commitment": "两周内完成整改", "commitment_due": "2026-10-23T18:00"},
    )
    case = db.session.get(InterviewCase, case_id)
    assert case.commitment == "两周内完成整改"
    assert case.commitment_due == datetime.fromisoformat("2026-10-23T18:00:00+08:00")
    page = client.get("/workbench/interviews").get_data(as_text=True)
    assert "整改承诺已提交" in page
    assert 'name="evidence"' in page
    client.post(f"/workbench/interviews/{case_id}/rectify", data={"evidence": "整改报告"})
    assert db.session.get(InterviewCase, case_id).status == "rectified"


def test_the_answer_form_reads_in_english_too(login, staff, clock):
    _supervised(staff, clock)
    page = login(staff.head).get("/workbench/escalations?lang=en").get_data(as_text=True)
    assert "Answer the supervision notice" in page
    assert "Awaiting answer" in page
