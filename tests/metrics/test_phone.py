"""Hotline service figures (GET /api/v1/metrics/hotline) on a known day of calls: offered,
answered, abandoned, the rates, the average wait, resolved at source, per operator."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from hotline.core.actor import Actor
from hotline.core.clock import utcnow
from hotline.metrics.phone import figures
from hotline.tickets.events import record_event
from tests.factories import UnitFactory, UserFactory, new_ticket
from tests.support.api import caller
from tests.support.calls import call_record

pytestmark = pytest.mark.usefixtures("woken_jobs")

DAY = date(2026, 10, 12)
# 10:00 local on DAY, in UTC.
AT = datetime(2026, 10, 12, 2, 0, tzinfo=UTC)


def _at(minutes: int) -> datetime:
    return AT + timedelta(minutes=minutes)


@pytest.fixture
def day(session, clock) -> dict:
    """On 12 October: seven calls offered (four answered after 5, 10, 15 and 40 s, two
    abandoned, one timed out), one out of hours; around it, calls of the days before and after;
    four phone tickets, one of them resolved at source by the first operator."""
    clock.set("2026-10-12T18:00:00+08:00")
    first = UserFactory(role="operator", username="op-a", display_name="话务员甲")
    second = UserFactory(role="operator", username="op-b", display_name="话务员乙")
    for n, (wait, talk) in enumerate([(5, 100), (10, 200), (40, 300)]):
        call_record(
            offered_at=_at(n), outcome="answered", wait=wait, talk=talk, operator_id=first.id
        )
    call_record(offered_at=_at(5), outcome="answered", wait=15, talk=60, operator_id=second.id)
    call_record(offered_at=_at(6), outcome="abandoned", wait=30)
    call_record(offered_at=_at(7), outcome="abandoned", wait=50)
    call_record(offered_at=_at(8), outcome="timeout", wait=120)
    call_record(offered_at=_at(-9 * 60), outcome="closed")  # 01:00 local, office hours on
    # Local midnight bounds the day, not UTC's.
    call_record(offered_at=datetime(2026, 10, 11, 15, 59, tzinfo=UTC), outcome="abandoned")
    call_record(offered_at=datetime(2026, 10, 12, 16, 0, tzinfo=UTC), outcome="answered", wait=1)

    tickets = [new_ticket(channel="phone", now=_at(10 + n)) for n in range(4)]
    web = new_ticket(channel="web", now=_at(20))
    earlier = new_ticket(channel="phone", now=_at(-24 * 60))
    for ticket in (tickets[0], web, earlier):
        record_event(ticket, "resolved_at_source", Actor.of(first), now=_at(30), data={})
    # A second such event on one ticket counts it once.
    record_event(tickets[0], "resolved_at_source", Actor.of(first), now=_at(31), data={})
    return {"first": first, "second": second}


def test_the_days_calls_give_the_figures(day):
    f = figures(start=DAY, end=DAY)
    assert (f["calls_offered"], f["calls_answered"], f["calls_abandoned"]) == (7, 4, 2)
    assert (f["calls_timed_out"], f["calls_out_of_hours"]) == (1, 1)
    assert f["answer_rate"] == round(4 / 7, 4)
    assert f["answered_within_15s_rate"] == round(3 / 7, 4)  # 5, 10 and 15 s; not 40 s
    assert f["average_wait_seconds"] == 17.5  # (5 + 10 + 15 + 40) / 4 answered
    assert (f["phone_tickets"], f["resolved_at_source"]) == (4, 1)
    assert f["resolved_at_source_rate"] == 0.25


def test_per_operator_answered_handle_time_and_resolved_at_source(day):
    rows = figures(start=DAY, end=DAY)["per_operator"]
    assert [
        (r["operator"]["name"], r["answered"], r["average_handle_seconds"], r["resolved_at_source"])
        for r in rows
    ] == [("话务员甲", 3, 200.0, 1), ("话务员乙", 1, 60.0, 0)]


def test_a_period_of_days_adds_them_up(day):
    f = figures(start=date(2026, 10, 11), end=date(2026, 10, 13))
    assert (f["calls_offered"], f["calls_answered"], f["calls_abandoned"]) == (9, 5, 3)
    assert (f["phone_tickets"], f["resolved_at_source"]) == (5, 2)


def test_a_day_without_calls_has_no_rates(session):
    f = figures(start=DAY, end=DAY)
    assert f["calls_offered"] == 0
    assert f["answer_rate"] is f["answered_within_15s_rate"] is f["average_wait_seconds"] is None
    assert f["resolved_at_source_rate"] is None
    assert f["per_operator"] == []


@pytest.mark.parametrize("role", ["operator", "supervisor", "inspector", "admin"])
def test_the_api_answers_the_hotline_the_oversight_office_and_admins(client, day, role):
    response = caller(client, UserFactory(role=role)).get(
        "/api/v1/metrics/hotline?from=2026-10-12&to=2026-10-12"
    )
    assert response.status_code == 200
    body = response.get_json()
    assert (body["from"], body["to"], body["calls_offered"]) == ("2026-10-12", "2026-10-12", 7)
    assert body["per_operator"][0]["operator"]["username"] == "op-a"


def test_the_api_defaults_to_today_and_recomputes_on_every_call(client, day):
    op = caller(client, day["first"])
    assert op.get("/api/v1/metrics/hotline").get_json()["calls_offered"] == 7
    call_record(offered_at=utcnow(), outcome="abandoned", wait=3)
    again = op.get("/api/v1/metrics/hotline").get_json()
    assert (again["calls_offered"], again["calls_abandoned"]) == (8, 3)


@pytest.mark.parametrize("role", ["unit_agent", "unit_head"])
def test_units_do_not_read_the_phone_lines_figures(client, day, role):
    user = UserFactory(role=role, unit=UnitFactory())
    assert caller(client, user).get("/api/v1/metrics/hotline").status_code == 403


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=yesterday", "from"),
        ("to=2026-13-01", "to"),
        ("from=1900-01-01", "from"),
        ("from=<script>", "from"),
        ("from=2026-10-13&to=2026-10-12", "to"),
        ("from=2020-01-01&to=2026-10-12", "from"),
    ],
)
def test_bad_dates_are_a_422_naming_the_field(client, day, query, field):
    response = caller(client, day["first"]).get(f"/api/v1/metrics/hotline?{query}")
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_the_figures_are_documented_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    op = spec["paths"]["/api/v1/metrics/hotline"]["get"]
    assert {p["name"] for p in op["parameters"]} >= {"from", "to"}
    schema = spec["components"]["schemas"]["PhoneFigures"]["properties"]
    assert {
        "calls_offered",
        "calls_answered",
        "calls_abandoned",
        "answer_rate",
        "answered_within_15s_rate",
        "average_wait_seconds",
        "resolved_at_source_rate",
        "per_operator",
    } <= set(schema)


def test_an_operator_who_only_resolved_at_source_is_listed_too(day):
    third = UserFactory(role="supervisor", username="sup-c", display_name="班长丙")
    ticket = new_ticket(channel="phone", now=_at(40))
    record_event(ticket, "resolved_at_source", Actor.of(third), now=_at(41), data={})
    rows = figures(start=DAY, end=DAY)["per_operator"]
    assert rows[-1] == {
        "operator": {"id": third.id, "username": "sup-c", "name": "班长丙"},
        "answered": 0,
        "average_handle_seconds": None,
        "resolved_at_source": 1,
    }
