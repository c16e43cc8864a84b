"""GET /api/v1/metrics on a small known history: every rate, the score and the ranking."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hotline.auth.tokens import issue_token
from hotline.core.actor import Actor
from hotline.core.extensions import db
from hotline.escalations.sweep import sweep
from hotline.metrics.service import figures
from hotline.oversight.jobs import rollup_figures
from hotline.tickets import transitions as tx
from tests.factories import OPERATOR, UnitFactory, UserFactory, ticket_in, unit_actor


def auth(user) -> dict:
    return {"Authorization": f"Bearer {issue_token(user)}"}


@pytest.fixture
def history(session, clock, app, monkeypatch) -> dict:
    """Unit A: 3 dispatched, 1 accepted in time, 2 on-time replies, a failed callback
    (rated 2, reopened), a 5 rating, a return request. Unit B: one perfect ticket.
    Ranked with a minimum volume of 1 ticket (the default 10 is tested apart)."""
    monkeypatch.setitem(app.config, "RANKING_MIN_TICKETS", 1)
    a, b = UnitFactory(code="A-UNIT"), UnitFactory(code="B-UNIT")
    clock.set("2026-10-08T09:00:00+08:00")
    t1, t2, t3 = (ticket_in("dispatched", unit=a) for _ in range(3))
    t4 = ticket_in("dispatched", unit=b)
    clock.set("2026-10-08T10:00:00+08:00")
    tx.accept(t1, actor=unit_actor(a))
    tx.accept(t4, actor=unit_actor(b))
    clock.set("2026-10-08T11:00:00+08:00")
    tx.request_return(t3, actor=unit_actor(a), reason="不属于本单位职责")
    clock.set("2026-10-09T10:00:00+08:00")
    tx.reply(t1, actor=unit_actor(a), text="已处理")
    tx.reply(t4, actor=unit_actor(b), text="已处理")
    clock.set("2026-10-09T12:00:00+08:00")  # accept window closed at 09:00
    tx.accept(t2, actor=unit_actor(a))
    clock.set("2026-10-09T13:00:00+08:00")
    tx.reply(t2, actor=unit_actor(a), text="已处理")
    clock.set("2026-10-10T09:00:00+08:00")
    tx.rate(t1, actor=Actor.complainant(), rating=5)
    tx.callback(t2, actor=OPERATOR, reached=True, resolved=False, satisfaction=2)
    tx.callback(t4, actor=OPERATOR, reached=True, resolved=True, satisfaction=5)
    clock.set("2026-11-01T09:00:00+08:00")
    rollup_figures()
    setup = {"a": a, "b": b, "inspector": UserFactory(role="inspector")}
    db.session.commit()  # the data must survive a request that rolls back
    return setup


def row_for(items: list[dict], code: str) -> dict:
    return next(i for i in items if i["unit"]["code"] == code)


def test_metrics_endpoint_shows_the_rates_score_and_rank_of_a_known_history(client, history):
    r = client.get(
        "/api/v1/metrics?from=2026-10-01&to=2026-10-31", headers=auth(history["inspector"])
    )
    assert r.status_code == 200, r.json
    a = row_for(r.json["items"], "A-UNIT")
    assert {
        k: a["counts"][k] for k in ("dispatched", "accepted_in_time", "due", "replied_on_time")
    } == {
        "dispatched": 3,
        "accepted_in_time": 1,
        "due": 2,
        "replied_on_time": 2,
    }
    assert (a["counts"]["callbacks"], a["counts"]["callbacks_resolved"]) == (1, 0)
    assert (a["counts"]["rated"], a["counts"]["returns"], a["counts"]["reopens"]) == (2, 1, 1)
    assert a["rates"] == {
        "response": 0.3333,
        "on_time": 1.0,
        "resolution": 0.0,
        "satisfaction": 0.5,
        "return": 0.3333,
        "reopen": 0.5,
    }
    # 30 × 1/3 + 35 × 0 + 35 × 0.5 = 27.5 of 100.
    assert a["score"] == 27.5
    b = row_for(r.json["items"], "B-UNIT")
    assert b["score"] == 100.0
    assert (b["rank"], a["rank"]) == (1, 2)
    assert r.json["weights"] == {"response": 30.0, "resolution": 35.0, "satisfaction": 35.0}


def test_metrics_by_day_puts_each_counter_on_its_local_day(client, history):
    r = client.get(
        "/api/v1/metrics?from=2026-10-01&to=2026-10-31&unit=A-UNIT&period=day",
        headers=auth(history["inspector"]),
    )
    days = {i["period"]: i["counts"] for i in r.json["items"]}
    assert sorted(days) == ["2026-10-08", "2026-10-09", "2026-10-10"]
    assert days["2026-10-08"]["dispatched"] == 3
    assert days["2026-10-09"]["replied"] == 2
    assert days["2026-10-10"]["rated"] == 2


def test_metrics_by_month_and_year_label_their_periods(client, history):
    month = client.get(
        "/api/v1/metrics?from=2026-01-01&to=2026-12-31&period=month",
        headers=auth(history["inspector"]),
    ).json["items"]
    assert {i["period"] for i in month} == {"2026-10"}
    year = client.get(
        "/api/v1/metrics?from=2026-01-01&to=2026-12-31&period=year&unit=B-UNIT",
        headers=auth(history["inspector"]),
    ).json["items"]
    assert [(i["period"], i["rank"]) for i in year] == [("2026", 1)]


def test_metrics_rejects_bad_parameters_naming_them(client, history):
    headers = auth(history["inspector"])
    assert (
        "period"
        in client.get("/api/v1/metrics?period=week", headers=headers).json["error"]["fields"]
    )
    bad_date = client.get("/api/v1/metrics?from=yesterday", headers=headers)
    assert bad_date.status_code == 422
    assert "from" in bad_date.json["error"]["fields"]
    backwards = client.get("/api/v1/metrics?from=2026-10-31&to=2026-10-01", headers=headers)
    assert backwards.status_code == 422
    assert "to" in backwards.json["error"]["fields"]


def test_unit_staff_see_only_their_own_units_figures(client, history):
    head = UserFactory(role="unit_head", unit=history["a"])
    mine = client.get("/api/v1/metrics?from=2026-10-01&to=2026-10-31", headers=auth(head))
    assert [i["unit"]["code"] for i in mine.json["items"]] == ["A-UNIT"]
    other = client.get(
        "/api/v1/metrics?from=2026-10-01&to=2026-10-31&unit=B-UNIT", headers=auth(head)
    )
    assert other.status_code == 403


def test_not_rated_counts_as_satisfied_only_when_configured(session, clock, app, monkeypatch):
    unit = UnitFactory()
    clock.set("2026-10-08T09:00:00+08:00")
    ticket_in("replied", unit=unit)
    sweep(now=datetime(2026, 10, 20, tzinfo=UTC))  # the rating window passed: closed unrated
    rollup_figures(now=datetime(2026, 10, 20, tzinfo=UTC))
    october = {"start": datetime(2026, 10, 1).date(), "end": datetime(2026, 10, 31).date()}
    row = figures(**october, unit_id=unit.id)[0]
    assert row["counts"]["closed_unrated"] == 1
    assert row["rates"]["satisfaction"] is None  # nobody rated
    monkeypatch.setitem(app.config, "FIGURES_UNRATED_AS_SATISFIED", True)
    assert figures(**october, unit_id=unit.id)[0]["rates"]["satisfaction"] == 1.0


def test_an_overdue_ticket_replied_late_is_due_once_and_not_on_time(session, clock):
    unit = UnitFactory()
    clock.set("2026-09-30T10:00:00+08:00")
    ticket = ticket_in("accepted", unit=unit)
    sweep(now=datetime(2026, 10, 15, tzinfo=UTC))  # 催办: counted as due that day
    tx.reply(ticket, actor=unit_actor(unit), text="迟复", now=datetime(2026, 10, 16, tzinfo=UTC))
    rollup_figures(now=datetime(2026, 10, 20, tzinfo=UTC))
    row = figures(
        start=datetime(2026, 10, 1).date(), end=datetime(2026, 10, 31).date(), unit_id=unit.id
    )[0]
    assert (row["counts"]["due"], row["counts"]["replied_on_time"]) == (1, 0)
    assert row["counts"]["overdue"] == 1
    assert row["rates"]["on_time"] == 0.0


def test_satisfied_threshold_is_configurable(client, history, app, monkeypatch):
    monkeypatch.setitem(app.config, "FIGURES_SATISFIED_MIN", 1)
    r = client.get(
        "/api/v1/metrics?from=2026-10-01&to=2026-10-31&unit=A-UNIT",
        headers=auth(history["inspector"]),
    )
    assert r.json["items"][0]["rates"]["satisfaction"] == 1.0


def test_calendar_status_warns_inspectors_about_an_unloaded_next_year(client, session, clock):
    clock.set("2026-11-01T09:00:00+08:00")
    inspector = UserFactory(role="inspector")
    r = client.get("/api/v1/calendar/status", headers=auth(inspector))
    assert r.status_code == 200
    assert r.json["years"] == [{"year": 2026, "loaded": True}, {"year": 2027, "loaded": False}]
    assert r.json["warnings"] == ["calendar for 2027 not loaded"]
    metrics = client.get("/api/v1/metrics", headers=auth(inspector))
    assert metrics.json["warnings"] == ["calendar for 2027 not loaded"]
    agent = UserFactory(role="unit_agent", unit=UnitFactory())
    assert client.get("/api/v1/calendar/status", headers=auth(agent)).status_code == 403
