"""Housekeeping: stored Idempotency-Key answers are forgotten after a day, not before."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from hotline.core.idempotency import purge_idempotency_keys
from hotline.core.models import IdempotencyKey


def _key(session, name: str, created_at) -> None:
    session.add(
        IdempotencyKey(
            scope="user:1",
            key=name,
            method="POST",
            path="/api/v1/tickets",
            request_hash="0" * 64,
            status_code=201,
            body={"number": name},
            created_at=created_at,
        )
    )


def test_purge_removes_only_answers_older_than_a_day(session, clock):
    _key(session, "old", clock.now - timedelta(days=1, minutes=1))
    _key(session, "fresh", clock.now - timedelta(hours=23))
    session.flush()
    assert purge_idempotency_keys() == 1
    assert session.scalars(select(IdempotencyKey.key)).all() == ["fresh"]
