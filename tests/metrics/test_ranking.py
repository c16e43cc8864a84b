"""The ranking counts only units with RANKING_MIN_TICKETS tickets in the period (default 10)."""

from __future__ import annotations

from datetime import date

import pytest

from hotline.auth.tokens import issue_token
from hotline.core.extensions import db
from hotline.metrics.models import UnitDayFigures
from hotline.metrics.service import figures
from tests.factories import UnitFactory, UserFactory

OCTOBER = {"start": date(2026, 10, 1), "end": date(2026, 10, 31)}


def _month(unit, *, dispatched: int, in_time: int) -> None:
    """A unit's October as day rows: `dispatched` tickets, `in_time` accepted in time."""
    db.session.add(
        UnitDayFigures(
            unit_id=unit.id,
            day=date(2026, 10, 9),
            dispatched=dispatched,
            accepted_in_time=in_time,
        )
    )
    db.session.flush()


@pytest.fixture
def units(session) -> dict:
    """Big (12 tickets, 75 %), busy (10, 50 %), tiny (2, 0 %: the worst, but too few)."""
    made = {name: UnitFactory(code=name.upper()) for name in ("big", "busy", "tiny")}
    _month(made["big"], dispatched=12, in_time=9)
    _month(made["busy"], dispatched=10, in_time=5)
    _month(made["tiny"], dispatched=2, in_time=0)
    return made


def _by_code(rows: list[dict]) -> dict[str, dict]:
    return {r["unit"]["code"]: r for r in rows}


def test_a_unit_under_the_minimum_is_listed_with_its_figures_but_not_ranked(units):
    rows = _by_code(figures(**OCTOBER))
    assert [(rows[c]["rank"], rows[c]["eligible"]) for c in ("BIG", "BUSY", "TINY")] == [
        (1, True),
        (2, True),
        (None, False),
    ]
    assert rows["TINY"]["score"] == 0.0  # its figures are still there to read
    assert rows["BIG"]["ranked"] == 2
    # The ranked come first, the unranked after them.
    assert [r["unit"]["code"] for r in figures(**OCTOBER)] == ["BIG", "BUSY", "TINY"]


def test_ten_tickets_is_enough_and_the_minimum_is_a_setting(units, app, monkeypatch):
    monkeypatch.setitem(app.config, "RANKING_MIN_TICKETS", 11)
    rows = _by_code(figures(**OCTOBER))
    assert (rows["BIG"]["rank"], rows["BUSY"]["rank"]) == (1, None)
    monkeypatch.setitem(app.config, "RANKING_MIN_TICKETS", 0)
    rows = _by_code(figures(**OCTOBER))
    assert rows["TINY"]["rank"] == 3


def test_the_api_says_the_minimum_and_who_takes_part(client, units):
    inspector = UserFactory(role="inspector")
    db.session.commit()
    response = client.get(
        "/api/v1/metrics?from=2026-10-01&to=2026-10-31",
        headers={"Authorization": f"Bearer {issue_token(inspector)}"},
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["ranking_min_tickets"] == 10
    tiny = _by_code(body["items"])["TINY"]
    assert (tiny["rank"], tiny["eligible"]) == (None, False)
    assert tiny["appeals"] == {"pending": 0, "upheld": 0, "denied": 0}
