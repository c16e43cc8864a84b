"""A known 2026 for the assessment: four units ranked on their day figures, one unit under the
minimum volume, weights of its own, and callers of every role; the clock stands in January
2027."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from werkzeug.test import TestResponse

from hotline.core.extensions import db
from hotline.escalations import record
from hotline.escalations.models import InterviewCase, InterviewStatus
from hotline.metrics.models import UnitDayFigures
from hotline.units.models import Unit
from tests.factories import UnitFactory, UserFactory
from tests.support.api import Caller, caller

AFTER_THE_YEAR = "2027-01-05T10:00:00+08:00"
# ASSESSMENT_WEIGHTS of this 2026, written out so the arithmetic in the tests reads on its own
# whatever config.DEFAULT_ASSESSMENT_WEIGHTS becomes (tests of the default read that). Its units
# have no campaign data unless a test makes some, so those three items do not count and the
# hotline and the interviews share the total 42 : 18, that is 70 % and 30 %.
WEIGHTS = {
    "hotline": 42.0,
    "negative_list": 20.0,
    "commitments": 12.0,
    "inspections": 8.0,
    "interviews": 18.0,
}


def day_figures(unit: Unit, day: date, rate: float, dispatched: int = 20) -> UnitDayFigures:
    """A day row where every weighted rate is `rate` (response, resolution, satisfaction)."""
    good = round(rate * dispatched)
    row = UnitDayFigures(
        unit_id=unit.id,
        day=day,
        dispatched=dispatched,
        accepted_in_time=good,
        due=dispatched,
        replied_on_time=good,
        replied=dispatched,
        callbacks=dispatched,
        callbacks_resolved=good,
        rated=dispatched,
        rating_5=good,
        rating_1=dispatched - good,
    )
    db.session.add(row)
    return row


def interview_case(unit: Unit, at: str, trigger: str = "ticket_overdue", **fields: Any):
    """An interview case of `unit` opened at `at` (ISO 8601 with an offset)."""
    case = InterviewCase(
        unit_id=unit.id,
        status=fields.pop("status", InterviewStatus.proposed),
        trigger=trigger,
        reason="测试约谈",
        opened_at=datetime.fromisoformat(at).astimezone(UTC),
        **fields,
    )
    db.session.add(case)
    db.session.flush()
    return case


def overdue_rectification(case: InterviewCase, at: str) -> None:
    """The credit-record entry the sweep writes when a commitment goes overdue."""
    case.status = InterviewStatus.rectification_overdue
    record.add(
        unit_id=case.unit_id,
        type_="rectification_overdue",
        summary="整改承诺逾期",
        now=datetime.fromisoformat(at).astimezone(UTC),
        interview_id=case.id,
    )


@dataclass
class Year:
    """The 2026 of these tests: composite scores 90 / 80 / 50 / 20, and D with 3 tickets;
    scored with WEIGHTS."""

    a: Unit
    b: Unit
    c: Unit
    e: Unit
    d: Unit


@pytest.fixture
def year(app, session, clock, monkeypatch) -> Year:
    clock.set(AFTER_THE_YEAR)
    monkeypatch.setitem(app.config, "ASSESSMENT_WEIGHTS", dict(WEIGHTS))
    units = Year(
        a=UnitFactory(code="A-UNIT", name="甲局"),
        b=UnitFactory(code="B-UNIT", name="乙局"),
        c=UnitFactory(code="C-UNIT", name="丙局"),
        e=UnitFactory(code="E-UNIT", name="戊局"),
        d=UnitFactory(code="D-UNIT", name="丁局"),
    )
    for unit, rate in ((units.a, 0.9), (units.c, 0.8), (units.b, 0.5), (units.e, 0.2)):
        day_figures(unit, date(2026, 3, 15), rate, dispatched=10)
        day_figures(unit, date(2026, 7, 1), rate, dispatched=10)
    day_figures(units.d, date(2026, 5, 5), 1.0, dispatched=3)
    # Another year's figures never count in 2026.
    day_figures(units.a, date(2025, 12, 31), 0.0, dispatched=50)
    day_figures(units.a, date(2027, 1, 1), 0.0, dispatched=50)
    db.session.commit()  # the data must survive a request that rolls back
    return units


@pytest.fixture
def admin(client, session) -> Caller:
    return caller(client, UserFactory(role="admin"))


@pytest.fixture
def head_of_b(client, year) -> Caller:
    return caller(client, UserFactory(role="unit_head", unit=year.b))


def put(who: Caller, path: str, **kwargs: Any) -> TestResponse:
    """A PUT with the caller's bearer token (Caller sends GET and POST)."""
    return who.client.put(path, headers=who._headers(kwargs.pop("headers", None)), **kwargs)


def row_of(body: dict, code: str) -> dict:
    return next(r for r in body["items"] if r["unit"]["code"] == code)


def part_of(row: dict, key: str) -> dict:
    return next(p for p in row["parts"] if p["key"] == key)
