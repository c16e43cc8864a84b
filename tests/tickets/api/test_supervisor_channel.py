"""POST /api/v1/tickets on the channel `supervisor`: special supervisors file as themselves, read
back only what they (or their station) filed, and nobody else files on their channel."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from hotline.auth.models import User
from hotline.core.extensions import db
from hotline.tickets import transitions as tx
from hotline.tickets.models import Ticket, TicketEvent
from tests.factories import CategoryFactory, ticket_in
from tests.support.api import Caller, caller, error_fields, sign_in, ticket_body
from tests.support.supervisors import appointed, station


@pytest.fixture
def special(client, session) -> Caller:
    return caller(client, appointed())


def _filed(special: Caller, **overrides) -> dict:
    body = {"kind": "report", "description": "暗访：窗口要求提供清单外材料", **overrides}
    response = special.post("/api/v1/tickets", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_special_supervisor_files_as_themselves_without_a_complainant(special, clock):
    ticket = _filed(special)

    assert ticket["channel"] == "supervisor"
    assert ticket["kind"] == "report"
    assert ticket["status"] == "new"
    # The supervisor is the complainant, and reads their own data in full.
    assert ticket["complainant"]["phone"] == "+8613905710001"
    assert ticket["complainant"]["name"] == "刘建华"
    row = db.session.scalar(select(Ticket).where(Ticket.number == ticket["number"]))
    assert row.filed_by_id == special.user.id
    assert row.station_id is None
    created = db.session.scalar(select(TicketEvent).where(TicketEvent.ticket_id == row.id))
    assert created.actor_id == special.user.id
    assert created.data == {"channel": "supervisor", "filed_by": special.user.id}


def test_a_complainant_in_the_body_is_ignored_so_nobody_can_be_impersonated(special, clock):
    ticket = _filed(
        special,
        complainant={"phone": "13812345678", "name": "王先生", "confidential": True},
    )

    assert ticket["complainant"]["phone"] == "+8613905710001"
    assert ticket["complainant"]["name"] == "刘建华"
    assert ticket["complainant"]["confidential"] is True  # their privacy choice is kept


def test_naming_another_filer_or_station_in_the_body_is_refused(special, session, clock):
    other = appointed(name="周敏", phone="+8613905710002", unit=station())
    session.commit()
    for field, value in (("filed_by", other.id), ("station", other.unit.code)):
        response = special.post("/api/v1/tickets", json={"description": "窗口推诿", field: value})
        assert response.status_code == 422, field
        assert field in error_fields(response)
    assert db.session.scalar(select(Ticket.id).where(Ticket.filed_by_id == other.id)) is None


def test_the_channel_supervisor_is_refused_to_hotline_staff(operator, clock):
    response = operator.post("/api/v1/tickets", json=ticket_body(channel="supervisor"))

    assert response.status_code == 403
    assert "channel" in error_fields(response)
    assert db.session.scalar(select(Ticket.id).where(Ticket.channel == "supervisor")) is None


def test_a_special_supervisor_files_on_no_other_channel(special, clock):
    response = special.post("/api/v1/tickets", json=ticket_body(channel="phone"))

    assert response.status_code == 422
    assert error_fields(response) == {"channel": ["must be supervisor"]}


@pytest.mark.parametrize("kind", ["consultation", "help", "suggestion"])
def test_a_special_supervisor_files_a_complaint_or_a_report_only(special, clock, kind):
    response = special.post("/api/v1/tickets", json={"description": "问题", "kind": kind})

    assert response.status_code == 422
    assert "kind" in error_fields(response)


def test_hotline_staff_still_need_a_complainant(operator, clock):
    body = ticket_body()
    del body["complainant"]
    response = operator.post("/api/v1/tickets", json=body)

    assert response.status_code == 422
    assert error_fields(response) == {"complainant": ["required unless a special supervisor files"]}


def test_unit_staff_may_not_file(agent, clock):
    response = agent.post("/api/v1/tickets", json={"description": "窗口推诿"})
    assert response.status_code == 403


def test_a_retired_supervisors_token_is_refused(client, session, clock):
    user = appointed()
    token = sign_in(client, user).token
    user.active = False  # what retiring does (campaign/supervisors/service.py)
    user.generation += 1
    session.commit()

    response = client.post(
        "/api/v1/tickets",
        json={"description": "窗口推诿"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 401


def test_a_supervisor_out_of_term_may_not_file(client, session, clock):
    ended = caller(client, appointed(term_ends_on=date(2026, 9, 29)))
    clock.set("2026-09-30T10:00:00+08:00")

    response = ended.post("/api/v1/tickets", json={"description": "窗口推诿"})

    assert response.status_code == 403
    assert "not in force" in response.get_json()["error"]["message"]


def test_the_list_holds_only_their_own_filings(special, client, session, unit, clock):
    mine = _filed(special)["number"]
    someone = caller(client, appointed(name="孙立平", phone="+8613905710004"))
    theirs = _filed(someone)["number"]
    ticket_in("accepted", unit=unit)  # a unit's ticket from the phone line
    session.commit()

    listed = special.get("/api/v1/tickets").get_json()
    assert [t["number"] for t in listed["items"]] == [mine]
    assert listed["total"] == 1
    # Filters cannot widen it.
    assert special.get(f"/api/v1/tickets?unit={unit.code}").get_json()["total"] == 0
    assert special.get("/api/v1/tickets?channel=supervisor").get_json()["total"] == 1
    assert special.get(f"/api/v1/tickets/{theirs}").status_code == 404


def test_another_ticket_reads_as_missing_and_the_timeline_is_staff_only(
    special, session, unit, clock
):
    other = ticket_in("accepted", unit=unit)
    session.commit()
    mine = _filed(special)["number"]

    assert special.get(f"/api/v1/tickets/{other.number}").status_code == 404
    assert special.get(f"/api/v1/tickets/{mine}").status_code == 200
    assert special.get(f"/api/v1/tickets/{mine}/events").status_code == 403
    assert special.get("/api/v1/tickets?phone=13812345678").status_code == 403


def test_no_action_is_open_to_them(special, session, unit, clock):
    mine = _filed(special)["number"]
    for action, body in (("dispatch", {"unit": unit.code}), ("reject", {"reason": "x"})):
        response = special.post(f"/api/v1/tickets/{mine}/{action}", json=body)
        assert response.status_code == 403, action


def test_nor_any_staff_directory_or_figures(special, clock):
    for path in ("/api/v1/units", "/api/v1/escalations", "/api/v1/metrics", "/api/v1/notices"):
        assert special.get(path).status_code == 403, path
    assert special.get("/api/v1/categories").status_code == 200  # a filing names one


def test_a_stations_staff_read_their_stations_filings(client, session, clock):
    desk = station()
    first = caller(client, appointed(name="周敏", phone="+8613905710002", unit=desk))
    second = caller(client, appointed(name="郑凯", phone="+8613905710003", unit=desk))
    elsewhere = caller(client, appointed(name="孙立平", phone="+8613905710004"))
    one = _filed(first)["number"]
    two = _filed(second)["number"]
    _filed(elsewhere)

    row = db.session.scalar(select(Ticket).where(Ticket.number == one))
    assert row.station_id == desk.id
    listed = {t["number"] for t in first.get("/api/v1/tickets").get_json()["items"]}
    assert listed == {one, two}
    colleague = second.get(f"/api/v1/tickets/{one}").get_json()
    assert colleague["complainant"]["name"] == "周敏"


def test_hostile_text_is_refused_or_kept_as_text(special, clock):
    nul = special.post("/api/v1/tickets", json={"description": "a\u0000b"})
    assert nul.status_code == 422
    huge = special.post("/api/v1/tickets", json={"description": "长" * 4001})
    assert huge.status_code == 422
    assert "description" in error_fields(huge)
    marked = _filed(special, description="<script>alert(1)</script>")
    assert marked["description"] == "<script>alert(1)</script>"


def test_a_resent_filing_with_the_same_idempotency_key_opens_one_ticket(special, clock):
    headers = {"Idempotency-Key": "supervisor-filing-1"}
    body = {"description": "窗口推诿", "kind": "complaint"}
    first = special.post("/api/v1/tickets", json=body, headers=headers)
    again = special.post("/api/v1/tickets", json=body, headers=headers)

    assert first.status_code == again.status_code == 201
    assert first.get_json()["number"] == again.get_json()["number"]
    user = db.session.get(User, special.user.id)
    assert (
        len(list(db.session.scalars(select(Ticket.id).where(Ticket.filed_by_id == user.id)))) == 1
    )


def test_their_filing_is_routed_like_any_other(special, session, clock):
    category = CategoryFactory()
    session.commit()
    number = _filed(special, category=category.code)["number"]
    ticket = db.session.scalar(select(Ticket).where(Ticket.number == number))
    tx.route(ticket, now=datetime(2026, 9, 30, 3, 0, tzinfo=UTC))
    assert ticket.status == "dispatched"
    assert ticket.unit_id == category.default_unit.id
