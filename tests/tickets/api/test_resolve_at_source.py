"""POST /api/v1/tickets/{number}/resolve-at-source (直接办结): the hotline answers a consultation
itself and closes it, undispatched, telling the caller by SMS."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from hotline.knowledge import service as knowledge
from hotline.knowledge.service import ArticleDraft
from hotline.notify.models import OutboxMessage
from hotline.tickets import transitions as tx
from hotline.tickets.models import Ticket, TicketEvent
from tests.factories import SUPERVISOR, UserFactory, new_ticket, ticket_in
from tests.support.api import caller, error_fields

ANSWER = "个体工商户办理营业执照，可登录一网通办平台在线申请，材料齐全的当场发证。"


def url(ticket: Ticket) -> str:
    return f"/api/v1/tickets/{ticket.number}/resolve-at-source"


@pytest.fixture
def consultation(session, clock) -> Ticket:
    ticket = new_ticket(
        channel="phone",
        kind="consultation",
        description="请问营业执照怎么办？",
        phone="13812345678",
    )
    session.commit()
    return ticket


@pytest.fixture
def article(session, clock):
    found = knowledge.create(
        actor=SUPERVISOR, draft=ArticleDraft(title="营业执照办理", body=ANSWER)
    )
    session.commit()
    return found


def _events(session, ticket: Ticket) -> list[TicketEvent]:
    return list(
        session.scalars(
            select(TicketEvent).where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id)
        )
    )


def _sms(session, ticket: Ticket) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id)))


def test_an_operator_closes_a_consultation_with_the_answer_from_an_article(
    operator, session, consultation, article
) -> None:
    response = operator.post(url(consultation), json={"text": ANSWER, "article": article.id})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "closed"
    assert body["unit"] is None
    assert body["reply"]["text"] == ANSWER

    event = _events(session, consultation)[-1]
    assert (event.type, event.from_status, event.to_status) == (
        "resolved_at_source",
        "new",
        "closed",
    )
    assert event.actor_id == operator.user.id
    assert event.unit_id is None
    assert event.data == {"article": article.id, "article_title": "营业执照办理", "text": ANSWER}

    (sms,) = _sms(session, consultation)
    assert sms.to == "+8613812345678"
    assert sms.template == "resolved_at_source"
    assert consultation.number in sms.body
    assert "一网通办平台在线申请" in sms.body
    assert sms.body.startswith("【12345热线】")


def test_a_supervisor_may_answer_without_an_article_and_from_triage(client, session, clock) -> None:
    ticket = tx.route(new_ticket(kind="consultation"))  # nobody is confident: triage
    assert ticket.status == "triage"
    session.commit()
    supervisor = caller(client, UserFactory(role="supervisor"))
    response = supervisor.post(url(ticket), json={"text": "  社保卡可到任一银行网点补办。 "})
    assert response.status_code == 200, response.get_json()
    session.refresh(ticket)
    assert ticket.status == "closed"
    assert ticket.reply_text == "社保卡可到任一银行网点补办。"
    assert _events(session, ticket)[-1].data["article"] is None


def test_a_dispatched_consultation_is_the_units_to_answer_409(operator, session, unit) -> None:
    ticket = ticket_in("dispatched", unit=unit, kind="consultation")
    session.commit()
    response = operator.post(url(ticket), json={"text": ANSWER})
    assert response.status_code == 409
    assert response.get_json()["error"]["current_status"] == "dispatched"
    session.refresh(ticket)
    assert ticket.status == "dispatched"
    assert "resolved_at_source" not in {m.template for m in _sms(session, ticket)}


@pytest.mark.parametrize("kind", ["complaint", "report", "help", "suggestion"])
def test_only_a_consultation_is_resolved_at_source_409(operator, session, clock, kind) -> None:
    ticket = new_ticket(kind=kind)
    session.commit()
    response = operator.post(url(ticket), json={"text": ANSWER})
    assert response.status_code == 409
    assert "consultation" in response.get_json()["error"]["message"]
    session.refresh(ticket)
    assert ticket.status == "new"


def test_unit_staff_may_not_resolve_their_own_units_ticket_403(agent, session, unit) -> None:
    ticket = ticket_in("dispatched", unit=unit, kind="consultation")
    session.commit()
    assert agent.post(url(ticket), json={"text": ANSWER}).status_code == 403


def test_unit_staff_do_not_even_see_an_undispatched_ticket_404(agent, consultation) -> None:
    assert agent.post(url(consultation), json={"text": ANSWER}).status_code == 404


@pytest.mark.parametrize("role", ["inspector", "admin", "special_supervisor"])
def test_other_roles_are_403(client, session, consultation, role) -> None:
    someone = caller(client, UserFactory(role=role))
    assert someone.post(url(consultation), json={"text": ANSWER}).status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "text"),
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "答" * 4001}, "text"),
        ({"text": ANSWER, "article": "abc"}, "article"),
        ({"text": ANSWER, "article": 0}, "article"),
        ({"text": ANSWER, "article": 2**40}, "article"),
        ({"text": ANSWER, "article": 99_999}, "article"),
        ({"text": ["答复"]}, "text"),
    ],
)
def test_bad_input_is_422_naming_the_field(operator, session, consultation, body, field) -> None:
    response = operator.post(url(consultation), json=body)
    assert response.status_code == 422, response.get_json()
    assert field in error_fields(response)
    session.refresh(consultation)
    assert consultation.status == "new"
    assert _sms(session, consultation) == []


def test_an_archived_or_expired_article_is_422(operator, session, consultation, article) -> None:
    expired = knowledge.create(
        actor=SUPERVISOR,
        draft=ArticleDraft(title="旧口径", body="……", valid_to=date(2026, 9, 29)),
    )
    knowledge.archive(article=article, actor=SUPERVISOR, version=article.version)
    session.commit()
    for stale in (article.id, expired.id):
        response = operator.post(url(consultation), json={"text": ANSWER, "article": stale})
        assert response.status_code == 422
        assert error_fields(response) == {"article": ["not in force"]}


def test_a_stale_version_is_409(operator, session, consultation) -> None:
    stale = consultation.version
    operator.post(url(consultation), json={"text": ANSWER})
    response = operator.post(url(consultation), json={"text": ANSWER, "version": stale})
    assert response.status_code == 409


def test_the_caller_of_an_english_ticket_gets_the_english_sms(operator, session, clock) -> None:
    ticket = new_ticket(kind="consultation", locale="en")
    session.commit()
    operator.post(url(ticket), json={"text": "Apply online at the one-stop portal."})
    (sms,) = _sms(session, ticket)
    assert sms.body.startswith("[12345 Hotline] Your question")
    assert "one-stop portal" in sms.body
