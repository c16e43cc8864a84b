"""The sign-in back-off: per username and address, doubling, capped; an attacker slows only
themselves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hotline.auth.service import (
    ACCOUNT_FREE_FAILURES,
    FREE_FAILURES,
    MAX_WAIT,
    LoginRefused,
    authenticate,
    backoff,
    purge_throttles,
)
from tests.factories import PASSWORD, UserFactory

NOW = datetime(2026, 10, 9, 1, 0, tzinfo=UTC)


def _try(user, password, *, at=NOW, address="203.0.113.9"):
    try:
        return authenticate(username=user.username, password=password, now=at, address=address)
    except LoginRefused as refused:
        return refused.reason


def test_the_wait_doubles_and_never_exceeds_fifteen_minutes():
    assert [backoff(n, FREE_FAILURES) for n in range(FREE_FAILURES)] == [None] * FREE_FAILURES
    waits = [backoff(n, FREE_FAILURES) for n in range(FREE_FAILURES, FREE_FAILURES + 8)]
    assert waits[:3] == [timedelta(seconds=30), timedelta(minutes=1), timedelta(minutes=2)]
    assert max(waits) == MAX_WAIT == timedelta(minutes=15)
    assert backoff(10_000, FREE_FAILURES) == MAX_WAIT


def test_an_attackers_failures_do_not_keep_the_owner_out(session):
    user = UserFactory(role="operator")
    for _ in range(FREE_FAILURES):
        assert _try(user, "wrong", address="198.51.100.66") in ("invalid", "locked")
    assert _try(user, PASSWORD, address="198.51.100.66") == "locked"  # the attacker waits
    assert _try(user, PASSWORD, address="192.0.2.10") == user  # the owner, elsewhere, does not


def test_after_the_wait_the_address_may_try_again_and_waits_longer_after_a_new_failure(session):
    user = UserFactory(role="operator")
    for _ in range(FREE_FAILURES):
        _try(user, "wrong")
    assert _try(user, PASSWORD, at=NOW + timedelta(seconds=20)) == "locked"
    assert _try(user, "wrong", at=NOW + timedelta(seconds=31)) == "locked"  # 6th: 1 min now
    assert _try(user, PASSWORD, at=NOW + timedelta(seconds=80)) == "locked"
    assert _try(user, PASSWORD, at=NOW + timedelta(seconds=95)) == user  # and the count resets


def test_many_addresses_at_once_slow_the_account_down_but_only_for_a_while(session):
    user = UserFactory(role="operator")
    for i in range(ACCOUNT_FREE_FAILURES):
        _try(user, "wrong", address=f"10.9.{i // 250}.{i % 250}")
    assert _try(user, PASSWORD, address="192.0.2.10") == "locked"
    assert _try(user, PASSWORD, at=NOW + MAX_WAIT + timedelta(seconds=1), address="192.0.2.10") == (
        user
    )


def test_old_failures_are_purged_but_a_running_wait_is_kept(session):
    user = UserFactory(role="operator")
    for _ in range(FREE_FAILURES):
        _try(user, "wrong")
    _try(user, "wrong", address="198.51.100.1")
    assert purge_throttles(now=NOW + timedelta(hours=2)) == 0  # younger than a day
    assert purge_throttles(now=NOW + timedelta(days=2)) == 2


@pytest.mark.parametrize("password", [PASSWORD, "wrong"])
def test_an_unknown_username_is_refused_like_a_wrong_password(session, password):
    with pytest.raises(LoginRefused) as refused:
        authenticate(username="nobody-here", password=password, now=NOW, address="1.2.3.4")
    assert refused.value.reason == "invalid"
