"""The operator's-desk bench section at tiny size: its year of calls gives the hotline figures
the API shows, with the mix it means to write (70 % answered, 4 % out of hours)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bench import desk
from hotline.core.extensions import db
from tests.factories import UserFactory
from tests.support.api import caller


def test_the_bench_calls_make_the_figures_the_api_shows(app, session, client, clock):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the bench writes its calls with PostgreSQL's generate_series")
    clock.set("2026-12-02T10:00:00+08:00")
    out = desk.run(SimpleNamespace(app=app), calls=1000)
    year = out["year"]
    # a year back from today's end: all but the oldest day's calls; the 4 % out of hours are
    # not offered to operators
    assert 950 <= year["calls_offered"] <= 960
    assert year["answer_rate"] == pytest.approx(0.70 / 0.96, abs=0.01)
    answer = caller(client, UserFactory(role="supervisor")).get(
        "/api/v1/metrics/hotline?from=2025-12-03&to=2026-12-02"
    )
    assert answer.status_code == 200
    assert answer.get_json()["calls_offered"] == year["calls_offered"]
    assert answer.get_json()["answer_rate"] == year["answer_rate"]
    assert len(answer.get_json()["per_operator"]) == desk.OPERATORS
    assert out["board_live"]["median_ms"] > 0
