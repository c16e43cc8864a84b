"""Finding articles in Chinese: on PostgreSQL through the GIN-indexed tsvector, on SQLite through
the word test (the suite runs on both: TEST_DATABASE_URL picks PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest

from hotline.core.extensions import db
from hotline.core.fulltext import MAX_QUERY_WORDS, match, query_words
from hotline.knowledge import search
from hotline.knowledge import service as knowledge
from hotline.knowledge.models import KnowledgeArticle
from tests.factories import CategoryFactory, UnitFactory
from tests.knowledge.conftest import EDITOR
from tests.support.plans import query_plan

TODAY = date(2026, 9, 30)


@pytest.fixture
def library(write) -> dict[str, KnowledgeArticle]:
    return {
        "licence": write(
            "营业执照办理",
            "个体工商户和企业办理营业执照，可登录一网通办平台在线申请，"
            "或携带身份证到市民中心商事登记窗口办理，材料齐全的当场发证。",
        ),
        "fund": write(
            "住房公积金提取",
            "购房、租房、退休可以提取住房公积金。租房提取每年一次，需提供租赁合同。",
        ),
        "social": write(
            "灵活就业人员社保缴费",
            "灵活就业人员可按月或按年缴纳养老保险和医疗保险，缴费基数在规定范围内自选。"
            "注销营业执照后改为灵活就业参保的，到社保经办机构办理登记。",
        ),
        "property": write(
            "不动产登记办理时限",
            "一般不动产登记五个工作日内办结，抵押登记一个工作日办结。",
        ),
    }


def _titles(q: str | None, *, on: date | None = TODAY) -> list[str]:
    return [a.title for a in db.session.scalars(search.query(q=q, in_force_on=on))]


def test_a_question_finds_the_article_about_it(library) -> None:
    assert _titles("怎么办营业执照")[0] == "营业执照办理"
    assert _titles("公积金提取需要什么材料")[0] == "住房公积金提取"
    assert _titles("不动产登记要几天")[0] == "不动产登记办理时限"


def test_the_article_about_it_ranks_above_one_that_only_mentions_it(library) -> None:
    # Both speak of 营业执照; only one is about it (its title names it).
    found = _titles("营业执照")
    assert found[:2] == ["营业执照办理", "灵活就业人员社保缴费"]


def test_words_in_full_width_or_capitals_match_their_plain_form(write) -> None:
    write("ETC 卡办理", "ＥＴＣ卡可在银行网点办理。")
    assert _titles("etc") == ["ETC 卡办理"]


def test_only_articles_in_force_today_are_offered(write) -> None:
    write("社保缴费基数 2026", "2026 年度社保缴费基数……", valid_from=date(2026, 7, 1))
    write("社保缴费基数 2025", "2025 年度社保缴费基数……", valid_to=date(2026, 6, 30))
    write("社保缴费基数 2027", "2027 年度社保缴费基数……", valid_from=date(2027, 1, 1))
    last_day = write("社保缴费基数 临时", "……", valid_to=TODAY)
    archived = write("社保缴费基数 旧口径", "……")
    knowledge.archive(article=archived, actor=EDITOR, version=archived.version)

    assert sorted(_titles("社保缴费基数")) == ["社保缴费基数 2026", "社保缴费基数 临时"]
    # Editors see every one of them.
    assert len(_titles("社保缴费基数", on=None)) == 5
    assert last_day.in_force(TODAY)
    assert not last_day.in_force(date(2026, 10, 1))


def test_no_query_lists_the_newest_first(library, clock) -> None:
    clock.set("2026-09-30T11:00:00+08:00")
    fund = library["fund"]
    knowledge.update(
        article=fund,
        actor=EDITOR,
        draft=knowledge.ArticleDraft(title=fund.title, body=fund.body + "（已更新）"),
        version=fund.version,
    )
    assert _titles(None)[0] == "住房公积金提取"
    assert len(_titles("  ")) == 4


def test_a_query_of_stop_words_or_punctuation_finds_nothing(library) -> None:
    assert _titles("请问怎么办？") == []
    assert _titles("%") == []
    assert _titles("_") == []


@pytest.mark.parametrize(
    "hostile",
    [
        "营业执照' OR 1=1 --",
        "营业执照 & | ! ( ) : * <-> \\",
        "营业执照%' AND '%'='",
        "or or 营业执照 or",
    ],
)
def test_query_syntax_and_sql_in_a_query_are_just_text(library, hostile: str) -> None:
    assert _titles(hostile)[0] == "营业执照办理"


def test_search_operators_typed_are_words_too(library) -> None:
    # "-公积金" excludes nothing: any word typed counts for an article, none against it.
    assert set(_titles('"营业执照" -公积金')[:2]) == {"营业执照办理", "住房公积金提取"}


def test_a_ten_thousand_character_query_is_answered_from_its_first_words(library) -> None:
    question = "我想问一下营业执照怎么办理，" + "材料" * 5_000
    assert len(question) > 10_000
    assert len(query_words(question)) <= MAX_QUERY_WORDS
    assert _titles(question)[0] == "营业执照办理"


def test_top_offers_nothing_for_nothing_typed(library) -> None:
    assert search.top("", on=TODAY) == []
    assert [a.title for a in search.top("公积金", on=TODAY)] == ["住房公积金提取"]


def test_filters_by_category_and_unit(library, write) -> None:
    unit = UnitFactory(code="C-RSJ")
    category = CategoryFactory(code="social_insurance")
    write("社保卡补办", "社保卡遗失可到银行网点补办。", category="social_insurance", unit="C-RSJ")
    stmt = search.query(q="社保", in_force_on=TODAY, category_id=category.id)
    assert [a.title for a in db.session.scalars(stmt)] == ["社保卡补办"]
    stmt = search.query(q=None, in_force_on=TODAY, unit_id=unit.id)
    assert [a.title for a in db.session.scalars(stmt)] == ["社保卡补办"]


def test_the_search_reads_the_gin_index_on_postgresql(library) -> None:
    """EXPLAIN: PostgreSQL answers from ix_knowledge_articles_search, not by reading every row
    (SQLite has no tsvector: it reads the token column, which this test cannot pin)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    A = KnowledgeArticle
    found = match(A.search_tokens, A.search_vector, query_words("营业执照"))
    assert found is not None
    plan = query_plan(db.select(KnowledgeArticle.id).where(found.where))
    assert "ix_knowledge_articles_search" in plan


def test_postgresql_keeps_the_words_vector_up_to_date_with_every_edit(library) -> None:
    """The stored tsvector the index and the ranking read follows the words (SQLite has none:
    its search reads the words themselves, and the column stays empty)."""
    fund = library["fund"]
    knowledge.update(
        article=fund,
        actor=EDITOR,
        draft=knowledge.ArticleDraft(title=fund.title, body="退休时一次性提取。"),
        version=fund.version,
    )
    vector = db.session.scalar(
        db.select(KnowledgeArticle.search_vector.cast(db.Text)).where(
            KnowledgeArticle.id == fund.id
        )
    )
    if db.session.get_bind().dialect.name != "postgresql":
        assert vector is None
        return
    assert "'退休'" in vector
    assert "'租房'" not in vector  # the old body's words are gone
