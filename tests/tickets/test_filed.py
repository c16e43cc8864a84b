"""The filing rule of special supervisors (tickets/filed.py) at the service: who may file on the
channel `supervisor`, as whom, and who reads it back."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hotline.core.actor import Actor
from hotline.core.errors import Forbidden, ValidationFailed
from hotline.tickets import filed
from hotline.tickets import service as tickets
from tests.factories import OPERATOR, UnitFactory, unit_actor
from tests.support.supervisors import appointed, station

NOW = datetime(2026, 10, 12, 2, 0, tzinfo=UTC)


def _file(user, **fields):
    actor = Actor.of(user)
    return tickets.create(
        actor=actor,
        channel="supervisor",
        filer=filed.filer_for(actor, now=NOW),
        description=fields.pop("description", "窗口推诿"),
        phone=fields.pop("phone", None),
        now=NOW,
        **fields,
    )


def test_the_filer_is_the_complainant_whatever_phone_and_name_say(session):
    user = appointed()

    ticket = _file(user, phone="13812345678", name="王先生")

    assert (ticket.complainant_phone, ticket.complainant_name) == ("+8613905710001", "刘建华")
    assert (ticket.filed_by_id, ticket.station_id) == (user.id, None)


def test_nobody_files_on_the_channel_without_being_a_filer(session):
    with pytest.raises(Forbidden):
        tickets.create(actor=OPERATOR, channel="supervisor", description="x", phone="13812345678")
    with pytest.raises(Forbidden):
        filed.filer_for(OPERATOR, now=NOW)
    with pytest.raises(Forbidden):
        filed.check_channel("supervisor", OPERATOR)
    assert filed.check_channel(None, OPERATOR) is None


def test_a_filer_without_a_phone_on_file_still_files(session):
    user = appointed(phone=None)
    ticket = _file(user)
    assert ticket.complainant_phone is None


def test_kinds_are_a_complaint_or_a_report(session):
    user = appointed()
    assert _file(user).kind == "complaint"
    assert _file(user, kind="report").kind == "report"
    with pytest.raises(ValidationFailed) as refused:
        _file(user, kind="consultation")
    assert "kind" in refused.value.fields


def test_who_reads_a_filing(session):
    desk = station()
    at_desk = appointed(name="周敏", phone="+8613905710002", unit=desk)
    colleague = appointed(name="郑凯", phone="+8613905710003", unit=desk)
    alone = appointed(name="孙立平", phone="+8613905710004")
    ticket = _file(at_desk)
    unit = UnitFactory()

    assert ticket.station_id == desk.id
    assert tickets.can_see(Actor.of(at_desk), ticket)
    assert tickets.can_see(Actor.of(colleague), ticket)
    assert not tickets.can_see(Actor.of(alone), ticket)
    assert not tickets.can_see(unit_actor(unit), ticket)  # not dispatched to this unit
    assert tickets.can_see(OPERATOR, ticket)
    assert [t.id for t in filed.own_filings(Actor.of(colleague))] == [ticket.id]
    assert filed.own_filings(Actor.of(alone)) == []
