"""Interviewed heads' rectification commitments on the unit page: shown once an inspector
approves publication (API or the dashboard's interview board), gone when withdrawn, and the
cached page follows each change at once, not after its TTL."""

from __future__ import annotations

import pytest
from werkzeug.security import generate_password_hash

from hotline.auth.models import User
from hotline.auth.tokens import issue_token
from hotline.core.extensions import db
from tests.factories import PASSWORD, UnitFactory, UserFactory
from tests.support.interviews import interview_case

PAGE = "/public/units/PUB-HC"


def _cheap_hash(user: User, password: str) -> None:
    user.password_hash = generate_password_hash(password, method="pbkdf2:sha256:1000")


@pytest.fixture
def case(session, clock, monkeypatch):
    monkeypatch.setattr(User, "set_password", _cheap_hash)
    clock.set("2026-11-20T10:00:00+08:00")
    unit = UnitFactory(code="PUB-HC", name="市人力资源和社会保障局")
    committed = interview_case(
        unit, stage="committed", now=clock.now, commitment="三十日内清理积压的社保转移申请"
    )
    committed.inspector = UserFactory(role="inspector")
    committed.head = UserFactory(role="unit_head", unit=unit)
    db.session.commit()
    return committed


def _post(client, user, path: str, **kwargs):
    headers = {"Authorization": f"Bearer {issue_token(user)}"}
    return client.post(path, headers=headers, **kwargs)


def test_a_commitment_shows_only_after_an_inspector_approves_it(client, case):
    before = client.get(PAGE).get_data(as_text=True)
    assert "三十日内清理积压的社保转移申请" not in before
    assert "暂无公开的约谈整改承诺" in before
    assert client.get(PAGE).headers["X-Cache"] == "hit"
    response = _post(client, case.inspector, f"/api/v1/interviews/{case.id}/publish")
    assert response.status_code == 200
    page = client.get(PAGE)
    assert page.headers["X-Cache"] == "miss"  # dropped by the publication, not by the TTL
    html = page.get_data(as_text=True)
    item = html.split('data-test="commitment"')[1].split("</article>")[0]
    assert "三十日内清理积压的社保转移申请" in item
    assert "整改期限：2026-12-20" in item
    assert "整改中" in item
    assert "约谈于 2026-11-17 · 考核排名末位" in item
    assert "约谈纪要" not in html  # the minutes stay inside
    english = client.get(f"{PAGE}?lang=en").get_data(as_text=True)
    assert "Deadline: 2026-12-20" in english
    assert "Being rectified" in english
    assert "Last place in the ranking" in english


def test_withdrawing_takes_it_off_at_once(client, case):
    _post(client, case.inspector, f"/api/v1/interviews/{case.id}/publish")
    assert "三十日内清理积压" in client.get(PAGE).get_data(as_text=True)
    assert client.get(PAGE).headers["X-Cache"] == "hit"
    response = _post(
        client, case.inspector, f"/api/v1/interviews/{case.id}/unpublish", json={"reason": "更正"}
    )
    assert response.status_code == 200
    assert "三十日内清理积压" not in client.get(PAGE).get_data(as_text=True)


def test_a_refused_publication_leaves_the_cached_page_alone(client, case):
    client.get(PAGE)
    assert _post(client, case.head, f"/api/v1/interviews/{case.id}/publish").status_code == 403
    assert client.get(PAGE).headers["X-Cache"] == "hit"


def test_the_page_follows_the_rectification_of_a_published_commitment(client, case, clock):
    _post(client, case.inspector, f"/api/v1/interviews/{case.id}/publish")
    assert "整改中" in client.get(PAGE).get_data(as_text=True)
    clock.set("2026-12-01T10:00:00+08:00")
    response = _post(
        client, case.head, f"/api/v1/interviews/{case.id}/rectify", json={"evidence": "已清理完毕"}
    )
    assert response.status_code == 200, response.json
    html = client.get(PAGE).get_data(as_text=True)
    assert "已按期整改" in html
    assert "完成于 2026-12-01" in html
    assert "已清理完毕" not in html  # the evidence stays inside


def test_the_dashboard_interview_board_approves_and_withdraws(client, case):
    client.post("/login", data={"username": case.inspector.username, "password": PASSWORD})
    board = client.get("/dashboard/interviews").get_data(as_text=True)
    assert f"/dashboard/interviews/{case.id}/publish" in board
    assert "批准公开承诺" in board
    response = client.post(f"/dashboard/interviews/{case.id}/publish")
    assert response.status_code == 302
    assert "三十日内清理积压" in client.get(PAGE).get_data(as_text=True)
    board = client.get("/dashboard/interviews").get_data(as_text=True)
    assert 'data-test="published"' in board
    assert f"/dashboard/interviews/{case.id}/unpublish" in board
    response = client.post(f"/dashboard/interviews/{case.id}/unpublish", data={"reason": "有误"})
    assert response.status_code == 302
    assert "三十日内清理积压" not in client.get(PAGE).get_data(as_text=True)


def test_the_board_offers_no_publication_before_the_head_commits(
    client, session, clock, monkeypatch
):
    monkeypatch.setattr(User, "set_password", _cheap_hash)
    unit = UnitFactory()
    held = interview_case(unit, stage="held", now=clock.now)
    inspector = UserFactory(role="inspector")
    db.session.commit()
    client.post("/login", data={"username": inspector.username, "password": PASSWORD})
    board = client.get("/dashboard/interviews").get_data(as_text=True)
    assert f"/dashboard/interviews/{held.id}/publish" not in board
    response = client.post(f"/dashboard/interviews/{held.id}/publish", follow_redirects=True)
    assert "nothing to publish yet" in response.get_data(as_text=True)
    db.session.refresh(held)
    assert held.published_at is None
