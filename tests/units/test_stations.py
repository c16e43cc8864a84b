"""A monitoring station (监督测评站点) is a unit that takes no tickets: never offered for dispatch,
never dispatched to, returned to or routed to."""

from __future__ import annotations

import pytest

from hotline.core.errors import ValidationFailed
from hotline.tickets import transitions as tx
from hotline.units import service as units
from tests.factories import OPERATOR, UnitFactory, new_ticket, ticket_in, unit_actor
from tests.support.supervisors import station


def test_stations_are_listed_apart_from_the_units_that_take_tickets(session):
    office, desk = UnitFactory(code="U-A"), station(code="S-A")

    assert office in units.active_units()
    assert desk not in units.active_units()
    assert units.stations() == [desk]
    assert desk in units.all_units()


def test_a_ticket_is_never_dispatched_to_a_station(session):
    desk = station(code="S-B")
    ticket = new_ticket()

    with pytest.raises(ValidationFailed) as refused:
        tx.dispatch(ticket, actor=OPERATOR, unit=desk.code)
    assert refused.value.fields == {"unit": ["a monitoring station takes no tickets"]}
    assert ticket.status == "new"


def test_nor_suggested_for_a_return(session):
    office, desk = UnitFactory(), station(code="S-C")
    ticket = ticket_in("accepted", unit=office)

    with pytest.raises(ValidationFailed) as refused:
        tx.request_return(
            ticket, actor=unit_actor(office), reason="不属于本单位", suggested_unit=desk.code
        )
    assert "suggested_unit" in refused.value.fields


def test_the_api_lists_no_station_but_reads_one_with_its_kind(operator, session):
    desk = station(code="S-D", name="市民中心监督测评站点")
    session.commit()

    listed = [u["code"] for u in operator.get("/api/v1/units").get_json()]
    assert desk.code not in listed
    assert operator.get(f"/api/v1/units/{desk.code}").get_json()["kind"] == "station"
