"""`flask users create`: a working account, or a clear error and a non-zero exit."""

from __future__ import annotations

from sqlalchemy import select

from hotline.auth.models import User
from hotline.core.extensions import db
from tests.factories import UnitFactory, UserFactory


def _create(runner, *extra: str):
    return runner.invoke(
        args=["users", "create", "--username", "lihua", "--password", "s3cret-pass", *extra]
    )


def _user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))


def test_creates_an_operator_who_can_log_in(runner, session):
    result = _create(runner, "--role", "operator")

    assert result.exit_code == 0, result.output
    assert "created user lihua" in result.output
    user = _user("lihua")
    assert user.role == "operator"
    assert user.unit_id is None
    assert user.check_password("s3cret-pass")
    assert not user.check_password("wrong")


def test_creates_a_unit_agent_in_its_unit(runner, session):
    unit = UnitFactory(code="C-SCJG")

    result = _create(runner, "--role", "unit_agent", "--unit", "C-SCJG")

    assert result.exit_code == 0, result.output
    assert _user("lihua").unit_id == unit.id


def test_unknown_role_is_refused(runner, session):
    result = _create(runner, "--role", "boss")

    assert result.exit_code != 0
    assert "unknown role 'boss'" in result.output
    assert _user("lihua") is None


def test_unknown_unit_is_refused(runner, session):
    result = _create(runner, "--role", "unit_agent", "--unit", "NOPE")

    assert result.exit_code != 0
    assert "unknown unit 'NOPE'" in result.output


def test_unit_role_without_a_unit_is_refused(runner, session):
    result = _create(runner, "--role", "unit_head")

    assert result.exit_code != 0
    assert "needs --unit" in result.output


def test_duplicate_username_is_refused(runner, session):
    UserFactory(username="lihua", role="inspector")
    session.commit()

    result = _create(runner, "--role", "operator")

    assert result.exit_code != 0
    assert "username 'lihua' is taken" in result.output
    assert _user("lihua").role == "inspector"


def test_short_password_is_refused(runner, session):
    result = runner.invoke(
        args=["users", "create", "--username", "x", "--password", "123", "--role", "admin"]
    )

    assert result.exit_code != 0
    assert "at least 8 characters" in result.output
