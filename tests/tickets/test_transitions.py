"""Every legal and illegal ticket transition of DESIGN §2, through the service layer."""

from __future__ import annotations

import pytest

from hotline.core.actor import Actor
from hotline.core.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from hotline.tickets import service as tickets
from hotline.tickets import transitions as tx
from hotline.tickets.models import TicketEvent
from tests.factories import (
    OPERATOR,
    SUPERVISOR,
    CategoryFactory,
    UnitFactory,
    new_ticket,
    ticket_in,
    unit_actor,
)


def event_types(ticket) -> list[str]:
    return [e.type for e in tickets.events(ticket)]


def test_created_ticket_is_new_numbered_by_local_date_and_records_an_event(session, clock):
    clock.set("2026-09-30T17:30:00+00:00")  # already 1 October in Shanghai
    ticket = new_ticket()
    assert ticket.status == "new"
    assert ticket.number.startswith("20261001-")
    assert ticket.number == "20261001-000001"
    assert new_ticket().number == "20261001-000002"
    assert event_types(ticket) == ["created"]
    assert ticket.complainant_phone == "+8613812345678"


def test_route_dispatches_to_category_default_unit_with_deadlines(session, clock):
    clock.set("2026-09-30T10:00:00+08:00")
    category = CategoryFactory(kind="complaint")
    ticket = new_ticket(category=category)
    tx.route(ticket)
    assert ticket.status == "dispatched"
    assert ticket.unit_id == category.default_unit.id
    # DESIGN §3 example: 5 working days from 30 September ⇒ 14 October 00:00 local.
    assert ticket.resolve_due_at.isoformat() == "2026-10-13T16:00:00+00:00"
    assert ticket.accept_due_at.isoformat() == "2026-10-01T02:00:00+00:00"
    assert event_types(ticket) == ["created", "dispatched"]


def test_route_without_confident_rule_goes_to_triage(session, clock):
    ticket = new_ticket()
    tx.route(ticket)
    assert ticket.status == "triage"
    assert ticket.unit_id is None


def test_route_twice_changes_nothing(session, clock):
    ticket = new_ticket(category=CategoryFactory())
    tx.route(ticket)
    tx.route(ticket)
    assert event_types(ticket).count("dispatched") == 1


def test_full_happy_path_to_closed_by_rating(session, clock):
    unit = UnitFactory()
    ticket = ticket_in("replied", unit=unit)
    tx.rate(ticket, actor=Actor.complainant(), rating=4)
    assert ticket.status == "closed"
    assert ticket.rating == 4
    assert event_types(ticket)[-2:] == ["rated", "closed"]


def test_other_units_agent_cannot_accept_and_gets_not_found(session, clock):
    ticket = ticket_in("dispatched", unit=UnitFactory())
    with pytest.raises(NotFound):
        tx.accept(ticket, actor=unit_actor(UnitFactory()))


def test_operator_may_not_accept(session, clock):
    ticket = ticket_in("dispatched", unit=UnitFactory())
    with pytest.raises(Forbidden):
        tx.accept(ticket, actor=OPERATOR)


@pytest.mark.parametrize("status", ["new", "triage", "accepted", "replied", "closed"])
def test_accept_is_only_legal_from_dispatched(session, clock, status):
    unit = UnitFactory()
    ticket = ticket_in(status, unit=unit)
    if status in ("new", "triage"):
        ticket.unit_id = unit.id
    with pytest.raises(InvalidTransition) as err:
        tx.accept(ticket, actor=unit_actor(unit))
    assert err.value.extra["current_status"] == status


def test_reply_requires_accept_first(session, clock):
    unit = UnitFactory()
    ticket = ticket_in("dispatched", unit=unit)
    with pytest.raises(InvalidTransition):
        tx.reply(ticket, actor=unit_actor(unit), text="已处理")


def test_stale_version_is_a_conflict(session, clock):
    unit = UnitFactory()
    ticket = ticket_in("dispatched", unit=unit)
    with pytest.raises(Conflict):
        tx.accept(ticket, actor=unit_actor(unit), expected_version=ticket.version - 1)


def test_return_approved_goes_back_to_triage_and_stops_the_clock(session, clock):
    unit, other = UnitFactory(), UnitFactory()
    ticket = ticket_in("dispatched", unit=unit)
    tx.request_return(
        ticket, actor=unit_actor(unit), reason="不属于本单位职责", suggested_unit=other.code
    )
    with pytest.raises(Conflict):
        tx.request_return(ticket, actor=unit_actor(unit), reason="again")
    with pytest.raises(Forbidden):
        tx.approve_return(ticket, actor=OPERATOR)
    tx.approve_return(ticket, actor=SUPERVISOR, reason="同意")
    assert ticket.status == "triage"
    assert ticket.unit_id is None
    assert ticket.resolve_due_at is None
    tx.dispatch(ticket, actor=OPERATOR, unit=other.code)
    assert ticket.status == "dispatched"
    assert ticket.unit_id == other.id
    assert "redispatched" not in event_types(ticket)


def test_return_denied_keeps_unit_and_deadline(session, clock):
    unit = UnitFactory()
    ticket = ticket_in("accepted", unit=unit)
    due = ticket.resolve_due_at
    tx.request_return(ticket, actor=unit_actor(unit), reason="不是我们的")
    tx.deny_return(ticket, actor=SUPERVISOR, reason="属于职责范围")
    assert ticket.status == "accepted"
    assert ticket.resolve_due_at == due
    with pytest.raises(InvalidTransition):
        tx.deny_return(ticket, actor=SUPERVISOR)


