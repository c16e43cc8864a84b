"""Rating appeals (差评申诉): the unit appeals a bad rating once, an inspector decides."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from hotline.core.actor import Actor
from hotline.core.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from hotline.core.extensions import db
from hotline.tickets import service as tickets
from hotline.tickets import transitions as tx
from hotline.tickets.models import TicketEvent, TicketRequest
from tests.factories import OPERATOR, SUPERVISOR, UnitFactory, ticket_in, unit_actor

INSPECTOR = Actor(user_id=None, role="inspector", label="test-inspector")


def _rated(unit, rating: int = 1):
    """A ticket the complainant rated `rating` after the unit's reply."""
    ticket = ticket_in("replied", unit=unit)
    tx.rate(ticket, actor=Actor.complainant(), rating=rating)
    return ticket


def _counts(ticket) -> tuple[int, int]:
    requests = db.session.scalar(select(func.count()).where(TicketRequest.ticket_id == ticket.id))
    events = db.session.scalar(select(func.count()).where(TicketEvent.ticket_id == ticket.id))
    return requests, events


def _events(ticket, type_: str) -> list[TicketEvent]:
    return list(
        db.session.scalars(
            select(TicketEvent)
            .where(TicketEvent.ticket_id == ticket.id, TicketEvent.type == type_)
            .order_by(TicketEvent.id)
        )
    )


@pytest.fixture
def unit(session):
    return UnitFactory()


def test_the_unit_appeals_a_bad_rating_with_reason_and_evidence(unit, clock):
    ticket = _rated(unit, 1)
    assert ticket.status == "accepted"  # the bad rating sent it back (发回重办)
    version = ticket.version
    clock.set("2026-10-12T09:00:00+08:00")
    req = tx.request_appeal(
        ticket,
        actor=unit_actor(unit, "unit_head"),
        reason="诉求人要求超出法定范围",
        evidence="答复已引用《条例》第十二条，现场照片见附件",
        media=["https://files.example.org/a.jpg"],
    )
    assert (req.type, req.status, req.evidence) == (
        "appeal",
        "pending",
        "答复已引用《条例》第十二条，现场照片见附件",
    )
    [event] = _events(ticket, "appeal_requested")
    assert event.data["rating"] == 1
    assert event.data["media"] == ["https://files.example.org/a.jpg"]
    assert event.reason == "诉求人要求超出法定范围"
    db.session.flush()
    assert ticket.version > version  # a concurrent second appeal fails its version check


def test_no_rating_is_409_and_nothing_is_recorded(unit):
    ticket = ticket_in("replied", unit=unit)
    before = _counts(ticket)
    with pytest.raises(Conflict) as refused:
        tx.request_appeal(ticket, actor=unit_actor(unit), reason="不公", evidence="录音")
    assert "no rating" in refused.value.message
    assert refused.value.extra["current_status"] == "replied"
    assert _counts(ticket) == before


def test_a_satisfied_rating_cannot_be_appealed(unit):
    ticket = ticket_in("closed", unit=unit)  # rated 5
    with pytest.raises(Conflict) as refused:
        tx.request_appeal(ticket, actor=unit_actor(unit), reason="不公", evidence="录音")
    assert "only a bad rating" in refused.value.message


def test_which_ratings_are_bad_follows_the_satisfied_setting(unit, app, monkeypatch):
    ticket = _rated(unit, 3)  # 基本满意: satisfied by default, closes
    with pytest.raises(Conflict):
        tx.request_appeal(ticket, actor=unit_actor(unit), reason="不公", evidence="录音")
    monkeypatch.setitem(app.config, "FIGURES_SATISFIED_MIN", 4)
    assert tx.request_appeal(ticket, actor=unit_actor(unit), reason="不公", evidence="录音")


def test_one_pending_appeal_at_a_time_and_one_appeal_per_rating(unit):
    ticket = _rated(unit, 2)
    tx.request_appeal(ticket, actor=unit_actor(unit), reason="不公", evidence="录音")
    with pytest.raises(Conflict) as pending:
        tx.request_appeal(ticket, actor=unit_actor(unit), reason="再申诉", evidence="录音")
    assert "already pending" in pending.value.message
    tx.deny_appeal(ticket, actor=INSPECTOR, reason="证据不足")
    before = _counts(ticket)
    with pytest.raises(Conflict) as again:
        tx.request_appeal(ticket, actor=unit_actor(unit), reason="再申诉", evidence="更多录音")
    assert "already appealed (denied)" in again.value.message
    assert _counts(ticket) == before


