"""Staff-page fixtures: a user per role in two units, logging in, and a query counter."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event
from werkzeug.security import generate_password_hash

from hotline.auth.models import User
from hotline.core.extensions import db
from hotline.units.models import Unit
from tests.factories import PASSWORD, UnitFactory, UserFactory


@dataclass
class Staff:
    unit: Unit
    other_unit: Unit
    operator: User
    supervisor: User
    agent: User
    head: User
    other_agent: User
    inspector: User
    admin: User


def _cheap_hash(user: User, password: str) -> None:
    user.password_hash = generate_password_hash(password, method="pbkdf2:sha256:1000")


@pytest.fixture
def staff(session, monkeypatch) -> Staff:
    # Hashing at the production cost for nine users per test would dominate the run time;
    # checking still goes through werkzeug's check_password_hash.
    monkeypatch.setattr(User, "set_password", _cheap_hash)
    unit = UnitFactory(name="市市场监管局")
    other = UnitFactory(name="市住建局")
    people = Staff(
        unit=unit,
        other_unit=other,
        operator=UserFactory(role="operator"),
        supervisor=UserFactory(role="supervisor"),
        agent=UserFactory(role="unit_agent", unit=unit),
        head=UserFactory(role="unit_head", unit=unit),
        other_agent=UserFactory(role="unit_agent", unit=other),
        inspector=UserFactory(role="inspector"),
        admin=UserFactory(role="admin"),
    )
    return people


@pytest.fixture
def login(client: FlaskClient) -> Callable[[User], FlaskClient]:
    """Log the test client in as `user` (logging out whoever was in)."""

    def _login(user: User, password: str = PASSWORD) -> FlaskClient:
        client.post("/logout")
        response = client.post("/login", data={"username": user.username, "password": password})
        assert response.status_code == 302, response.data[:500]
        return client

    return _login


@pytest.fixture
def count_queries(app) -> Callable:
    """Counts SQL statements sent while the block runs (indico's count_queries idea)."""

    @contextmanager
    def _count() -> Iterator[list[str]]:
        seen: list[str] = []

        def before(conn, cursor, statement, parameters, context, executemany) -> None:
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
                seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield seen
        finally:
            event.remove(db.engine, "before_cursor_execute", before)

    return _count
