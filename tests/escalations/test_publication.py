"""Publishing an interviewed head's rectification commitment: inspectors only, only a
commitment the head wrote, each approval and withdrawal in the credit record."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from hotline.auth.models import User
from hotline.auth.tokens import issue_token
from hotline.core.actor import Actor
from hotline.core.extensions import db
from hotline.escalations import interviews, publication
from hotline.escalations.models import CreditRecord, InterviewCase
from tests.factories import UnitFactory, UserFactory
from tests.support.interviews import interview_case

NOW = "2026-11-20T10:00:00+08:00"


def auth(user) -> dict:
    return {"Authorization": f"Bearer {issue_token(user)}"}


def credit(case: InterviewCase) -> list[str]:
    return list(
        db.session.scalars(
            select(CreditRecord.type)
            .where(CreditRecord.interview_id == case.id)
            .order_by(CreditRecord.id)
        )
    )


def _cheap_hash(user: User, password: str) -> None:
    # Five users per test at the production hashing cost would dominate the run time.
    user.password_hash = generate_password_hash(password, method="pbkdf2:sha256:1000")


@pytest.fixture
def office(session, clock, monkeypatch):
    monkeypatch.setattr(User, "set_password", _cheap_hash)
    clock.set(NOW)
    unit = UnitFactory(name="市不动产登记中心")
    people = {
        "unit": unit,
        "inspector": UserFactory(role="inspector"),
        "head": UserFactory(role="unit_head", unit=unit),
        "operator": UserFactory(role="operator"),
        "other_head": UserFactory(role="unit_head", unit=UnitFactory()),
    }
    people["case"] = interview_case(unit, stage="committed", now=clock.now)
    db.session.commit()
    return people


def test_an_inspector_publishes_the_heads_commitment(client, office, clock):
    case = office["case"]
    response = client.post(
        f"/api/v1/interviews/{case.id}/publish", headers=auth(office["inspector"])
    )
    assert response.status_code == 200, response.json
    assert response.json["published_at"] == "2026-11-20T10:00:00+08:00"
    db.session.refresh(case)
    assert case.published_by == office["inspector"].id
    assert credit(case)[-1] == "commitment_published"
    listed = client.get(f"/api/v1/interviews/{case.id}", headers=auth(office["head"])).json
    assert listed["published_at"] == "2026-11-20T10:00:00+08:00"


@pytest.mark.parametrize("stage", ["proposed", "scheduled", "held"])
def test_publishing_a_case_without_the_heads_commitment_is_409(client, office, clock, stage):
    case = interview_case(office["unit"], stage=stage, now=clock.now, trigger="on_time_rate")
    db.session.commit()
    before = credit(case)
    response = client.post(
        f"/api/v1/interviews/{case.id}/publish", headers=auth(office["inspector"])
    )
    assert response.status_code == 409
    assert (
        "no rectification commitment written by the unit head" in response.json["error"]["message"]
    )
    db.session.refresh(case)
    assert case.published_at is None
    assert credit(case) == before


def test_a_commitment_only_noted_at_the_hearing_cannot_be_published(client, office, clock):
    """The API's deprecated hold with a commitment is the inspector's note, not the head's word."""
    case = interview_case(office["unit"], stage="scheduled", now=clock.now, trigger="on_time_rate")
    inspector = Actor.of(office["inspector"])
    interviews.hold(
        case_id=case.id,
        actor=inspector,
        minutes="纪要",
        commitment="记录的承诺",
        commitment_due=clock.now + timedelta(days=9),
        now=clock.now,
    )
    db.session.commit()
    response = client.post(
        f"/api/v1/interviews/{case.id}/publish", headers=auth(office["inspector"])
    )
    assert response.status_code == 409


def test_publishing_twice_and_withdrawing_what_is_not_public_are_409(client, office):
    url = f"/api/v1/interviews/{office['case'].id}"
    inspector = auth(office["inspector"])
    assert client.post(f"{url}/unpublish", json={}, headers=inspector).status_code == 409
    assert client.post(f"{url}/publish", headers=inspector).status_code == 200
    again = client.post(f"{url}/publish", headers=inspector)
    assert again.status_code == 409
    assert "is public since 2026-11-20 10:00" in again.json["error"]["message"]


def test_only_inspectors_publish_and_other_units_do_not_see_the_case(client, office):
    url = f"/api/v1/interviews/{office['case'].id}"
    assert client.post(f"{url}/publish", headers=auth(office["head"])).status_code == 403
    assert client.post(f"{url}/publish", headers=auth(office["operator"])).status_code == 403
    assert client.post(f"{url}/publish", headers=auth(office["other_head"])).status_code == 404
    assert client.post(f"{url}/publish").status_code == 401
    assert (
        client.post(
            "/api/v1/interviews/999999999/publish", headers=auth(office["inspector"])
        ).status_code
        == 404
    )
    db.session.refresh(office["case"])
    assert office["case"].published_at is None


def test_withdrawing_is_recorded_with_its_reason(client, office):
    url = f"/api/v1/interviews/{office['case'].id}"
    inspector = auth(office["inspector"])
    client.post(f"{url}/publish", headers=inspector)
    assert (
        client.post(
            f"{url}/unpublish", json={"reason": "x" * 10_001}, headers=inspector
        ).status_code
        == 422
    )
    response = client.post(
        f"{url}/unpublish", json={"reason": "承诺文字需单位更正"}, headers=inspector
    )
    assert response.status_code == 200, response.json
    assert response.json["published_at"] is None
    entry = db.session.scalars(
        select(CreditRecord)
        .where(CreditRecord.interview_id == office["case"].id)
        .order_by(CreditRecord.id.desc())
    ).first()
    assert entry.type == "commitment_unpublished"
    assert "承诺文字需单位更正" in entry.summary
    assert entry.data["reason"] == "承诺文字需单位更正"
    assert client.post(f"{url}/unpublish", json={}, headers=auth(office["head"])).status_code == 403


def test_public_status_follows_the_case(session, clock):
    unit = UnitFactory()
    now = clock.now
    case = interview_case(unit, stage="committed", now=now, due_in=timedelta(days=5))
    assert publication.public_status(case, now) == "in_progress"
    assert publication.public_status(case, now + timedelta(days=6)) == "overdue"
    case.status = "rectification_overdue"
    assert publication.public_status(case, now) == "overdue"
    case.status = "rectified"
    case.rectified_at = now + timedelta(days=2)
    assert publication.public_status(case, now + timedelta(days=9)) == "rectified_on_time"
    case.rectified_at = now + timedelta(days=7)
    assert publication.public_status(case, now + timedelta(days=9)) == "rectified_late"


def test_the_public_read_shows_only_published_cases_with_numbers_taken_out(session, clock):
    unit = UnitFactory()
    hidden = interview_case(unit, stage="committed", now=clock.now, trigger="on_time_rate")
    shown = interview_case(
        unit,
        stage="committed",
        now=clock.now,
        commitment="窗口电话 13912345678 全天有人接听，幸福路 12 号办事大厅延时服务",
    )
    publication.publish(case_id=shown.id, actor=Actor(role="inspector"), now=clock.now)
    items = publication.published_for_unit(unit_id=unit.id, now=clock.now)
    assert [i.case_id for i in items] == [shown.id]
    assert hidden.id not in [i.case_id for i in items]
    text = items[0].commitment
    assert "13912345678" not in text
    assert "12 号" not in text
    assert "[电话]" in text
    assert "幸福路 *号" in text
    assert items[0].trigger == "ranking_last"
    assert items[0].commitment_due == clock.now + timedelta(days=30)
    assert items[0].published_at == clock.now
