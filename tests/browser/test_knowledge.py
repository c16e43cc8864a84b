"""直接办结 in headless Chromium: an operator types a caller's question on the console, the
knowledge base offers the answer, one click fills it, and the call is closed at source; the
ticket page says 直接办结 and names the article."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from hotline.core.actor import Actor
from hotline.core.extensions import db
from hotline.knowledge import service as knowledge
from hotline.knowledge.service import ArticleDraft
from hotline.notify.models import OutboxMessage
from hotline.tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.committed]

ANSWER = (
    "个体工商户办理营业执照，可登录“一网通办”平台在线申请，或到市民中心商事登记窗口办理。"
    "需准备身份证、经营场所证明，材料齐全的当场发照，全程免费。"
)


def _articles(live_app) -> int:
    with live_app.app_context():
        editor = Actor(role="supervisor", label="值班长")
        knowledge.create(
            actor=editor,
            draft=ArticleDraft(
                title="住房公积金提取", body="租房提取每年可办理两次，可通过公积金 APP 线上办理。"
            ),
        )
        licence = knowledge.create(
            actor=editor,
            draft=ArticleDraft(
                title="营业执照办理（个体工商户）",
                body=ANSWER,
                category="biz_approval",
                unit="C-SCJG",
                source="市市场监管局答复口径",
            ),
        )
        db.session.commit()
        return licence.id


def test_an_operator_answers_a_question_from_the_knowledge_base_and_closes_it(
    browser, live_server, live_app, shoot
) -> None:
    article_id = _articles(live_app)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1360, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", "operator")
    page.fill("input[name=password]", "operator123")
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/console$"))

    page.fill("#phone", "13812345678")
    page.fill("#description", "您好，我想问一下个体户营业执照怎么办，要带什么材料？")
    hit = page.locator("[data-test=kb-hit]").first
    hit.wait_for()
    assert "营业执照办理（个体工商户）" in hit.inner_text()
    assert "住房公积金提取" not in page.inner_text("#knowledge")
    shoot(page, "knowledge-01-console-article-offered")

    hit.locator("[data-test=use-article]").click()
    assert page.input_value("#answer") == ANSWER
    assert page.input_value("#article") == str(article_id)
    assert page.input_value("#callform select[name=kind]") == "consultation"
    assert "营业执照办理（个体工商户）" in page.inner_text("[data-test=article-used]")
    shoot(page, "knowledge-02-answer-filled")

    page.click("[data-test=resolve-at-source]")
    page.wait_for_url(re.compile(r"/tickets/\d{8}-\d{6}$"))
    number = page.url.rsplit("/", 1)[1]
    assert "已办结" in page.inner_text(".pagehead")
    timeline = page.inner_text(".timeline")
    assert "直接办结" in timeline
    assert "营业执照办理（个体工商户）" in page.inner_text("[data-test=answered-from]")
    assert "当场发照" in page.inner_text(".desctext >> nth=1")  # the answer, under the question
    shoot(page, "knowledge-03-ticket-resolved-at-source")

    with live_app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.number == number))
        assert (ticket.status, ticket.kind, ticket.unit_id) == ("closed", "consultation", None)
        sms = db.session.scalar(select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id))
        assert sms.to == "+8613812345678"
        assert number in sms.body
    context.close()


def test_the_typed_search_is_sent_short_whatever_the_complaint_length(
    browser, live_server, live_app
) -> None:
    """The panel searches the start of the complaint (200 characters), so a 4,000-character
    complaint never makes a GET URL a proxy would refuse."""
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", "operator")
    page.fill("input[name=password]", "operator123")
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/console$"))
    with page.expect_request(re.compile(r"/console/knowledge\?")) as sent:
        page.fill("#description", "营业执照" + "很" * 3990)
    url = sent.value.url
    assert len(url) < 2_500, len(url)
    assert "description=" not in url
    context.close()


def test_a_supervisor_edits_an_article_and_reads_its_history(
    browser, live_server, live_app, shoot
) -> None:
    with live_app.app_context():
        article = knowledge.create(
            actor=Actor(role="supervisor", label="值班长"),
            draft=ArticleDraft(
                title="不动产登记办理时限",
                body="一般登记 5 个工作日内办结，抵押登记 1 个工作日内办结。",
                unit="C-ZWFW",
            ),
        )
        db.session.commit()
        article_id = article.id
    context = browser.new_context(locale="zh-CN", viewport={"width": 1360, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", "supervisor")
    page.fill("input[name=password]", "supervisor123")
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/console$"))

    page.click("[data-test=nav-knowledge]")
    page.fill("[data-test=kb-q]", "不动产登记要几天")
    page.press("[data-test=kb-q]", "Enter")
    page.wait_for_url(re.compile(r"/knowledge\?"))
    assert "不动产登记办理时限" in page.inner_text("[data-test=kb-list]")
    shoot(page, "knowledge-04-list-search")

    page.click(f"[data-article='{article_id}'] a")
    page.click("[data-test=edit-article]")
    page.fill("textarea[name=body]", "一般登记 3 个工作日内办结，抵押登记即时办结。")
    page.fill("input[name=valid_to]", "2027-12-31")
    page.click("[data-test=save-article]")
    page.wait_for_url(re.compile(rf"/knowledge/{article_id}$"))
    history = page.inner_text("[data-test=revisions]")
    assert "修改" in history
    assert "一般登记 3 个工作日内办结" in history
    assert "2027-12-31" in history
    shoot(page, "knowledge-05-article-history")
    context.close()
