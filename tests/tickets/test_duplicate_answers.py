"""并单 reaches every complainant: the final answer of the ticket kept goes by SMS (with a rating
link of their own) to each complainant whose ticket was merged into it, opted-out numbers
skipped; a ticket merged into an answered one gets the answer at once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hotline.core.actor import Actor
from hotline.core.errors import Conflict
from hotline.core.extensions import db
from hotline.notify.models import OutboxMessage, SmsOptOut
from hotline.tickets import transitions as tx
from hotline.tickets.models import TicketEvent
from hotline.tickets.rating_link import rating_token
from tests.factories import OPERATOR, UnitFactory, new_ticket, ticket_in, unit_actor

ANSWER = "已责令工地停止夜间施工，并处罚款。"


def _rating_sms() -> dict[str, OutboxMessage]:
    rows = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "rating_request")
    )
    return {row.to: row for row in rows}


def test_the_reply_reaches_every_merged_complainant_once(session, clock):
    unit = UnitFactory()
    kept = ticket_in("accepted", unit=unit, phone="13900000001")
    other = new_ticket(phone="13900000002")
    opted_out = new_ticket(phone="13900000003")
    same_caller = new_ticket(phone="13900000001")
    for ticket in (other, opted_out, same_caller):
        tx.merge(ticket, actor=OPERATOR, into=kept.number)
    db.session.add(SmsOptOut(phone="+8613900000003", at=clock.now))
    assert _rating_sms() == {}  # nothing is answered yet

    tx.reply(kept, actor=unit_actor(unit), text=ANSWER, now=clock.now)

    sent = _rating_sms()
    assert set(sent) == {"+8613900000001", "+8613900000002"}
    assert sent["+8613900000002"].ticket_id == other.id
    assert other.number in sent["+8613900000002"].body
    assert ANSWER[:10] in sent["+8613900000002"].body
    assert rating_token(other.number) in sent["+8613900000002"].body  # their own link
    for ticket in (other, opted_out, same_caller):
        assert ticket.reply_text == ANSWER
        assert ticket.status == "merged"
        event = db.session.scalar(
            select(TicketEvent).where(
                TicketEvent.ticket_id == ticket.id, TicketEvent.type == "merged_answer"
            )
        )
        assert event.data == {"from": kept.number, "text": ANSWER}


def test_a_ticket_merged_into_an_answered_one_gets_the_answer_at_once(session, clock):
    unit = UnitFactory()
    closed = ticket_in("closed", unit=unit, phone="13900000001")
    late = new_ticket(phone="13900000005")
    tx.merge(late, actor=OPERATOR, into=closed.number)
    assert late.reply_text == closed.reply_text
    assert "+8613900000005" in _rating_sms()


def test_a_rejected_ticket_takes_no_merge(session, clock):
    rejected = tx.reject(
        ticket_in("triage", unit=UnitFactory()),
        actor=Actor(user_id=None, role="supervisor", label="s"),
        reason="恶意",
    )
    with pytest.raises(Conflict):
        tx.merge(new_ticket(), actor=OPERATOR, into=rejected.number)


def test_the_merged_complainant_rates_through_their_own_link(session, client, clock):
    unit = UnitFactory()
    kept = ticket_in("accepted", unit=unit, phone="13900000001")
    merged = new_ticket(phone="13900000002")
    tx.merge(merged, actor=OPERATOR, into=kept.number)
    url = f"/complaints/rate/{rating_token(merged.number)}"
    db.session.commit()
    assert client.get(url).status_code == 409  # no answer yet

    tx.reply(kept, actor=unit_actor(unit), text=ANSWER, now=clock.now)
    db.session.commit()
    form = client.get(url)
    assert form.status_code == 200
    assert ANSWER in form.get_data(as_text=True)
    done = client.post(url, data={"rating": "5", "comment": "很快"})
    assert done.status_code == 200
    assert kept.number in done.get_data(as_text=True)
    db.session.refresh(merged)
    assert (merged.status, merged.rating) == ("merged", 5)
    assert kept.status == "replied"  # the kept ticket waits for its own complainant
    assert client.post(url, data={"rating": "1"}).status_code == 409  # once only
    assert client.post(url[:-3] + "xyz", data={"rating": "5"}).status_code == 404
