"""Appointing and retiring special supervisors: admins only, checked fields, audited; retiring
voids the sign-in at once and keeps what they filed."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from hotline.audit.models import AuditEntry
from hotline.auth.models import SupervisorAppointment, User
from hotline.campaign.supervisors import service
from hotline.core.actor import Actor
from hotline.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hotline.core.extensions import db
from hotline.tickets import filed
from hotline.tickets import service as tickets
from tests.factories import PASSWORD, UnitFactory, UserFactory, actor
from tests.support.supervisors import appointed, station

NOW = datetime(2026, 10, 12, 2, 0, tzinfo=UTC)


@pytest.fixture
def admin(session) -> Actor:
    return actor(UserFactory(role="admin"))


def _appoint(admin: Actor, **fields) -> SupervisorAppointment:
    values = {
        "username": "jiandu",
        "password": PASSWORD,
        "name": "刘建华",
        "phone": "139 0571 0001",
        "affiliation": "区人大代表",
        **fields,
    }
    return service.appoint(actor=admin, now=NOW, **values)


def test_an_admin_appoints_a_supervisor_with_a_sign_in_and_a_term(admin):
    row = _appoint(admin, term_ends_on=date(2028, 10, 11))

    user = row.user
    assert (user.role, user.display_name, user.phone) == (
        "special_supervisor",
        "刘建华",
        "+8613905710001",
    )
    assert user.check_password(PASSWORD)
    assert row.appointed_on == date(2026, 10, 12)  # today, local
    assert row.term_ends_on == date(2028, 10, 11)
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "supervisor.appoint"))
    assert audit.actor_id == admin.user_id
    assert audit.detail["user"] == "jiandu"


def test_a_stations_staff_member_is_appointed_to_the_station(admin):
    desk = station(code="S-SMZX")

    row = _appoint(admin, station="S-SMZX")

    assert row.user.unit_id == desk.id


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"phone": "not a phone"}, "phone"),
        ({"phone": ""}, "phone"),
        ({"name": "  "}, "name"),
        ({"affiliation": "长" * 121}, "affiliation"),
        ({"appointed_on": date(2026, 10, 1), "term_ends_on": date(2026, 9, 1)}, "term_ends_on"),
        ({"term_ends_on": date(2150, 1, 1)}, "term_ends_on"),
        ({"station": "NOPE"}, "station"),
        ({"password": "short"}, "password"),
    ],
)
def test_bad_appointments_are_refused_naming_the_field(admin, fields, field):
    if field == "station":
        field = "unit"  # the station is the user's unit
    with pytest.raises(ValidationFailed) as refused:
        _appoint(admin, **fields)
    assert field in refused.value.fields
    assert db.session.scalar(select(User.id).where(User.username == "jiandu")) is None


def test_a_unit_that_is_not_a_station_is_refused(admin, session):
    UnitFactory(code="C-SCJG")
    with pytest.raises(ValidationFailed) as refused:
        _appoint(admin, station="C-SCJG")
    assert refused.value.fields == {"unit": ["only a monitoring station"]}


def test_only_admins_appoint_or_retire(session):
    inspector = actor(UserFactory(role="inspector"))
    user = appointed()
    with pytest.raises(Forbidden):
        _appoint(inspector)
    with pytest.raises(Forbidden):
        service.retire(actor=inspector, user_id=user.id, now=NOW)


def test_retiring_deactivates_the_sign_in_and_keeps_the_filings(admin):
    user = appointed()
    filer = filed.filer_for(Actor.of(user), now=NOW)
    ticket = tickets.create(
        actor=Actor.of(user), channel="supervisor", filer=filer, description="窗口推诿", phone=None
    )
    generation = user.generation

    row = service.retire(actor=admin, user_id=user.id, now=NOW, reason="迁居外地")

    assert row.retired_at == NOW
    assert row.retire_reason == "迁居外地"
    assert user.active is False
    assert user.generation == generation + 1  # sessions and tokens void
    assert ticket.filed_by_id == user.id
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "supervisor.retire"))
    assert audit.detail == {"user": user.username, "reason": "迁居外地"}
    with pytest.raises(Conflict):
        service.retire(actor=admin, user_id=user.id, now=NOW)


def test_retiring_someone_who_is_not_a_supervisor_is_not_found(admin, session):
    operator = UserFactory(role="operator")
    with pytest.raises(NotFound):
        service.retire(actor=admin, user_id=operator.id, now=NOW)
    assert operator.active is True


def test_the_roster_lists_serving_supervisors_first_with_their_filings(admin):
    serving = appointed(name="刘建华", phone="+8613905710001")
    ended = appointed(name="孙立平", phone="+8613905710004", term_ends_on=date(2026, 6, 30))
    for _ in range(2):
        tickets.create(
            actor=Actor.of(serving),
            channel="supervisor",
            filer=filed.filer_for(Actor.of(serving), now=NOW),
            description="窗口推诿",
            phone=None,
        )

    roster = service.roster(now=NOW)

    assert [e.user.id for e in roster] == [serving.id, ended.id]
    assert (roster[0].serving, roster[0].filed, roster[0].answered) == (True, 2, 0)
    assert roster[1].serving is False
