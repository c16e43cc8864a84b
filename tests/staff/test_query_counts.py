"""No N+1: each page sends the same number of queries with few rows as with many."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from hotline.calls.models import CallbackTask, CallRecording
from hotline.campaign.commitments import breaches
from hotline.campaign.commitments import service as commitments
from hotline.campaign.inspections import findings
from hotline.campaign.inspections import service as inspections
from hotline.campaign.lists import service as lists
from hotline.core.actor import Actor
from hotline.core.clock import to_local, utcnow
from hotline.core.extensions import db
from hotline.escalations.models import CreditRecord, EscalationAnswer, InterviewCase
from hotline.knowledge import service as knowledge
from hotline.knowledge.service import ArticleDraft
from hotline.notify import inbox
from hotline.notify.inbox import Audience
from hotline.notify.models import SmsOptOut
from hotline.tickets import transitions as tx
from tests.factories import (
    CategoryFactory,
    RoutingRuleFactory,
    UnitFactory,
    UserFactory,
    escalated,
    ticket_in,
    unit_actor,
)
from tests.support.calls import call_record, presence


def _triage(staff) -> None:
    ticket_in("triage", unit=staff.unit)


def _replied(staff) -> None:
    ticket_in("replied", unit=staff.unit)


def _missed(staff) -> None:
    """A missed call with its caller's ticket, a recording, and a number that opted out."""
    ticket = ticket_in("triage", unit=staff.unit)
    task = CallbackTask(
        phone=ticket.complainant_phone, ticket_id=ticket.id, status="open", created_at=utcnow()
    )
    db.session.add(task)
    db.session.flush()
    db.session.add(
        CallRecording(
            recording_sid=f"RE{task.id:032d}",
            call_sid=f"CA{task.id:032d}",
            url=f"https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE{task.id:032d}",
            ticket_id=ticket.id,
            callback_task_id=task.id,
            created_at=utcnow(),
        )
    )
    db.session.merge(SmsOptOut(phone=ticket.complainant_phone, at=utcnow()))


def _waiting_call(staff) -> None:
    caller = UserFactory(role="operator")
    call_record(offered_at=utcnow(), outcome="answered", wait=5, talk=30, operator_id=caller.id)
    call_record(offered_at=utcnow())
    presence(caller.id, "busy", utcnow(), call_sid="CA" + "1" * 32)


def _return_request(staff) -> None:
    ticket = ticket_in("dispatched", unit=staff.unit)
    tx.request_return(
        ticket,
        actor=unit_actor(staff.unit),
        reason="不属于本单位",
        suggested_unit=staff.other_unit.code,
    )


def _dispatched(staff) -> None:
    ticket_in("dispatched", unit=staff.unit)


def _accepted(staff) -> None:
    ticket = ticket_in("accepted", unit=staff.unit)
    tx.request_extension(ticket, actor=unit_actor(staff.unit), days=2, reason="需要时间")


def _escalation(staff) -> None:
    escalated(ticket_in("accepted", unit=staff.unit))


def _answered_supervision(staff) -> None:
    esc = escalated(ticket_in("accepted", unit=staff.unit), "supervision")
    db.session.add(
        EscalationAnswer(
            escalation_id=esc.id,
            unit_id=staff.unit.id,
            ticket_id=esc.ticket_id,
            due_at=utcnow(),
            text="已答复",
            answered_at=utcnow(),
        )
    )


def _escalation_notices(staff) -> None:
    inbox.post(
        audience=Audience.unit(staff.unit.id, "unit_head"),
        template="digest_supervision",
        count=2,
        days=2,
        numbers=[ticket_in("accepted", unit=staff.unit).number for _ in range(2)],
    )


def _interview(staff) -> None:
    db.session.add(
        InterviewCase(
            unit_id=staff.unit.id, status="proposed", trigger="ranking_last", opened_at=utcnow()
        )
    )


def _credit(staff) -> None:
    db.session.add(CreditRecord(unit_id=staff.unit.id, at=utcnow(), type="escalation", summary="x"))


def _unit(staff) -> None:
    UnitFactory()


def _category(staff) -> None:
    CategoryFactory()


def _rule(staff) -> None:
    RoutingRuleFactory(category=CategoryFactory(), district="东城区")


def _appealed(staff) -> None:
    """A bad rating, back with the unit (in progress), with its appeal pending."""
    ticket = ticket_in("replied", unit=staff.unit)
    tx.rate(ticket, actor=Actor.complainant(), rating=1)
    tx.request_appeal(ticket, actor=unit_actor(staff.unit), reason="不公", evidence="录音")


def _finding(staff) -> None:
    """An inspection of the unit with a finding the head answered once and had sent back."""
    # Actors without the users: reading an expired user here would load it before the count.
    inspector, head = Actor(role="inspector", label="test"), unit_actor(staff.unit, "unit_head")
    inspection = inspections.create(
        actor=inspector,
        kind="mystery_visit",
        unit=staff.unit.code,
        visited_on=to_local(utcnow()).date(),
        findings=[inspections.FindingDraft("窗口脱岗", "major", to_local(utcnow()).date())],
    )
    finding_id = inspection.findings[0].id
    findings.answer(finding_id=finding_id, actor=head, text="已整改")
    findings.reject(finding_id=finding_id, actor=inspector, reason="材料不全")


