"""Extensions (延期): one per ticket at the unit's request, within the original window; more only
by an inspector; the complainant hears the new date in plain words, never the unit's reason."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from hotline.core.actor import Actor
from hotline.core.errors import Conflict, Forbidden, ValidationFailed
from hotline.core.extensions import db
from hotline.notify.models import OutboxMessage
from hotline.tickets import transitions as tx
from hotline.tickets.models import TicketEvent, TicketRequest
from hotline.tickets.recompute import recompute_open_deadlines
from tests.factories import SUPERVISOR, UnitFactory, ticket_in, unit_actor

INSPECTOR = Actor(user_id=None, role="inspector", label="test-inspector")


def _counts(ticket) -> tuple[int, int]:
    """How many requests and events the ticket has: a refused action adds neither."""
    requests = db.session.scalar(select(func.count()).where(TicketRequest.ticket_id == ticket.id))
    events = db.session.scalar(select(func.count()).where(TicketEvent.ticket_id == ticket.id))
    return requests, events


def _sms(ticket) -> list[str]:
    return list(
        db.session.scalars(
            select(OutboxMessage.body).where(
                OutboxMessage.ticket_id == ticket.id,
                OutboxMessage.template == "extension_granted",
            )
        )
    )


@pytest.fixture
def unit(session):
    return UnitFactory()


@pytest.fixture
def ticket(unit, clock):
    clock.set("2026-11-02T09:00:00+08:00")  # Monday; complaint: 5 working days
    return ticket_in("accepted", unit=unit)


def test_the_complainant_is_told_the_new_date_in_plain_words_not_the_reason(ticket, unit):
    tx.request_extension(
        ticket, actor=unit_actor(unit), days=3, reason="内部协调未完成，领导未签字"
    )
    tx.approve_extension(ticket, actor=SUPERVISOR)
    # 10 November 00:00 + 3 working days = 13 November 00:00, the end of Thursday 12 November.
    assert ticket.resolve_due_at.isoformat() == "2026-11-12T16:00:00+00:00"
    [body] = _sms(ticket)
    assert "2026年11月12日（星期四）24时前" in body
    assert ticket.number in body
    assert "内部协调" not in body
    assert "领导" not in body


def test_an_english_complainant_reads_the_end_of_the_day_in_english(unit, clock):
    clock.set("2026-11-02T09:00:00+08:00")
    ticket = ticket_in("accepted", unit=unit, locale="en")
    tx.request_extension(ticket, actor=unit_actor(unit), days=3, reason="内部原因")
    tx.approve_extension(ticket, actor=SUPERVISOR)
    [body] = _sms(ticket)
    assert "by the end of Thursday 12 November 2026" in body
    assert "内部原因" not in body


def test_a_second_unit_request_after_an_approved_one_is_409_and_records_nothing(ticket, unit):
    tx.request_extension(ticket, actor=unit_actor(unit), days=2, reason="需要现场勘查")
    tx.approve_extension(ticket, actor=SUPERVISOR)
    before = _counts(ticket)
    due = ticket.resolve_due_at
    with pytest.raises(Conflict) as refused:
        tx.request_extension(ticket, actor=unit_actor(unit, "unit_head"), days=1, reason="再延")
    assert "only an inspector" in refused.value.message
    assert refused.value.extra["current_status"] == "accepted"
    assert _counts(ticket) == before
    assert ticket.resolve_due_at == due


def test_a_denied_request_does_not_use_up_the_units_one_extension(ticket, unit):
    tx.request_extension(ticket, actor=unit_actor(unit), days=2, reason="需要现场勘查")
    tx.deny_extension(ticket, actor=SUPERVISOR, reason="时限充足")
    tx.request_extension(ticket, actor=unit_actor(unit), days=2, reason="补充材料后再申请")
    tx.approve_extension(ticket, actor=SUPERVISOR)
    assert ticket.resolve_due_at.isoformat() == "2026-11-11T16:00:00+00:00"


def test_more_days_than_the_original_window_is_409_naming_days(ticket, unit):
    before = _counts(ticket)
    with pytest.raises(Conflict) as refused:
        tx.request_extension(ticket, actor=unit_actor(unit), days=6, reason="需要很久")
    assert refused.value.fields == {"days": ["at most 5"]}
    assert "only an inspector" in refused.value.message
    assert _counts(ticket) == before
    tx.request_extension(ticket, actor=unit_actor(unit), days=5, reason="整整一个时限")


def test_an_urgent_ticket_of_24_hours_may_ask_for_one_working_day(unit, clock):
    clock.set("2026-11-02T09:00:00+08:00")
    ticket = ticket_in("accepted", unit=unit, priority="urgent")
    with pytest.raises(Conflict):
        tx.request_extension(ticket, actor=unit_actor(unit), days=2, reason="x")
    tx.request_extension(ticket, actor=unit_actor(unit), days=1, reason="夜间无法处理")


@pytest.mark.parametrize("days", [0, 31, True, "3"])
def test_nonsense_days_are_refused_naming_days(ticket, unit, days):
    with pytest.raises(ValidationFailed) as refused:
        tx.request_extension(ticket, actor=unit_actor(unit), days=days, reason="x")
    assert "days" in refused.value.fields


def test_an_inspector_grants_more_after_the_units_one_and_the_recompute_agrees(ticket, unit):
    tx.request_extension(ticket, actor=unit_actor(unit), days=5, reason="需要检测")
    tx.approve_extension(ticket, actor=SUPERVISOR)
    tx.grant_extension(ticket, actor=INSPECTOR, days=10, reason="涉及多部门，督查批准")
    # 5 (window) + 5 + 10 = 20 working days from Monday 2 November: 3–6, 9–13, 16–20, 23–27
    # and 30 November ⇒ the end of Monday 30 November.
    assert ticket.resolve_due_at.isoformat() == "2026-11-30T16:00:00+00:00"
    granted = db.session.scalar(select(TicketRequest).where(TicketRequest.origin == "inspector"))
    assert (granted.status, granted.days) == ("approved", 10)
    event = db.session.scalar(
        select(TicketEvent).where(
            TicketEvent.ticket_id == ticket.id, TicketEvent.type == "extension_granted"
        )
    )
    assert event.data["days"] == 10
    assert event.data["to"] == "2026-11-30T16:00:00+00:00"
    assert len(_sms(ticket)) == 2
    assert "2026年11月30日（星期一）24时前" in _sms(ticket)[-1]
    # The recompute job (a calendar or policy change) keeps every approved day.
    assert recompute_open_deadlines(now=datetime(2026, 11, 3, tzinfo=UTC)) == 0
    assert ticket.resolve_due_at.isoformat() == "2026-11-30T16:00:00+00:00"


def test_the_unit_still_may_not_ask_again_after_an_inspectors_grant(ticket, unit):
    tx.grant_extension(ticket, actor=INSPECTOR, days=3, reason="督查批准")
    tx.request_extension(ticket, actor=unit_actor(unit), days=2, reason="单位自己的一次")
    tx.approve_extension(ticket, actor=SUPERVISOR)
    with pytest.raises(Conflict):
        tx.request_extension(ticket, actor=unit_actor(unit), days=1, reason="再延")


@pytest.mark.parametrize("actor", [SUPERVISOR, "unit"])
def test_only_an_inspector_grants_directly(ticket, unit, actor):
    who = unit_actor(unit) if actor == "unit" else actor
    with pytest.raises(Forbidden):
        tx.grant_extension(ticket, actor=who, days=3, reason="x")


def test_no_grant_after_the_deadline_and_nothing_recorded(ticket, clock):
    clock.set("2026-11-10T00:00:01+08:00")
    before = _counts(ticket)
    with pytest.raises(Conflict):
        tx.grant_extension(ticket, actor=INSPECTOR, days=3, reason="迟到的延期")
    assert _counts(ticket) == before
