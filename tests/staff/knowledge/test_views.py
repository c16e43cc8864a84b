"""/knowledge pages: every staff role searches and reads; admins and supervisors write, with the
form kept on a refusal, archive and restore; the history is on the article's page."""

from __future__ import annotations

import re
from datetime import date

import pytest

from hotline.core.actor import Actor
from hotline.knowledge import service as knowledge
from hotline.knowledge.models import KnowledgeArticle
from hotline.knowledge.service import ArticleDraft
from tests.factories import CategoryFactory

EDITOR = Actor(user_id=None, role="supervisor", label="值班长")


@pytest.fixture
def articles(staff, clock) -> dict[str, KnowledgeArticle]:
    CategoryFactory(code="biz_approval", name="营商环境-行政审批")
    draft = ArticleDraft
    return {
        "licence": knowledge.create(
            actor=EDITOR,
            draft=draft(
                title="营业执照办理",
                body="可登录一网通办平台在线申请，材料齐全的当场发证。",
                category="biz_approval",
            ),
        ),
        "old": knowledge.create(
            actor=EDITOR,
            draft=draft(title="营业执照年检（已取消）", body="……", valid_to=date(2026, 1, 1)),
        ),
    }


def _titles(html: str) -> list[str]:
    return re.findall(r'<tr data-article="\d+"><td><a href="[^"]+">([^<]+)</a>', html)


def test_an_operator_searches_and_sees_only_articles_in_force(login, staff, articles) -> None:
    client = login(staff.operator)
    html = client.get("/knowledge?q=怎么办营业执照").get_data(as_text=True)
    assert _titles(html) == ["营业执照办理"]
    assert 'data-test="new-article"' not in html
    # Asking for everything changes nothing for a reader.
    assert _titles(client.get("/knowledge?scope=all").get_data(as_text=True)) == ["营业执照办理"]


def test_an_editor_sees_every_article_and_can_narrow_to_those_in_force(
    login, staff, articles
) -> None:
    client = login(staff.supervisor)
    html = client.get("/knowledge?q=营业执照").get_data(as_text=True)
    assert sorted(_titles(html)) == ["营业执照办理", "营业执照年检（已取消）"]
    assert 'data-test="state-expired"' in html
    assert _titles(client.get("/knowledge?q=营业执照&scope=in_force").get_data(as_text=True)) == [
        "营业执照办理"
    ]


@pytest.mark.parametrize("who", ["unit_agent", "inspector", "admin"])
def test_every_staff_role_reads_an_article(login, staff, articles, who) -> None:
    user = {"unit_agent": staff.agent, "inspector": staff.inspector, "admin": staff.admin}[who]
    page = login(user).get(f"/knowledge/{articles['licence'].id}")
    assert page.status_code == 200
    assert "可登录一网通办平台在线申请" in page.get_data(as_text=True)


def test_a_supervisor_writes_an_article_and_its_history_shows_the_change(
    login, staff, clock
) -> None:
    client = login(staff.supervisor)
    response = client.post(
        "/knowledge/new",
        data={"title": "公积金提取", "body": "租房提取每年一次。", "valid_from": "2026-01-01"},
    )
    assert response.status_code == 302
    url = response.headers["Location"]
    article_id = int(url.rsplit("/", 1)[1])
    edited = client.post(
        f"/knowledge/{article_id}/edit",
        data={"title": "公积金提取", "body": "租房提取每年两次。", "version": "1"},
    )
    assert edited.status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert "租房提取每年两次。" in html
    assert "<del>租房提取每年一次。</del> → <ins>租房提取每年两次。</ins>" in html
    assert "<del>2026-01-01</del> → <ins>—</ins>" in html  # emptied by the edit
    assert html.count(staff.supervisor.username) >= 2  # who made each revision


def test_a_refused_form_is_shown_again_with_what_was_typed(login, staff) -> None:
    client = login(staff.admin)
    response = client.post(
        "/knowledge/new",
        data={"title": "", "body": "一大段答复口径", "valid_from": "2026-03-01"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "title is required" in html
    assert "一大段答复口径" in html
    assert 'value="2026-03-01"' in html


def test_a_stale_edit_is_refused_and_nothing_changes(login, staff, articles) -> None:
    article = articles["licence"]
    client = login(staff.supervisor)
    response = client.post(
        f"/knowledge/{article.id}/edit",
        data={"title": "营业执照办理", "body": "别人的旧稿", "version": "99"},
    )
    assert response.status_code == 409
    assert "别人的旧稿" in response.get_data(as_text=True)  # the editor's text is not lost
    assert knowledge.get(article.id).body.startswith("可登录")


def test_archive_and_restore_from_the_article_page(login, staff, articles) -> None:
    article_id = articles["licence"].id
    client = login(staff.supervisor)
    client.post(f"/knowledge/{article_id}/archive", data={"version": "1"})
    assert knowledge.get(article_id).status == "archived"
    assert _titles(login(staff.operator).get("/knowledge").get_data(as_text=True)) == []
    client = login(staff.supervisor)
    client.post(f"/knowledge/{article_id}/restore", data={"version": "2"})
    assert knowledge.get(article_id).status == "active"


@pytest.mark.parametrize("who", ["operator", "agent", "inspector"])
def test_readers_may_not_write(login, staff, articles, who) -> None:
    client = login(getattr(staff, who))
    article_id = articles["licence"].id
    assert client.get("/knowledge/new").status_code == 403
    assert client.post("/knowledge/new", data={"title": "x", "body": "y"}).status_code == 403
    assert client.get(f"/knowledge/{article_id}/edit").status_code == 403
    assert client.post(f"/knowledge/{article_id}/archive", data={"version": "1"}).status_code == 403
    assert knowledge.get(article_id).status == "active"


def test_unknown_articles_are_404_and_the_search_takes_any_text(login, staff, articles) -> None:
    client = login(staff.operator)
    assert client.get("/knowledge/99999").status_code == 404
    for q in ("' OR 1=1 --", "%", "问" * 20_000, "<script>alert(1)</script>"):
        page = client.get("/knowledge", query_string={"q": q, "page": "x", "category": "nope"})
        assert page.status_code == 200
        assert "<script>alert(1)</script>" not in page.get_data(as_text=True)


def test_the_nav_links_the_knowledge_base_for_hotline_staff_and_admins(login, staff) -> None:
    for user in (staff.operator, staff.supervisor, staff.admin):
        assert 'data-test="nav-knowledge"' in login(user).get("/knowledge").get_data(as_text=True)


def test_the_pages_read_in_english(login, staff, articles) -> None:
    client = login(staff.supervisor)
    html = client.get("/knowledge?lang=en").get_data(as_text=True)
    assert "Knowledge base" in html
    assert "New article" in html
    page = client.get(f"/knowledge/{articles['licence'].id}?lang=en").get_data(as_text=True)
    assert "History" in page
    assert "Archive" in page
