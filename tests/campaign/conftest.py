"""Campaign fixtures: the unit heads and an admin beside the callers of tests/support/api.py."""

from __future__ import annotations

import pytest

from tests.factories import UserFactory
from tests.support.api import Caller, caller


@pytest.fixture
def head(client, session, unit) -> Caller:
    """The head (一把手) of `unit` (SCJGJ)."""
    return caller(client, UserFactory(role="unit_head", unit=unit))


@pytest.fixture
def other_head(client, session, other_unit) -> Caller:
    return caller(client, UserFactory(role="unit_head", unit=other_unit))


@pytest.fixture
def admin(client, session) -> Caller:
    return caller(client, UserFactory(role="admin"))