def _negative_list_item(staff) -> None:
    """An item with two milestones and an edit in its history."""
    # Not Actor.of(staff.head): reading the logged-in user here would spare the page its load.
    head = unit_actor(staff.unit, "unit_head")
    item = lists.create_item(
        unit=staff.unit,
        actor=head,
        title="办证找关系",
        milestones=[
            {"step": "公布清单", "due": date(2026, 10, 15)},
            {"step": "回头看", "due": date(2026, 12, 1)},
        ],
    )
    lists.update_item(item=item, actor=head, changes={"measures": "一次告知"})


def _breached_commitment(staff) -> None:
    head = unit_actor(staff.unit, "unit_head")
    made = commitments.create(actor=head, unit=staff.unit.code, text="当场受理")
    ticket = ticket_in("accepted", unit=staff.unit)
    inspector = Actor(role="inspector", label="inspector")
    breaches.add_breach(commitment_id=made.id, actor=inspector, ticket=ticket.number)


def _article(staff) -> None:
    """A knowledge article with a category and a unit (the list shows both)."""
    knowledge.create(
        actor=Actor(role="supervisor", label="test"),
        draft=ArticleDraft(
            title="营业执照办理",
            body="一网通办平台在线申请。",
            category=CategoryFactory().code,
            unit=staff.unit.code,
        ),
    )


PAGES: list[tuple[str, str, Callable]] = [
    ("operator", "/console/triage", _triage),
    ("operator", "/console/callbacks", _replied),
    ("operator", "/console/missed", _missed),
    ("supervisor", "/console/requests", _return_request),
    ("operator", "/console/calls", _waiting_call),
    ("operator", "/console/figures", _waiting_call),
    ("agent", "/workbench", _dispatched),
    ("agent", "/workbench?tab=in_progress", _accepted),
    ("agent", "/workbench?tab=returned", _return_request),
    ("agent", "/workbench?tab=replied", _replied),
    ("agent", "/workbench?tab=rating", _replied),
    ("head", "/workbench/escalations", _escalation),
    ("head", "/workbench/escalations?answers", _answered_supervision),
    ("head", "/workbench/interviews", _interview),
    ("inspector", "/dashboard", _unit),
    ("inspector", "/dashboard/overdue", _escalation),
    ("inspector", "/dashboard/escalations", _escalation),
    ("inspector", "/dashboard/escalations?answers", _answered_supervision),
    ("inspector", "/dashboard/interviews", _interview),
    ("inspector", "/dashboard/appeals", _appealed),
    ("inspector", "/dashboard/inspections", _finding),
    ("head", "/workbench/findings", _finding),
    ("head", "/workbench/negative-list", _negative_list_item),
    ("head", "/workbench/commitments", _breached_commitment),
    ("inspector", "/dashboard/negative-lists", _negative_list_item),
    ("inspector", "/dashboard/commitments", _breached_commitment),
    ("inspector", "/dashboard", _negative_list_item),  # the overdue milestones panel
    ("agent", "/workbench?tab=in_progress&per_page=50", _appealed),
    ("admin", "/admin/units", _unit),
    ("admin", "/admin/categories", _category),
    ("admin", "/admin/rules", _rule),
    ("supervisor", "/notices", _return_request),  # each request posts a notice to supervisors
    ("head", "/notices", _escalation_notices),
    ("operator", "/knowledge?q=营业执照", _article),
    ("supervisor", "/knowledge", _article),
]


@pytest.mark.parametrize(("who", "path", "add_row"), PAGES, ids=[p[1] for p in PAGES])
def test_page_query_count_does_not_grow_with_rows(
    login,
    staff,
    clock,
    count_queries,
    who,
    path,
    add_row,
) -> None:
    clock.set("2026-10-09T09:00:00+08:00")
    add_row(staff)
    db.session.flush()
    clock.set("2026-11-30T09:00:00+08:00")  # everything open is overdue by now
    client = login(getattr(staff, who))
    client.get(path)  # warm per-process caches (catalogue, calendar)
    with count_queries() as few:
        assert client.get(path).status_code == 200
    for _ in range(4):
        add_row(staff)
    db.session.flush()
    with count_queries() as many:
        body = client.get(path).get_data(as_text=True)
    assert "<table" in body or "card" in body
    assert len(many) == len(few), (len(few), len(many))


def test_ticket_page_query_count_does_not_grow_with_events(
    login, staff, clock, count_queries
) -> None:
    clock.set("2026-10-09T09:00:00+08:00")
    ticket = ticket_in("accepted", unit=staff.unit)
    number = ticket.number
    client = login(staff.operator)
    client.get(f"/tickets/{number}")
    with count_queries() as few:
        client.get(f"/tickets/{number}")
    from hotline.tickets.service import get_by_number

    for _ in range(3):
        ticket = get_by_number(number)
        tx.request_extension(ticket, actor=unit_actor(staff.unit), days=1, reason="需要时间")
        tx.deny_extension(ticket, actor=staff_supervisor(staff))
    db.session.flush()
    with count_queries() as many:
        client.get(f"/tickets/{number}")
    assert len(many) == len(few)


def staff_supervisor(staff):
    from hotline.core.actor import Actor

    return Actor.of(staff.supervisor)


def test_credit_page_query_count_does_not_grow(login, staff, count_queries) -> None:
    _credit(staff)
    db.session.flush()
    client = login(staff.inspector)
    path = f"/dashboard/units/{staff.unit.code}/credit"
    with count_queries() as few:
        client.get(path)
    for _ in range(5):
        _credit(staff)
    db.session.flush()
    with count_queries() as many:
        assert "x" in client.get(path).get_data(as_text=True)
    assert len(many) == len(few)
