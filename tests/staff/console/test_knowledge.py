"""The knowledge base on the operator console: articles found as the complaint is typed, and a
call logged and closed at source (直接办结) in one step."""

from __future__ import annotations

from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from hotline.calls.models import CallbackTask
from hotline.core.actor import Actor
from hotline.core.clock import utcnow
from hotline.core.extensions import db
from hotline.knowledge import service as knowledge
from hotline.knowledge.models import KnowledgeArticle
from hotline.knowledge.service import ArticleDraft
from hotline.notify.models import OutboxMessage
from hotline.tickets.models import Ticket, TicketEvent
from tests.factories import CategoryFactory

EDITOR = Actor(user_id=None, role="supervisor", label="值班长")
ANSWER = "个体工商户办理营业执照，可登录一网通办平台在线申请，材料齐全的当场发证。"


@pytest.fixture
def licence(staff, clock) -> KnowledgeArticle:
    knowledge.create(
        actor=EDITOR,
        draft=ArticleDraft(title="营业执照年检", body="已取消。", valid_to=date(2026, 1, 1)),
    )
    return knowledge.create(actor=EDITOR, draft=ArticleDraft(title="营业执照办理", body=ANSWER))


def _tickets() -> int:
    return db.session.scalar(select(func.count()).select_from(Ticket))


def _flashes(client: FlaskClient) -> list[tuple[str, str]]:
    with client.session_transaction() as sess:
        return list(sess.get("_flashes", []))


def _call(**fields: str) -> dict[str, str]:
    return {
        "phone": "13812345678",
        "description": "请问个体户营业执照怎么办？",
        "kind": "consultation",
        "answer": ANSWER,
    } | fields


def test_articles_in_force_appear_as_the_complaint_is_typed(login, staff, licence) -> None:
    html = (
        login(staff.operator)
        .get("/console/knowledge", query_string={"q": "您好，我想问一下营业执照怎么办"})
        .get_data(as_text=True)
    )
    assert "<html" not in html  # an htmx partial
    assert "营业执照办理" in html
    assert "营业执照年检" not in html  # expired
    assert f'data-answer-with="{licence.id}"' in html
    assert f'data-answer="{ANSWER}"' in html
    assert "用此答复直接办结" in html


def test_nothing_typed_or_nothing_found_says_so(login, staff, licence) -> None:
    client = login(staff.operator)
    assert "输入诉求内容后显示" in client.get("/console/knowledge").get_data(as_text=True)
    none = client.get("/console/knowledge", query_string={"q": "路灯不亮"}).get_data(as_text=True)
    assert 'data-test="kb-none"' in none


def test_the_panel_is_on_the_new_call_form_and_searches_as_the_description_changes(
    login, staff
) -> None:
    html = login(staff.operator).get("/console").get_data(as_text=True)
    assert 'hx-get="/console/knowledge"' in html
    # from the card, not the textarea: a fresh form after each logged call replaces the textarea
    assert 'hx-trigger="input delay:600ms from:#callform-card"' in html
    assert "js/console-knowledge.js" in html
    assert 'formaction="/console/calls/resolve"' in html


@pytest.mark.parametrize("who", ["agent", "inspector", "admin"])
def test_the_console_panel_is_the_hotlines(login, staff, who) -> None:
    client = login(getattr(staff, who))
    assert client.get("/console/knowledge?q=营业执照").status_code == 403
    assert client.post("/console/calls/resolve", data=_call()).status_code == 403


def test_a_call_is_logged_and_resolved_at_source_in_one_step(login, staff, licence) -> None:
    client = login(staff.operator)
    response = client.post(
        "/console/calls/resolve", data=_call(article=str(licence.id), unit=staff.unit.code)
    )
    assert response.status_code == 302
    number = response.headers["Location"].rsplit("/", 1)[1]
    ticket = db.session.scalar(select(Ticket).where(Ticket.number == number))
    assert (ticket.status, ticket.channel, ticket.kind) == ("closed", "phone", "consultation")
    assert ticket.unit_id is None  # never dispatched, whatever unit the form had
    assert ticket.reply_text == ANSWER
    types = db.session.scalars(
        select(TicketEvent.type).where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id)
    ).all()
    assert types == ["created", "resolved_at_source"]
    sms = db.session.scalar(select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id))
    assert sms.to == "+8613812345678"
    assert number in sms.body

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "直接办结" in page
    assert "已办结" in page
    assert f'href="/knowledge/{licence.id}"' in page
    assert f"已直接办结工单 {number}，答复已短信告知来电人。" in page  # the flash


def test_a_missed_call_answered_at_source_closes_its_task(login, staff, licence) -> None:
    task = CallbackTask(phone="+8613812345678", status="open", created_at=utcnow())
    db.session.add(task)
    db.session.flush()
    login(staff.supervisor).post("/console/calls/resolve", data=_call(task=str(task.id)))
    assert db.session.get(CallbackTask, task.id).status == "done"


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"kind": "complaint"}, "kind"),
        ({"kind": ""}, "kind"),
        ({"answer": "  "}, "answer"),
        ({"article": "abc"}, "article"),
        ({"article": "²"}, "article"),
        ({"article": "99999999999"}, "article"),
        ({"article": "99999"}, "article"),
        ({"description": ""}, "description"),
        ({"phone": "not a phone"}, "phone"),
    ],
)
def test_a_refusal_names_the_field_and_logs_nothing(login, staff, licence, fields, named) -> None:
    client = login(staff.operator)
    before = _tickets()
    response = client.post("/console/calls/resolve", data=_call(**fields))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/console?phone=")
    [(kind, message)] = _flashes(client)
    assert kind == "error"
    assert named in message
    assert _tickets() == before


def test_an_article_archived_since_it_was_offered_is_refused(login, staff, licence) -> None:
    knowledge.archive(article=licence, actor=EDITOR, version=licence.version)
    client = login(staff.operator)
    client.post("/console/calls/resolve", data=_call(article=str(licence.id)))
    [(kind, message)] = _flashes(client)
    assert (kind, "article" in message) == ("error", True)


def test_the_panel_reads_the_same_few_queries_for_one_article_or_five(
    login, staff, clock, count_queries
) -> None:
    def article() -> None:
        knowledge.create(
            actor=EDITOR,
            draft=ArticleDraft(
                title="营业执照办理", body=ANSWER, category="biz_approval", unit=staff.unit.code
            ),
        )

    CategoryFactory(code="biz_approval")
    article()
    client = login(staff.operator)
    url = "/console/knowledge?q=营业执照"
    client.get(url)
    with count_queries() as few:
        client.get(url)
    for _ in range(4):
        article()
    with count_queries() as many:
        assert client.get(url).get_data(as_text=True).count('data-test="kb-hit"') == 5
    assert len(many) == len(few)
