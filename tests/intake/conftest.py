"""Intake fixtures: a signed-Twilio poster, and wake-ups recorded instead of enqueued."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.intake.helpers import Twilio
from tests.support.api import recording_wake_ups


@pytest.fixture
def twilio(client: FlaskClient) -> Twilio:
    return Twilio(client)


@pytest.fixture(autouse=True)
def woken(app: Flask) -> Iterator[list[str]]:
    """Jobs woken after commit, recorded instead of enqueued so tests can see them."""
    yield from recording_wake_ups(app)


@pytest.fixture
def csrf_on(app: Flask) -> Iterator[None]:
    """CSRF protection as in production (the test config turns it off)."""
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        yield
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
