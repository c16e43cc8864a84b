"""Statements run through `driver_sql` store what an ordinary `execute` would, on PostgreSQL
(named parameters) and SQLite (positional), and fail the same way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, StatementError

from hotline.core import driver_sql
from hotline.core.extensions import db
from hotline.core.models import WebhookDelivery
from hotline.intake.deliveries import _INSERT

BEIJING = timezone(timedelta(hours=8))


def _insert(key: str, at: datetime) -> None:
    conn = db.session.connection()
    row = {"key": key, "ticket_id": None, "response": "<Response/>", "created_at": at}
    driver_sql.compiled(_INSERT, conn.dialect).execute(conn, row)


def test_values_go_through_their_types_processing(session) -> None:
    # UTCDateTime stores an instant given in Beijing time as the same instant in UTC.
    _insert("sms:SM1", datetime(2026, 10, 14, 9, 30, tzinfo=BEIJING))
    stored = db.session.scalars(select(WebhookDelivery).filter_by(key="sms:SM1")).one()
    assert stored.created_at == datetime(2026, 10, 14, 1, 30, tzinfo=UTC)
    assert stored.response == "<Response/>"


def test_a_naive_time_is_refused_as_an_orm_write_would_refuse_it(session) -> None:
    with pytest.raises(StatementError, match="naive datetime"):
        _insert("sms:SM2", datetime(2026, 10, 14, 9, 30))


def test_a_duplicate_key_raises_sqlalchemys_integrity_error(session) -> None:
    # The SMS webhook tells a Twilio retry from a new message by this exception.
    _insert("sms:SM3", datetime(2026, 10, 14, 1, 30, tzinfo=UTC))
    with pytest.raises(IntegrityError):
        _insert("sms:SM3", datetime(2026, 10, 14, 1, 31, tzinfo=UTC))
