"""A special supervisor signs in only while appointed: not before the term, not after it, never
once retired; and an account's role and unit must fit (a station's staff are supervisors)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from hotline.auth.service import LoginRefused, authenticate
from hotline.auth.supervisors import serving
from hotline.auth.users import create_user
from hotline.core.errors import ValidationFailed
from tests.factories import PASSWORD, UnitFactory
from tests.support.supervisors import appointed, station

# 2026-12-31 20:00 in Shanghai: the last local day of a term ending 2026-12-31.
LAST_EVENING = datetime(2026, 12, 31, 12, 0, tzinfo=UTC)
NEXT_MORNING = datetime(2027, 1, 1, 1, 0, tzinfo=UTC)  # 09:00 local on 1 January


def _sign_in(user, at):
    try:
        return authenticate(username=user.username, password=PASSWORD, now=at)
    except LoginRefused as refused:
        return refused.reason


def test_a_supervisor_signs_in_until_the_last_local_day_of_the_term(session):
    user = appointed(appointed_on=date(2026, 1, 1), term_ends_on=date(2026, 12, 31))

    assert _sign_in(user, LAST_EVENING) == user
    assert _sign_in(user, NEXT_MORNING) == "invalid"  # as if the account did not exist
    assert serving(user.id, now=LAST_EVENING)
    assert not serving(user.id, now=NEXT_MORNING)


def test_not_before_the_appointment_begins(session):
    user = appointed(appointed_on=date(2027, 1, 1), term_ends_on=None)

    assert _sign_in(user, LAST_EVENING) == "invalid"
    assert _sign_in(user, NEXT_MORNING) == user


def test_a_retired_supervisor_is_refused_even_with_the_right_password(session):
    user = appointed(retired_at=datetime(2026, 6, 1, tzinfo=UTC))

    assert _sign_in(user, LAST_EVENING) == "invalid"


def test_one_made_on_the_command_line_has_no_term(session):
    user = create_user(
        username="cli_jiandu", password=PASSWORD, role="special_supervisor", display_name="刘"
    )

    assert serving(user.id, now=NEXT_MORNING)
    assert _sign_in(user, NEXT_MORNING) == user


def test_a_station_staffs_supervisors_and_takes_no_unit_roles(session):
    desk, office = station(code="S-01"), UnitFactory(code="U-01")

    staffer = create_user(
        username="desk1", password=PASSWORD, role="special_supervisor", unit="S-01"
    )
    assert staffer.unit_id == desk.id
    with pytest.raises(ValidationFailed) as not_a_station:
        create_user(username="desk2", password=PASSWORD, role="special_supervisor", unit="U-01")
    assert not_a_station.value.fields == {"unit": ["only a monitoring station"]}
    with pytest.raises(ValidationFailed) as takes_none:
        create_user(username="agent9", password=PASSWORD, role="unit_agent", unit="S-01")
    assert takes_none.value.fields == {"unit": ["a monitoring station takes no tickets"]}
    assert office.kind == "responsible"