def test_a_new_bad_rating_after_rework_may_be_appealed_too(unit):
    ticket = _rated(unit, 1)
    tx.request_appeal(ticket, actor=unit_actor(unit), reason="不公", evidence="录音")
    tx.approve_appeal(ticket, actor=INSPECTOR, reason="证据充分")
    tx.reply(ticket, actor=unit_actor(unit), text="重新办理完毕")
    tx.rate(ticket, actor=Actor.complainant(), rating=2)
    req = tx.request_appeal(ticket, actor=unit_actor(unit), reason="仍不公", evidence="录音二")
    assert req.rating_event_id == _events(ticket, "rated")[-1].id


def test_another_units_staff_do_not_see_the_ticket(unit):
    ticket = _rated(unit, 1)
    other = UnitFactory()
    with pytest.raises(NotFound):
        tx.request_appeal(ticket, actor=unit_actor(other), reason="不公", evidence="录音")


@pytest.mark.parametrize(
    ("field", "reason", "evidence"), [("reason", " ", "录音"), ("evidence", "不公", "")]
)
def test_reason_and_evidence_are_required(unit, field, reason, evidence):
    ticket = _rated(unit, 1)
    with pytest.raises(ValidationFailed) as refused:
        tx.request_appeal(ticket, actor=unit_actor(unit), reason=reason, evidence=evidence)
    assert field in refused.value.fields


@pytest.mark.parametrize("who", ["unit_agent", "unit_head", "supervisor", "operator"])
def test_only_inspectors_decide_and_a_refusal_changes_nothing(unit, who):
    ticket = _rated(unit, 1)
    tx.request_appeal(ticket, actor=unit_actor(unit), reason="不公", evidence="录音")
    actor = {"supervisor": SUPERVISOR, "operator": OPERATOR}.get(who) or unit_actor(unit, who)
    before = _counts(ticket)
    for decide in (tx.approve_appeal, tx.deny_appeal):
        with pytest.raises(Forbidden):
            decide(ticket, actor=actor)
    assert _counts(ticket) == before
    assert db.session.scalar(select(TicketRequest.status).where(TicketRequest.type == "appeal"))


def test_an_upheld_appeal_records_where_the_rating_was_counted(unit):
    ticket = _rated(unit, 1)
    [rated] = _events(ticket, "rated")
    tx.request_appeal(ticket, actor=unit_actor(unit), reason="不公", evidence="录音")
    tx.approve_appeal(ticket, actor=INSPECTOR, reason="证据充分")
    [upheld] = _events(ticket, "appeal_upheld")
    assert upheld.data["rating"] == 1
    assert upheld.data["rated_event"] == rated.id
    assert upheld.data["rated_unit"] == unit.id
    assert upheld.data["rated_at"] == rated.at.isoformat()
    assert upheld.reason == "证据充分"
    assert ticket.rating == 1  # the complainant's rating stays a fact; the figures drop it
    with pytest.raises(InvalidTransition):
        tx.approve_appeal(ticket, actor=INSPECTOR)  # nothing pending any more


def test_the_page_offers_the_appeal_only_for_a_bad_rating(unit):
    agent = unit_actor(unit)
    good = ticket_in("closed", unit=unit)
    assert "appeal" not in tx.offered(good, agent, ())
    bad = _rated(unit, 1)
    assert "appeal" in tx.offered(bad, agent, ())
    # A pending appeal is on the current rating: pending_request_types marks both.
    assert "appeal" not in tx.offered(bad, agent, {"appeal", tickets.APPEALED})
    assert {"appeal/approve", "appeal/deny"} <= tx.offered(bad, INSPECTOR, {"appeal"})
    assert "appeal/approve" not in tx.offered(bad, SUPERVISOR, {"appeal"})


def test_once_appealed_the_rating_is_not_offered_for_appeal_again_until_a_new_one(unit, clock):
    ticket = _rated(unit, 1)
    agent = unit_actor(unit)
    waiting = tickets.pending_request_types([ticket.id]).get(ticket.id, set())
    assert "appeal" in tx.offered(ticket, agent, waiting)
    tx.request_appeal(ticket, actor=agent, reason="不公", evidence="录音")
    tx.deny_appeal(ticket, actor=INSPECTOR, reason="证据不足")
    waiting = tickets.pending_request_types([ticket.id])[ticket.id]
    assert waiting == {tickets.APPEALED}
    assert "appeal" not in tx.offered(ticket, agent, waiting)
    clock.set("2026-10-20T09:00:00+08:00")
    tx.reply(ticket, actor=agent, text="重新办理完毕")
    clock.set("2026-10-21T09:00:00+08:00")
    tx.rate(ticket, actor=Actor.complainant(), rating=2)
    waiting = tickets.pending_request_types([ticket.id]).get(ticket.id, set())
    assert "appeal" in tx.offered(ticket, agent, waiting)  # a new rating, a new appeal