def test_return_after_window_is_refused(session, clock):
    unit = UnitFactory()
    clock.set("2026-11-02T09:00:00+08:00")
    ticket = ticket_in("dispatched", unit=unit)
    clock.set("2026-11-05T09:00:00+08:00")  # window: 2 working days → 4 Nov 24:00
    with pytest.raises(Conflict):
        tx.request_return(ticket, actor=unit_actor(unit), reason="迟到的退单")


def test_extension_approved_moves_deadline_by_working_days(session, clock):
    unit = UnitFactory()
    clock.set("2026-11-02T09:00:00+08:00")  # Monday
    ticket = ticket_in("accepted", unit=unit)
    # 3, 4, 5, 6, 9 November ⇒ 10 November 00:00 local.
    assert ticket.resolve_due_at.isoformat() == "2026-11-09T16:00:00+00:00"
    tx.request_extension(ticket, actor=unit_actor(unit), days=3, reason="需要现场勘查")
    tx.approve_extension(ticket, actor=SUPERVISOR)
    # 3 more working days after Monday 9 November: 10, 11, 12 ⇒ 13 November 00:00 local.
    assert ticket.resolve_due_at.isoformat() == "2026-11-12T16:00:00+00:00"
    assert "extension_approved" in event_types(ticket)


def test_extension_needs_valid_days(session, clock):
    unit = UnitFactory()
    ticket = ticket_in("accepted", unit=unit)
    with pytest.raises(ValidationFailed) as err:
        tx.request_extension(ticket, actor=unit_actor(unit), days=0, reason="x")
    assert "days" in err.value.fields


def test_unsatisfied_callback_reopens_with_fresh_window(session, clock):
    unit = UnitFactory()
    clock.set("2026-11-02T09:00:00+08:00")
    ticket = ticket_in("replied", unit=unit)
    clock.set("2026-11-03T09:00:00+08:00")
    tx.callback(ticket, actor=OPERATOR, reached=True, resolved=False, satisfaction=2)
    assert ticket.status == "accepted"
    assert ticket.reopen_count == 1
    # Fresh 5 working days from 3 November: 4, 5, 6, 9, 10 ⇒ 11 November 00:00 local.
    assert ticket.resolve_due_at.isoformat() == "2026-11-10T16:00:00+00:00"
    assert event_types(ticket)[-3:] == ["callback", "rated", "reopened"]


def test_satisfied_callback_closes(session, clock):
    ticket = ticket_in("replied", unit=UnitFactory())
    tx.callback(ticket, actor=OPERATOR, reached=True, resolved=True, satisfaction=5)
    assert ticket.status == "closed"


def test_unreached_callback_keeps_ticket_replied(session, clock):
    ticket = ticket_in("replied", unit=UnitFactory())
    tx.callback(ticket, actor=OPERATOR, reached=False)
    assert ticket.status == "replied"


def test_merge_folds_duplicate_into_open_ticket(session, clock):
    unit = UnitFactory()
    target = ticket_in("dispatched", unit=unit)
    dup = new_ticket()
    tx.merge(dup, actor=OPERATOR, into=target.number)
    assert dup.status == "merged"
    assert dup.merged_into_id == target.id
    with pytest.raises(ValidationFailed):
        tx.merge(new_ticket(), actor=OPERATOR, into="20990101-000001")


def test_reject_is_for_supervisors_and_only_before_dispatch(session, clock):
    ticket = new_ticket()
    with pytest.raises(Forbidden):
        tx.reject(ticket, actor=OPERATOR, reason="超出受理范围")
    tx.reject(ticket, actor=SUPERVISOR, reason="紧急警情，已转110")
    assert ticket.status == "rejected"
    with pytest.raises(InvalidTransition):
        tx.reject(ticket_in("dispatched", unit=UnitFactory()), actor=SUPERVISOR, reason="x")


def test_reply_queues_a_rating_request_sms(session, clock):
    from sqlalchemy import select

    from hotline.notify.models import OutboxMessage

    ticket = ticket_in("replied", unit=UnitFactory())
    bodies = session.scalars(
        select(OutboxMessage.template).where(OutboxMessage.ticket_id == ticket.id)
    ).all()
    assert "rating_request" in bodies
    assert "dispatch_unit" in bodies


def test_events_record_actor_and_status_change(session, clock):
    unit = UnitFactory()
    ticket = ticket_in("accepted", unit=unit)
    accepted = session.query(TicketEvent).filter_by(ticket_id=ticket.id, type="accepted").one()
    assert (accepted.from_status, accepted.to_status) == ("dispatched", "accepted")
    assert accepted.actor_label == f"{unit.code}-unit_agent"


def test_the_satisfied_threshold_of_the_figures_also_decides_what_reopens(
    session, clock, app, monkeypatch
):
    """One FIGURES_SATISFIED_MIN: with 4, a 3 (基本满意) is unsatisfied and reopens the ticket."""
    monkeypatch.setitem(app.config, "FIGURES_SATISFIED_MIN", 4)
    rated = ticket_in("replied", unit=UnitFactory())
    tx.rate(rated, actor=Actor.complainant(), rating=3)
    assert rated.status == "accepted"
    called = ticket_in("replied", unit=UnitFactory())
    tx.callback(called, actor=OPERATOR, reached=True, resolved=True, satisfaction=3)
    assert called.status == "accepted"
    monkeypatch.setitem(app.config, "FIGURES_SATISFIED_MIN", 3)
    kept = ticket_in("replied", unit=UnitFactory())
    tx.rate(kept, actor=Actor.complainant(), rating=3)
    assert kept.status == "closed"
