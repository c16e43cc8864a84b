"""Public-site fixtures: the page cache on (a fresh generation per test), figures for units."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime

import pytest
from flask import Flask

from hotline.core import pagecache
from hotline.core.extensions import db
from hotline.metrics.models import RollupCursor, UnitDayFigures
from hotline.units.models import Unit

CACHE_SECONDS = 300


@pytest.fixture(autouse=True)
def page_cache(app: Flask, redis) -> Iterator[None]:
    """The cache as production runs it; pages of earlier tests (rolled back) never show."""
    app.config["PUBLIC_CACHE_SECONDS"] = CACHE_SECONDS
    with app.app_context():
        pagecache.invalidate(pagecache.PUBLIC_SITE)
    try:
        yield
    finally:
        with app.app_context():
            pagecache.invalidate(pagecache.PUBLIC_SITE)
        app.config["PUBLIC_CACHE_SECONDS"] = 0


def day_figures(unit: Unit, day: date, **counts: int) -> UnitDayFigures:
    """One unit's counters on one local day, as the roll-up writes them."""
    row = UnitDayFigures(unit_id=unit.id, day=day, **counts)
    db.session.add(row)
    db.session.flush()
    return row


@pytest.fixture
def figures() -> Callable[..., UnitDayFigures]:
    return day_figures


def rolled_up_at(at: datetime) -> None:
    """The roll-up last ran at `at` (the data-as-of time the pages show)."""
    cursor = db.session.get(RollupCursor, 1) or RollupCursor(id=1, last_event_id=0, gaps={})
    cursor.updated_at = at
    db.session.add(cursor)
    db.session.flush()


def good(dispatched: int) -> dict[str, int]:
    """Counters of a month handled well: rates 100 %, 90 %, 80 %, 95 %."""
    return {
        "dispatched": dispatched,
        "accepted_in_time": dispatched,
        "due": 10,
        "replied_on_time": 9,
        "replied": 10,
        "callbacks": 10,
        "callbacks_resolved": 8,
        "rated": 20,
        "rating_5": 19,
        "rating_1": 1,
    }


def poor(dispatched: int) -> dict[str, int]:
    """Counters of a month handled badly: rates 50 %, 40 %, 20 %, 50 %."""
    return {
        "dispatched": dispatched,
        "accepted_in_time": dispatched // 2,
        "due": 10,
        "replied_on_time": 4,
        "replied": 10,
        "callbacks": 10,
        "callbacks_resolved": 2,
        "rated": 10,
        "rating_4": 5,
        "rating_2": 5,
    }
