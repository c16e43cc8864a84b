"""/api/v1/knowledge: search and read for every staff role, writes for admins and supervisors."""

from __future__ import annotations

import pytest

from tests.factories import CategoryFactory, UnitFactory, UserFactory
from tests.support.api import Caller, caller, error_fields

ARTICLE = {
    "title": "营业执照办理",
    "body": "个体工商户办理营业执照，可登录一网通办平台在线申请，材料齐全的当场发证。",
    "category": "biz_approval",
    "unit": "C-SCJG",
    "valid_from": "2026-01-01",
    "valid_to": "2026-12-31",
    "source": "市市场监管局答复口径（2026 年 3 月）",
}


@pytest.fixture
def admin(client, session) -> Caller:
    return caller(client, UserFactory(role="admin"))


@pytest.fixture
def reference(session) -> None:
    CategoryFactory(code="biz_approval", name="营商环境-行政审批")
    UnitFactory(code="C-SCJG", name="市市场监督管理局")


@pytest.fixture
def article(supervisor, reference, clock) -> dict:
    response = supervisor.post("/api/v1/knowledge", json=ARTICLE)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_supervisor_adds_an_article_and_reads_it_back_with_its_history(article) -> None:
    assert article["title"] == "营业执照办理"
    assert article["category"] == {"code": "biz_approval", "name": "营商环境-行政审批"}
    assert article["unit"] == {"code": "C-SCJG", "name": "市市场监督管理局"}
    assert (article["valid_from"], article["valid_to"]) == ("2026-01-01", "2026-12-31")
    assert article["status"] == "active"
    assert article["in_force"] is True
    assert article["version"] == 1
    assert [r["action"] for r in article["revisions"]] == ["created"]


def test_any_staff_member_finds_it_from_a_question(article, client, session) -> None:
    for role in ("operator", "unit_agent", "inspector"):
        reader = caller(client, UserFactory(role=role))
        response = reader.get("/api/v1/knowledge", query_string={"q": "怎么办营业执照"})
        assert response.status_code == 200, (role, response.get_json())
        body = response.get_json()
        assert [a["title"] for a in body["items"]] == ["营业执照办理"]
        assert (body["total"], body["page"], body["pages"]) == (1, 1, 1)


def test_an_edit_with_the_current_version_is_kept_and_a_stale_one_is_409(
    article, supervisor, admin
) -> None:
    url = f"/api/v1/knowledge/{article['id']}"
    edited = supervisor.put(url, json=ARTICLE | {"body": "改为全程网办。", "version": 1})
    assert edited.status_code == 200, edited.get_json()
    assert edited.headers["ETag"] == '"2"'
    latest = edited.get_json()["revisions"][-1]
    assert latest["action"] == "edited"
    assert latest["changes"] == {"body": {"from": ARTICLE["body"], "to": "改为全程网办。"}}

    stale = admin.put(url, json=ARTICLE | {"body": "admin 的改法", "version": 1})
    assert stale.status_code == 409
    assert stale.get_json()["error"]["current_version"] == 2
    assert supervisor.get(url).get_json()["body"] == "改为全程网办。"


def test_a_put_without_a_version_names_it(article, supervisor) -> None:
    response = supervisor.put(f"/api/v1/knowledge/{article['id']}", json=ARTICLE)
    assert response.status_code == 422
    assert "version" in error_fields(response)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"body": None}, "body"),
        ({"valid_to": "2025-12-31"}, "valid_to"),
        ({"valid_from": "2026-02-30"}, "valid_from"),
        ({"valid_from": "0001-01-01"}, "valid_from"),
        ({"category": "no_such_category"}, "category"),
        ({"unit": "NO-SUCH-UNIT"}, "unit"),
        ({"title": "题" * 201}, "title"),
        ({"title": ["营业执照"]}, "title"),
    ],
)
def test_bad_input_is_422_naming_the_field(supervisor, reference, clock, change, field) -> None:
    response = supervisor.post("/api/v1/knowledge", json=ARTICLE | change)
    assert response.status_code == 422, response.get_json()
    assert field in error_fields(response)
    assert supervisor.get("/api/v1/knowledge").get_json()["total"] == 0


@pytest.mark.parametrize("role", ["operator", "unit_agent", "unit_head", "inspector"])
def test_other_roles_may_not_write(article, client, session, role) -> None:
    user = caller(client, UserFactory(role=role, unit=UnitFactory() if "unit" in role else None))
    url = f"/api/v1/knowledge/{article['id']}"
    assert user.post("/api/v1/knowledge", json=ARTICLE).status_code == 403
    assert user.put(url, json=ARTICLE | {"version": 1}).status_code == 403
    assert user.post(f"{url}/archive", json={"version": 1}).status_code == 403
    assert user.get("/api/v1/knowledge", query_string={"all": "true"}).status_code == 403


def test_an_archived_article_is_found_only_by_editors_asking_for_all(
    article, supervisor, operator
) -> None:
    url = f"/api/v1/knowledge/{article['id']}"
    archived = supervisor.post(f"{url}/archive", json={"version": 1})
    assert archived.status_code == 200
    assert (archived.get_json()["status"], archived.get_json()["in_force"]) == ("archived", False)
    assert supervisor.post(f"{url}/archive", json={"version": 2}).status_code == 409
    assert (
        operator.get("/api/v1/knowledge", query_string={"q": "营业执照"}).get_json()["items"] == []
    )
    everything = supervisor.get("/api/v1/knowledge", query_string={"q": "营业执照", "all": "1"})
    assert [a["id"] for a in everything.get_json()["items"]] == [article["id"]]
    # Anyone may still read it (a closed ticket names it).
    assert operator.get(url).get_json()["status"] == "archived"
    restored = supervisor.post(f"{url}/restore", json={"version": 2})
    assert restored.get_json()["in_force"] is True


def test_filters_by_category_and_unit_codes_and_unknown_codes_are_422(article, operator) -> None:
    found = operator.get("/api/v1/knowledge", query_string={"category": "biz_approval"})
    assert found.get_json()["total"] == 1
    found = operator.get("/api/v1/knowledge", query_string={"unit": "C-SCJG"})
    assert found.get_json()["total"] == 1
    assert "category" in error_fields(
        operator.get("/api/v1/knowledge", query_string={"category": "nope"})
    )
    assert "unit" in error_fields(operator.get("/api/v1/knowledge", query_string={"unit": "nope"}))


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"page": "0"}, "page"),
        ({"per_page": "1000"}, "per_page"),
        ({"all": "maybe"}, "all"),
        ({"q": "问" * 10_001}, "q"),
    ],
)
def test_junk_query_arguments_are_422(operator, args, field) -> None:
    response = operator.get("/api/v1/knowledge", query_string=args)
    assert response.status_code == 422
    assert field in error_fields(response)


def test_a_ten_thousand_character_question_is_answered(article, operator) -> None:
    question = "营业执照" + "问" * 9_996
    response = operator.get("/api/v1/knowledge", query_string={"q": question})
    assert response.status_code == 200
    assert response.get_json()["items"][0]["title"] == "营业执照办理"


def test_unknown_and_absurd_ids_are_404(operator) -> None:
    for article_id in (12345, 2**31, 2**63):
        assert operator.get(f"/api/v1/knowledge/{article_id}").status_code == 404


def test_no_token_is_401(client) -> None:
    assert client.get("/api/v1/knowledge").status_code == 401
    assert client.post("/api/v1/knowledge", json=ARTICLE).status_code == 401
