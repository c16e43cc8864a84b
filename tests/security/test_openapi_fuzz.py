"""schemathesis against /api/v1/openapi.json (bounded for CI): no 5xx, and every response
matches the schema the document declares for it. Called with an operator's and a unit agent's
bearer token, so both the hotline and the unit-scoped paths are exercised."""

from __future__ import annotations

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from hotline.api.auth import issue_token
from tests.factories import UnitFactory, UserFactory, ticket_in

MAX_EXAMPLES = 6


@pytest.fixture
def api_schema(app: Flask):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def tokens(session, clock) -> dict[str, str]:
    clock.set("2026-10-12T10:00:00+08:00")
    unit = UnitFactory()
    ticket_in("accepted", unit=unit)
    operator = UserFactory(role="operator")
    agent = UserFactory(role="unit_agent", unit=unit)
    session.flush()
    return {"operator": issue_token(operator), "unit_agent": issue_token(agent)}


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_never_fails_with_5xx_and_answers_as_documented(case, tokens) -> None:
    for token in tokens.values():
        case.call_and_validate(
            headers={"Authorization": f"Bearer {token}"},
            checks=[not_a_server_error, response_schema_conformance],
        )
