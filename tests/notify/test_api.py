"""GET /api/v1/notices and POST /api/v1/notices/{id}/read: each caller's own, nobody else's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from hotline.core.extensions import db
from hotline.notify import inbox
from hotline.notify.inbox import Audience
from hotline.notify.models import Notice
from tests.factories import UserFactory
from tests.support.api import caller, error_fields

NOW = datetime(2026, 10, 14, 1, 0, tzinfo=UTC)


def _post(audience: Audience, template: str = "overdue", minutes: int = 0, **params) -> int:
    params = params or {"number": "20261001-000001", "due": "2026-10-14 00:00"}
    inbox.post(audience=audience, template=template, now=NOW + timedelta(minutes=minutes), **params)
    return db.session.scalar(select(func.max(Notice.id)))


@pytest.fixture
def notices(unit, other_unit):
    """Two notices for the unit's agents, one for the other unit's, one for supervisors."""
    ids = {
        "mine_old": _post(Audience.unit(unit.id, "unit_agent"), minutes=0),
        "mine_new": _post(Audience.unit(unit.id, "unit_agent"), minutes=1),
        "theirs": _post(Audience.unit(other_unit.id, "unit_agent"), minutes=2),
        "supervisors": _post(
            Audience.role("supervisor"),
            template="return_requested",
            minutes=3,
            unit="市住建局",
            number="20261001-000002",
        ),
    }
    db.session.commit()
    return ids


def test_an_agent_lists_their_units_notices_newest_first_paged(agent, notices):
    body = agent.get("/api/v1/notices").get_json()
    assert [n["id"] for n in body["items"]] == [notices["mine_new"], notices["mine_old"]]
    assert (body["page"], body["per_page"], body["total"], body["pages"]) == (1, 20, 2, 1)
    first = body["items"][0]
    assert first == {
        "id": notices["mine_new"],
        "type": "overdue",
        "text": "工单20261001-000001已超期（期限2026-10-14 00:00），请立即办理。",
        "ticket": "20261001-000001",
        "tickets": [],
        "escalation": None,
        "interview": None,
        "inspection": None,
        "finding": None,
        "created_at": "2026-10-14T09:01:00+08:00",
        "read": False,
        "resolved": None,
    }
    page2 = agent.get("/api/v1/notices?per_page=1&page=2").get_json()
    assert [n["id"] for n in page2["items"]] == [notices["mine_old"]]
    assert page2["pages"] == 2


def test_the_text_follows_the_callers_language(agent, notices):
    body = agent.get("/api/v1/notices?lang=en").get_json()
    assert body["items"][0]["text"] == (
        "Ticket 20261001-000001 is overdue (due 2026-10-14 00:00); act now."
    )


def test_an_agent_of_unit_a_never_sees_unit_bs_notices(agent, other_agent, notices):
    assert notices["theirs"] not in [
        n["id"] for n in agent.get("/api/v1/notices").get_json()["items"]
    ]
    assert [n["id"] for n in other_agent.get("/api/v1/notices").get_json()["items"]] == [
        notices["theirs"]
    ]
    response = agent.post(f"/api/v1/notices/{notices['theirs']}/read")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    # …and their mark was not set by the attempt
    theirs = other_agent.get("/api/v1/notices").get_json()["items"][0]
    assert theirs["read"] is False


def test_a_supervisor_sees_the_supervisors_notices(supervisor, operator, notices):
    items = supervisor.get("/api/v1/notices").get_json()["items"]
    assert [(n["id"], n["type"]) for n in items] == [(notices["supervisors"], "return_requested")]
    assert items[0]["text"] == "市住建局申请退回工单20261001-000002（退单），请审核。"
    assert operator.get("/api/v1/notices").get_json()["items"] == []


def test_read_marks_are_per_user(client, agent, unit, notices):
    colleague = caller(client, UserFactory(role="unit_agent", unit=unit))
    answer = agent.post(f"/api/v1/notices/{notices['mine_new']}/read")
    assert answer.status_code == 200
    assert answer.get_json()["read"] is True
    assert agent.post(f"/api/v1/notices/{notices['mine_new']}/read").status_code == 200  # again
    unread = agent.get("/api/v1/notices?unread=1").get_json()
    assert [n["id"] for n in unread["items"]] == [notices["mine_old"]]
    assert unread["total"] == 1
    theirs = colleague.get("/api/v1/notices?unread=1").get_json()
    assert theirs["total"] == 2


def test_read_all_leaves_nothing_unread_for_that_caller_only(client, agent, unit, notices):
    colleague = caller(client, UserFactory(role="unit_agent", unit=unit))
    answer = agent.post("/api/v1/notices/read-all")
    assert answer.status_code == 200
    assert answer.get_json() == {"unread": 0}
    assert agent.get("/api/v1/notices?unread=1").get_json()["total"] == 0
    assert all(n["read"] for n in agent.get("/api/v1/notices").get_json()["items"])
    assert colleague.get("/api/v1/notices?unread=1").get_json()["total"] == 2


@pytest.mark.parametrize("notice_id", ["999999", "0", "99999999999999999999"])
def test_reading_a_notice_that_does_not_exist_is_404_not_500(agent, notices, notice_id):
    assert agent.post(f"/api/v1/notices/{notice_id}/read").status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [("unread=maybe", "unread"), ("page=0", "page"), ("per_page=1000", "per_page")],
)
def test_bad_list_arguments_answer_422_naming_the_field(agent, query, field):
    response = agent.get(f"/api/v1/notices?{query}")
    assert response.status_code == 422
    assert field in error_fields(response)


def test_notices_need_a_token(client):
    assert client.get("/api/v1/notices").status_code == 401
    assert client.post("/api/v1/notices/1/read").status_code == 401
