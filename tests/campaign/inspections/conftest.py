"""A unit with its head and agent, another unit's head, an inspector and an operator, all with
bearer tokens; the clock on Monday 12 October 2026, 10:00 local."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from hotline.auth.models import User
from hotline.campaign.inspections.models import Finding, Inspection, InspectionEvent
from hotline.core.extensions import db
from hotline.escalations.models import CreditRecord
from hotline.notify.models import Notice
from hotline.units.models import Unit
from tests.factories import UnitFactory, UserFactory
from tests.support.api import Caller, caller

# Wake-ups of the outbox after commit are recorded, not sent to Redis.
pytestmark = pytest.mark.usefixtures("woken_jobs")

NOW = "2026-10-12T10:00:00+08:00"  # a Monday


@dataclass
class People:
    unit: Unit
    other_unit: Unit
    inspector: Caller
    head: Caller
    agent: Caller
    other_head: Caller
    operator: Caller
    admin: Caller


def _cheap_hash(user: User, password: str) -> None:
    user.password_hash = generate_password_hash(password, method="pbkdf2:sha256:1000")


@pytest.fixture
def people(client, session, clock, woken_jobs, monkeypatch) -> People:
    # Eight users at the production hashing cost would dominate each test (as in tests/staff).
    monkeypatch.setattr(User, "set_password", _cheap_hash)
    clock.set(NOW)
    unit = UnitFactory(code="C-SCJG", name="市市场监管局")
    other = UnitFactory(code="C-ZJJ", name="市住建局")
    return People(
        unit=unit,
        other_unit=other,
        inspector=caller(client, UserFactory(role="inspector")),
        head=caller(client, UserFactory(role="unit_head", unit=unit)),
        agent=caller(client, UserFactory(role="unit_agent", unit=unit)),
        other_head=caller(client, UserFactory(role="unit_head", unit=other)),
        operator=caller(client, UserFactory(role="operator")),
        admin=caller(client, UserFactory(role="admin")),
    )


def visit(**overrides: Any) -> dict[str, Any]:
    """A valid body: a mystery visit of C-SCJG today with two findings."""
    body: dict[str, Any] = {
        "kind": "mystery_visit",
        "unit": "C-SCJG",
        "date": "2026-10-12",
        "note": "政务服务大厅窗口暗访",
        "findings": [
            {"text": "窗口工作人员脱岗20分钟", "severity": "major", "rectify_due": "2026-10-16"},
            {"text": "办事指南未公开收费标准", "severity": "minor", "rectify_due": "2026-10-30"},
        ],
    }
    body.update(overrides)
    return body


@pytest.fixture
def recorded(people) -> dict[str, Any]:
    """The visit recorded through the API; its JSON."""
    response = people.inspector.post("/api/v1/inspections", json=visit())
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def credit(unit: Unit) -> list[CreditRecord]:
    return list(
        db.session.scalars(
            select(CreditRecord).where(CreditRecord.unit_id == unit.id).order_by(CreditRecord.id)
        )
    )


def history(inspection_id: int) -> list[tuple[int | None, str]]:
    rows = db.session.scalars(
        select(InspectionEvent)
        .where(InspectionEvent.inspection_id == inspection_id)
        .order_by(InspectionEvent.id)
    )
    return [(row.finding_id, row.type) for row in rows]


def notices(audience: str) -> list[Notice]:
    return list(
        db.session.scalars(select(Notice).where(Notice.audience == audience).order_by(Notice.id))
    )


def finding(finding_id: int) -> Finding:
    db.session.expire_all()
    return db.session.get(Finding, finding_id)


def inspection(inspection_id: int) -> Inspection:
    db.session.expire_all()
    return db.session.get(Inspection, inspection_id)
