"""Writing articles: who may, what an article must hold, and the history every change leaves."""

from __future__ import annotations

from datetime import date

import pytest

from hotline.core.actor import Actor
from hotline.core.errors import Conflict, Forbidden, ValidationFailed
from hotline.core.fulltext import words
from hotline.knowledge import service as knowledge
from hotline.knowledge.service import ArticleDraft
from tests.factories import CategoryFactory, UnitFactory
from tests.knowledge.conftest import EDITOR


def _draft(**fields) -> ArticleDraft:
    values = {"title": "营业执照办理", "body": "可登录一网通办平台在线申请。"} | fields
    return ArticleDraft(**values)


def test_a_new_article_is_in_force_searchable_and_its_creation_is_the_first_revision(
    session, clock
) -> None:
    CategoryFactory(code="biz_approval")
    UnitFactory(code="C-SCJG")
    article = knowledge.create(
        actor=EDITOR,
        draft=_draft(category="biz_approval", unit="C-SCJG", valid_from=date(2026, 1, 1)),
    )
    assert article.in_force(knowledge.today())
    assert article.version == 1
    assert set(words("营业执照")) <= set(article.search_tokens.split())
    (created,) = knowledge.revisions(article.id)
    assert (created.action, created.version, created.actor_label) == ("created", 1, EDITOR.label)
    assert created.changes["title"] == {"from": None, "to": "营业执照办理"}
    assert created.changes["category"] == {"from": None, "to": "biz_approval"}
    assert created.changes["valid_from"] == {"from": None, "to": "2026-01-01"}
    assert "valid_to" not in created.changes


def test_an_edit_keeps_the_old_and_new_text_and_bumps_the_version(write, clock) -> None:
    article = write("公积金提取", "租房提取每年一次。")
    clock.set("2026-10-08T09:00:00+08:00")
    knowledge.update(
        article=article,
        actor=EDITOR,
        draft=_draft(title="公积金提取", body="租房提取每年两次。", source="市公积金中心口径"),
        version=1,
    )
    assert article.version == 2
    edited = knowledge.revisions(article.id)[-1]
    assert edited.action == "edited"
    assert edited.version == 2
    assert edited.changes == {
        "body": {"from": "租房提取每年一次。", "to": "租房提取每年两次。"},
        "source": {"from": None, "to": "市公积金中心口径"},
    }
    assert edited.at.isoformat() == "2026-10-08T01:00:00+00:00"
    assert "两次" in article.search_tokens.split()


def test_an_edit_that_changes_nothing_leaves_no_revision(write) -> None:
    article = write("公积金提取", "租房提取每年一次。")
    knowledge.update(
        article=article,
        actor=EDITOR,
        draft=_draft(title=" 公积金提取 ", body="租房提取每年一次。"),
        version=1,
    )
    assert article.version == 1
    assert [r.action for r in knowledge.revisions(article.id)] == ["created"]


def test_a_stale_or_missing_version_is_refused(write) -> None:
    article = write("公积金提取", "租房提取每年一次。")
    knowledge.update(article=article, actor=EDITOR, draft=_draft(), version=1)
    with pytest.raises(Conflict) as stale:
        knowledge.update(article=article, actor=EDITOR, draft=_draft(body="别的"), version=1)
    assert stale.value.extra["current_version"] == 2
    with pytest.raises(ValidationFailed) as missing:
        knowledge.update(article=article, actor=EDITOR, draft=_draft(body="别的"), version=None)
    assert missing.value.fields == {"version": ["required"]}


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"title": "  "}, "title"),
        ({"body": ""}, "body"),
        ({"title": "题" * 201}, "title"),
        ({"category": "no_such_category"}, "category"),
        ({"unit": "NO-SUCH-UNIT"}, "unit"),
        ({"valid_from": date(2026, 10, 1), "valid_to": date(2026, 9, 30)}, "valid_to"),
        ({"valid_from": date(1999, 12, 31)}, "valid_from"),
        ({"source": "源" * 501}, "source"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(session, fields, bad) -> None:
    with pytest.raises(ValidationFailed) as caught:
        knowledge.create(actor=EDITOR, draft=_draft(**fields))
    assert list(caught.value.fields) == [bad]


@pytest.mark.parametrize("role", ["operator", "unit_agent", "unit_head", "inspector"])
def test_only_admins_and_supervisors_write(write, role) -> None:
    someone = Actor(user_id=None, role=role, label=role)
    with pytest.raises(Forbidden):
        knowledge.create(actor=someone, draft=_draft())
    article = write("公积金提取", "租房提取每年一次。")
    with pytest.raises(Forbidden):
        knowledge.update(article=article, actor=someone, draft=_draft(), version=1)
    with pytest.raises(Forbidden):
        knowledge.archive(article=article, actor=someone, version=1)


def test_admins_write_too(session, clock) -> None:
    admin = Actor(user_id=None, role="admin", label="test-admin")
    assert knowledge.create(actor=admin, draft=_draft()).version == 1


def test_archive_and_restore_are_revisions_and_twice_is_a_conflict(write) -> None:
    article = write("公积金提取", "租房提取每年一次。")
    knowledge.archive(article=article, actor=EDITOR, version=1)
    assert not article.in_force(knowledge.today())
    with pytest.raises(Conflict):
        knowledge.archive(article=article, actor=EDITOR, version=article.version)
    knowledge.restore(article=article, actor=EDITOR, version=article.version)
    assert article.in_force(knowledge.today())
    history = knowledge.revisions(article.id)
    assert [(r.action, r.version) for r in history] == [
        ("created", 1),
        ("archived", 2),
        ("restored", 3),
    ]
    assert history[1].changes == {"status": {"from": "active", "to": "archived"}}


def test_an_article_answered_from_must_exist_and_be_in_force(write) -> None:
    current = write("公积金提取", "……")
    expired = write("旧口径", "……", valid_to=date(2026, 9, 29))
    assert knowledge.in_force(current.id, field="article") is current
    for article_id in (expired.id, 99_999, 2**40):
        with pytest.raises(ValidationFailed) as caught:
            knowledge.in_force(article_id, field="article")
        assert list(caught.value.fields) == ["article"]
