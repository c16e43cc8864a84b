"""直接办结 as the rest of the system sees it: no unit's figures, no routing, the SMS text."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from hotline.core.errors import InvalidTransition
from hotline.metrics.rollup import EventFact, figures_from_events
from hotline.notify.models import OutboxMessage
from hotline.tickets import transitions as tx
from hotline.tickets.models import TicketEvent
from hotline.tickets.transitions.resolve import SMS_ANSWER_CHARS, shortened
from tests.factories import OPERATOR, new_ticket


def test_a_ticket_resolved_at_source_counts_for_no_units_figures(session, clock) -> None:
    ticket = new_ticket(channel="phone", kind="consultation")
    tx.resolve_at_source(ticket, actor=OPERATOR, text="可在一网通办平台申请。")
    events = [
        EventFact(e.id, e.type, e.at, e.unit_id, e.data)
        for e in session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id))
    ]
    assert [e.type for e in events] == ["created", "resolved_at_source"]
    assert figures_from_events(events, ZoneInfo("Asia/Shanghai")) == {}


def test_the_router_leaves_a_ticket_resolved_at_source_alone(session, clock) -> None:
    ticket = new_ticket(kind="consultation")
    tx.resolve_at_source(ticket, actor=OPERATOR, text="可在一网通办平台申请。")
    tx.route(ticket)  # the routing job woken by its creation runs after the answer
    assert ticket.status == "closed"
    assert ticket.unit_id is None
    assert ticket.sla_check_at is None


def test_the_sms_quotes_a_long_answer_shortened_and_the_ticket_keeps_it_whole(
    session, clock
) -> None:
    answer = "第一步，登录一网通办平台。\n第二步，" + "填写申请表并上传材料，" * 30
    ticket = new_ticket(kind="consultation")
    tx.resolve_at_source(ticket, actor=OPERATOR, text=answer)
    assert ticket.reply_text == answer.strip()
    (sms,) = session.scalars(select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id))
    assert shortened(answer) in sms.body
    assert "\n" not in sms.body
    assert len(shortened(answer)) == SMS_ANSWER_CHARS
    assert shortened(answer).endswith("…")


def test_a_caller_without_a_number_gets_no_sms(session, clock) -> None:
    ticket = new_ticket(channel="open311", kind="consultation", phone=None)
    tx.resolve_at_source(ticket, actor=OPERATOR, text="可在一网通办平台申请。")
    assert ticket.status == "closed"
    assert (
        session.scalars(select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id)).all()
        == []
    )


def test_a_ticket_closed_at_source_is_not_offered_for_reopening(session, clock) -> None:
    """发回重办 sends a ticket back to its unit; a consultation closed at source has none."""
    ticket = new_ticket(kind="consultation")
    tx.resolve_at_source(ticket, actor=OPERATOR, text="可在一网通办平台申请。")
    assert "reopen" not in tx.offered(ticket, OPERATOR, ())
    with pytest.raises(InvalidTransition):
        tx.reopen(ticket, actor=OPERATOR, reason="来电人说没解决")
    assert ticket.status == "closed"
