"""The demo's knowledge base: a dozen articles to search, one edited and one archived, and a few
triaged consultations answered from them at source."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from hotline.core.extensions import db
from hotline.knowledge import search
from hotline.knowledge import service as knowledge
from hotline.knowledge.models import KnowledgeArticle, KnowledgeRevision
from hotline.seed.demo import load_reference, load_tickets
from hotline.seed.knowledge import ANSWERED_AT_SOURCE, load_knowledge
from hotline.tickets.models import Ticket, TicketEvent

NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)
TODAY = date(2026, 12, 2)


def test_the_demo_knowledge_base_answers_real_questions(session) -> None:
    load_reference(now=NOW)
    load_tickets(now=NOW, count=80)
    summary = load_knowledge(now=NOW)
    assert summary["articles"] >= 12

    for question, title in (
        ("怎么办营业执照", "营业执照办理（企业开办）"),
        ("请问个体户营业执照怎么办", "营业执照办理（企业开办）"),  # the README's demo
        ("公积金怎么提取", "住房公积金提取"),
        ("个体户要交什么税", "个体工商户税费缴纳"),
        ("不动产登记要几天", "不动产登记办理时限"),
        ("灵活就业怎么交社保", "灵活就业人员社保缴费"),
    ):
        assert search.top(question, on=TODAY, limit=1)[0].title == title, question

    archived = db.session.scalar(
        select(KnowledgeArticle).where(KnowledgeArticle.title == "营业执照年检")
    )
    assert not archived.in_force(TODAY)
    actions = set(db.session.scalars(select(KnowledgeRevision.action)))
    assert actions == {"created", "edited", "archived"}
    fund = db.session.scalar(
        select(KnowledgeArticle).where(KnowledgeArticle.title == "住房公积金提取")
    )
    assert "每年可办理两次" in fund.body
    assert [r.action for r in knowledge.revisions(fund.id)] == ["created", "edited"]


def test_some_triaged_consultations_are_answered_at_source(session) -> None:
    load_reference(now=NOW)
    load_tickets(now=NOW, count=120)
    answered = load_knowledge(now=NOW)["resolved_at_source"]
    assert 1 <= answered <= ANSWERED_AT_SOURCE
    events = db.session.scalars(
        select(TicketEvent).where(TicketEvent.type == "resolved_at_source")
    ).all()
    assert len(events) == answered
    for event in events:
        ticket = db.session.get(Ticket, event.ticket_id)
        assert (ticket.status, ticket.kind, ticket.unit_id) == ("closed", "consultation", None)
        assert event.data["article"] is not None
        assert event.at <= NOW
